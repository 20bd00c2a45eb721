package wsdl

import (
	"encoding/xml"
	"strings"

	"github.com/beevik/etree"
)

// soapArray is a SOAP-ENC array type (see soapArrayOf).
type soapArray struct {
	item xml.Name // the items' type
	dims int      // 1, or more for an array of arrays ("xsd:string[][]")
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
