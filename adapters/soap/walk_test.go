package soap

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/gateway/gatewaytest"
	"gateway/internal/handlerbench"
	"gateway/wsdl"
)

// walkSchemas are the response wrappers the walked-response tests write:
// "Plain" of the shapes the schemaWriter takes (nested and repeated
// structures, optional, required and nillable scalars of every kind, an
// unqualified and a foreign-namespace field), and one wrapper per shape it
// leaves to the encoder.
func walkSchemas() map[string]*wsdl.Element {
	scalar := func(k wsdl.Kind, xsd string) *wsdl.Type {
		return &wsdl.Type{Kind: k, XSDName: xsd, MinLen: -1, MaxLen: -1}
	}
	str, dec, long := scalar(wsdl.KindString, "string"), scalar(wsdl.KindDouble, "decimal"), scalar(wsdl.KindLong, "long")
	field := func(space, local string, t *wsdl.Type, min, max int, nillable bool) *wsdl.Element {
		return &wsdl.Element{Name: xmlName(space, local), Type: t, Min: min, Max: max, Nillable: nillable}
	}
	structOf := func(fields ...*wsdl.Element) *wsdl.Type {
		return &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1, Fields: fields}
	}
	item := structOf(
		field("urn:w", "sku", str, 1, 1, false),
		field("urn:w", "name", str, 0, 1, false),
		field("urn:w", "stock", scalar(wsdl.KindInt, "int"), 1, 1, false),
		field("urn:w", "price", dec, 0, 1, true),
		field("", "when", scalar(wsdl.KindDateTime, "dateTime"), 0, 1, false),
		field("urn:other", "data", scalar(wsdl.KindBase64, "base64Binary"), 0, 1, false),
		field("urn:w", "hash", scalar(wsdl.KindHex, "hexBinary"), 0, 1, false),
		field("urn:w", "ok", scalar(wsdl.KindBool, "boolean"), 0, 1, true),
		field("urn:w", "tag", str, 0, -1, false),
	)
	wrapper := func(fields ...*wsdl.Element) *wsdl.Element {
		return &wsdl.Element{Name: xmlName("urn:w", "Response"), Min: 1, Max: 1, Type: structOf(fields...)}
	}
	withItem := func(t *wsdl.Type) *wsdl.Element {
		return wrapper(field("urn:w", "item", t, 0, 1, false), field("urn:w", "count", long, 0, 1, false))
	}
	derived := structOf(append(append([]*wsdl.Element{}, item.Fields...), field("urn:w", "extra", str, 0, 1, false))...)
	derived.Name = xmlName("urn:w", "Special")
	base := structOf(item.Fields...)
	base.Name, base.Derived = xmlName("urn:w", "Item"), []*wsdl.Type{derived}
	attrs := structOf(item.Fields...)
	attrs.Attrs = []*wsdl.Attribute{{Name: xmlName("", "currency"), Type: str, Member: "currency"}}
	text := structOf()
	text.Text, text.Attrs = dec, attrs.Attrs
	open := structOf(item.Fields...)
	open.Any = true
	group := structOf(field("urn:w", "sku", str, 0, -1, false), field("urn:w", "name", str, 0, -1, false))
	group.Fields[0].Group, group.Fields[1].Group = 1, 1
	twice := structOf(field("urn:w", "sku", str, 0, 1, false), field("urn:other", "sku", str, 0, 1, false))
	return map[string]*wsdl.Element{
		"Plain": wrapper(
			field("urn:w", "item", item, 0, 1, false),
			field("urn:w", "items", item, 0, -1, false),
			field("urn:w", "count", long, 1, 1, false),
			field("urn:w", "note", str, 1, 1, true),
		),
		"Derived":    withItem(base),
		"Attributes": withItem(attrs),
		"Text":       withItem(text),
		"Open":       withItem(open),
		"Group":      withItem(group),
		"Twice":      withItem(twice),
		"QName":      wrapper(field("urn:w", "item", scalar(wsdl.KindString, "QName"), 0, 1, false)),
		"AnyType":    wrapper(field("urn:w", "item", &wsdl.Type{Kind: wsdl.KindAny, MinLen: -1, MaxLen: -1}, 0, 1, false)),
		"Array":      wrapper(field("urn:w", "item", &wsdl.Type{Kind: wsdl.KindArray, Item: str, MinLen: -1, MaxLen: -1}, 0, 1, false)),
	}
}

