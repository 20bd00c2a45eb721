package soap

import (
	"bytes"
	"strings"
	"testing"

	"gateway/gateway"
	"gateway/wsdl"
)

const encEnvelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><soapenv:Body>`

// TestEncodedRequestsAndAnswers: rpc/encoded calls as Axis 1 and SOAP::Lite
// send them (xsi:type everywhere, multiRefs, arrays of structs and of
// arrays) decode to plain values; answers encode with xsi:type and
// arrayType and read back.
func TestEncodedRequestsAndAnswers(t *testing.T) {
	def := corpus(t, "axis-rpc-encoded.wsdl")
	cases := []struct{ name, body, op, want string }{
		{"scalars", `<ns1:findProducts soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:corpus:axis:catalog"><query xsi:type="soapenc:string">lamp</query><limit xsi:type="xsd:int">2</limit></ns1:findProducts>`,
			"findProducts", "[{query lamp} {limit 2}]"},
		{"struct by multiRef, array inside", `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#id0"/></ns1:echoProduct><multiRef id="id0" soapenc:root="0" xsi:type="ns2:Product" xmlns:ns2="http://model.catalog.corpus"><code xsi:type="soapenc:string">L-1</code><price xsi:type="xsd:double">9.5</price><tags xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[2]"><item>a</item><item href="#id1"/></tags></multiRef><multiRef id="id1" xsi:type="soapenc:string">b</multiRef>`,
			"echoProduct", "[{product [{code L-1} {price 9.5} {tags [a b]}]}]"},
		{"nil field", `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product xsi:type="ns2:Product" xmlns:ns2="http://model.catalog.corpus"><code xsi:nil="true"/><price>1</price><tags xsi:nil="true"/></product></ns1:echoProduct>`,
			"echoProduct", "[{product [{code <nil>} {price 1} {tags <nil>}]}]"},
	}
	for _, c := range cases {
		req, err := Decode(strings.NewReader(encEnvelope+c.body+`</soapenv:Body></soapenv:Envelope>`), V11, def, 32)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if req.Operation.Name != c.op || fmtStruct(req.Params) != c.want {
			t.Errorf("%s: %s %s, want %s", c.name, req.Operation.Name, fmtStruct(req.Params), c.want)
		}
		if _, err := gateway.CheckInput(req.Operation.Input, req.Params); err != nil {
			t.Errorf("%s: schema check: %v", c.name, err)
		}
	}
	// Hostile references: each refused with a fault, none loops.
	for name, body := range map[string]string{
		"dangling":  `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#nowhere"/></ns1:echoProduct>`,
		"self":      `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#a" id="a"/></ns1:echoProduct>`,
		"cycle":     `<ns1:getMatrix xmlns:ns1="urn:corpus:axis:catalog"><size href="#x"/></ns1:getMatrix><m id="x" href="#y"/><m id="y" href="#x"/>`,
		"recursive": `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#p"/></ns1:echoProduct><multiRef id="p"><code>c</code><price>1</price><tags href="#t"/></multiRef><multiRef id="t" soapenc:arrayType="xsd:string[1]"><item href="#t"/></multiRef>`,
		"external":  `<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="http://evil.example/x"/></ns1:echoProduct>`,
	} {
		_, err := Decode(strings.NewReader(encEnvelope+body+`</soapenv:Body></soapenv:Envelope>`), V11, def, 32)
		if err == nil {
			t.Errorf("%s reference accepted", name)
		}
	}
	// Shared references that multiply (2,000 rows, each the same row of
	// 2,000 references to one value: 4,000,000 values from 4,000 elements)
	// are refused by the budget, not decoded.
	op := def.Operation("getMatrix")
	var resp strings.Builder
	resp.WriteString(encEnvelope + `<ns1:getMatrixResponse xmlns:ns1="urn:corpus:axis:catalog"><getMatrixReturn soapenc:arrayType="xsd:int[][2000]">`)
	resp.WriteString(strings.Repeat(`<item href="#row"/>`, 2000))
	resp.WriteString(`</getMatrixReturn></ns1:getMatrixResponse><m id="row" soapenc:arrayType="xsd:int[2000]">`)
	resp.WriteString(strings.Repeat(`<item href="#one"/>`, 2000))
	resp.WriteString(`</m><m id="one">1</m></soapenv:Body></soapenv:Envelope>`)
	if _, err := DecodeResponse(strings.NewReader(resp.String()), V11, op, 64); err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Errorf("multiplying references: %v", err)
	}

	// Answers: written encoded, read back.
	matrix := gateway.Struct{{Name: "getMatrixReturn", Value: []any{[]any{int64(1), int64(2)}, []any{int64(3)}}}}
	out, err := appendResponse(nil, V11, op.Output, matrix, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"`, `<getMatrixReturn xsi:type="soapenc:Array" soapenc:arrayType="xsd:int[][2]">`,
		`<item xsi:type="soapenc:Array" soapenc:arrayType="xsd:int[2]"><item xsi:type="xsd:int">1</item>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("encoded answer lacks %s:\n%s", want, out)
		}
	}
	back, err := DecodeResponse(bytes.NewReader(out), V11, op, 32)
	if err != nil || fmtStruct(back) != "[{getMatrixReturn [[1 2] [3]]}]" {
		t.Errorf("read back: %s %v", fmtStruct(back), err)
	}
	find := def.Operation("findProducts")
	products := gateway.Struct{{Name: "findProductsReturn", Value: []any{gateway.Struct{{Name: "code", Value: "L-1"}, {Name: "price", Value: 9.5}, {Name: "tags", Value: []any{"x"}}}}}}
	out, err = appendResponse(nil, V11, find.Output, products, "")
	if err != nil || !strings.Contains(string(out), `soapenc:arrayType="t:Product[1]" xmlns:t="http://model.catalog.corpus"`) || !strings.Contains(string(out), `<item xsi:type="t:Product" xmlns:t="http://model.catalog.corpus"><code xsi:type="xsd:string">L-1</code>`) {
		t.Errorf("array of structs: %v\n%s", err, out)
	}
	if _, ok := interface{}(wsdl.KindArray).(wsdl.Kind); !ok {
		t.Fatal("unreachable")
	}
}

// FuzzDecodeEncoded: any rpc/encoded message (references dangling, to
// themselves, in cycles, multiplying; arrays of any declared size; xsi:type
// naming anything) gets values or a fault, never a panic or a hang.
func FuzzDecodeEncoded(f *testing.F) {
	for _, s := range []string{
		`<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#id0"/></ns1:echoProduct><multiRef id="id0" xsi:type="ns2:Product" xmlns:ns2="http://model.catalog.corpus"><code>L-1</code><price>9.5</price><tags soapenc:arrayType="xsd:string[99999999999]"><item>a</item><item href="#id1"/></tags></multiRef><multiRef id="id1">b</multiRef>`,
		`<ns1:getMatrix xmlns:ns1="urn:corpus:axis:catalog"><size href="#x"/></ns1:getMatrix><m id="x" href="#y"/><m id="y" href="#x"/>`,
		`<ns1:findProducts xmlns:ns1="urn:corpus:axis:catalog"><query xsi:type="evil:Nope" xmlns:evil="urn:evil">q</query><limit xsi:type="xsd:int">-1</limit></ns1:findProducts>`,
		`<ns1:echoProduct xmlns:ns1="urn:corpus:axis:catalog"><product href="#a" id="a"/></ns1:echoProduct>`,
	} {
		f.Add([]byte(s))
	}
	def := corpus(f, "axis-rpc-encoded.wsdl")
	op := def.Operation("getMatrix")
	f.Fuzz(func(t *testing.T, body []byte) {
		doc := encEnvelope + string(body) + `</soapenv:Body></soapenv:Envelope>`
		if req, err := Decode(strings.NewReader(doc), V11, def, 32); err == nil && req.Params == nil {
			t.Fatal("no params and no error")
		}
		_, _ = DecodeResponse(strings.NewReader(doc), V11, op, 32)
	})
}

