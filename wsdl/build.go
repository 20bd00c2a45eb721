package wsdl

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hooklift/gowsdl"
)

// build turns the parsed documents into operations, checking the constructs
// the gateway can serve: literal use, document or rpc style, parts that
// resolve.
func (l *loader) build() (*Definition, error) {
	root := l.docs[0]
	def := &Definition{Name: root.w.Name, TargetNamespace: root.w.TargetNamespace, Path: l.root, byName: make(map[string]*Operation), read: l.read}
	actions, err := l.checkBindings()
	if err != nil {
		return nil, err
	}
	for _, d := range l.docs {
		for _, pt := range d.w.PortTypes {
			if len(l.soapPortTypes) > 0 && !l.soapPortTypes[pt.Name] {
				continue // implemented by no SOAP binding
			}
			for _, po := range pt.Operations {
				if def.byName[po.Name] != nil {
					continue
				}
				op, err := l.operation(d, pt, po)
				if err != nil {
					return nil, err
				}
				op.Action = actions[po.Name]
				l.addressing(def, op)
				def.Operations = append(def.Operations, op)
				def.byName[op.Name] = op
			}
		}
	}
	// Every named complex type, so that each base knows the types derived
	// from it (a message may send one where the base is declared, with
	// xsi:type). A type that no operation uses and that cannot be resolved
	// is no reason to refuse the WSDL.
	names := make([]xml.Name, 0, len(l.complex))
	for name := range l.complex {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b xml.Name) int { return strings.Compare(a.Space+" "+a.Local, b.Space+" "+b.Local) })
	for _, name := range names {
		_, _ = l.typeByName(name, "type")
	}
	if len(def.Operations) == 0 {
		return nil, l.fail(l.root, "wsdl:portType", errors.New("no operations"))
	}
	def.SOAP12Only = l.soap12Only
	def.Warnings = l.warnings
	if def.Name == "" && len(root.w.Service) > 0 {
		def.Name = root.w.Service[0].Name
	}
	return def, nil
}

// checkBindings refuses what the gateway cannot serve (document/encoded,
// which SOAP stacks never agreed on) and collects each operation's
// soapAction.
func (l *loader) checkBindings() (map[string]string, error) {
	actions := make(map[string]string)
	for name, bo := range l.bindings {
		construct := fmt.Sprintf("binding %q operation %q", bo.binding, name)
		uses := []string{bo.in.use, bo.out.use}
		for _, u := range bo.faults {
			uses = append(uses, u)
		}
		for _, u := range uses {
			if u == UseEncoded && bo.style != StyleRPC {
				return nil, l.fail(l.root, construct, fmt.Errorf("document/encoded: %w (literal, or rpc/encoded)", ErrUnsupported))
			}
		}
		if bo.style != StyleDocument && bo.style != StyleRPC {
			return nil, l.fail(l.root, construct, fmt.Errorf("style %q is neither document nor rpc", bo.style))
		}
		if bo.action != "" {
			actions[name] = bo.action
		}
	}
	return actions, nil
}

func (l *loader) message(d *wsdlDoc, ref string) (*wsdlDoc, *gowsdl.WSDLMessage, error) {
	name, err := qname(ref, d.w.Xmlns, d.w.TargetNamespace)
	if err != nil {
		return nil, nil, err
	}
	for _, md := range l.docs {
		if md.w.TargetNamespace != name.Space && len(l.docs) > 1 {
			continue
		}
		for _, m := range md.w.Messages {
			if m.Name == name.Local {
				return md, m, nil
			}
		}
	}
	return nil, nil, fmt.Errorf("message %q is not defined", ref)
}

