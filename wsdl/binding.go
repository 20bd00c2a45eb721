package wsdl

import (
	"strings"

	"github.com/beevik/etree"
)

// NSHTTP is WSDL 1.1's HTTP binding, which the gateway does not serve.
const NSHTTP = "http://schemas.xmlsoap.org/wsdl/http/"

// Binding styles and uses, as WSDL 1.1's SOAP binding names them.
const (
	StyleDocument = "document"
	StyleRPC      = "rpc"
	UseLiteral    = "literal"
	UseEncoded    = "encoded"
)

// bindingOp is what a SOAP binding says of one operation. gowsdl's model
// reads SOAP 1.1 bindings only and loses the operation's style, so the
// bindings are read here from the document itself.
type bindingOp struct {
	binding string // the binding's name, for messages
	soap12  bool
	// addressing is the binding's wsaw:UsingAddressing: "" (none),
	// AddressingOptional or AddressingRequired.
	addressing string
	style      string // document or rpc (the operation's, else the binding's, else document)
	action     string
	in, out    bodyUse
	faults     map[string]string // fault name -> use
}

// bodyUse is a soap:body: its use, its namespace (rpc) and the parts it
// names (nil: every part of the message).
type bodyUse struct {
	use       string
	namespace string
	parts     []string
	hasParts  bool
	headers   []headerRef // the soap:header elements beside the body
}

// headerRef is a soap:header: a part of a message that travels in the
// SOAP Header.
type headerRef struct{ message, part string }

// readBindings returns the SOAP bindings' operations of one WSDL document,
// by operation name (the first SOAP 1.1 binding wins over a SOAP 1.2 one),
// the local names of the portTypes SOAP bindings implement, and the names
// of the bindings that are not SOAP (HTTP GET/POST, MIME), which the
// gateway ignores.
func readBindings(doc *etree.Document) (ops map[string]*bindingOp, portTypes map[string]bool, ignored []string) {
	ops, portTypes = map[string]*bindingOp{}, map[string]bool{}
	if doc.Root() == nil {
		return ops, portTypes, nil
	}
	for _, b := range doc.Root().ChildElements() {
		if b.Tag != "binding" || b.NamespaceURI() != NSWSDL {
			continue
		}
		var soapNS string
		style := StyleDocument
		for _, c := range b.ChildElements() {
			if c.Tag == "binding" && (c.NamespaceURI() == NSSOAP11 || c.NamespaceURI() == NSSOAP12) {
				soapNS = c.NamespaceURI()
				if s := c.SelectAttrValue("style", ""); s != "" {
					style = s
				}
			}
		}
		if soapNS == "" {
			ignored = append(ignored, b.SelectAttrValue("name", ""))
			continue
		}
		portTypes[localName(b.SelectAttrValue("type", ""))] = true
		addressing := usingAddressing(doc.Root(), b)
		for _, o := range b.ChildElements() {
			if o.Tag != "operation" || o.NamespaceURI() != NSWSDL {
				continue
			}
			name := o.SelectAttrValue("name", "")
			bo := &bindingOp{binding: b.SelectAttrValue("name", ""), soap12: soapNS == NSSOAP12, style: style, faults: map[string]string{}, addressing: addressing}
			for _, c := range o.ChildElements() {
				switch {
				case c.Tag == "operation" && c.NamespaceURI() == soapNS:
					if s := c.SelectAttrValue("style", ""); s != "" {
						bo.style = s
					}
					bo.action = c.SelectAttrValue("soapAction", "")
				case (c.Tag == "input" || c.Tag == "output") && c.NamespaceURI() == NSWSDL:
					u := readBody(c, soapNS)
					if c.Tag == "input" {
						bo.in = u
					} else {
						bo.out = u
					}
				case c.Tag == "fault" && c.NamespaceURI() == NSWSDL:
					for _, f := range c.ChildElements() {
						if f.Tag == "fault" && f.NamespaceURI() == soapNS {
							bo.faults[c.SelectAttrValue("name", "")] = f.SelectAttrValue("use", UseLiteral)
						}
					}
				}
			}
			if prev := ops[name]; prev == nil || prev.soap12 && !bo.soap12 {
				ops[name] = bo
			}
		}
	}
	return ops, portTypes, ignored
}

