package wsdl_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"gateway/gateway"
	"gateway/wsdl"
)

func names(fields []*wsdl.Element) string {
	var out []string
	for _, f := range fields {
		n := f.Name.Local
		if f.Name.Space != "" {
			n = "{" + f.Name.Space + "}" + n
		}
		out = append(out, n+":"+f.Type.Kind.String())
	}
	return strings.Join(out, " ")
}

// TestBindingStyles: rpc/literal operations get the wrapper the style
// defines; document/literal bare messages a Bare wrapper of their parts;
// an operation's style overrides its binding's; a non-SOAP binding is
// passed over with a warning.
func TestBindingStyles(t *testing.T) {
	cases := []struct {
		file, op, style string
		in, out         xml.Name
		inBare, outBare bool
		inFields        string
		outFields       string
	}{
		{"cxf-rpc-literal.wsdl", "placeOrder", wsdl.StyleRPC, xml.Name{Space: "urn:corpus:cxf:orders", Local: "placeOrder"}, xml.Name{Space: "urn:corpus:cxf:orders", Local: "placeOrderResponse"}, false, false,
			"customer:string order:struct", "receipt:struct total:int"},
		{"cxf-rpc-literal.wsdl", "ping", wsdl.StyleRPC, xml.Name{Space: "urn:corpus:cxf:orders", Local: "ping"}, xml.Name{Space: "urn:corpus:cxf:orders", Local: "pingResponse"}, false, false,
			"", "alive:boolean"},
		{"cxf-rpc-literal.wsdl", "lookup", wsdl.StyleDocument, xml.Name{Space: "urn:corpus:cxf:orders", Local: "lookup"}, xml.Name{Space: "urn:corpus:cxf:orders:types", Local: "Receipt"}, true, false,
			"id:string", "orderId:string accepted:boolean"},
		{"sap-bare.wsdl", "GetStock", wsdl.StyleDocument, xml.Name{Space: "urn:corpus:sap:material", Local: "GetStock"}, xml.Name{Space: "urn:corpus:sap:material", Local: "Stock"}, true, false,
			"{urn:corpus:sap:material}MaterialID:string {urn:corpus:sap:material}Plant:string", "{urn:corpus:sap:material}MaterialID:string {urn:corpus:sap:material}Plant:string {urn:corpus:sap:material}Available:int"},
		{"sap-bare.wsdl", "GetTime", wsdl.StyleDocument, xml.Name{Space: "urn:corpus:sap:material", Local: "GetTime"}, xml.Name{Space: "urn:corpus:sap:material", Local: "GetTimeResponse"}, true, true,
			"", "{urn:corpus:sap:material}ServerTime:dateTime"},
		{"sap-bare.wsdl", "CountPlants", wsdl.StyleDocument, xml.Name{Space: "urn:corpus:sap:material", Local: "CountPlants"}, xml.Name{Space: "urn:corpus:sap:material", Local: "CountPlantsResponse"}, true, true,
			"{urn:corpus:sap:material}MaterialID:string", "count:int"},
	}
	for _, c := range cases {
		def, err := wsdl.Load("../conformance/wsdls/" + c.file)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		op := def.Operation(c.op)
		if op == nil {
			t.Fatalf("%s: no operation %s", c.file, c.op)
		}
		if op.Style != c.style || op.Input.Name != c.in || op.Output.Name != c.out || op.Input.Bare != c.inBare || op.Output.Bare != c.outBare {
			t.Errorf("%s %s: style %s, input %v bare %v, output %v bare %v", c.file, c.op, op.Style, op.Input.Name, op.Input.Bare, op.Output.Name, op.Output.Bare)
		}
		if got := names(op.Input.Type.Fields); got != c.inFields {
			t.Errorf("%s %s input fields: %q, want %q", c.file, c.op, got, c.inFields)
		}
		if got := names(op.Output.Type.Fields); got != c.outFields {
			t.Errorf("%s %s output fields: %q, want %q", c.file, c.op, got, c.outFields)
		}
	}
	def, _ := wsdl.Load("../conformance/wsdls/sap-bare.wsdl")
	if len(def.Warnings) != 1 || !strings.Contains(def.Warnings[0], `"MaterialHttpGet"`) {
		t.Errorf("warnings: %q", def.Warnings)
	}
	// The facets of a bare simple part are kept for the input check.
	if f := def.Operation("GetStock").Input.Type.Fields[0]; f.Type.MaxLen != 18 || f.Type.Pattern == nil {
		t.Errorf("MaterialID facets: %+v", f.Type)
	}
}

// TestHeaderParts: soap:header parts are modelled per operation, in the
// binding's order, out of the body: from the body's own message (split by
// parts=) and from a message of their own.
func TestHeaderParts(t *testing.T) {
	def, err := wsdl.Load("../conformance/wsdls/ews-headers.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	get := def.Operation("GetFolder")
	if got := names(get.InputHeaders); got != "{urn:corpus:ews:types}ExchangeImpersonation:struct {urn:corpus:ews:types}RequestServerVersion:struct" {
		t.Errorf("input headers: %s", got)
	}
	if got := names(get.OutputHeaders); got != "{urn:corpus:ews:types}ServerVersionInfo:struct" {
		t.Errorf("output headers: %s", got)
	}
	if get.Input.Name.Local != "GetFolder" || get.Input.Bare || get.Output.Name.Local != "GetFolderResponse" {
		t.Errorf("the body keeps its wrapper: %v %v", get.Input.Name, get.Output.Name)
	}
	if got := names(def.Operation("Ping").InputHeaders); got != "{urn:corpus:ews:types}AuthHeader:struct" {
		t.Errorf("Ping headers: %s", got)
	}
}

// TestModelGroups: elements of the groups a type refers to (xs:group ref,
// in a named type and in a global element's anonymous type) are its
// fields; a group's choice makes its elements optional.
func TestModelGroups(t *testing.T) {
	def, err := wsdl.Load("../conformance/wsdls/ec2-groups.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op := def.Operation("DescribeInstances")
	if got := names(op.Input.Type.Fields); got != "{urn:corpus:ec2}instancesSet:struct {urn:corpus:ec2}instanceId:string {urn:corpus:ec2}tagValue:string" {
		t.Errorf("input fields: %s", got)
	}
	for _, f := range op.Input.Type.Fields[1:] {
		if f.Min != 0 {
			t.Errorf("%s of a choice is required", f.Name.Local)
		}
	}
	if got := names(op.Output.Type.Fields); got != "{urn:corpus:ec2}instancesSet:struct {urn:corpus:ec2}requestId:string" {
		t.Errorf("output fields: %s", got)
	}
	// The group's choice: one of instanceId and tagValue, not both.
	if _, err := gateway.CheckInput(op.Input, gateway.Struct{{Name: "instanceId", Value: "i-1"}}); err != nil {
		t.Errorf("one of a choice: %v", err)
	}
	if _, err := gateway.CheckInput(op.Input, gateway.Struct{{Name: "instanceId", Value: "i-1"}, {Name: "tagValue", Value: "web"}}); err == nil || !strings.Contains(err.Error(), "choice") {
		t.Errorf("both of a choice: %v", err)
	}
}