// walkedAndEncoded writes value as the answer el by both paths: walked
// (ok false if the schemaWriter gave up) and by the encoder.
func walkedAndEncoded(el *wsdl.Element, value gateway.Struct) (walked []byte, ok bool, encoded []byte, err error) {
	var w schemaWriter
	walked, ok = walkResponse(&w, nil, V11, el, []byte("<h/>"), gateway.StructResult(value))
	encoded, err = AppendEnvelope(nil, V11, []byte("<h/>"), el, value)
	return walked, ok, encoded, err
}

func TestWalkedResponses(t *testing.T) {
	schemas := walkSchemas()
	when := time.Date(2026, 12, 1, 5, 0, 0, 5e8, time.FixedZone("", 3600))
	item := gateway.Struct{
		{Name: "sku", Value: "A-1 & <b>"}, {Name: "name", Value: "Widget"}, {Name: "stock", Value: int64(7)},
		{Name: "price", Value: gateway.Decimal("12.50")}, {Name: "when", Value: when},
		{Name: "data", Value: []byte("hi")}, {Name: "hash", Value: []byte{0xca, 0xfe}}, {Name: "ok", Value: true},
		{Name: "tag", Value: []any{"x", "y"}},
	}
	for _, tc := range []struct {
		name, schema string
		value        gateway.Struct
		walks        bool // the schemaWriter writes it (else it gives up, for the encoder)
	}{
		{"every scalar", "Plain", gateway.Struct{{Name: "item", Value: item}, {Name: "count", Value: int64(1)}, {Name: "note", Value: "n"}}, true},
		{"a list of structures", "Plain", gateway.Struct{{Name: "items", Value: []any{item, gateway.Struct{{Name: "sku", Value: "B"}, {Name: "stock", Value: int64(0)}}}}, {Name: "count", Value: int64(2)}, {Name: "note", Value: nil}}, true},
		{"one structure for a list", "Plain", gateway.Struct{{Name: "items", Value: item}, {Name: "count", Value: int64(1)}, {Name: "note", Value: "n"}}, true},
		{"an empty list", "Plain", gateway.Struct{{Name: "items", Value: []any{}}, {Name: "count", Value: int64(0)}, {Name: "note", Value: "n"}}, true},
		{"required nillable left out: nil", "Plain", gateway.Struct{{Name: "count", Value: int64(0)}}, true},
		{"members the schema does not name", "Plain", gateway.Struct{{Name: "x", Value: gateway.Struct{{Name: "count", Value: []any{int64(1)}}}}, {Name: "count", Value: int64(3)}, {Name: "y", Value: []any{gateway.Struct{}}}, {Name: "note", Value: "n"}}, true},
		{"nillable nil, optional nil", "Plain", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A"}, {Name: "stock", Value: int64(1)}, {Name: "price", Value: nil}, {Name: "name", Value: nil}}}, {Name: "count", Value: int64(1)}}, false},
		{"nil price", "Plain", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A"}, {Name: "name", Value: nil}, {Name: "stock", Value: int64(1)}, {Name: "price", Value: nil}}}, {Name: "count", Value: int64(1)}}, true},
		{"a number where text is due", "Plain", gateway.Struct{{Name: "count", Value: int64(1)}, {Name: "note", Value: int64(2)}}, false},
		{"text where a number is due", "Plain", gateway.Struct{{Name: "count", Value: "1"}}, false},
		{"exact numbers", "Plain", gateway.Struct{{Name: "count", Value: gateway.BigInt("123456789012345678901234567890")}, {Name: "note", Value: "n"}}, true},
		{"doubles", "Plain", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: ""}, {Name: "stock", Value: int64(-1)}, {Name: "price", Value: math.Inf(-1)}}}, {Name: "items", Value: []any{gateway.Struct{{Name: "sku", Value: ""}, {Name: "stock", Value: int64(1)}, {Name: "price", Value: 0.1}}}}, {Name: "count", Value: int64(1)}, {Name: "note", Value: "n"}}, true},
		{"required left out", "Plain", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A"}}}, {Name: "count", Value: int64(1)}}, false},
		{"out of schema order", "Plain", gateway.Struct{{Name: "note", Value: "n"}, {Name: "count", Value: int64(1)}}, false},
		{"a member twice", "Plain", gateway.Struct{{Name: "count", Value: int64(1)}, {Name: "count", Value: int64(2)}, {Name: "note", Value: "n"}}, false},
		{"a nil item of a list", "Plain", gateway.Struct{{Name: "items", Value: []any{nil}}, {Name: "count", Value: int64(1)}, {Name: "note", Value: "n"}}, false},
		{"a list where one is due", "Plain", gateway.Struct{{Name: "count", Value: []any{int64(1)}}, {Name: "note", Value: "n"}}, false},
		{"a derived type's base", "Derived", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A"}, {Name: "stock", Value: int64(1)}}}}, false},
		{"attributes", "Attributes", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "currency", Value: "EUR"}, {Name: "sku", Value: "A"}, {Name: "stock", Value: int64(1)}}}}, false},
		{"text content", "Text", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: wsdl.TextMember, Value: gateway.Decimal("1.5")}}}}, false},
		{"open content", "Open", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A"}, {Name: "stock", Value: int64(1)}, {Name: wsdl.AnyMember, Value: []any{"<x/>"}}}}}, false},
		{"a repeated group", "Group", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: []any{"a", "b"}}, {Name: "name", Value: []any{"A", "B"}}}}}, false},
		{"two fields of one name", "Twice", gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "a"}}}}, false},
		{"a QName", "QName", gateway.Struct{{Name: "item", Value: "{urn:q}name"}}, false},
		{"anyType", "AnyType", gateway.Struct{{Name: "item", Value: "x"}}, false},
		{"a SOAP-ENC array", "Array", gateway.Struct{{Name: "item", Value: []any{"x"}}}, false},
		{"a structure left out where a structure of another shape is", "Derived", gateway.Struct{{Name: "count", Value: int64(1)}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			walked, ok, encoded, err := walkedAndEncoded(schemas[tc.schema], tc.value)
			if ok != tc.walks || !ok && walked != nil {
				t.Fatalf("walked: %v (%d bytes), want %v (encoder: %v)", ok, len(walked), tc.walks, err)
			}
			if ok && (err != nil || !bytes.Equal(walked, encoded)) {
				t.Fatalf("walked\n%s\nencoded (%v)\n%s", walked, err, encoded)
			}
		})
	}
}