func readBody(io *etree.Element, soapNS string) bodyUse {
	u := bodyUse{use: UseLiteral}
	for _, c := range io.ChildElements() {
		if c.Tag == "header" && c.NamespaceURI() == soapNS {
			u.headers = append(u.headers, headerRef{message: c.SelectAttrValue("message", ""), part: c.SelectAttrValue("part", "")})
			continue
		}
		if c.Tag != "body" || c.NamespaceURI() != soapNS {
			continue
		}
		u.use = c.SelectAttrValue("use", UseLiteral)
		u.namespace = c.SelectAttrValue("namespace", "")
		if a := c.SelectAttr("parts"); a != nil {
			u.parts, u.hasParts = strings.Fields(a.Value), true
		}
	}
	return u
}

// WS-Addressing's namespaces in a WSDL: the WSDL binding of 2006
// (wsaw:UsingAddressing, wsaw:Action) and the metadata of 2007
// (wsam:Action, wsam:Addressing in a policy).
const (
	NSWSAW = "http://www.w3.org/2006/05/addressing/wsdl"
	NSWSAM = "http://www.w3.org/2007/05/addressing/metadata"
)

// What a binding says of WS-Addressing (Operation.Addressing).
const (
	AddressingOptional = "optional"
	AddressingRequired = "required"
)

// usingAddressing reads what a binding says of WS-Addressing: a
// wsaw:UsingAddressing in it (required="true" in the WSDL namespace makes
// it required), or an assertion in a WS-Policy in it or that it refers to
// with wsp:PolicyReference (a policy in the document with that wsu:Id, as
// WCF publishes them): wsaw:UsingAddressing or wsam:Addressing there is
// required unless marked wsp:Optional="true".
func usingAddressing(root, b *etree.Element) string {
	var policies []*etree.Element
	for _, el := range allElements(b) {
		switch {
		case el.Tag == "UsingAddressing" && el.NamespaceURI() == NSWSAW && !inPolicy(el, b):
			if v := attrValueNS(el, NSWSDL, "required"); v == "true" || v == "1" {
				return AddressingRequired
			}
			return AddressingOptional
		case el.Tag == "Policy":
			policies = append(policies, el)
		case el.Tag == "PolicyReference" && root != nil:
			id := strings.TrimPrefix(el.SelectAttrValue("URI", ""), "#")
			for _, p := range allElements(root) {
				if p.Tag == "Policy" && id != "" && p.SelectAttrValue("wsu:Id", p.SelectAttrValue("Id", "")) == id {
					policies = append(policies, p)
				}
			}
		}
	}
	for _, p := range policies {
		for _, el := range allElements(p) {
			if el.Tag == "UsingAddressing" && el.NamespaceURI() == NSWSAW || el.Tag == "Addressing" && el.NamespaceURI() == NSWSAM {
				if v := el.SelectAttrValue("wsp:Optional", el.SelectAttrValue("Optional", "")); v == "true" || v == "1" {
					return AddressingOptional
				}
				return AddressingRequired
			}
		}
	}
	return ""
}

// inPolicy reports whether el sits in a WS-Policy below top.
func inPolicy(el, top *etree.Element) bool {
	for p := el.Parent(); p != nil && p != top; p = p.Parent() {
		if p.Tag == "Policy" {
			return true
		}
	}
	return false
}

// attrValueNS is the value of el's attribute local in namespace ns (by
// prefix, or unprefixed when ns is "").
func attrValueNS(el *etree.Element, ns, local string) string {
	for _, a := range el.Attr {
		if a.Key == local && (a.Space == "" || a.NamespaceURI() == ns) {
			return a.Value
		}
	}
	return ""
}

// portTypeActions are the explicit WS-Addressing actions of a portType's
// operations (wsam:Action or wsaw:Action on input and output), by
// operation name, with the portType's name for the default actions.
type portTypeAction struct {
	portType, in, out string
}

func readPortTypeActions(doc *etree.Document) map[string]portTypeAction {
	out := map[string]portTypeAction{}
	if doc.Root() == nil {
		return out
	}
	for _, pt := range doc.Root().ChildElements() {
		if pt.Tag != "portType" || pt.NamespaceURI() != NSWSDL {
			continue
		}
		for _, o := range pt.ChildElements() {
			if o.Tag != "operation" || o.NamespaceURI() != NSWSDL {
				continue
			}
			name := o.SelectAttrValue("name", "")
			if _, seen := out[name]; seen {
				continue
			}
			a := portTypeAction{portType: pt.SelectAttrValue("name", "")}
			for _, io := range o.ChildElements() {
				v := attrValueNS(io, NSWSAM, "Action")
				if v == "" {
					v = attrValueNS(io, NSWSAW, "Action")
				}
				switch io.Tag {
				case "input":
					a.in = v
				case "output":
					a.out = v
				}
			}
			out[name] = a
		}
	}
	return out
}
