package portal

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

// repeatedStructRows is how many blank rows a form offers for a repeated
// complex element; empty rows are ignored on submit.
const repeatedStructRows = 2

// field is one form control (or fieldset) generated from a schema element.
type field struct {
	Name     string // the form key, e.g. "line[0].sku"
	Label    string
	Input    string // text, number, checkbox, datetime-local, select, textarea, fieldset
	Step     string // for number inputs
	Options  []string
	Required bool
	Help     string
	Children []*field // for fieldset
}

// Bounds of a generated form, whatever the WSDL: a recursive type (an
// item that holds items) or repeated structures in repeated structures
// would otherwise make a page without end. Nested structures past
// maxFormDepth, or of a type already open twice on the way down (an item
// may hold an item, not an item in an item in an item), or past
// maxFormFields controls in all, are left out with a note; the form and
// its decoding walk the schema the same way, so a field left out of one
// is never read by the other.
const (
	maxFormDepth  = 6
	maxFormFields = 400
)

// formWalk is the state of one walk of an input type: the structures open
// on the way down and the controls left to make.
type formWalk struct {
	open []*wsdl.Type
	left int
}

func newFormWalk() *formWalk { return &formWalk{left: maxFormFields} }

// enter reports whether the walk may go into t, and takes it on the path.
func (w *formWalk) enter(t *wsdl.Type) bool {
	seen := 0
	for _, o := range w.open {
		if o == t {
			seen++
		}
	}
	if len(w.open) >= maxFormDepth || w.left <= 0 || seen >= 2 {
		return false
	}
	w.open = append(w.open, t)
	return true
}

func (w *formWalk) leave() { w.open = w.open[:len(w.open)-1] }

// formElements are the controls' elements of a struct type: its fields,
// then its text (a type of simple content with attributes) and its
// attributes, under the member names every front end uses for them.
func formElements(t *wsdl.Type) []*wsdl.Element {
	if t.Text == nil && len(t.Attrs) == 0 {
		return t.Fields
	}
	out := append([]*wsdl.Element{}, t.Fields...)
	if t.Text != nil {
		out = append(out, &wsdl.Element{Name: xml.Name{Local: wsdl.TextMember}, Type: t.Text, Min: 1, Max: 1})
	}
	for _, a := range t.Attrs {
		min := 0
		if a.Required {
			min = 1
		}
		out = append(out, &wsdl.Element{Name: xml.Name{Local: a.Member}, Type: a.Type, Min: min, Max: 1, Doc: "attribute " + a.Name.Local})
	}
	return out
}

// formFields builds the controls for an operation's input element.
func formFields(input *wsdl.Element) []*field {
	w := newFormWalk()
	if !w.enter(input.Type) {
		return nil
	}
	return w.fieldsOf(input.Type, "")
}

// nested is the fieldset of a structure, or a note when the walk may not
// go into it.
func (w *formWalk) nested(el *wsdl.Element, key, label string, required bool) *field {
	f := &field{Name: key, Label: label, Input: "fieldset", Required: required}
	if !w.enter(el.Type) {
		f.Input, f.Help = "omitted", "nested "+el.Name.Local+" not offered by this form (recursive or too deep); use XML-RPC or SOAP to send it"
		return f
	}
	f.Children = w.fieldsOf(el.Type, key+".")
	w.leave()
	return f
}

func (w *formWalk) fieldsOf(t *wsdl.Type, prefix string) []*field {
	var out []*field
	for _, el := range formElements(t) {
		if w.left <= 0 {
			break
		}
		w.left--
		name := prefix + el.Name.Local
		switch {
		case el.Type.Kind == wsdl.KindStruct && el.Repeated():
			for i := 0; i < repeatedStructRows; i++ {
				key := fmt.Sprintf("%s[%d]", name, i)
				out = append(out, w.nested(el, key, fmt.Sprintf("%s %d", el.Name.Local, i+1), false))
			}
		case el.Type.Kind == wsdl.KindStruct:
			out = append(out, w.nested(el, name, el.Name.Local, el.Min > 0))
		case el.Type.Kind == wsdl.KindArray && el.Type.Item.Kind != wsdl.KindStruct && el.Type.Item.Kind != wsdl.KindArray:
			out = append(out, &field{Name: name, Label: el.Name.Local, Input: "textarea", Required: el.Min > 0,
				Help: "one " + kindHelp(el.Type.Item) + " per line"})
		case el.Type.Kind == wsdl.KindArray:
			out = append(out, &field{Name: name, Label: el.Name.Local, Input: "omitted",
				Help: "an array of structures or arrays: send it over XML-RPC or SOAP"})
		case el.Repeated():
			out = append(out, &field{Name: name, Label: el.Name.Local, Input: "textarea", Required: el.Min > 0,
				Help: "one " + kindHelp(el.Type) + " per line"})
		default:
			out = append(out, scalarField(el, name))
		}
	}
	return out
}

func kindHelp(t *wsdl.Type) string {
	switch t.Kind {
	case wsdl.KindInt, wsdl.KindLong:
		return "whole number"
	case wsdl.KindDouble:
		return "number"
	case wsdl.KindBool:
		return "true or false"
	case wsdl.KindDateTime:
		return "date and time (2026-01-02T15:04:05Z)"
	case wsdl.KindBase64, wsdl.KindHex:
		return "base64 value"
	}
	return "value"
}

