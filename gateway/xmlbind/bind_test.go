package xmlbind_test

import (
	"context"
	"encoding/xml"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hooklift/gowsdl/soap"

	"gateway/gateway"
	"gateway/gateway/xmlbind"
	"gateway/wsdl"
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

// greeter is a service of methods for TestMethods.
type greeter struct{}

type greetIn struct {
	Name string `xml:"name"`
}
type greetOut struct {
	Greeting string `xml:"greeting"`
}

func (greeter) Greet(_ context.Context, call *gateway.Call, in *greetIn) (*greetOut, error) {
	return &greetOut{Greeting: "hello " + in.Name + " from " + call.Operation.Name}, nil
}

// TestMethods: an operation's method is found by its name and bound to
// its types; a service whose methods do not fit its WSDL is refused with
// both named.
func TestMethods(t *testing.T) {
	def, err := wsdl.LoadBytes("greeter.wsdl", []byte(greeterWSDL))
	if err != nil {
		t.Fatal(err)
	}
	impl, err := xmlbind.Methods(def, greeter{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := impl.Invoke(t.Context(), &gateway.Call{Operation: def.Operation("Greet"), Params: gateway.Struct{{Name: "name", Value: "Ann"}}})
	if err != nil || out.String("greeting") != "hello Ann from Greet" {
		t.Errorf("Greet: %v %v", out, err)
	}
	type none struct{}
	if _, err := xmlbind.Methods(def, none{}); err == nil || !strings.Contains(err.Error(), "operation Greet") || !strings.Contains(err.Error(), "has no method Greet") {
		t.Errorf("a missing method: %v", err)
	}
	if _, err := xmlbind.Methods(def, wrongForm{}); err == nil || !strings.Contains(err.Error(), "want func(context.Context, *gateway.Call") {
		t.Errorf("a method of another form: %v", err)
	}
}

type wrongForm struct{}

func (wrongForm) Greet(name string) string { return name }

const greeterWSDL = `<definitions name="greeter" targetNamespace="urn:g" xmlns:tns="urn:g" xmlns="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <types><xs:schema targetNamespace="urn:g">
    <xs:element name="Greet"><xs:complexType><xs:sequence><xs:element name="name" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="GreetResponse"><xs:complexType><xs:sequence><xs:element name="greeting" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
  </xs:schema></types>
  <message name="In"><part name="p" element="tns:Greet"/></message><message name="Out"><part name="p" element="tns:GreetResponse"/></message>
  <portType name="P"><operation name="Greet"><input message="tns:In"/><output message="tns:Out"/></operation></portType>
  <binding name="B" type="tns:P"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Greet"><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation></binding>
</definitions>`

// TestOperations: typed functions bound by name serve their operations as
// the methods do; every operation needs one, and a name the WSDL does not
// have is refused.
func TestOperations(t *testing.T) {
	def, err := wsdl.LoadBytes("greeter.wsdl", []byte(greeterWSDL))
	if err != nil {
		t.Fatal(err)
	}
	impl, err := xmlbind.Operations(def, nil, xmlbind.Func("Greet", greeter{}.Greet))
	if err != nil {
		t.Fatal(err)
	}
	out, err := impl.Invoke(t.Context(), &gateway.Call{Operation: def.Operation("Greet"), Params: gateway.Struct{{Name: "name", Value: "Ann"}}})
	if err != nil || out.String("greeting") != "hello Ann from Greet" {
		t.Errorf("Greet: %v %v", out, err)
	}
	if _, err := impl.Invoke(t.Context(), &gateway.Call{Operation: def.Operation("Greet"), Params: gateway.Struct{{Name: "name", Value: int64(1)}}}); err == nil || err.Error() != "bind name: int does not fit string" {
		t.Errorf("a parameter that does not fit: %v", err)
	}
	noResult := xmlbind.FuncNoInput("Greet", func(context.Context, *gateway.Call) (*greetOut, error) { return nil, nil })
	if impl, err := xmlbind.Operations(def, nil, noResult); err != nil {
		t.Fatal(err)
	} else if out, err := impl.Invoke(t.Context(), &gateway.Call{Operation: def.Operation("Greet")}); err != nil || len(out) != 0 {
		t.Errorf("a nil response: %v %v, want an empty result", out, err)
	}
	for _, tc := range []struct {
		ops  []xmlbind.Op
		want string
	}{
		{nil, "operation Greet: no function bound to it"},
		{[]xmlbind.Op{xmlbind.Func("Greet", greeter{}.Greet), xmlbind.Func("Greeet", greeter{}.Greet)}, "operation Greeet: not in the WSDL"},
		{[]xmlbind.Op{xmlbind.Func("Greet", greeter{}.Greet), xmlbind.Func("Greet", greeter{}.Greet)}, "operation Greet: bound twice"},
	} {
		if _, err := xmlbind.Operations(def, nil, tc.ops...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Operations: %v, want %q", err, tc.want)
		}
	}
}

// node refers to itself: its plan must not be made forever.
type node struct {
	Name     string            `xml:"name"`
	Children []*node           `xml:"child"`
	At       *soap.XSDDateTime `xml:"at"`
}

// TestRecursiveTypeAndNilTime: a type that contains itself binds and
// converts to any depth, and an absent (nil) XSDDateTime pointer is nil,
// not a panic.
func TestRecursiveTypeAndNilTime(t *testing.T) {
	in := gateway.Struct{{Name: "name", Value: "root"}, {Name: "child", Value: []any{
		gateway.Struct{{Name: "name", Value: "kid"}, {Name: "child", Value: []any{gateway.Struct{{Name: "name", Value: "grandkid"}}}}},
	}}}
	var n node
	if err := xmlbind.Bind(in, &n); err != nil {
		t.Fatal(err)
	}
	if n.Children[0].Children[0].Name != "grandkid" {
		t.Fatalf("bound %+v", n)
	}
	back := xmlbind.ValueOf(&n).(gateway.Struct)
	kids, _ := back.Get("child")
	grandkids, _ := kids.([]any)[0].(gateway.Struct).Get("child")
	if name := grandkids.([]any)[0].(gateway.Struct).String("name"); name != "grandkid" {
		t.Errorf("back: %#v", back)
	}
	if at, _ := back.Get("at"); at != nil {
		t.Errorf("a nil time: %#v", at)
	}
}

// fresh is converted by no other test: its plans are made while the calls
// of TestPlansMadeConcurrently run.
type fresh struct {
	Name  string   `xml:"name"`
	Items []*fresh `xml:"item"`
}

// TestPlansMadeConcurrently: calls that meet a type for the first time on
// several goroutines at once all convert it whole (no call sees a plan
// being made).
func TestPlansMadeConcurrently(t *testing.T) {
	v := &fresh{Name: "a", Items: []*fresh{{Name: "b"}}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			st, ok := xmlbind.ValueOf(v).(gateway.Struct)
			if !ok || st.String("name") != "a" {
				t.Errorf("ValueOf: %#v", st)
			}
			var back fresh
			if err := xmlbind.Bind(st, &back); err != nil || len(back.Items) != 1 || back.Items[0].Name != "b" {
				t.Errorf("Bind: %+v %v", back, err)
			}
		})
	}
	wg.Wait()
}
