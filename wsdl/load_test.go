package wsdl_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gateway/wsdl"
)

func TestLoadInventory(t *testing.T) {
	def, err := wsdl.Load("../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	if def.Name != "inventory" || def.TargetNamespace != "urn:gateway:examples:inventory" {
		t.Errorf("definition %q %q", def.Name, def.TargetNamespace)
	}
	var names []string
	for _, op := range def.Operations {
		names = append(names, op.Name)
	}
	if got := strings.Join(names, ","); got != "ListItems,GetItem,Reserve,MyReservations,CancelReservation" {
		t.Errorf("operations %s", got)
	}
	reserve := def.Operation("Reserve")
	if reserve.Action != "urn:gateway:examples:inventory#Reserve" || len(reserve.Faults) != 3 || reserve.Fault("OutOfStock") == nil {
		t.Errorf("Reserve: %+v", reserve)
	}
	q := reserve.Input.Field("quantity")
	if q == nil || q.Type.Kind != wsdl.KindInt || q.Min != 1 || q.Name.Space != def.TargetNamespace {
		t.Errorf("quantity: %+v", q)
	}
	items := def.Operation("ListItems").Output.Field("item")
	if !items.Repeated() || items.Min != 0 || items.Type.Kind != wsdl.KindStruct || len(items.Type.Fields) != 4 {
		t.Errorf("item: %+v", items)
	}
	if price := items.Field("price"); price.Type.Kind != wsdl.KindDouble || price.Type.XSDName != "decimal" {
		t.Errorf("price: %+v", price.Type)
	}
}

// A small service written the way other tools write WSDLs: the schema in an
// imported file with its own prefixes, an unprefixed default namespace for
// XSD, an enumeration, a type extension and a recursive type.
const importingWSDL = `<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:o="urn:orders" targetNamespace="urn:orders" name="orders">
  <types>
    <schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:orders:wrap" elementFormDefault="qualified">
      <import namespace="urn:orders" schemaLocation="types/orders.xsd"/>
    </schema>
  </types>
  <message name="PlaceIn"><part name="p" element="o:Place"/></message>
  <message name="PlaceOut"><part name="p" element="o:PlaceResponse"/></message>
  <portType name="Orders">
    <operation name="Place"><input message="o:PlaceIn"/><output message="o:PlaceOut"/></operation>
  </portType>
  <binding name="B" type="o:Orders">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Place"><soap:operation soapAction="urn:orders:Place"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
</definitions>`

const ordersXSD = `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:orders" targetNamespace="urn:orders">
  <xsd:include schemaLocation="common.xsd"/>
  <xsd:simpleType name="Priority"><xsd:restriction base="xsd:string">
    <xsd:enumeration value="low"/><xsd:enumeration value="high"/></xsd:restriction></xsd:simpleType>
  <xsd:complexType name="Line"><xsd:complexContent><xsd:extension base="t:Base">
    <xsd:sequence><xsd:element name="qty" type="xsd:long"/><xsd:element name="sub" type="t:Line" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence>
  </xsd:extension></xsd:complexContent></xsd:complexType>
  <xsd:element name="Place"><xsd:complexType><xsd:sequence>
    <xsd:element name="priority" type="t:Priority"/>
    <xsd:element name="line" type="t:Line" maxOccurs="unbounded"/>
    <xsd:element name="note" type="xsd:string" minOccurs="0" nillable="true"/>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="PlaceResponse"><xsd:complexType><xsd:sequence>
    <xsd:element name="at" type="xsd:dateTime"/></xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>`

const commonXSD = `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:complexType name="Base"><xsd:sequence><xsd:element name="sku" type="xsd:string"/></xsd:sequence></xsd:complexType>
</xsd:schema>`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadImportsIncludesAndTypes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"orders.wsdl": importingWSDL, "types/orders.xsd": ordersXSD, "types/common.xsd": commonXSD})
	def, err := wsdl.Load(filepath.Join(dir, "orders.wsdl"))
	if err != nil {
		t.Fatal(err)
	}
	in := def.Operation("Place").Input
	if p := in.Field("priority"); p == nil || p.Type.Kind != wsdl.KindString || strings.Join(p.Type.Enum, ",") != "low,high" {
		t.Fatalf("priority: %+v", p)
	}
	line := in.Field("line")
	if line.Name.Space != "" {
		t.Errorf("unqualified local element got namespace %q", line.Name.Space)
	}
	var names []string
	for _, f := range line.Type.Fields {
		names = append(names, f.Name.Local)
	}
	if strings.Join(names, ",") != "sku,qty,sub" {
		t.Errorf("extension fields: %v", names)
	}
	if line.Field("sub").Type != line.Type {
		t.Error("recursive type not resolved to itself")
	}
	if note := in.Field("note"); note.Min != 0 || !note.Nillable {
		t.Errorf("note: %+v", note)
	}
	if at := def.Operation("Place").Output.Field("at"); at.Type.Kind != wsdl.KindDateTime {
		t.Errorf("at: %+v", at.Type)
	}
}

