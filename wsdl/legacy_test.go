package wsdl_test

import (
	"strings"
	"testing"

	"gateway/wsdl"
)

// TestEncodingsCatalogAndOldSchemas: WSDLs in ISO-8859-1, UTF-16 with a
// byte order mark and windows-1252 load, their text read right; the XML
// Schema namespace of the 2000/10 draft reads as 2001; SOAP-ENC and
// WS-Addressing imported from the web come from the built-in catalog.
func TestEncodingsCatalogAndOldSchemas(t *testing.T) {
	legacy, err := wsdl.Load("../conformance/wsdls/legacy-latin1.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	gruss := legacy.Operation("Gruss")
	if gruss == nil || gruss.Doc != "Grüßt den Kunden (Müller, Crème brûlée)" {
		t.Fatalf("ISO-8859-1 documentation: %+v", gruss)
	}
	if f := gruss.Input.Field("anrede"); f == nil || strings.Join(f.Type.Enum, ",") != "Herr,Frau,Mx" || f.Type.Kind != wsdl.KindString {
		t.Errorf("anrede from the 2000/10 schema namespace: %+v", f)
	}
	if f := gruss.Input.Field("name"); f == nil || f.Type.Kind != wsdl.KindString {
		t.Errorf("soapenc:string from the catalog: %+v", f)
	}
	asmx, err := wsdl.Load("../conformance/wsdls/asmx-utf16.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	conv := asmx.Operation("Convert")
	if conv == nil || conv.Input.Name.Local != "Convert" || conv.Input.Field("amount").Type.Kind != wsdl.KindDouble {
		t.Fatalf("UTF-16 ASMX Convert (from the SOAP portType, not HttpGet's): %+v", conv)
	}
	if len(asmx.Warnings) != 1 || !strings.Contains(asmx.Warnings[0], "RatesHttpGet") {
		t.Errorf("warnings: %q", asmx.Warnings)
	}
	vendor, err := wsdl.Load("../conformance/wsdls/vendor-no-service.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	open := vendor.Operation("Open")
	if open.Doc != "Opens a ticket “as is”; fees in €." {
		t.Errorf("windows-1252 documentation: %q", open.Doc)
	}
	if f := open.Input.Field("EndpointReference"); f == nil || f.Type.Kind != wsdl.KindAny || f.Name.Space != "http://www.w3.org/2005/08/addressing" {
		t.Errorf("wsa:EndpointReference from the catalog: %+v", f)
	}
	if f := open.Output.Field("replyTo"); f == nil || f.Type.Kind != wsdl.KindString {
		t.Errorf("wsa:AttributedURIType from the catalog: %+v", f)
	}
}

// TestPublishedAddressesOnlyTheGateway: http:address ports and
// WS-Addressing endpoint references of the source are dropped, every SOAP
// address is the gateway's, and a WSDL without a service gets one.
func TestPublishedAddressesOnlyTheGateway(t *testing.T) {
	for _, file := range []string{"asmx-utf16.wsdl", "vendor-no-service.wsdl", "legacy-latin1.wsdl", "cxf-rpc-literal.wsdl", "sap-bare.wsdl"} {
		pub, doc := published(t, "../conformance/wsdls/"+file)
		text := string(pub.WSDL("https://gw.example/soap/svc"))
		for _, leak := range []string{"internal.example", "cxf.example", "sap.example"} {
			if strings.Contains(text, leak) {
				t.Errorf("%s: the published WSDL holds %q", file, leak)
			}
		}
		for _, el := range doc.FindElements("//service/port/*") {
			if el.Tag != "address" || (el.NamespaceURI() != wsdl.NSSOAP11 && el.NamespaceURI() != wsdl.NSSOAP12) {
				t.Errorf("%s: a port holds <%s:%s>", file, el.Space, el.Tag)
			}
		}
		ports := doc.FindElements("//service/port")
		if len(ports) == 0 {
			t.Errorf("%s: no port published", file)
		}
		for _, p := range ports {
			addr := p.FindElement("address")
			if addr == nil || addr.SelectAttrValue("location", "") != "https://gw.example/soap/svc" {
				t.Errorf("%s: port %s has address %v", file, p.SelectAttrValue("name", ""), addr)
			}
		}
		if !strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Errorf("%s: published as %.60s", file, text)
		}
	}
	_, doc := published(t, "../conformance/wsdls/vendor-no-service.wsdl")
	if svc := doc.FindElement("//service"); svc == nil || len(svc.SelectElements("port")) != 2 {
		t.Errorf("no service with a SOAP 1.1 and a 1.2 port added: %v", svc)
	}
}
