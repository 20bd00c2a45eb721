package soap

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"gateway/gateway"
	"gateway/wsdl"
)

// TestExactValues: an xs:decimal keeps every digit and a dateTime its
// offset, or its lack of one, from a request to an upstream and from an
// upstream's answer back to a client.
func TestExactValues(t *testing.T) {
	dec := &wsdl.Type{Kind: wsdl.KindDouble, XSDName: "decimal", MinLen: -1, MaxLen: -1}
	dt := &wsdl.Type{Kind: wsdl.KindDateTime, XSDName: "dateTime", MinLen: -1, MaxLen: -1}
	el := &wsdl.Element{Name: xmlName("urn:v", "Values"), Min: 1, Max: 1, Type: &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1, Fields: []*wsdl.Element{
		{Name: xmlName("", "amount"), Type: dec, Min: 1, Max: -1},
		{Name: xmlName("", "at"), Type: dt, Min: 1, Max: -1},
	}}}
	op := &wsdl.Operation{Name: "Values", Input: el, Output: el}
	def := &wsdl.Definition{Operations: []*wsdl.Operation{op}}
	amounts := []string{"12345678901234567890.123456789", "-0.000000000000000000001", "0.10", "+7", ".5"}
	times := []string{"2026-11-30T10:00:00+02:00", "2026-11-30T10:00:00.123456789-05:30", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00"}
	var body strings.Builder
	body.WriteString(ns11 + `<s:Body><v:Values xmlns:v="urn:v">`)
	for _, a := range amounts {
		body.WriteString("<amount>" + a + "</amount>")
	}
	for _, at := range times {
		body.WriteString("<at>" + at + "</at>")
	}
	body.WriteString(`</v:Values></s:Body></s:Envelope>`)
	req, err := Decode(strings.NewReader(body.String()), V11, def, 32)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := gateway.CheckInput(op.Input, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	out, err := AppendEnvelope(nil, V11, nil, op.Output, checked)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(amounts, times...) {
		if !bytes.Contains(out, []byte(">"+want+"<")) {
			t.Errorf("%s lost on the way through:\n%s", want, out)
		}
	}
	back, err := DecodeResponse(bytes.NewReader(out), V11, op, 32)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := back.Get("amount"); a.([]any)[0] != gateway.Decimal("12345678901234567890.123456789") {
		t.Errorf("amount read back as %#v", a)
	}
	if !bytes.Contains(out, []byte(">2026-11-30T10:00:00<")) || bytes.Contains(out, []byte(">2026-11-30T10:00:00Z<at>")) {
		t.Errorf("a dateTime without a zone gained one:\n%s", out)
	}
	// Not a decimal: refused with the element named.
	_, err = Decode(strings.NewReader(ns11+`<s:Body><v:Values xmlns:v="urn:v"><amount>1e5</amount><at>2026-11-30T10:00:00</at></v:Values></s:Body></s:Envelope>`), V11, def, 32)
	if err == nil || !strings.Contains(err.Error(), "amount") {
		t.Errorf("1e5 as xs:decimal: %v", err)
	}
}

func xmlName(space, local string) xml.Name { return xml.Name{Space: space, Local: local} }

// TestBigIntegers: an xs:unsignedLong or xs:integer beyond int64 keeps
// every digit through SOAP; one that fits is an int64; an XML-RPC client
// may send it as a string.
func TestBigIntegers(t *testing.T) {
	ul := &wsdl.Type{Kind: wsdl.KindLong, XSDName: "unsignedLong", MinLen: -1, MaxLen: -1}
	long := &wsdl.Type{Kind: wsdl.KindLong, XSDName: "long", MinLen: -1, MaxLen: -1}
	for _, c := range []struct {
		t    *wsdl.Type
		in   string
		want any
		ok   bool
	}{
		{ul, "18446744073709551615", gateway.BigInt("18446744073709551615"), true},
		{ul, "+42", int64(42), true},
		{&wsdl.Type{Kind: wsdl.KindLong, XSDName: "integer"}, "-123456789012345678901234567890", gateway.BigInt("-123456789012345678901234567890"), true},
		{long, "9223372036854775808", nil, false},
		{ul, "1.5", nil, false},
	} {
		v, err := parseScalar(c.t, c.in, "", "n")
		if (err == nil) != c.ok || c.ok && v != c.want {
			t.Errorf("%s %q: %#v %v", c.t.XSDName, c.in, v, err)
		}
		if c.ok {
			out, _ := appendScalar(nil, c.t.Kind, v)
			if string(out) != strings.TrimPrefix(c.in, "+") {
				t.Errorf("%s %q written as %s", c.t.XSDName, c.in, out)
			}
		}
	}
	el := &wsdl.Element{Name: xmlName("", "W"), Min: 1, Max: 1, Type: &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1, Fields: []*wsdl.Element{{Name: xmlName("", "n"), Type: ul, Min: 1, Max: 1}}}}
	checked, err := gateway.CheckInput(el, gateway.Struct{{Name: "n", Value: "18446744073709551615"}})
	if err != nil || checked[0].Value != gateway.BigInt("18446744073709551615") {
		t.Errorf("from an XML-RPC string: %#v %v", checked, err)
	}
}

// TestQNameValues: an xs:QName value is read as {namespace}local, its
// prefix resolved where it stood, and written with a prefix declared on
// its element, so it means the same in a message with other prefixes.
func TestQNameValues(t *testing.T) {
	qt := &wsdl.Type{Kind: wsdl.KindString, XSDName: "QName", MinLen: -1, MaxLen: -1}
	el := &wsdl.Element{Name: xmlName("urn:v", "Q"), Min: 1, Max: 1, Type: &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1, Fields: []*wsdl.Element{
		{Name: xmlName("", "code"), Type: qt, Min: 1, Max: -1}}}}
	op := &wsdl.Operation{Name: "Q", Input: el, Output: el}
	def := &wsdl.Definition{Operations: []*wsdl.Operation{op}}
	body := ns11 + `<s:Body><v:Q xmlns:v="urn:v" xmlns:e="urn:errors"><code>e:Timeout</code><code xmlns:e="urn:other">e:Busy</code><code>s:Client</code><code>plain</code></v:Q></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 32)
	if err != nil {
		t.Fatal(err)
	}
	want := "[{code [{urn:errors}Timeout {urn:other}Busy {http://schemas.xmlsoap.org/soap/envelope/}Client plain]}]"
	if got := fmtStruct(req.Params); got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
	out, err := AppendEnvelope(nil, V11, nil, op.Input, req.Params)
	if err != nil || !bytes.Contains(out, []byte(`<code xmlns:q="urn:other">q:Busy</code>`)) || !bytes.Contains(out, []byte(`<code>plain</code>`)) {
		t.Errorf("%v\n%s", err, out)
	}
	back, err := Decode(bytes.NewReader(out), V11, def, 32)
	if err != nil || fmtStruct(back.Params) != want {
		t.Errorf("read back %s %v", fmtStruct(back.Params), err)
	}
}
