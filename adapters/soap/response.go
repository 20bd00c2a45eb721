package soap

import (
	"io"
	"strings"

	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// ContentType is the request content type of version v; for SOAP 1.2 the
// action travels in it.
func ContentType(v Version, action string) string {
	if v == V12 {
		if action != "" {
			return `application/soap+xml; charset=utf-8; action="` + action + `"`
		}
		return "application/soap+xml; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// DecodeResponse reads the response to a call of op (from a SOAP upstream):
// the output wrapper's content, or the fault as a *gateway.Fault of kind
// Application; a fault op declares comes with its name and its detail
// decoded by the schema.
func DecodeResponse(r io.Reader, v Version, op *wsdl.Operation, maxDepth int) (gateway.Struct, error) {
	out, _, err := DecodeResponseLenient(r, v, op, maxDepth, true)
	return out, err
}

// DecodeResponseLenient is DecodeResponse that, unless strict, reads past
// what the schema does not expect of an upstream's answer: an unknown
// element is skipped, a repeated one that may occur once keeps its first
// value; each is named in deviations.
func DecodeResponseLenient(r io.Reader, v Version, op *wsdl.Operation, maxDepth int, strict bool) (gateway.Struct, []string, error) {
	d, err := newDecoder(r, maxDepth, knownNamespaces)
	if err != nil {
		return nil, nil, err
	}
	d.lenient = !strict
	out, err := d.response(v, op)
	return out, d.deviations, err
}

func (d *decoder) response(v Version, op *wsdl.Operation) (gateway.Struct, error) {
	env, err := d.start()
	if err != nil {
		return nil, err
	}
	if !is(env, v.ns(), "Envelope") {
		return nil, clientFault("the response is not a SOAP %s envelope", map[Version]string{V11: "1.1", V12: "1.2"}[v])
	}
	el, err := d.start()
	if err != nil {
		return nil, err
	}
	var headers gateway.Struct
	if is(el, v.ns(), "Header") {
		if headers, err = d.responseHeaders(op); err != nil {
			return nil, err
		}
		if el, err = d.start(); err != nil {
			return nil, err
		}
	}
	if !is(el, v.ns(), "Body") {
		return nil, clientFault("no SOAP Body in the response")
	}
	first, err := d.start()
	if err != nil {
		if first.Kind == xmltext.End && op.Output == nil {
			return gateway.Struct{}, nil // a one-way operation's empty Body
		}
		if first.Kind == xmltext.End && op.Output != nil && op.Output.Bare && len(op.Output.Type.Fields) == 0 {
			return gateway.Struct{}, nil // a bare output without parts: an empty Body
		}
		return nil, clientFault("the response Body is empty")
	}
	if is(first, v.ns(), "Fault") {
		return nil, d.fault(v, op)
	}
	var out any
	switch {
	case op.Output != nil && op.Output.Encoded:
		out, err = d.encodedMessage(first, op.Output)
	case op.Output != nil && op.Output.Bare:
		// The Body is the wrapper; its end ends the parameters.
		out, err = d.structContent(op.Output, "", &first)
	case op.Output == nil:
		// A one-way operation: whatever the upstream says beside a fault
		// is no output of it.
		return gateway.Struct{}, nil
	case string(first.Local) != op.Output.Name.Local:
		return nil, clientFault("the response body is <%s>, not the output of %s", first.Local, op.Name)
	default:
		out, err = d.element(first, op.Output, "")
	}
	if err != nil {
		return nil, err
	}
	st, _ := out.(gateway.Struct)
	if st == nil {
		st = gateway.Struct{}
	}
	if len(headers) > 0 {
		st = append(st, gateway.Member{Name: wsdl.HeadersMember, Value: headers})
	}
	return st, nil
}

// responseHeaders reads an answer's Header: the blocks op declares as
// output headers, decoded; the others passed over.
func (d *decoder) responseHeaders(op *wsdl.Operation) (gateway.Struct, error) {
	var nodes []*encNode
	err := d.eachChild(func(t xmltext.Token) error {
		if len(op.OutputHeaders) == 0 {
			return d.skip()
		}
		n, err := d.encTree(t)
		if err == nil {
			nodes = append(nodes, n)
		}
		return err
	})
	if err != nil || len(nodes) == 0 {
		return nil, err
	}
	e := newEncDecoder(nodes)
	var out gateway.Struct
	for _, n := range nodes {
		el := headerElement(op.OutputHeaders, n)
		if el == nil {
			continue
		}
		v, err := e.value(n, el.Type, wsdl.HeadersMember+"."+el.Name.Local)
		if err != nil {
			return nil, err
		}
		out = append(out, gateway.Member{Name: el.Name.Local, Value: v})
	}
	return out, nil
}

// fault reads a Fault element of either version.
func (d *decoder) fault(v Version, op *wsdl.Operation) error {
	var code, reason string
	var detail gateway.Struct
	var name string
	err := d.eachChild(func(t xmltext.Token) error {
		var err error
		switch local := string(t.Local); local {
		case "faultcode", "faultstring":
			text, err := d.textContent("", local)
			if err != nil {
				return err
			}
			if local == "faultcode" {
				code = strings.TrimSpace(text)
			} else {
				reason = text
			}
		case "Reason":
			reason, err = d.reasonText()
		case "detail", "Detail":
			name, detail, err = d.detail(op)
		default: // SOAP 1.2's Code among them
			err = d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	// A faultstring that already starts with the fault's name (as the
	// gateway's own do) is not prefixed twice downstream.
	reason = strings.TrimSpace(reason)
	if name != "" {
		reason = strings.TrimPrefix(reason, name+": ")
	}
	f := gateway.AppFault(name, reason, detail)
	if name == "" && code != "" && reason == "" {
		f.Message = code
	}
	return f
}

// reasonText is the first Text of a SOAP 1.2 Reason.
func (d *decoder) reasonText() (string, error) {
	var text string
	err := d.textChildren(func(_ xmltext.Token, s string) {
		if text == "" {
			text = s
		}
	})
	return text, err
}

// detail decodes the first declared fault element found in a detail.
func (d *decoder) detail(op *wsdl.Operation) (string, gateway.Struct, error) {
	var name string
	var detail gateway.Struct
	err := d.eachChild(func(t xmltext.Token) error {
		var decl *wsdl.Fault
		if op != nil && name == "" {
			for _, f := range op.Faults {
				if f.Element != nil && f.Element.Name.Local == string(t.Local) {
					decl = f
				}
			}
		}
		if decl == nil {
			return d.skip()
		}
		v, err := d.element(t, decl.Element, "")
		if err != nil {
			return err
		}
		name, detail = decl.Name, asStruct(v)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return name, detail, nil
}

func asStruct(v any) gateway.Struct {
	if st, ok := v.(gateway.Struct); ok {
		return st
	}
	return gateway.Struct{}
}