// messagePart is one part of a message as a parameter: an element= part
// is that global element; a type= part is an unqualified element named
// after the part, of that type.
func (l *loader) messagePart(md *wsdlDoc, m *gowsdl.WSDLMessage, p *gowsdl.WSDLPart) (*Element, error) {
	if p.Element != "" {
		en, err := qname(p.Element, md.w.Xmlns, md.w.TargetNamespace)
		if err != nil {
			return nil, err
		}
		g := l.elements[en]
		if g == nil {
			return nil, fmt.Errorf("message %q part %q: element {%s}%s is not defined by any schema", m.Name, p.Name, en.Space, en.Local)
		}
		return l.element(g.sd, g.el, true)
	}
	if p.Type == "" {
		return nil, fmt.Errorf("message %q part %q has neither element= nor type=", m.Name, p.Name)
	}
	tn, err := qname(p.Type, md.w.Xmlns, md.w.TargetNamespace)
	if err != nil {
		return nil, err
	}
	t, err := l.typeByName(tn, fmt.Sprintf("message %q part %q", m.Name, p.Name))
	if err != nil {
		return nil, err
	}
	return &Element{Name: xml.Name{Local: p.Name}, Type: t, Min: 1, Max: 1}, nil
}

// bodyParts resolves the parts of a message that go in the SOAP Body
// (those soap:body parts= names, else all), in message order.
func (l *loader) bodyParts(d *wsdlDoc, ref string, body bodyUse) ([]*gowsdl.WSDLPart, []*Element, error) {
	md, m, err := l.message(d, ref)
	if err != nil {
		return nil, nil, err
	}
	var raw []*gowsdl.WSDLPart
	var out []*Element
	for _, p := range m.Parts {
		if body.hasParts && !slices.Contains(body.parts, p.Name) {
			continue // in the Header (soap:header), or nowhere
		}
		if !body.hasParts && l.isHeaderPart(d, m, p, body) {
			continue // a part of the body's message that soap:header takes
		}
		el, err := l.messagePart(md, m, p)
		if err != nil {
			return nil, nil, err
		}
		raw, out = append(raw, p), append(out, el)
	}
	return raw, out, nil
}

// isHeaderPart reports whether a soap:header of the same operation takes
// part p of message m.
func (l *loader) isHeaderPart(d *wsdlDoc, m *gowsdl.WSDLMessage, p *gowsdl.WSDLPart, body bodyUse) bool {
	for _, h := range body.headers {
		if _, hm, err := l.message(d, h.message); err == nil && hm == m && h.part == p.Name {
			return true
		}
	}
	return false
}

// headers resolves an operation's soap:header parts.
func (l *loader) headers(d *wsdlDoc, refs []headerRef) ([]*Element, error) {
	var out []*Element
	for _, h := range refs {
		md, m, err := l.message(d, h.message)
		if err != nil {
			return nil, fmt.Errorf("soap:header: %w", err)
		}
		var part *gowsdl.WSDLPart
		for _, p := range m.Parts {
			if p.Name == h.part {
				part = p
			}
		}
		if part == nil {
			return nil, fmt.Errorf("soap:header: message %q has no part %q", m.Name, h.part)
		}
		el, err := l.messagePart(md, m, part)
		if err != nil {
			return nil, err
		}
		out = append(out, el)
	}
	return out, nil
}

// messageElement resolves the one element part of a fault message.
func (l *loader) messageElement(d *wsdlDoc, ref string) (*Element, error) {
	md, m, err := l.message(d, ref)
	if err != nil {
		return nil, err
	}
	switch {
	case len(m.Parts) == 0:
		return nil, nil
	case len(m.Parts) > 1:
		return nil, fmt.Errorf("fault message %q has %d parts: %w (a fault has one element part)", m.Name, len(m.Parts), ErrUnsupported)
	}
	if m.Parts[0].Element == "" {
		return nil, fmt.Errorf("fault message %q part %q uses type=, not element=: %w", m.Name, m.Parts[0].Name, ErrUnsupported)
	}
	return l.messagePart(md, m, m.Parts[0])
}

