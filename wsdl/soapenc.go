package wsdl

import (
	"encoding/xml"
	"strings"

	"github.com/beevik/etree"
)

// soapArray is a SOAP-ENC array type a schema defines, as rpc/encoded
// WSDLs (Axis 1, SOAP::Lite, PHP, .NET remoting) do:
//
//	<complexType name="ArrayOf_xsd_string"><complexContent>
//	  <restriction base="soapenc:Array">
//	    <attribute ref="soapenc:arrayType" wsdl:arrayType="xsd:string[]"/>
//	</restriction></complexContent></complexType>
//
// or with a sequence of one repeated element instead of the attribute.
// gowsdl's model has no complexContent restriction, so these are read
// from the document here.
type soapArray struct {
	item xml.Name // the items' type
	dims int      // 1, or more for an array of arrays ("xsd:string[][]")
}

// readArrayTypes finds the SOAP-ENC array types of a document (a WSDL's
// embedded schemas or a schema file), by qualified name.
func readArrayTypes(doc *etree.Document) map[xml.Name]soapArray {
	out := map[xml.Name]soapArray{}
	for _, ct := range doc.FindElements("//complexType") {
		if ct.NamespaceURI() != XSD || ct.SelectAttrValue("name", "") == "" {
			continue
		}
		r := ct.FindElement("complexContent/restriction")
		if r == nil || localName(r.SelectAttrValue("base", "")) != "Array" {
			continue
		}
		tns := ""
		for p := ct.Parent(); p != nil; p = p.Parent() {
			if p.Tag == "schema" {
				tns = p.SelectAttrValue("targetNamespace", "")
				break
			}
		}
		name := xml.Name{Space: tns, Local: ct.SelectAttrValue("name", "")}
		var item string
		for _, a := range r.FindElements(".//attribute") {
			for _, at := range a.Attr {
				if at.Key == "arrayType" && at.NamespaceURI() == NSWSDL {
					item = at.Value
				}
			}
		}
		if item == "" {
			if e := r.FindElement(".//element"); e != nil {
				item = e.SelectAttrValue("type", "") + "[]"
			}
		}
		if item == "" {
			item = "xsd:anyType[]"
		}
		base, dims, _ := strings.Cut(item, "[")
		arr := soapArray{dims: strings.Count("["+dims, "[")}
		space, local := resolvePrefix(ct, base)
		arr.item = xml.Name{Space: space, Local: local}
		out[name] = arr
	}
	return out
}

// resolvePrefix resolves a prefixed name in an attribute value against
// the namespace declarations in scope at el.
func resolvePrefix(el *etree.Element, qname string) (space, local string) {
	prefix, local, ok := strings.Cut(qname, ":")
	if !ok {
		prefix, local = "", qname
	}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if prefix == "" && a.Space == "" && a.Key == "xmlns" || prefix != "" && a.Space == "xmlns" && a.Key == prefix {
				return a.Value, local
			}
		}
	}
	if prefix == "xsd" || prefix == "xs" {
		return XSD, local
	}
	return "", local
}

// arrayType is the model of a SOAP-ENC array type: KindArray of its item
// type, nested once per further dimension.
func (l *loader) arrayType(name xml.Name, a soapArray) (*Type, error) {
	item, err := l.typeByName(a.item, "array item of "+name.Local)
	if err != nil {
		return nil, err
	}
	t := &Type{Name: name, Kind: KindArray, XSDName: "Array", Item: item, MinLen: -1, MaxLen: -1}
	for range a.dims - 1 {
		t.Item = &Type{Kind: KindArray, XSDName: "Array", Item: t.Item, MinLen: -1, MaxLen: -1}
	}
	return t, nil
}
