package xmlbind_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hooklift/gowsdl/soap"

	"gateway/gateway"
	"gateway/gateway/xmlbind"
)

// recorder writes down a walk's calls.
type recorder struct{ b strings.Builder }

func (r *recorder) Value(v gateway.Value) {
	if t, ok := v.(time.Time); ok {
		v = t.Format(time.RFC3339Nano) // times compare by instant and zone, not by their monotonic readings
	}
	fmt.Fprintf(&r.b, "value %T %v\n", v, v)
}
func (r *recorder) String(s string)         { fmt.Fprintf(&r.b, "string %q\n", s) }
func (r *recorder) Int(n int64)             { fmt.Fprintf(&r.b, "int %d\n", n) }
func (r *recorder) Float(f float64)         { fmt.Fprintf(&r.b, "float %v\n", f) }
func (r *recorder) Bool(b bool)             { fmt.Fprintf(&r.b, "bool %v\n", b) }
func (r *recorder) StartStruct()            { r.b.WriteString("{\n") }
func (r *recorder) StartMember(name string) { fmt.Fprintf(&r.b, "member %s\n", name) }
func (r *recorder) EndMember()              { r.b.WriteString("end member\n") }
func (r *recorder) EndStruct()              { r.b.WriteString("}\n") }
func (r *recorder) StartArray(n int)        { fmt.Fprintf(&r.b, "[%d\n", n) }
func (r *recorder) StartItem()              { r.b.WriteString("item\n") }
func (r *recorder) EndItem()                { r.b.WriteString("end item\n") }
func (r *recorder) EndArray()               { r.b.WriteString("]\n") }

// walks is what Walk makes of v, and what WalkValue makes of ValueOf(v).
func walks(v any) (walked, neutral string) {
	var a, b recorder
	xmlbind.Walk(v, &a)
	gateway.WalkValue(xmlbind.ValueOf(v), &b)
	return a.b.String(), b.b.String()
}

type walked struct {
	Name   string         `xml:"name"`
	Small  uint16         `xml:"small"`
	Big    uint64         `xml:"big"`
	Ratio  float32        `xml:"ratio"`
	Any    any            `xml:"any"`
	Lines  []line         `xml:"line"`
	Nested *walked        `xml:"nested"`
	Times  []time.Time    `xml:"times"`
	XTime  *soap.XSDTime  `xml:"xtime"`
	Codes  []string       `xml:"code"`
	Attr   string         `xml:"attr,attr"`
	Map    map[string]int `xml:"map"`
}

// TestWalkIsValueOf: a walk of a generated value makes the calls a walk of
// its neutral value makes, for every kind ValueOf knows.
func TestWalkIsValueOf(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 4, 5, 6, time.FixedZone("x", 3600))
	note := "n"
	xt := soap.CreateXsdTime(3, 4, 5, 6, at.Location())
	for i, v := range []any{
		nil,
		&order{ID: "O-1", Urgent: true, Total: 1.5, At: soap.CreateXsdDateTime(at, true), When: at,
			Lines: []*line{{Sku: "A", Qty: 2}, nil}, Note: &note, Blob: []byte("hi")},
		order{},
		&walked{Name: "w", Small: 7, Big: 1 << 63, Ratio: 0.25, Any: int32(3), Lines: []line{{Sku: "B"}},
			Nested: &walked{Any: &line{Sku: "C"}, Codes: []string{}}, Times: []time.Time{at}, XTime: &xt, Codes: []string{"a", "b"}, Attr: "x",
			Map: map[string]int{"k": 1}},
		(*walked)(nil),
		[]*line{{Sku: "D", Qty: -1}},
		"s", int8(-3), true, 2.5, []byte{1, 2},
	} {
		w, n := walks(v)
		if w != n {
			t.Errorf("%d %T: walked\n%s\nneutral\n%s", i, v, w, n)
		}
	}
}

// FuzzWalkIsValueOf: the same for values of the generated kinds as a
// fuzzer fills them.
func FuzzWalkIsValueOf(f *testing.F) {
	f.Add("O-1", true, 1.5, int32(2), uint8(3), true, []byte("hi"), int64(1700000000))
	f.Fuzz(func(t *testing.T, id string, urgent bool, total float64, qty int32, lines uint8, withNote bool, blob []byte, unix int64) {
		o := &order{ID: id, Urgent: urgent, Total: total, When: time.Unix(unix%(1<<40), 0).UTC(), Blob: blob}
		for i := range int(lines % 8) {
			if i%3 == 2 {
				o.Lines = append(o.Lines, nil)
				continue
			}
			o.Lines = append(o.Lines, &line{Sku: id[:min(len(id), i)], Qty: qty + int32(i)})
		}
		if withNote {
			o.Note = &id
		}
		if w, n := walks(o); w != n {
			t.Fatalf("walked\n%s\nneutral\n%s", w, n)
		}
	})
}
