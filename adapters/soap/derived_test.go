package soap

import (
	"bytes"
	"strings"
	"testing"

	"gateway/gateway"
)

// TestDerivedTypes: a type derived from the declared one, sent with
// xsi:type (Salesforce's Account where an sObject is declared, and a type
// derived from that), is decoded with its own members and named in _type;
// the schema check follows it; it is encoded back with its xsi:type.
func TestDerivedTypes(t *testing.T) {
	def := corpus(t, "salesforce-sobjects.wsdl")
	body := ns11 + `<s:Body><create xmlns="urn:corpus:sforce" xmlns:x="http://www.w3.org/2001/XMLSchema-instance" xmlns:e="urn:corpus:sforce:sobject">` +
		`<sObjects x:type="e:Account"><e:Name>ACME</e:Name><e:AnnualRevenue>5.5</e:AnnualRevenue></sObjects>` +
		`<sObjects x:type="e:Contact"><e:LastName>Doe</e:LastName><e:Email>d@x</e:Email></sObjects>` +
		`<sObjects x:type="e:PartnerAccount"><e:Id>1</e:Id><e:Name>P</e:Name><e:Tier>gold</e:Tier></sObjects>` +
		`<sObjects><e:Id>2</e:Id></sObjects>` +
		`</create></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 32)
	if err != nil {
		t.Fatal(err)
	}
	want := "[{sObjects [[{_type Account} {Name ACME} {AnnualRevenue 5.5}] [{_type Contact} {LastName Doe} {Email d@x}] [{_type PartnerAccount} {Id 1} {Name P} {Tier gold}] [{Id 2}]]}]"
	if got := fmtStruct(req.Params); got != want {
		t.Fatalf("decoded %s\nwant    %s", got, want)
	}
	checked, err := gateway.CheckInput(req.Operation.Input, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gateway.CheckInput(req.Operation.Input, gateway.Struct{{Name: "sObjects", Value: []any{gateway.Struct{{Name: "_type", Value: "Opportunity"}}}}}); err == nil {
		t.Error("a type not derived from sObject was accepted")
	}
	if _, err := gateway.CheckInput(req.Operation.Input, gateway.Struct{{Name: "sObjects", Value: []any{gateway.Struct{{Name: "_type", Value: "Contact"}, {Name: "Name", Value: "x"}}}}}); err == nil {
		t.Error("an Account member on a Contact was accepted")
	}
	out, err := AppendEnvelope(nil, V11, nil, req.Operation.Input, checked)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<m:sObjects xsi:type="d:Account" xmlns:d="urn:corpus:sforce:sobject" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><n:Name xmlns:n="urn:corpus:sforce:sobject">ACME</n:Name>`,
		`xsi:type="d:PartnerAccount"`, `<n:Tier xmlns:n="urn:corpus:sforce:sobject">gold</n:Tier>`} {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("encoded lacks %s:\n%s", w, out)
		}
	}
	// Read back (as an upstream's request would be), the same values.
	req2, err := Decode(bytes.NewReader(out), V11, def, 32)
	if err != nil || fmtStruct(req2.Params) != want {
		t.Errorf("read back: %s %v", fmtStruct(req2.Params), err)
	}
}

// TestOpenContent: elements an xs:any admits (a query's custom options)
// are carried as self-contained raw XML in _any, and written back as they
// came; open content that is not one well-formed element is refused.
func TestOpenContent(t *testing.T) {
	def := corpus(t, "salesforce-sobjects.wsdl")
	body := ns11 + `<s:Body><query xmlns="urn:corpus:sforce" xmlns:c="urn:corpus:sforce:custom">` +
		`<queryString>SELECT Id FROM Account</queryString><c:Region__c tier="1">EMEA &amp; more</c:Region__c><c:Flag__c/><c:Nested><c:Inner a="1"/><c:Inner>x</c:Inner></c:Nested></query></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 32)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := gateway.CheckInput(req.Operation.Input, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	open, _ := checked.Get("_any")
	raws := open.([]any)
	if len(raws) != 3 || !strings.HasPrefix(raws[2].(string), `<c:Nested xmlns:c="urn:corpus:sforce:custom"`) || !strings.HasSuffix(raws[2].(string), `><c:Inner a="1"/><c:Inner>x</c:Inner></c:Nested>`) || !strings.Contains(raws[0].(string), `xmlns:c="urn:corpus:sforce:custom"`) || !strings.Contains(raws[0].(string), `tier="1">EMEA &amp; more</c:Region__c>`) {
		t.Fatalf("open content %q", raws)
	}
	out, err := AppendEnvelope(nil, V11, nil, req.Operation.Input, checked)
	if err != nil || !bytes.Contains(out, []byte(`EMEA &amp; more</c:Region__c>`)) {
		t.Fatalf("written back: %v\n%s", err, out)
	}
	for _, hostile := range []string{"</m:sObjects><m:sObjects>", "<a>", "text", "<!DOCTYPE x><x/>", "<a/><b/>"} {
		v := gateway.Struct{{Name: "queryString", Value: "x"}, {Name: "_any", Value: []any{hostile}}}
		if _, err := AppendEnvelope(nil, V11, nil, req.Operation.Input, v); err == nil {
			t.Errorf("open content %q written", hostile)
		}
	}
}
