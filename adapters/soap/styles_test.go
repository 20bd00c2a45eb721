package soap

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"gateway/gateway"
	"gateway/wsdl"
)

func corpus(t testing.TB, file string) *wsdl.Definition {
	t.Helper()
	def, err := wsdl.Load("../../conformance/wsdls/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

// TestRPCLiteralAndBareRequests: requests in rpc/literal and document/
// literal bare shape decode to the same parameters a wrapped call would;
// responses encode in the shape the binding defines, and decode back.
func TestRPCLiteralAndBareRequests(t *testing.T) {
	rpc, bare := corpus(t, "cxf-rpc-literal.wsdl"), corpus(t, "sap-bare.wsdl")
	cases := []struct {
		name   string
		def    *wsdl.Definition
		action string
		body   string
		op     string
		want   string
	}{
		{"rpc/literal", rpc, "", `<o:placeOrder xmlns:o="urn:corpus:cxf:orders"><customer>ACME</customer><order><id>O-1</id><quantity>3</quantity><tag>a</tag><tag>b</tag></order></o:placeOrder>`,
			"placeOrder", `[{customer ACME} {order [{id O-1} {quantity 3} {tag [a b]}]}]`},
		{"rpc/literal without parts", rpc, "", `<o:ping xmlns:o="urn:corpus:cxf:orders"/>`, "ping", `[]`},
		{"document bare, several parts", bare, "", `<m:MaterialID xmlns:m="urn:corpus:sap:material">M-100</m:MaterialID><m:Plant xmlns:m="urn:corpus:sap:material">1000</m:Plant>`,
			"GetStock", `[{MaterialID M-100} {Plant 1000}]`},
		{"document bare, one simple part", bare, "urn:corpus:sap:material:CountPlants", `<MaterialID xmlns="urn:corpus:sap:material">M-7</MaterialID>`,
			"CountPlants", `[{MaterialID M-7}]`},
		{"document bare, no part", bare, "urn:corpus:sap:material:GetTime", ``, "GetTime", `[]`},
		{"document bare, type= part", rpc, "", `<id>O-9</id>`, "lookup", `[{id O-9}]`},
	}
	for _, c := range cases {
		d := &decoder{}
		if err := d.reset([]byte(ns11+`<s:Body>`+c.body+`</s:Body></s:Envelope>`), 32, nil); err != nil {
			t.Fatal(err)
		}
		d.action = c.action
		req, err := d.request(V11, c.def)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if req.Operation.Name != c.op || fmtStruct(req.Params) != c.want {
			t.Errorf("%s: %s %s, want %s %s", c.name, req.Operation.Name, fmtStruct(req.Params), c.op, c.want)
		}
		checked, err := gateway.CheckInput(req.Operation.Input, req.Params)
		if err != nil {
			t.Errorf("%s: the schema check refuses %v: %v", c.name, checked, err)
		}
	}
	// A bare simple part keeps its facets: a material number of 19 characters is refused.
	d := &decoder{}
	d.reset([]byte(ns11+`<s:Body><MaterialID xmlns="urn:corpus:sap:material">ABCDEFGHIJKLMNOPQRS</MaterialID></s:Body></s:Envelope>`), 32, nil)
	req, err := d.request(V11, bare)
	if err == nil {
		if _, err = gateway.CheckInput(req.Operation.Input, req.Params); err == nil {
			t.Error("a 19-character MaterialID passed the maxLength 18 facet")
		}
	}

	out := []struct {
		name   string
		def    *wsdl.Definition
		op     string
		value  gateway.Struct
		wants  []string
		absent []string
	}{
		{"rpc/literal response", rpc, "placeOrder", gateway.Struct{{Name: "receipt", Value: gateway.Struct{{Name: "id", Value: "O-1"}, {Name: "quantity", Value: int64(3)}}}, {Name: "total", Value: int64(42)}},
			[]string{`<m:placeOrderResponse xmlns:m="urn:corpus:cxf:orders"><receipt><id>O-1</id><quantity>3</quantity></receipt><total>42</total></m:placeOrderResponse>`}, nil},
		{"bare response, simple part", bare, "CountPlants", gateway.Struct{{Name: "count", Value: int64(7)}},
			[]string{`<soap:Body><count>7</count></soap:Body>`}, []string{"CountPlantsResponse"}},
		{"bare response, element part", bare, "GetTime", gateway.Struct{{Name: "ServerTime", Value: "2026-11-30T10:00:00Z"}},
			[]string{`<soap:Body><n:ServerTime xmlns:n="urn:corpus:sap:material">2026-11-30T10:00:00Z</n:ServerTime></soap:Body>`}, nil},
	}
	for _, c := range out {
		op := c.def.Operation(c.op)
		value := c.value
		if c.op == "GetTime" {
			v, _ := parseScalar(op.Output.Type.Fields[0].Type, "2026-11-30T10:00:00Z", "", "")
			value = gateway.Struct{{Name: "ServerTime", Value: v}}
		}
		b, err := appendResponse(nil, V11, op.Output, value, "")
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, w := range c.wants {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: %s\nwant %s", c.name, b, w)
			}
		}
		for _, a := range c.absent {
			if strings.Contains(string(b), a) {
				t.Errorf("%s: %s has %s", c.name, b, a)
			}
		}
		// As an upstream's answer, it reads back.
		back, err := DecodeResponse(bytes.NewReader(b), V11, op, 32)
		if err != nil || fmtStruct(back) != fmtStruct(value) {
			t.Errorf("%s: read back %s (%v), want %s", c.name, fmtStruct(back), err, fmtStruct(value))
		}
	}
}

// fmtStruct prints a struct's members, nested, as [{name value} ...].
func fmtStruct(s gateway.Struct) string {
	var b strings.Builder
	var one func(v any)
	one = func(v any) {
		switch x := v.(type) {
		case gateway.Struct:
			b.WriteString("[")
			for i, m := range x {
				if i > 0 {
					b.WriteString(" ")
				}
				b.WriteString("{" + m.Name + " ")
				one(m.Value)
				b.WriteString("}")
			}
			b.WriteString("]")
		case []any:
			b.WriteString("[")
			for i, e := range x {
				if i > 0 {
					b.WriteString(" ")
				}
				one(e)
			}
			b.WriteString("]")
		default:
			fmt.Fprint(&b, x)
		}
	}
	one(s)
	return b.String()
}