// wrapper is the element an operation's message is, by the binding's
// style: document with one element part of complex type, that element
// (wrapped); rpc, an element named after the operation (suffix "Response"
// for the output) in soap:body's namespace whose children are the parts;
// any other document message, a Bare wrapper of its parts.
func (l *loader) wrapper(d *wsdlDoc, op *Operation, ref, suffix string, body bodyUse) (*Element, error) {
	raw, parts, err := l.bodyParts(d, ref, body)
	if err != nil {
		return nil, err
	}
	if op.Style == StyleDocument && len(parts) == 1 && raw[0].Element != "" && parts[0].Type.Kind == KindStruct {
		return parts[0], nil
	}
	t := &Type{Kind: KindStruct, Fields: parts, MinLen: -1, MaxLen: -1}
	if op.Style == StyleRPC {
		ns := body.namespace
		if ns == "" {
			ns = l.docs[0].w.TargetNamespace
		}
		return &Element{Name: xml.Name{Space: ns, Local: op.Name + suffix}, Type: t, Min: 1, Max: 1, Encoded: body.use == UseEncoded}, nil
	}
	return &Element{Name: xml.Name{Space: d.w.TargetNamespace, Local: op.Name + suffix}, Type: t, Min: 1, Max: 1, Bare: true}, nil
}

func (l *loader) operation(d *wsdlDoc, pt *gowsdl.WSDLPortType, po *gowsdl.WSDLOperation) (*Operation, error) {
	construct := fmt.Sprintf("portType %q operation %q", pt.Name, po.Name)
	op := &Operation{Name: po.Name, Doc: strings.TrimSpace(po.Doc), Style: StyleDocument}
	var in, out bodyUse
	if bo := l.bindings[po.Name]; bo != nil {
		op.Style, in, out = bo.style, bo.in, bo.out
	}
	var err error
	if po.Input.Message == "" {
		return nil, l.fail(d.path, construct, errors.New("no input message"))
	}
	if op.Input, err = l.wrapper(d, op, po.Input.Message, "", in); err != nil {
		return nil, l.fail(d.path, construct+" input", err)
	}
	if po.Output.Message != "" {
		if op.Output, err = l.wrapper(d, op, po.Output.Message, "Response", out); err != nil {
			return nil, l.fail(d.path, construct+" output", err)
		}
	}
	if op.InputHeaders, err = l.headers(d, in.headers); err != nil {
		return nil, l.fail(d.path, construct+" input", err)
	}
	if op.OutputHeaders, err = l.headers(d, out.headers); err != nil {
		return nil, l.fail(d.path, construct+" output", err)
	}
	for _, f := range po.Faults {
		el, err := l.messageElement(d, f.Message)
		if err != nil {
			return nil, l.fail(d.path, fmt.Sprintf("%s fault %q", construct, f.Name), err)
		}
		op.Faults = append(op.Faults, &Fault{Name: f.Name, Element: el})
	}
	return op, nil
}

// OutputFields is the output wrapper's children, or none for a one-way operation.
func (op *Operation) OutputFields() []*Element {
	if op.Output == nil || op.Output.Type == nil {
		return nil
	}
	return op.Output.Type.Fields
}

// addressing sets what WS-Addressing says of op: whether its binding uses
// it, and its input and output actions (explicit wsam:Action or
// wsaw:Action, else the defaults of WS-Addressing 1.0 Metadata, 4.4.4:
// [target namespace]/[portType name]/[operation name]Request and
// ...Response, ":" for "/" in a urn: namespace, the namespace's trailing
// delimiter not doubled).
func (l *loader) addressing(def *Definition, op *Operation) {
	if bo := l.bindings[op.Name]; bo != nil {
		op.Addressing = bo.addressing
	}
	a := l.actions[op.Name]
	delim := "/"
	if strings.HasPrefix(def.TargetNamespace, "urn:") {
		delim = ":"
	}
	base := strings.TrimSuffix(def.TargetNamespace, delim) + delim + a.portType + delim + op.Name
	op.InputAction, op.OutputAction = a.in, a.out
	if op.InputAction == "" {
		op.InputAction = base + "Request"
	}
	if op.OutputAction == "" && op.Output != nil {
		op.OutputAction = base + "Response"
	}
}
