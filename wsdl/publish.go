package wsdl

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// Namespaces the publisher writes.
const (
	NSWSDL     = "http://schemas.xmlsoap.org/wsdl/"
	NSSOAP11   = "http://schemas.xmlsoap.org/wsdl/soap/"
	NSSOAP12   = "http://schemas.xmlsoap.org/wsdl/soap12/"
	NSSession  = "urn:gateway:session"
	baseMarker = "http://gateway.invalid/__gateway_base__"
)

// Publication is a WSDL as the gateway serves it at ?wsdl, with its imported
// schemas at ?xsd=N and imported WSDLs at ?wsdl=N. Everything but the base
// URL is done once, at start: a request only substitutes the URL the client
// used.
type Publication struct {
	docs [][]byte // [0] the root WSDL; then imports in the order met
	kind []string // "wsdl" or "xsd", per doc
}

// Publish prepares def's WSDL for serving: every soap:address and
// soap12:address points at the gateway, a SOAP 1.2 binding is added where
// the source has only 1.1, the gw:Session header is declared on every
// operation of every binding, and schema/WSDL import locations point at the
// gateway's ?xsd=N / ?wsdl=N.
func Publish(def *Definition) (*Publication, error) {
	p := &Publication{}
	index := map[string]int{}
	catalogDocs := map[string]int{}
	addCatalog := func(ns string) (int, bool) {
		if n, ok := catalogDocs[ns]; ok {
			return n, true
		}
		doc, ok := catalogSchema(ns)
		if !ok {
			return 0, false
		}
		catalogDocs[ns] = len(p.docs)
		p.docs, p.kind = append(p.docs, doc), append(p.kind, "xsd")
		return len(p.docs) - 1, true
	}
	var add func(path, kind string) (int, error)
	add = func(path, kind string) (int, error) {
		key := filepath.Clean(path)
		if n, ok := index[key]; ok {
			return n, nil
		}
		data, err := def.read(path)
		if err != nil {
			return 0, err
		}
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(data); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		n := len(p.docs)
		index[key] = n
		p.docs = append(p.docs, nil)
		p.kind = append(p.kind, kind)
		// Imports first, so that their numbers are known.
		for _, el := range allElements(doc.Root()) {
			attrName, childKind := "", ""
			switch {
			case el.Tag == "import" && el.NamespaceURI() == XSD && el.SelectAttr("schemaLocation") == nil:
				// An import of a namespace only: for a catalog namespace
				// clients (zeep) would fetch the original from the web, so
				// it points at the gateway's stand-in.
				if m, ok := addCatalog(el.SelectAttrValue("namespace", "")); ok {
					el.CreateAttr("schemaLocation", baseMarker+"?xsd="+strconv.Itoa(m))
				}
				continue
			case (el.Tag == "import" || el.Tag == "include" || el.Tag == "redefine") && el.SelectAttr("schemaLocation") != nil:
				attrName, childKind = "schemaLocation", "xsd"
			case el.Tag == "import" && el.NamespaceURI() == NSWSDL && el.SelectAttr("location") != nil:
				attrName, childKind = "location", "wsdl"
				if strings.HasSuffix(strings.ToLower(el.SelectAttrValue("location", "")), ".xsd") {
					childKind = "xsd"
				}
			default:
				continue
			}
			loc := el.SelectAttrValue(attrName, "")
			if strings.Contains(loc, "://") && attrName == "schemaLocation" && el.Tag == "import" &&
				(!isURL(path) || catalogNamespaces[el.SelectAttrValue("namespace", "")]) {
				// A schema on the web. The gateway serves its own stand-in
				// for those its catalog has one of (so that clients with no
				// way out, or a slow one, load the WSDL); others clients may
				// fetch where the source says.
				if m, ok := addCatalog(el.SelectAttrValue("namespace", "")); ok {
					el.CreateAttr(attrName, baseMarker+"?xsd="+strconv.Itoa(m))
				}
				continue
			}
			target, err := locate(path, loc)
			if err != nil {
				return 0, err
			}
			m, err := add(target, childKind)
			if err != nil {
				return 0, err
			}
			el.CreateAttr(attrName, baseMarker+"?"+childKind+"="+strconv.Itoa(m))
		}
		if n == 0 {
			if err := rewriteRoot(doc); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
		}
		doc.Indent(2)
		out, err := doc.WriteToBytes()
		if err != nil {
			return 0, err
		}
		p.docs[n] = out
		return n, nil
	}
	if _, err := add(def.Path, "wsdl"); err != nil {
		return nil, &LoadError{File: def.Path, Construct: "publish", Err: err}
	}
	return p, nil
}

