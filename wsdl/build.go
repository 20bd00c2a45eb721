package wsdl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hooklift/gowsdl"
)

// build turns the parsed documents into operations, checking the constructs
// the gateway can serve: document style, literal use, element parts.
func (l *loader) build() (*Definition, error) {
	root := l.docs[0]
	def := &Definition{Name: root.w.Name, TargetNamespace: root.w.TargetNamespace, Path: l.root, byName: make(map[string]*Operation), read: l.read}
	actions, err := l.checkBindings()
	if err != nil {
		return nil, err
	}
	for _, d := range l.docs {
		for _, pt := range d.w.PortTypes {
			for _, po := range pt.Operations {
				if def.byName[po.Name] != nil {
					continue
				}
				op, err := l.operation(d, pt, po)
				if err != nil {
					return nil, err
				}
				op.Action = actions[po.Name]
				def.Operations = append(def.Operations, op)
				def.byName[op.Name] = op
			}
		}
	}
	if len(def.Operations) == 0 {
		return nil, l.fail(l.root, "wsdl:portType", errors.New("no operations"))
	}
	def.SOAP12Only = l.soap12Only
	if def.Name == "" && len(root.w.Service) > 0 {
		def.Name = root.w.Service[0].Name
	}
	return def, nil
}

// checkBindings refuses RPC style and encoded use, and collects soapActions.
func (l *loader) checkBindings() (map[string]string, error) {
	actions := make(map[string]string)
	for _, d := range l.docs {
		for _, b := range d.w.Binding {
			for _, op := range b.Operations {
				style := op.SOAPOperation.Style
				if style == "" {
					style = b.SOAPBinding.Style
				}
				construct := fmt.Sprintf("binding %q operation %q", b.Name, op.Name)
				if style == "rpc" {
					return nil, l.fail(d.path, construct, fmt.Errorf("RPC style: %w (document/literal only)", ErrUnsupported))
				}
				uses := []string{op.Input.SOAPBody.Use, op.Output.SOAPBody.Use}
				for _, f := range op.Faults {
					uses = append(uses, f.SOAPFault.Use)
				}
				for _, u := range uses {
					if u == "encoded" {
						return nil, l.fail(d.path, construct, fmt.Errorf("encoded use: %w (document/literal only)", ErrUnsupported))
					}
				}
				if op.SOAPOperation.SOAPAction != "" {
					actions[op.Name] = op.SOAPOperation.SOAPAction
				}
			}
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

// messageElement resolves the one element part of a document/literal message.
func (l *loader) messageElement(d *wsdlDoc, ref string) (*Element, error) {
	md, m, err := l.message(d, ref)
	if err != nil {
		return nil, err
	}
	switch {
	case len(m.Parts) == 0:
		return nil, nil
	case len(m.Parts) > 1:
		return nil, fmt.Errorf("message %q has %d parts: %w (document/literal wrapped takes one element part)", m.Name, len(m.Parts), ErrUnsupported)
	}
	p := m.Parts[0]
	if p.Element == "" {
		return nil, fmt.Errorf("message %q part %q uses type=, not element=: %w (document/literal only)", m.Name, p.Name, ErrUnsupported)
	}
	en, err := qname(p.Element, md.w.Xmlns, md.w.TargetNamespace)
	if err != nil {
		return nil, err
	}
	g := l.elements[en]
	if g == nil {
		return nil, fmt.Errorf("message %q part %q: element {%s}%s is not defined by any schema", m.Name, p.Name, en.Space, en.Local)
	}
	return l.element(g.sd, g.e, true)
}

func (l *loader) operation(d *wsdlDoc, pt *gowsdl.WSDLPortType, po *gowsdl.WSDLOperation) (*Operation, error) {
	construct := fmt.Sprintf("portType %q operation %q", pt.Name, po.Name)
	op := &Operation{Name: po.Name, Doc: strings.TrimSpace(po.Doc)}
	var err error
	if po.Input.Message == "" {
		return nil, l.fail(d.path, construct, errors.New("no input message"))
	}
	if op.Input, err = l.messageElement(d, po.Input.Message); err != nil {
		return nil, l.fail(d.path, construct+" input", err)
	}
	if op.Input == nil || op.Input.Type.Kind != KindStruct {
		return nil, l.fail(d.path, construct+" input", fmt.Errorf("input is not a wrapper element of complex type: %w", ErrUnsupported))
	}
	if po.Output.Message != "" {
		if op.Output, err = l.messageElement(d, po.Output.Message); err != nil {
			return nil, l.fail(d.path, construct+" output", err)
		}
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