// FuzzWalkedResponseIsEncoded holds the schemaWriter to the encoder: for
// any value of any of walkSchemas' answers, an answer it writes is the
// encoder's, byte for byte (and one the encoder refuses, it does not
// write).
func FuzzWalkedResponseIsEncoded(f *testing.F) {
	f.Add([]byte{0, 8, 3, 0, 8, 4, 1, 0, 0, 1, 2, 2, 1, 0, 5, 3, 1, 2})
	f.Add([]byte{0, 8, 4, 1, 9, 3, 8, 5, 0, 0, 'a', 1, 2, 1, 3, 4, 3, 0, 3, 6, 4, 1, 2})
	f.Add([]byte("\x05\x08\x02\x00\x08\x03\x00\x00\x01\x02\x01\x03\x03"))
	schemas := walkSchemas()
	names := []string{"Plain", "Plain", "Plain", "Derived", "Attributes", "Text", "Open", "Group", "Twice", "QName", "AnyType", "Array"}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &valueGen{data: data}
		el := schemas[names[int(g.byte())%len(names)]]
		st, _ := g.value(0, true).(gateway.Struct)
		walked, ok, encoded, err := walkedAndEncoded(el, st)
		if !ok && walked != nil {
			t.Fatalf("gave up, with %d bytes", len(walked))
		}
		if ok && (err != nil || !bytes.Equal(walked, encoded)) {
			t.Fatalf("%#v\nwalked\n%s\nencoded (%v)\n%s", st, walked, err, encoded)
		}
	})
}

// valueGen makes neutral values from fuzz bytes, with members named as
// walkSchemas' fields are (and a few they are not).
type valueGen struct{ data []byte }

var genNames = []string{"item", "items", "count", "note", "sku", "name", "stock", "price", "when", "data", "hash", "ok", "tag", "extra", "currency", "x", wsdl.TextMember, wsdl.AnyMember, wsdl.TypeMember}