func TestLoadRefusesWhatItCannotServe(t *testing.T) {
	inventory, err := os.ReadFile("../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	base := string(inventory)
	cases := []struct {
		name, from, to string
		wantInMessage  []string
	}{
		{"rpc encoded", `<soap:operation soapAction="urn:gateway:examples:inventory#GetItem" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>`, `<soap:operation soapAction="urn:gateway:examples:inventory#GetItem" style="document"/>
      <wsdl:input><soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input>`,
			[]string{"service.wsdl", `operation "GetItem"`, "encoded"}},
		{"unknown style", `soapAction="urn:gateway:examples:inventory#ListItems" style="document"`, `soapAction="urn:gateway:examples:inventory#ListItems" style="message"`,
			[]string{"service.wsdl", `operation "ListItems"`, `style "message"`}},
		{"missing message", `<wsdl:input message="tns:GetItemRequest"/>`, `<wsdl:input message="tns:NoSuchRequest"/>`,
			[]string{"service.wsdl", `operation "GetItem"`, `message "tns:NoSuchRequest" is not defined`}},
		{"missing element", `<wsdl:part name="parameters" element="tns:GetItem"/>`, `<wsdl:part name="parameters" element="tns:Nope"/>`,
			[]string{"service.wsdl", "Nope", "not defined"}},
		{"part without a type", `<wsdl:part name="parameters" element="tns:GetItem"/>`, `<wsdl:part name="parameters"/>`,
			[]string{"service.wsdl", "neither element= nor type="}},
		{"unresolvable import", `<xs:schema targetNamespace="urn:gateway:examples:inventory" elementFormDefault="qualified">`,
			`<xs:schema targetNamespace="urn:gateway:examples:inventory" elementFormDefault="qualified"><xs:import namespace="urn:x" schemaLocation="missing.xsd"/>`,
			[]string{"service.wsdl", "missing.xsd"}},
		{"undefined type", `<xs:element name="sku" type="xs:string"/>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="GetItemResponse">`, `<xs:element name="sku" type="tns:Sku"/>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="GetItemResponse">`, []string{"service.wsdl", "Sku", "not defined"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("fixture text not found: %s", c.from)
			}
			dir := writeFiles(t, map[string]string{"service.wsdl": strings.Replace(base, c.from, c.to, 1)})
			_, err := wsdl.Load(filepath.Join(dir, "service.wsdl"))
			var le *wsdl.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want a LoadError, got %v", err)
			}
			for _, w := range c.wantInMessage {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not name %q", err, w)
				}
			}
		})
	}
	if _, err := wsdl.Load("nonexistent.wsdl"); err == nil || !strings.Contains(err.Error(), "nonexistent.wsdl") {
		t.Errorf("missing file: %v", err)
	}
	dir := writeFiles(t, map[string]string{"x.wsdl": "<not-wsdl/>"})
	if _, err := wsdl.Load(filepath.Join(dir, "x.wsdl")); err == nil {
		t.Error("a non-WSDL document loaded")
	}
}

// Cycles in a schema are refused, not followed forever.
func TestLoadRefusesCycles(t *testing.T) {
	for name, schema := range map[string]string{
		"simple type": `<xs:simpleType name="Loop"><xs:restriction base="t:Loop"/></xs:simpleType>
			<xs:element name="Op"><xs:complexType><xs:sequence><xs:element name="x" type="t:Loop"/></xs:sequence></xs:complexType></xs:element>`,
		"element ref": `<xs:element name="Op"><xs:complexType><xs:sequence><xs:element ref="t:Self"/></xs:sequence></xs:complexType></xs:element>
			<xs:element name="Self" ref="t:Self"/>`,
	} {
		doc := `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
  <types><xs:schema targetNamespace="urn:t">` + schema + `</xs:schema></types>
  <message name="In"><part name="p" element="t:Op"/></message>
  <portType name="P"><operation name="Op"><input message="t:In"/></operation></portType></definitions>`
		_, err := wsdl.LoadBytes("cycle.wsdl", []byte(doc))
		var le *wsdl.LoadError
		if !errors.As(err, &le) {
			t.Errorf("%s: want a LoadError, got %v", name, err)
		}
	}
}