// WSDL is the root WSDL with addresses at endpoint (e.g. http://h/soap/inventory).
// The endpoint is escaped for the attribute values it lands in.
func (p *Publication) WSDL(endpoint string) []byte {
	return bytes.ReplaceAll(p.docs[0], []byte(baseMarker), []byte(attrEscaper.Replace(endpoint)))
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// Import returns imported document n of kind ("xsd" or "wsdl").
func (p *Publication) Import(kind string, n int, endpoint string) ([]byte, bool) {
	if n <= 0 || n >= len(p.docs) || p.kind[n] != kind {
		return nil, false
	}
	return bytes.ReplaceAll(p.docs[n], []byte(baseMarker), []byte(attrEscaper.Replace(endpoint))), true
}

func allElements(root *etree.Element) []*etree.Element {
	out := []*etree.Element{root}
	for i := 0; i < len(out); i++ {
		out = append(out, out[i].ChildElements()...)
	}
	return out
}

// prefixFor returns a prefix declared on root for ns, declaring want (or a
// variant of it) when there is none.
func prefixFor(root *etree.Element, ns, want string) string {
	for _, a := range root.Attr {
		if a.Space == "xmlns" && a.Value == ns {
			return a.Key
		}
	}
	prefix := want
	for i := 2; root.SelectAttr("xmlns:"+prefix) != nil; i++ {
		prefix = want + strconv.Itoa(i)
	}
	root.CreateAttr("xmlns:"+prefix, ns)
	return prefix
}

func isWSDL(el *etree.Element, tag string) bool { return el.Tag == tag && el.NamespaceURI() == NSWSDL }

func rewriteRoot(doc *etree.Document) error {
	root := doc.Root()
	if root == nil || !isWSDL(root, "definitions") {
		return fmt.Errorf("not a wsdl:definitions document")
	}
	w := root.Space
	wsdlTag := func(tag string) string {
		if w == "" {
			return tag
		}
		return w + ":" + tag
	}
	tns := prefixFor(root, root.SelectAttrValue("targetNamespace", ""), "tns")
	gws := prefixFor(root, NSSession, "gws")
	soap11 := prefixFor(root, NSSOAP11, "soap")
	soap12 := prefixFor(root, NSSOAP12, "soap12")

	declareSessionSchema(root, wsdlTag)
	// The header's message, after the last message.
	msg := etree.NewElement(wsdlTag("message"))
	msg.CreateAttr("name", "GatewaySessionHeader")
	part := msg.CreateElement(wsdlTag("part"))
	part.CreateAttr("name", "Session")
	part.CreateAttr("element", gws+":Session")
	insertAfterLast(root, msg, "message", "types")

	var bindings11 []*etree.Element
	has12 := false
	for _, b := range root.ChildElements() {
		if !isWSDL(b, "binding") {
			continue
		}
		switch bindingVersion(b) {
		case NSSOAP11:
			bindings11 = append(bindings11, b)
		case NSSOAP12:
			has12 = true
		}
	}
	if !has12 {
		for _, b := range bindings11 {
			b12 := b.Copy()
			b12.CreateAttr("name", b.SelectAttrValue("name", "")+"12")
			root.InsertChildAt(b.Index()+1, b12) // in the tree first, so its prefixes resolve
			toSOAP12(b12, soap12)
			for _, svc := range root.ChildElements() {
				if !isWSDL(svc, "service") {
					continue
				}
				for _, port := range svc.ChildElements() {
					if !isWSDL(port, "port") || localName(port.SelectAttrValue("binding", "")) != b.SelectAttrValue("name", "") {
						continue
					}
					p12 := port.Copy()
					p12.CreateAttr("name", port.SelectAttrValue("name", "")+"12")
					p12.CreateAttr("binding", tns+":"+b12.SelectAttrValue("name", ""))
					svc.InsertChildAt(port.Index()+1, p12)
					toSOAP12(p12, soap12)
				}
			}
		}
	}
	wsaw := prefixFor(root, NSWSAW, "wsaw")
	for _, b := range root.ChildElements() {
		if !isWSDL(b, "binding") {
			continue
		}
		prefix := soap11
		if bindingVersion(b) == NSSOAP12 {
			prefix = soap12
		} else if bindingVersion(b) != NSSOAP11 {
			continue // an HTTP or other binding: no SOAP header
		}
		declareAddressing(root, b, wsaw, wsdlTag)
		for _, op := range b.ChildElements() {
			if !isWSDL(op, "operation") {
				continue
			}
			in := op.SelectElement("input")
			if in == nil {
				in = op.CreateElement(wsdlTag("input"))
			}
			h := in.CreateElement(prefix + ":header")
			h.CreateAttr("message", tns+":GatewaySessionHeader")
			h.CreateAttr("part", "Session")
			h.CreateAttr("use", "literal")
		}
	}
	addService(root, wsdlTag, tns, soap11, soap12)
	hideUpstreamActions(root)
	declareActions(root, prefixFor(root, NSWSAM, "wsam"))
	for _, el := range allElements(root) {
		if el.Tag == "address" && (el.NamespaceURI() == NSSOAP11 || el.NamespaceURI() == NSSOAP12) {
			el.CreateAttr("location", baseMarker)
		}
	}
	dropForeignAddresses(root)
	return nil
}

// hideUpstreamActions rewrites soapActions that are URLs on the upstream's
// host, by either scheme (NuSOAP writes its endpoint into each one; UPS an
// http: URL on its https: host) to the same path on the
// gateway: clients send the published action, which names the operation
// as well; the gateway still sends the upstream the original.
func hideUpstreamActions(root *etree.Element) {
	hosts := map[string]bool{}
	for _, el := range allElements(root) {
		if el.Tag == "address" {
			if u, err := url.Parse(el.SelectAttrValue("location", "")); err == nil && u.Host != "" {
				hosts[u.Host] = true
			}
		}
	}
	for _, el := range allElements(root) {
		if el.Tag != "operation" || (el.NamespaceURI() != NSSOAP11 && el.NamespaceURI() != NSSOAP12) {
			continue
		}
		a := el.SelectAttr("soapAction")
		if a == nil {
			continue
		}
		if u, err := url.Parse(a.Value); err == nil && u.Host != "" && hosts[u.Host] {
			a.Value = baseMarker + u.Path
		}
	}
}

// addService gives a WSDL without a wsdl:service (an abstract interface
// plus bindings, as some vendors ship) a service of its own, with a port
// per SOAP binding, so that clients know where to call.
func addService(root *etree.Element, wsdlTag func(string) string, tns, soap11, soap12 string) {
	for _, c := range root.ChildElements() {
		if isWSDL(c, "service") {
			return
		}
	}
	name := root.SelectAttrValue("name", "")
	if name == "" {
		name = "Gateway"
	}
	svc := etree.NewElement(wsdlTag("service"))
	svc.CreateAttr("name", name+"Service")
	for _, b := range root.ChildElements() {
		if !isWSDL(b, "binding") {
			continue
		}
		prefix := soap11
		switch bindingVersion(b) {
		case NSSOAP12:
			prefix = soap12
		case NSSOAP11:
		default:
			continue
		}
		port := svc.CreateElement(wsdlTag("port"))
		port.CreateAttr("name", b.SelectAttrValue("name", "")+"Port")
		port.CreateAttr("binding", tns+":"+b.SelectAttrValue("name", ""))
		port.CreateElement(prefix+":address").CreateAttr("location", baseMarker)
	}
	root.AddChild(svc)
}

// dropForeignAddresses leaves in each port only what points at the
// gateway: a port of a binding that is not SOAP (an http:address) goes
// whole, and any other extension of a port (a WS-Addressing
// EndpointReference with the upstream's address) goes, so that nothing in
// the published WSDL reveals the upstream's host.
func dropForeignAddresses(root *etree.Element) {
	for _, svc := range root.ChildElements() {
		if !isWSDL(svc, "service") {
			continue
		}
		for _, port := range svc.ChildElements() {
			if !isWSDL(port, "port") {
				continue
			}
			soap := false
			for _, c := range port.ChildElements() {
				switch {
				case c.Tag == "address" && (c.NamespaceURI() == NSSOAP11 || c.NamespaceURI() == NSSOAP12):
					soap = true
				case c.NamespaceURI() != NSWSDL:
					port.RemoveChild(c)
				}
			}
			if !soap {
				svc.RemoveChild(port)
			}
		}
	}
}

// toSOAP12 moves the SOAP 1.1 extension elements under el to SOAP 1.2.
func toSOAP12(el *etree.Element, prefix string) {
	for _, e := range allElements(el) {
		if e.NamespaceURI() == NSSOAP11 {
			e.Space = prefix
		}
	}
}

// bindingVersion is the SOAP namespace of a binding's soap:binding child.
func bindingVersion(b *etree.Element) string {
	for _, c := range b.ChildElements() {
		if c.Tag == "binding" {
			return c.NamespaceURI()
		}
	}
	return ""
}

func localName(qname string) string {
	if _, local, ok := strings.Cut(qname, ":"); ok {
		return local
	}
	return qname
}

// declareSessionSchema adds the schema of the gw:Session header element,
// unless a schema of that namespace already declares it.
func declareSessionSchema(root *etree.Element, wsdlTag func(string) string) {
	types := root.SelectElement("types")
	if types == nil {
		types = etree.NewElement(wsdlTag("types"))
		root.InsertChildAt(firstChildIndex(root), types)
	}
	for _, s := range types.ChildElements() {
		if s.Tag == "schema" && s.SelectAttrValue("targetNamespace", "") == NSSession {
			for _, e := range s.ChildElements() {
				if e.Tag == "element" && e.SelectAttrValue("name", "") == "Session" {
					return
				}
			}
		}
	}
	s := types.CreateElement("xsd:schema")
	s.CreateAttr("xmlns:xsd", XSD)
	s.CreateAttr("targetNamespace", NSSession)
	s.CreateAttr("elementFormDefault", "qualified")
	e := s.CreateElement("xsd:element")
	e.CreateAttr("name", "Session")
	e.CreateAttr("type", "xsd:string")
}

func firstChildIndex(root *etree.Element) int {
	for _, c := range root.ChildElements() {
		if c.Tag != "documentation" && c.Tag != "import" {
			return c.Index()
		}
	}
	return len(root.Child)
}

// insertAfterLast puts el after the last child called tag (or after, or
// before the first other element).
func insertAfterLast(root, el *etree.Element, tags ...string) {
	for _, tag := range tags {
		var last *etree.Element
		for _, c := range root.ChildElements() {
			if c.Tag == tag {
				last = c
			}
		}
		if last != nil {
			root.InsertChildAt(last.Index()+1, el)
			return
		}
	}
	root.InsertChildAt(firstChildIndex(root), el)
}

// declareAddressing says in a SOAP binding that the gateway understands
// WS-Addressing (optional: a client may leave it out), unless the binding
// says something of it already: wsaw:UsingAddressing, after the
// soap:binding element, as WCF and CXF publish it.
func declareAddressing(root, b *etree.Element, wsaw string, wsdlTag func(string) string) {
	if usingAddressing(root, b) != "" {
		return
	}
	ua := etree.NewElement(wsaw + ":UsingAddressing")
	ua.CreateAttr(strings.TrimSuffix(wsdlTag("required"), "required")+"required", "false")
	at := 0
	for i, c := range b.ChildElements() {
		if c.Tag == "binding" {
			at = i + 1
		}
	}
	b.InsertChildAt(childIndex(b, at), ua)
}

// childIndex is the index among all of b's children (text included) of
// its n-th child element, or the end.
func childIndex(b *etree.Element, n int) int {
	els := b.ChildElements()
	if n >= len(els) {
		return len(b.Child)
	}
	return els[n].Index()
}

// declareActions writes each portType operation's WS-Addressing actions
// where the WSDL gives none (wsam:Action on input and output), with the
// values the gateway answers with: what a WS-Addressing client (WCF, zeep,
// CXF) then sends and expects is written down, not computed by each.
func declareActions(root *etree.Element, wsam string) {
	tns := root.SelectAttrValue("targetNamespace", "")
	delim := "/"
	if strings.HasPrefix(tns, "urn:") {
		delim = ":"
	}
	for _, pt := range root.ChildElements() {
		if !isWSDL(pt, "portType") {
			continue
		}
		for _, o := range pt.ChildElements() {
			if !isWSDL(o, "operation") {
				continue
			}
			base := strings.TrimSuffix(tns, delim) + delim + pt.SelectAttrValue("name", "") + delim + o.SelectAttrValue("name", "")
			for _, io := range o.ChildElements() {
				suffix := map[string]string{"input": "Request", "output": "Response"}[io.Tag]
				if suffix == "" || io.NamespaceURI() != NSWSDL || attrValueNS(io, NSWSAM, "Action") != "" || attrValueNS(io, NSWSAW, "Action") != "" {
					continue
				}
				io.CreateAttr(wsam+":Action", base+suffix)
			}
		}
	}
}
