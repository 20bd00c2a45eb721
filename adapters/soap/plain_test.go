package soap

import (
	"reflect"
	"testing"

	"gateway/wsdl"
)

// plainAndScanned decodes data both ways: by the plain reader (ok false
// when it gave up) and token by token.
func plainAndScanned(t testing.TB, d *decoder, data []byte, v Version, def *wsdl.Definition) (plain *Request, ok bool, scanned *Request, err error) {
	t.Helper()
	known := namespacesOf(def)
	if err := d.reset(data, 16, known); err != nil {
		return nil, false, nil, err
	}
	plain, ok = d.plainRequest(v, def)
	if err := d.reset(data, 16, known); err != nil {
		t.Fatalf("a second reset failed: %v", err)
	}
	scanned, err = d.scanRequest(v, def)
	return plain, ok, scanned, err
}

// TestPlainRequest: what clients send for most calls is read by the plain
// reader, to the Request the token-by-token decoder makes; the rest it
// leaves to that decoder, whose answer (a request or a fault) is what
// request gives.
func TestPlainRequest(t *testing.T) {
	inv, cxf := inventory(t), corpus(t, "cxf-rpc-literal.wsdl")
	const env11 = `xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"`
	for _, c := range []struct {
		name  string
		def   *wsdl.Definition
		v     Version
		msg   string
		plain bool
	}{
		{"the benchmark's GetItem", inv, V11, string(getItemEnvelope), true},
		{"zeep", inv, V11, `<?xml version='1.0' encoding='utf-8'?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Header><ns0:Session xmlns:ns0="urn:gateway:session"> tok </ns0:Session></soap-env:Header><soap-env:Body><ns0:Reserve xmlns:ns0="urn:gateway:examples:inventory"><ns0:sku>A-1</ns0:sku><ns0:quantity>2</ns0:quantity></ns0:Reserve></soap-env:Body></soap-env:Envelope>`, true},
		{".NET, a default namespace, children in any order", inv, V11, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Reserve xmlns="urn:gateway:examples:inventory"><quantity> 3 </quantity><sku>A-1</sku></Reserve></s:Body></s:Envelope>`, true},
		{"SOAP 1.2, indented", inv, V12, "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\">\n  <env:Body>\n    <m:ListItems xmlns:m=\"urn:gateway:examples:inventory\">\n    </m:ListItems>\n  </env:Body>\n</env:Envelope>\n", true},
		{"rpc/literal, nested and repeated", cxf, V11, `<soap:Envelope ` + env11 + `><soap:Body><o:placeOrder xmlns:o="urn:corpus:cxf:orders"><customer>ACME</customer><order><id>O-1</id><quantity>3</quantity><tag>a</tag><tag>b</tag></order></o:placeOrder></soap:Body></soap:Envelope>`, true},
		{"a self-closing wrapper (zeep's call of no parameters)", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></soap:Body></soap:Envelope>`, true},
		{"a self-closing string", inv, V11, `<soap:Envelope ` + env11 + `><soap:Header/><soap:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku /><m:quantity>1</m:quantity></m:Reserve></soap:Body></soap:Envelope>`, true},
		// Left to the decoder: the same answer, by the longer way.
		{"a self-closing int", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:quantity/></m:Reserve></soap:Body></soap:Envelope>`, false},
		{"another header", inv, V11, `<soap:Envelope ` + env11 + `><soap:Header><o:Other xmlns:o="urn:o">x</o:Other></soap:Header><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"xsi:type", inv, V11, `<soap:Envelope ` + env11 + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku xsi:type="xsd:string">A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"a reference", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A&amp;1</m:sku></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"an unknown element", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:color>red</m:color></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"an element twice", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:sku>B</m:sku></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"a bad int", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:quantity>x</m:quantity></m:Reserve></soap:Body></soap:Envelope>`, false},
		{"the wrong version", inv, V12, string(getItemEnvelope), false},
		{"a wrapper in another namespace", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><GetItem><sku>A-1</sku></GetItem></soap:Body></soap:Envelope>`, false},
		{"a comment", inv, V11, `<soap:Envelope ` + env11 + `><soap:Body><!-- c --><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`, false},
		{"content after the envelope", inv, V11, string(getItemEnvelope) + "<x/>", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &decoder{}
			plain, ok, scanned, err := plainAndScanned(t, d, []byte(c.msg), c.v, c.def)
			if ok != c.plain {
				t.Fatalf("read by the plain reader: %v, want %v (the decoder: %v)", ok, c.plain, err)
			}
			if ok && (err != nil || !reflect.DeepEqual(plain, scanned)) {
				t.Fatalf("plain %#v\nscanned %#v %v", plain, scanned, err)
			}
			if err := d.reset([]byte(c.msg), 16, namespacesOf(c.def)); err != nil {
				t.Fatal(err)
			}
			got, gotErr := d.request(c.v, c.def)
			if !reflect.DeepEqual(got, scanned) || (gotErr == nil) != (err == nil) || err != nil && gotErr.Error() != err.Error() {
				t.Fatalf("request %#v %v\nscanned %#v %v", got, gotErr, scanned, err)
			}
		})
	}
}

// FuzzPlainRequestMatchesDecoder: whatever the plain reader reads, the
// token-by-token decoder reads too, to the same Request.
func FuzzPlainRequestMatchesDecoder(f *testing.F) {
	inv, cxf := inventory(f), corpus(f, "cxf-rpc-literal.wsdl")
	f.Add(getItemEnvelope, false, false)
	f.Add([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku/><m:quantity>3</m:quantity></m:Reserve></s:Body></s:Envelope>`), false, false)
	f.Add([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Reserve xmlns="urn:gateway:examples:inventory"><quantity>3</quantity><sku>A-1</sku></Reserve></s:Body></s:Envelope>`), false, false)
	f.Add([]byte("<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\">\n<env:Header><g:Session xmlns:g=\"urn:gateway:session\">t</g:Session></env:Header><env:Body><m:ListItems xmlns:m=\"urn:gateway:examples:inventory\"></m:ListItems></env:Body></env:Envelope>"), true, false)
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><o:placeOrder xmlns:o="urn:corpus:cxf:orders"><customer>ACME</customer><order><id>O-1</id><quantity>3</quantity><tag>a</tag><tag>b</tag></order></o:placeOrder></soap:Body></soap:Envelope>`), false, true)
	d := &decoder{} // reused, as the handler's pool does
	f.Fuzz(func(t *testing.T, data []byte, v12, corpusDef bool) {
		def, v := inv, V11
		if corpusDef {
			def = cxf
		}
		if v12 {
			v = V12
		}
		plain, ok, scanned, err := plainAndScanned(t, d, data, v, def)
		if ok && (err != nil || !reflect.DeepEqual(plain, scanned)) {
			t.Fatalf("%q\nplain %#v\nscanned %#v %v", data, plain, scanned, err)
		}
	})
}
