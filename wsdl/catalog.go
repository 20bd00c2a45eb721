package wsdl

import (
	"bytes"
	"embed"
	"encoding/xml"
)

//go:embed catalog/*.xsd
var catalogFS embed.FS

// catalogSchema is the gateway's own stand-in schema for a catalog
// namespace, as the publisher serves it, if it has one.
func catalogSchema(ns string) ([]byte, bool) {
	file := map[string]string{NSSOAPENC: "soap-encoding.xsd", NSWSA2005: "ws-addressing.xsd", NSWSA2004: "ws-addressing.xsd"}[ns]
	if file == "" {
		return nil, false
	}
	data, err := catalogFS.ReadFile("catalog/" + file)
	if err != nil {
		return nil, false
	}
	if ns == NSWSA2004 {
		data = bytes.ReplaceAll(data, []byte(NSWSA2005), []byte(NSWSA2004))
	}
	return data, true
}

// Well-known schemas that WSDLs import from the web. The gateway never
// fetches a schema at start: these are known here instead, by namespace,
// so that a WSDL that imports them from their published URL loads offline.
const (
	NSSOAPENC  = "http://schemas.xmlsoap.org/soap/encoding/"
	NSXML      = "http://www.w3.org/XML/1998/namespace"
	NSWSA2004  = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	NSWSA2005  = "http://www.w3.org/2005/08/addressing"
	NSWSSE     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU      = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	xsd1999    = "http://www.w3.org/1999/XMLSchema"
	xsd2000    = "http://www.w3.org/2000/10/XMLSchema"
	catalogURI = "built-in catalog"
)

// catalogNamespaces are the namespaces whose schemas the catalog stands for.
var catalogNamespaces = map[string]bool{
	NSSOAPENC: true, NSXML: true, NSWSA2004: true, NSWSA2005: true, NSWSSE: true, NSWSU: true,
}

// catalogType is a type of a catalog namespace: SOAP-ENC's scalar types
// are XSD's (soapenc:string is xsd:string, with nil allowed); its Array and
// Struct, and the WS-* types, are carried as they come (anyType), except
// the WS-Addressing URI types, which are strings.
func catalogType(name xml.Name) (*Type, bool) {
	if !catalogNamespaces[name.Space] {
		return nil, false
	}
	if name.Space == NSSOAPENC {
		if name.Local == "base64" {
			return &Type{Name: name, Kind: KindBase64, XSDName: "base64Binary", MinLen: -1, MaxLen: -1}, true
		}
		if k, ok := builtinKinds[name.Local]; ok {
			return &Type{Name: name, Kind: k, XSDName: name.Local, MinLen: -1, MaxLen: -1}, true
		}
	}
	switch name.Local {
	case "AttributedURI", "AttributedURIType", "AttributedQName", "AttributedQNameType", "AttributedDateTime", "AttributedString":
		return &Type{Name: name, Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}, true
	}
	return &Type{Name: name, Kind: KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}, true
}
