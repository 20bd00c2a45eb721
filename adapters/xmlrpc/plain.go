package xmlrpc

import (
	"bytes"

	"gateway/adapters/xmltext"
	"gateway/gateway"
)

// A methodCall in the form clients write it (Python's xmlrpc.client,
// kolo/xmlrpc, xmlrpc-c, Twisted, Java's Apache XML-RPC) is read by the
// scanner's plain reader (xmltext.Plain), straight from its bytes: tags
// without attributes, whitespace between them, text without references,
// CDATA, comments or carriage returns, and no empty-element tag but <nil/>.
// Anything else, plainCall gives up on, and the scanner reads the document
// token by token from where Reset left it, with every check and fault of
// its own: plainCall only ever answers what scanCall would
// (FuzzPlainCallMatchesScanner holds it to that).

// plainCall reads the call in s.x, just Reset, when it is in the plain
// form: ok is false when it is not, with s.x untouched.
func (s *scanner) plainCall() (method string, params []any, ok bool) {
	p := s.x.Plain()
	if !p.Open("methodCall") || !p.Open("methodName") {
		return "", nil, false
	}
	name, ok := p.Text()
	if !ok || !p.End() {
		return "", nil, false
	}
	method = s.methodNamed(name)
	if method == "" {
		return "", nil, false // the scanner's fault
	}
	if p.Open("params") {
		params = s.paramsBuf[:0]
		for !p.End() {
			if !p.Open("param") {
				return "", nil, false
			}
			v, ok := plainValue(p)
			if !ok || !p.End() {
				return "", nil, false
			}
			params = append(params, v)
		}
	}
	if !p.End() || !p.Done() {
		return "", nil, false
	}
	s.paramsBuf = params
	return method, params, true
}

// plainValue reads "<value>...</value>", after whitespace.
func plainValue(p *xmltext.Plain) (any, bool) {
	if !p.Open("value") {
		return nil, false
	}
	text, ok := p.Text()
	if !ok {
		return nil, false
	}
	if p.End() {
		return string(text), true // no type element: a string
	}
	if len(bytes.TrimSpace(text)) > 0 {
		return nil, false
	}
	var v any
	switch {
	case p.Empty("nil"):
	case p.Open("struct"):
		if v, ok = plainStruct(p); !ok {
			return nil, false
		}
	case p.Open("array"):
		if !p.Open("data") {
			return nil, false
		}
		items := []any{}
		for !p.End() {
			item, ok := plainValue(p)
			if !ok {
				return nil, false
			}
			items = append(items, item)
		}
		if !p.End() {
			return nil, false
		}
		v = items
	default:
		local, _, ok := p.Start()
		if !ok {
			return nil, false
		}
		kind, known := scalarKinds[string(local)]
		if !known {
			return nil, false
		}
		text, ok := p.Text()
		if !ok || !p.End() {
			return nil, false
		}
		var err error
		if v, err = scalar(kind, string(text)); err != nil {
			return nil, false // the scanner's path says why
		}
	}
	if !p.End() {
		return nil, false
	}
	return v, true
}

// plainStruct reads a struct's members and its end tag.
func plainStruct(p *xmltext.Plain) (gateway.Struct, bool) {
	out := make(gateway.Struct, 0, 4)
	for !p.End() {
		if !p.Open("member") || !p.Open("name") {
			return nil, false
		}
		name, ok := p.Text()
		if !ok || !p.End() {
			return nil, false
		}
		v, ok := plainValue(p)
		if !ok || !p.End() {
			return nil, false
		}
		out = append(out, gateway.Member{Name: string(name), Value: v})
	}
	return out, true
}

// scalarKinds are the scalar type elements, each name as a constant string
// (looked up by a []byte's conversion, which does not allocate).
var scalarKinds = map[string]string{
	"string": "string", "int": "int", "i4": "i4", "i8": "i8", "i2": "i2", "i1": "i1",
	"boolean": "boolean", "double": "double", "dateTime.iso8601": "dateTime.iso8601", "base64": "base64",
}
