package wsdl_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"gateway/wsdl"
)

func published(t *testing.T, path string) (*wsdl.Publication, *etree.Document) {
	t.Helper()
	def, err := wsdl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := wsdl.Publish(def)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(pub.WSDL("https://gw.example/soap/svc")); err != nil {
		t.Fatalf("published WSDL is not well-formed: %v", err)
	}
	return pub, doc
}

func TestPublishImportsAndBindings(t *testing.T) {
	dir := writeFiles(t, map[string]string{"orders.wsdl": importingWSDL, "types/orders.xsd": ordersXSD, "types/common.xsd": commonXSD})
	pub, doc := published(t, filepath.Join(dir, "orders.wsdl"))
	imp := doc.FindElement("//types/schema/import")
	if got := imp.SelectAttrValue("schemaLocation", ""); got != "https://gw.example/soap/svc?xsd=1" {
		t.Errorf("import schemaLocation = %q", got)
	}
	orders, ok := pub.Import("xsd", 1, "https://gw.example/soap/svc")
	if !ok || !strings.Contains(string(orders), `schemaLocation="https://gw.example/soap/svc?xsd=2"`) {
		t.Errorf("nested include not rewritten:\n%s", orders)
	}
	if common, ok := pub.Import("xsd", 2, "x"); !ok || !strings.Contains(string(common), `name="Base"`) {
		t.Errorf("xsd=2: %s", common)
	}
	if _, ok := pub.Import("xsd", 3, "x"); ok {
		t.Error("xsd=3 exists")
	}
	if _, ok := pub.Import("wsdl", 1, "x"); ok {
		t.Error("an xsd served as wsdl")
	}
	var names []string
	for _, b := range doc.Root().SelectElements("binding") {
		names = append(names, b.SelectAttrValue("name", ""))
		for _, op := range b.SelectElements("operation") {
			h := op.FindElement("input/header")
			if h == nil || h.SelectAttrValue("part", "") != "Session" {
				t.Errorf("binding %s operation %s does not declare the session header", b.SelectAttrValue("name", ""), op.SelectAttrValue("name", ""))
			}
		}
	}
	if strings.Join(names, ",") != "B,B12" {
		t.Errorf("bindings %v", names)
	}
	// The source WSDL had no service: the gateway does not invent one here,
	// the clients take the address from the endpoint they fetched.
	if doc.FindElement("//message[@name='GatewaySessionHeader']/part") == nil {
		t.Error("no GatewaySessionHeader message")
	}
}

func TestPublishKeepsAnExistingSOAP12Binding(t *testing.T) {
	src := strings.Replace(importingWSDL, `</definitions>`, `
  <binding name="B12own" type="o:Orders" xmlns:s12="http://schemas.xmlsoap.org/wsdl/soap12/">
    <s12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Place"><s12:operation soapAction="urn:orders:Place"/>
      <input><s12:body use="literal"/></input><output><s12:body use="literal"/></output></operation>
  </binding>
  <service name="S"><port name="P" binding="o:B"><soap:address location="http://old/"/></port>
    <port name="P12" binding="o:B12own" xmlns:s12="http://schemas.xmlsoap.org/wsdl/soap12/"><s12:address location="http://old12/"/></port></service>
</definitions>`, 1)
	dir := writeFiles(t, map[string]string{"orders.wsdl": src, "types/orders.xsd": ordersXSD, "types/common.xsd": commonXSD})
	_, doc := published(t, filepath.Join(dir, "orders.wsdl"))
	if n := len(doc.Root().SelectElements("binding")); n != 2 {
		t.Errorf("%d bindings: an existing SOAP 1.2 binding must not be duplicated", n)
	}
	for _, a := range doc.FindElements("//port/address") {
		if a.SelectAttrValue("location", "") != "https://gw.example/soap/svc" {
			t.Errorf("address %s not rewritten", a.SelectAttrValue("location", ""))
		}
	}
	h := doc.FindElement("//binding[@name='B12own']/operation/input/header")
	if h == nil || h.NamespaceURI() != wsdl.NSSOAP12 {
		t.Error("the SOAP 1.2 binding's header is not a soap12:header")
	}
}

func TestPublishInventory(t *testing.T) {
	_, doc := published(t, "../examples/inventory/inventory.wsdl")
	ports := doc.FindElements("//service/port")
	if len(ports) != 2 || ports[1].SelectAttrValue("binding", "") != "tns:InventoryBinding12" {
		t.Fatalf("ports: %d", len(ports))
	}
	if addr := ports[1].SelectElement("address"); addr == nil || addr.NamespaceURI() != wsdl.NSSOAP12 {
		t.Error("the added port has no soap12:address")
	}
	schemas := 0
	for _, s := range doc.FindElements("//types/schema") {
		if s.SelectAttrValue("targetNamespace", "") == wsdl.NSSession {
			schemas++
		}
	}
	if schemas != 1 {
		t.Errorf("%d session schemas", schemas)
	}
}
