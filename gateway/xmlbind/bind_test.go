package xmlbind_test

import (
	"encoding/xml"
	"reflect"
	"testing"
	"time"

	"github.com/hooklift/gowsdl/soap"

	"gateway/gateway"
	"gateway/gateway/xmlbind"
)

type line struct {
	Sku string `xml:"urn:x sku,omitempty"`
	Qty int32  `xml:"qty,omitempty"`
}

type order struct {
	XMLName xml.Name         `xml:"urn:x Order"`
	ID      string           `xml:"id"`
	Urgent  bool             `xml:"urgent"`
	Total   float64          `xml:"total"`
	At      soap.XSDDateTime `xml:"at"`
	When    time.Time        `xml:"when"`
	Lines   []*line          `xml:"line"`
	Note    *string          `xml:"note,omitempty"`
	Blob    []byte           `xml:"blob"`
	skipped int
}

func TestBindAndValueOf(t *testing.T) {
	at := time.Date(2026, 11, 27, 5, 6, 7, 0, time.UTC)
	in := gateway.Struct{
		{Name: "id", Value: "O-1"}, {Name: "urgent", Value: true}, {Name: "total", Value: int64(12)},
		{Name: "at", Value: at}, {Name: "when", Value: at},
		{Name: "line", Value: []any{gateway.Struct{{Name: "sku", Value: "A"}, {Name: "qty", Value: int64(2)}}}},
		{Name: "note", Value: nil}, {Name: "blob", Value: []byte("hi")},
	}
	var o order
	if err := xmlbind.Bind(in, &o); err != nil {
		t.Fatal(err)
	}
	if o.ID != "O-1" || !o.Urgent || o.Total != 12 || !o.At.ToGoTime().Equal(at) || !o.When.Equal(at) ||
		len(o.Lines) != 1 || o.Lines[0].Qty != 2 || o.Note != nil || string(o.Blob) != "hi" {
		t.Fatalf("bound %+v", o)
	}
	back := xmlbind.ValueOf(&o).(gateway.Struct)
	if back.String("id") != "O-1" || back.Int("urgent") != 0 {
		t.Errorf("ValueOf: %#v", back)
	}
	if v, _ := back.Get("at"); !v.(time.Time).Equal(at) {
		t.Errorf("XSDDateTime back: %v", v)
	}
	lines, _ := back.Get("line")
	want := []any{gateway.Struct{{Name: "sku", Value: "A"}, {Name: "qty", Value: int64(2)}}}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %#v", lines)
	}
	// A value that does not fit is refused, and the error names where.
	for _, tc := range []struct {
		in   gateway.Struct
		want string
	}{
		{gateway.Struct{{Name: "urgent", Value: "yes"}}, "bind urgent: string does not fit bool"},
		{gateway.Struct{{Name: "line", Value: []any{gateway.Struct{{Name: "sku", Value: "A"}}, gateway.Struct{{Name: "qty", Value: int64(1) << 40}}}}}, "bind line[1].qty: int does not fit int32"},
		{gateway.Struct{{Name: "line", Value: "A"}}, "bind line[0]: string where a struct is due"},
	} {
		err := xmlbind.Bind(tc.in, &o)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Bind(%v) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
