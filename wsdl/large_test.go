package wsdl_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gateway/wsdl"
)

// writeLarge writes a WSDL shaped like the largest enterprise ones (an ERP
// suite's, Workday's, EWS's): ops operations whose types come from schemas
// schema files that include and import each other.
func writeLarge(t testing.TB, ops, schemas int) string {
	dir := t.TempDir()
	for s := range schemas {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:large:s%d" xmlns:s="urn:large:s%d" elementFormDefault="qualified">`, s, s)
		if s > 0 {
			fmt.Fprintf(&b, `<xs:import namespace="urn:large:s%d" schemaLocation="s%d.xsd"/>`, s-1, s-1)
		}
		for o := s; o < ops; o += schemas {
			fmt.Fprintf(&b, `<xs:complexType name="Record%d"><xs:sequence><xs:element name="id" type="xs:string"/><xs:element name="amount" type="xs:decimal" minOccurs="0"/><xs:element name="at" type="xs:dateTime" minOccurs="0"/><xs:element name="line" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence><xs:element name="n" type="xs:int"/><xs:element name="text" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType></xs:element></xs:sequence></xs:complexType>`, o)
			fmt.Fprintf(&b, `<xs:element name="Op%d"><xs:complexType><xs:sequence><xs:element name="record" type="s:Record%d"/></xs:sequence></xs:complexType></xs:element>`, o, o)
			fmt.Fprintf(&b, `<xs:element name="Op%dResponse"><xs:complexType><xs:sequence><xs:element name="record" type="s:Record%d" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`, o, o)
		}
		b.WriteString(`</xs:schema>`)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%d.xsd", s)), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var w strings.Builder
	w.WriteString(`<?xml version="1.0"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:large" targetNamespace="urn:large"`)
	for s := range schemas {
		fmt.Fprintf(&w, ` xmlns:s%d="urn:large:s%d"`, s, s)
	}
	w.WriteString(`><types><xs:schema targetNamespace="urn:large:all">`)
	for s := range schemas {
		fmt.Fprintf(&w, `<xs:import namespace="urn:large:s%d" schemaLocation="s%d.xsd"/>`, s, s)
	}
	w.WriteString(`</xs:schema></types>`)
	for o := range ops {
		s := o % schemas
		fmt.Fprintf(&w, `<message name="In%d"><part name="p" element="s%d:Op%d"/></message><message name="Out%d"><part name="p" element="s%d:Op%dResponse"/></message>`, o, s, o, o, s, o)
	}
	w.WriteString(`<portType name="P">`)
	for o := range ops {
		fmt.Fprintf(&w, `<operation name="Op%d"><input message="tns:In%d"/><output message="tns:Out%d"/></operation>`, o, o, o)
	}
	w.WriteString(`</portType><binding name="B" type="tns:P"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>`)
	for o := range ops {
		fmt.Fprintf(&w, `<operation name="Op%d"><soap:operation soapAction="urn:large:Op%d"/><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>`, o, o)
	}
	w.WriteString(`</binding><service name="S"><port name="P" binding="tns:B"><soap:address location="http://erp.example/ws"/></port></service></definitions>`)
	path := filepath.Join(dir, "large.wsdl")
	if err := os.WriteFile(path, []byte(w.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLargeWSDL: 1,200 operations over 32 schema files load and publish,
// every operation with its types.
func TestLargeWSDL(t *testing.T) {
	path := writeLarge(t, 1200, 32)
	def, err := wsdl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Operations) != 1200 || def.Operation("Op1199").Input.Field("record").Field("line").Field("n").Type.Kind != wsdl.KindInt {
		t.Fatalf("%d operations", len(def.Operations))
	}
	pub, err := wsdl.Publish(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pub.Import("xsd", 32, "https://gw"); !ok {
		t.Error("the 32nd schema is not published")
	}
}

// BenchmarkLoadLargeWSDL reports the time and the heap a 1,200-operation,
// 32-schema WSDL takes to load and publish (issue 12: under 2 s and 200 MB),
// and the memory each loaded operation keeps while the service is served
// (the heap held by the loaded definition and its published documents,
// after a collection, over the operations).
func BenchmarkLoadLargeWSDL(b *testing.B) {
	const operations = 1200
	path := writeLarge(b, operations, 32)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		def, err := wsdl.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		pub, err := wsdl.Publish(def)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/load")
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MB-allocated")
		runtime.GC()
		var held runtime.MemStats
		runtime.ReadMemStats(&held)
		b.ReportMetric(float64(int64(held.HeapAlloc)-int64(before.HeapAlloc))/operations/1024, "KB-held/operation")
		runtime.KeepAlive(def)
		runtime.KeepAlive(pub)
	}
}