func (g *valueGen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *valueGen) value(depth int, structure bool) any {
	k := g.byte() % 12
	if structure {
		k = 8
	}
	switch k {
	case 0:
		return strings.Repeat("a&<\u00e9", int(g.byte()%3))
	case 1:
		return int64(int8(g.byte())) * 1000
	case 2:
		var b [8]byte
		for i := range b {
			b[i] = g.byte()
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
	case 3:
		return g.byte()%2 == 0
	case 4:
		return nil
	case 5:
		return gateway.Decimal("-0.50")
	case 6:
		return time.Date(2026, 1, 2, 3, 4, 5, int(g.byte())*1e6, []*time.Location{time.UTC, gateway.NoZone, time.FixedZone("", -7200)}[g.byte()%3])
	case 7:
		return []byte{g.byte()}
	case 8:
		if depth > 3 {
			return gateway.Struct{}
		}
		n := int(g.byte() % 6)
		st := make(gateway.Struct, 0, n)
		for range n {
			st = append(st, gateway.Member{Name: genNames[int(g.byte())%len(genNames)], Value: g.value(depth+1, false)})
		}
		return st
	case 9:
		if depth > 3 {
			return []any{}
		}
		list := make([]any, g.byte()%4)
		for i := range list {
			list[i] = g.value(depth+1, false)
		}
		return list
	case 10:
		return gateway.BigInt("-98765432109876543210")
	}
	return "{urn:q}n"
}

// TestInventoryAnswersAreWalked: the demo service's answers (typed
// operations, from generated Go types) are written as they are walked, not
// left to the encoder.
func TestInventoryAnswersAreWalked(t *testing.T) {
	core, token, log := handlerbench.Inventory(t, "../../examples/inventory/inventory.wsdl", "soap")
	h, err := New(core, Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ op, params, want string }{
		{"GetItem", "<m:sku>A-1</m:sku>", "<m:item><m:sku>A-1</m:sku><m:name>Widget</m:name>"},
		{"ListItems", "", "</m:item><m:item>"},
		{"Reserve", "<m:sku>A-1</m:sku><m:quantity>1</m:quantity>", "<m:reservation><m:id>"},
	} {
		body := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><gw:Session xmlns:gw="urn:gateway:session">` + token +
			`</gw:Session></soap:Header><soap:Body><m:` + tc.op + ` xmlns:m="urn:gateway:examples:inventory">` + tc.params + `</m:` + tc.op + `></soap:Body></soap:Envelope>`
		req := httptest.NewRequest(http.MethodPost, "/soap/inventory", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
			t.Fatalf("%s: %d %s", tc.op, rec.Code, rec.Body)
		}
	}
	ep := (*h.endpoints.Load())["inventory"]
	ep.unwalked.Range(func(op, _ any) bool {
		t.Errorf("%s was left to the encoder", op.(*wsdl.Operation).Name)
		return true
	})
}

// answer is an implementation that answers every call with one Struct.
type answer gateway.Struct

func (a answer) Invoke(context.Context, *gateway.Call) (gateway.Struct, error) {
	return gateway.Struct(a), nil
}

// TestUnwalkedAnswersAreEncoded: an answer the schemaWriter gives up on
// (here its members out of the schema's order) is written by the encoder,
// whole, and so is every later answer of its operation.
func TestUnwalkedAnswersAreEncoded(t *testing.T) {
	def := inventory(t)
	item := gateway.Struct{{Name: "price", Value: 2.5}, {Name: "stock", Value: int64(3)}, {Name: "name", Value: "Widget"}, {Name: "sku", Value: "A-1"}}
	value := gateway.Struct{{Name: "item", Value: item}}
	core := gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "pw", Groups: []string{"staff"}}},
		&gateway.Service{Name: "inventory", Definition: def, Impl: answer(value)})
	h, err := New(core, Options{})
	if err != nil {
		t.Fatal(err)
	}
	op := def.Operation("GetItem")
	want, err := appendResponse(nil, V11, op.Output, value, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "/soap/inventory", strings.NewReader(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></s:Body></s:Envelope>`))
		req.Header.Set("Content-Type", "text/xml")
		req.SetBasicAuth("bob", "pw")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.String() != string(want) {
			t.Fatalf("%d\n%s\nwant\n%s", rec.Code, rec.Body, want)
		}
		if _, unwalked := (*h.endpoints.Load())["inventory"].unwalked.Load(op); !unwalked {
			t.Fatal("the operation is not marked as the encoder's")
		}
	}
}