func scalarField(el *wsdl.Element, name string) *field {
	f := &field{Name: name, Label: el.Name.Local, Required: el.Min > 0 && !el.Nillable, Help: strings.TrimSpace(el.Doc)}
	switch {
	case len(el.Type.Enum) > 0:
		f.Input, f.Options = "select", el.Type.Enum
	case el.Type.Kind == wsdl.KindInt || el.Type.Kind == wsdl.KindLong:
		f.Input, f.Step = "number", "1"
	case el.Type.Kind == wsdl.KindDouble:
		f.Input, f.Step = "number", "any"
	case el.Type.Kind == wsdl.KindBool:
		f.Input, f.Required = "checkbox", false
	case el.Type.Kind == wsdl.KindDateTime:
		f.Input = "datetime-local"
	case el.Type.Kind == wsdl.KindBase64 || el.Type.Kind == wsdl.KindHex:
		f.Input, f.Help = "textarea", "base64"
	default:
		f.Input = "text"
	}
	return f
}

// formError is a value the user typed that does not fit the schema.
type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

// decodeForm reads an operation's parameters from a submitted form, by the
// same schema the form was generated from. Empty optional controls are left
// out; the core then checks the result like any other protocol's.
func decodeForm(input *wsdl.Element, form url.Values) (gateway.Struct, error) {
	w := newFormWalk()
	if !w.enter(input.Type) {
		return gateway.Struct{}, nil
	}
	return w.decodeStruct(input.Type, form, "")
}

// decodeNested reads a structure the form offered; (nil, nil) for one it
// left out.
func (w *formWalk) decodeNested(el *wsdl.Element, form url.Values, key string) (gateway.Struct, error) {
	if !w.enter(el.Type) {
		return nil, nil
	}
	defer w.leave()
	return w.decodeStruct(el.Type, form, key+".")
}

func (w *formWalk) decodeStruct(t *wsdl.Type, form url.Values, prefix string) (gateway.Struct, error) {
	out := gateway.Struct{}
	for _, el := range formElements(t) {
		if w.left <= 0 {
			break
		}
		w.left--
		name := prefix + el.Name.Local
		switch {
		case el.Type.Kind == wsdl.KindStruct && el.Repeated():
			var list []any
			for i := 0; i < repeatedStructRows; i++ {
				key := fmt.Sprintf("%s[%d]", name, i)
				st, err := w.decodeNested(el, form, key)
				if err != nil {
					return nil, err
				}
				if len(st) > 0 {
					list = append(list, st)
				}
			}
			if len(list) > 0 {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: list})
			}
		case el.Type.Kind == wsdl.KindStruct:
			st, err := w.decodeNested(el, form, name)
			if err != nil {
				return nil, err
			}
			if len(st) > 0 || el.Min > 0 && st != nil {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: st})
			}
		case el.Type.Kind == wsdl.KindArray && (el.Type.Item.Kind == wsdl.KindStruct || el.Type.Item.Kind == wsdl.KindArray):
			// not offered by the form
		case el.Repeated() || el.Type.Kind == wsdl.KindArray:
			itemType := el.Type
			if el.Type.Kind == wsdl.KindArray {
				itemType = el.Type.Item
			}
			var list []any
			for _, line := range strings.Split(form.Get(name), "\n") {
				if line = strings.TrimSpace(line); line == "" {
					continue
				}
				v, err := parseFormValue(itemType, line, name)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			if len(list) > 0 {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: list})
			}
		case el.Type.Kind == wsdl.KindBool:
			// An unchecked box sends nothing: false, for a required boolean.
			v := form.Get(name)
			if v != "" || el.Min > 0 {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: v == "on" || v == "true" || v == "1"})
			}
		default:
			raw := form.Get(name)
			if raw == "" || (strings.TrimSpace(raw) == "" && el.Type.Kind != wsdl.KindString) {
				continue // left empty: absent (the core says if it was required)
			}
			v, err := parseFormValue(el.Type, raw, name)
			if err != nil {
				return nil, err
			}
			out = append(out, gateway.Member{Name: el.Name.Local, Value: v})
		}
	}
	return out, nil
}

func parseFormValue(t *wsdl.Type, raw, name string) (any, error) {
	s := strings.TrimSpace(raw)
	bad := func() error {
		return &formError{fmt.Sprintf("%s: %q is not a %s", name, gateway.Clip(raw), kindHelp(t))}
	}
	switch t.Kind {
	case wsdl.KindInt, wsdl.KindLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case wsdl.KindDouble:
		if t.XSDName == "decimal" {
			d, ok := gateway.ParseDecimal(s)
			if !ok {
				return nil, bad()
			}
			return d, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	case wsdl.KindBool:
		switch strings.ToLower(s) {
		case "true", "on", "1", "yes":
			return true, nil
		case "false", "off", "0", "no":
			return false, nil
		}
		return nil, bad()
	case wsdl.KindDateTime:
		// datetime-local sends no zone and maybe no seconds: a time
		// without a zone, which stays without one.
		if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return v, nil
		}
		for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
			if v, err := time.ParseInLocation(layout, s, gateway.NoZone); err == nil {
				return v, nil
			}
		}
		return nil, bad()
	case wsdl.KindBase64, wsdl.KindHex:
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, bad()
		}
		return b, nil
	}
	return raw, nil
}
