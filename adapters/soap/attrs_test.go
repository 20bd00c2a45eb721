package soap

import (
	"bytes"
	"strings"
	"testing"

	"gateway/gateway"
)

// TestAttributesAndSimpleContent: a PayPal-style amount (decimal text with
// a currencyID attribute) and attributes on a complex type decode as
// struct members (_value, currencyID, version), pass the schema check
// (a currency outside the enumeration is refused), and encode back as
// attributes.
func TestAttributesAndSimpleContent(t *testing.T) {
	def := corpus(t, "paypal-amounts.wsdl")
	body := ns11 + `<s:Body><p:DoPayment xmlns:p="urn:corpus:paypal:api"><p:Token>EC-1</p:Token><p:Details version="2" priority="7" createdBy="ops"><p:OrderTotal currencyID="EUR">12345678901234567.89</p:OrderTotal><p:Note>x</p:Note></p:Details></p:DoPayment></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 32)
	if err != nil {
		t.Fatal(err)
	}
	want := "[{Token EC-1} {Details [{OrderTotal [{_value 12345678901234567.89} {currencyID EUR}]} {Note x} {version 2} {priority 7} {createdBy ops}]}]"
	if got := fmtStruct(req.Params); got != want {
		t.Errorf("decoded %s\nwant    %s", got, want)
	}
	checked, err := gateway.CheckInput(req.Operation.Input, req.Params)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(body, `currencyID="EUR"`, `currencyID="XXX"`, 1)
	req, _ = Decode(strings.NewReader(bad), V11, def, 32)
	if _, err := gateway.CheckInput(req.Operation.Input, req.Params); err == nil || !strings.Contains(err.Error(), "currencyID") {
		t.Errorf("a currency outside the enumeration: %v", err)
	}
	missing := strings.Replace(body, ` currencyID="EUR"`, ``, 1)
	req, _ = Decode(strings.NewReader(missing), V11, def, 32)
	if _, err := gateway.CheckInput(req.Operation.Input, req.Params); err == nil || !strings.Contains(err.Error(), "attribute") {
		t.Errorf("a required attribute missing: %v", err)
	}
	out, err := AppendEnvelope(nil, V11, nil, req.Operation.Input, checked)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<m:Details version="2" priority="7" createdBy="ops">`, `<m:OrderTotal currencyID="EUR">12345678901234567.89</m:OrderTotal>`} {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("encoded lacks %s:\n%s", w, out)
		}
	}
}