// TestEncodedDerivedTypes: in an rpc/encoded message, a struct whose
// xsi:type names a type derived from the declared one is read as that
// type (with _type), and written back with its own xsi:type.
func TestEncodedDerivedTypes(t *testing.T) {
	base := &wsdl.Type{Name: xmlName("urn:m", "Shape"), Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1,
		Fields: []*wsdl.Element{{Name: xmlName("", "id"), Type: &wsdl.Type{Kind: wsdl.KindString, XSDName: "string", MinLen: -1, MaxLen: -1}, Min: 0, Max: 1}}}
	circle := &wsdl.Type{Name: xmlName("urn:m", "Circle"), Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1, Base: base,
		Fields: append(append([]*wsdl.Element{}, base.Fields...), &wsdl.Element{Name: xmlName("", "r"), Type: &wsdl.Type{Kind: wsdl.KindDouble, XSDName: "double", MinLen: -1, MaxLen: -1}, Min: 1, Max: 1})}
	base.Derived = []*wsdl.Type{circle}
	wrapper := &wsdl.Element{Name: xmlName("urn:svc", "draw"), Encoded: true, Min: 1, Max: 1, Type: &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1,
		Fields: []*wsdl.Element{{Name: xmlName("", "shape"), Type: base, Min: 1, Max: 1}}}}
	op := &wsdl.Operation{Name: "draw", Input: wrapper, Output: wrapper}
	def := &wsdl.Definition{Operations: []*wsdl.Operation{op}}
	body := encEnvelope + `<s:draw xmlns:s="urn:svc"><shape href="#c"/></s:draw><multiRef id="c" xsi:type="m:Circle" xmlns:m="urn:m"><id>c1</id><r xsi:type="xsd:double">2.5</r></multiRef></soapenv:Body></soapenv:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 32)
	if err != nil || fmtStruct(req.Params) != "[{shape [{_type Circle} {id c1} {r 2.5}]}]" {
		t.Fatalf("%s %v", fmtStruct(req.Params), err)
	}
	checked, err := gateway.CheckInput(op.Input, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	out, err := appendResponse(nil, V11, op.Output, checked, "")
	if err != nil || strings.Count(string(out), "xsi:type=\"t:Circle\"") != 1 || strings.Contains(string(out), "d:Circle") {
		t.Errorf("%v\n%s", err, out)
	}
}
