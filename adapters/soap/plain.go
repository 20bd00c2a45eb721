package soap

import (
	"strings"

	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// A request in the plain form (xmltext.Plain: start tags whose only
// attributes are namespace declarations, tags that close themselves too,
// plain text) whose headers are at most the session's, calling a wrapped
// (document or rpc) literal operation with elements of simple types and
// structures of them, is read by the plain reader straight from its bytes.
// That is the form zeep, suds, .NET and CXF clients send for most calls,
// and the scanner's token by token reading of it was the largest part of a
// SOAP call's own work.
//
// Anything else (other headers, attributes such as xsi:type or xsi:nil,
// references, bare or encoded operations, open content, unknown or
// repeated elements, a value that does not parse), plainRequest gives up
// on, and request reads the message token by token from where reset left
// it, with every check and fault of its own. So plainRequest reads exactly
// what the decoder does, to the same Request
// (FuzzPlainRequestMatchesDecoder holds it to that), and judges nothing.

// plainRequest reads the message d was reset on when it is in the plain
// form: ok is false when it is not, with d untouched. The Request is d's
// own, valid until d is released or reads another.
func (d *decoder) plainRequest(v Version, def *wsdl.Definition) (req *Request, ok bool) {
	p := d.x.Plain()
	local, space, ok := p.Start()
	if !ok || string(local) != "Envelope" || string(space) != v.ns() {
		return nil, false
	}
	if local, space, ok = p.Start(); !ok {
		return nil, false
	}
	var session []byte
	haveSession := false
	if string(local) == "Header" && string(space) == v.ns() {
		for !p.End() {
			local, space, ok := p.Start()
			if !ok || string(local) != "Session" || string(space) != NSSession || haveSession {
				return nil, false
			}
			if session, ok = p.Text(); !ok || !p.End() {
				return nil, false
			}
			haveSession = true
		}
		if local, space, ok = p.Start(); !ok {
			return nil, false
		}
	}
	if string(local) != "Body" || string(space) != v.ns() {
		return nil, false
	}
	if local, space, ok = p.Start(); !ok {
		return nil, false
	}
	op := plainOperation(def, local, space)
	if op == nil {
		return nil, false
	}
	params, ok := plainStruct(p, op.Input, "")
	if !ok || !p.End() || !p.End() || !p.Done() {
		return nil, false
	}
	req = &d.req
	*req = Request{Version: v, Operation: op, Params: params}
	if haveSession {
		req.SessionToken = strings.TrimSpace(string(session))
	}
	return req, true
}

// plainOperation is the operation whose wrapper element is {space}local, as
// operationOf finds it, when that is a wrapped literal one: nil otherwise
// (a bare or encoded operation, or a match operationOf makes by local name
// alone, is the decoder's to read).
func plainOperation(def *wsdl.Definition, local, space []byte) *wsdl.Operation {
	for _, op := range def.Operations {
		// The local name first: the operations of a service share their
		// namespace, and their names mostly differ in length.
		if !op.Input.Bare && string(local) == op.Input.Name.Local && string(space) == op.Input.Name.Space {
			if op.Input.Encoded {
				return nil
			}
			return op
		}
	}
	return nil
}

// plainElement reads the content of an element of el's type whose start
// tag has been read, and its end, as element does.
func plainElement(p *xmltext.Plain, el *wsdl.Element, parent string) (any, bool) {
	switch el.Type.Kind {
	case wsdl.KindStruct:
		return plainStruct(p, el, parent)
	case wsdl.KindAny:
		return nil, false
	}
	if el.Type.XSDName == "QName" {
		return nil, false
	}
	text, ok := p.Text()
	if !ok || !p.End() {
		return nil, false
	}
	v, err := parseScalar(el.Type, string(text), parent, el.Name.Local)
	return v, err == nil
}

// plainStruct reads the children of a structure of el's type to its end,
// as structContent does.
func plainStruct(p *xmltext.Plain, el *wsdl.Element, parent string) (gateway.Struct, bool) {
	if el.Type.Kind != wsdl.KindStruct || len(el.Type.Attrs) > 0 || el.Type.Text != nil {
		return nil, false
	}
	here := join(parent, el.Name.Local)
	fields := el.Type.Fields
	var bufs memberBufs
	members := newMemberValues(len(fields), &bufs)
	for !p.End() {
		local, _, ok := p.Start()
		if !ok {
			return nil, false
		}
		i := fieldIndex(fields, local)
		if i < 0 {
			return nil, false
		}
		v, ok := plainElement(p, fields[i], here)
		if !ok || members.add(i, fields[i], v) != added {
			return nil, false
		}
	}
	out := members.structOf(fields, false)
	return out, true
}
