package portal

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

// field is one form control, or a group of them, generated from a schema
// element. Input says which:
//
//	text, number, checkbox, datetime-local, select, textarea: a control
//	fieldset:   a structure; Op (if any) is its "remove" button
//	closed:     an optional structure not opened; Op is its "add" button
//	rows:       a repeated structure: Children are its rows, Op "add one"
//	choice:     an xs:choice: Children are its alternatives (branch)
//	branch:     one alternative: a radio (Name, Value, Checked) and its fields
//	typeswitch: the type of a value where derived types may stand (select)
//	hidden:     the form's own state (which structures are open, how many rows)
//	omitted:    a note for what the form does not offer
type field struct {
	Name     string // the form key, e.g. "line[0].sku"
	Label    string
	Input    string
	Step     string // for number inputs
	Value    string // as submitted, so that a form comes back as it was sent
	Checked  bool
	Options  []string
	Required bool
	Help     string
	Children []*field
	Op       string // the _op value of the field's button (see formState.apply)
	OpLabel  string
}

// Bounds of a generated form, whatever the WSDL. Optional structures,
// recursive ones included, are closed until the user opens them (one
// click per level: a form grows by what is asked of it), rows of a
// repeated structure are added one at a time; and still a walk stops past
// maxFormDepth nested structures, maxFormRows rows of one element or
// maxFormFields controls in all, leaving a note. The form and its decoding
// walk the schema and the form's state the same way, so a field left out
// of one is never read by the other.
const (
	maxFormDepth  = 12
	maxFormFields = 400
	maxFormRows   = 50
)

// formState is the shape of a form as its last submission left it: the
// optional structures opened (the "_open" values, by path), the number of
// rows of each repeated structure ("_rows:" and its path), the choice and
// type selections and every value typed. A submission that carries an
// "_op" (a button that reshapes the form) is applied to it and the form is
// shown again; any other is a call.
type formState struct {
	values url.Values
	open   map[string]bool
	rows   map[string]int
}

func newFormState(values url.Values) *formState {
	if values == nil {
		values = url.Values{}
	}
	s := &formState{values: values, open: map[string]bool{}, rows: map[string]int{}}
	for _, p := range values["_open"] {
		s.open[p] = true
	}
	for k, v := range values {
		if path, ok := strings.CutPrefix(k, "_rows:"); ok && len(v) > 0 {
			if n, err := strconv.Atoi(v[0]); err == nil {
				s.rows[path] = min(max(n, 0), maxFormRows)
			}
		}
	}
	return s
}

// apply performs a form button: "open:P" and "close:P" an optional
// structure, "add:P" a row of a repeated structure, "remove:P[i]" that
// row (the later rows and their values move up), "type:P" nothing more
// than showing the form again with the type chosen in P._type.
func (s *formState) apply(op string) {
	verb, path, _ := strings.Cut(op, ":")
	switch verb {
	case "open":
		s.open[path] = true
	case "close":
		delete(s.open, path)
	case "add":
		s.rows[path] = min(s.rows[path]+1, maxFormRows)
	case "remove":
		open := strings.LastIndexByte(path, '[')
		i, err := strconv.Atoi(strings.TrimSuffix(path[open+1:], "]"))
		if open < 0 || err != nil || i < 0 {
			return
		}
		list := path[:open]
		n := s.rows[list]
		if i >= n {
			return
		}
		s.shift(list, i, n)
		s.rows[list] = n - 1
	}
}

// shift drops row i of the repeated structure at list (of n rows): the
// values, opened structures and row counts of rows i+1.. move up one.
func (s *formState) shift(list string, i, n int) {
	rename := func(key string, from, to int) (string, bool) {
		p := fmt.Sprintf("%s[%d]", list, from)
		rest, ok := strings.CutPrefix(key, p)
		if !ok || rest != "" && rest[0] != '.' && rest[0] != '[' {
			return "", false
		}
		if to < 0 {
			return "", true
		}
		return fmt.Sprintf("%s[%d]%s", list, to, rest), true
	}
	for j := i; j < n; j++ {
		to := j - 1
		if j == i {
			to = -1 // dropped
		}
		for key, v := range s.values {
			stateKey, isRows := strings.CutPrefix(key, "_rows:")
			if !isRows {
				stateKey = key
			}
			if moved, ok := rename(stateKey, j, to); ok {
				delete(s.values, key)
				if moved != "" && isRows {
					s.values["_rows:"+moved] = v
				} else if moved != "" {
					s.values[moved] = v
				}
			}
		}
		for path, n := range s.rows {
			if moved, ok := rename(path, j, to); ok {
				delete(s.rows, path)
				if moved != "" {
					s.rows[moved] = n
				}
			}
		}
		for path := range s.open {
			if moved, ok := rename(path, j, to); ok {
				delete(s.open, path)
				if moved != "" {
					s.open[moved] = true
				}
			}
		}
	}
}

// rowsOf is how many rows a repeated structure shows: as the form says,
// else one when the schema requires one, else none.
func (s *formState) rowsOf(path string, el *wsdl.Element) int {
	if n, ok := s.rows[path]; ok {
		return n
	}
	if el.Min > 0 {
		return 1
	}
	return 0
}

// formWalk is the state of one walk of an input type: the form's state,
// the structures open on the way down and the controls left to make.
type formWalk struct {
	state *formState
	open  []*wsdl.Type
	left  int
}

func newFormWalk(state *formState) *formWalk {
	return &formWalk{state: state, left: maxFormFields}
}

// enter reports whether the walk may go into t, and takes it on the path.
func (w *formWalk) enter(t *wsdl.Type) bool {
	if len(w.open) >= maxFormDepth || w.left <= 0 {
		return false
	}
	w.open = append(w.open, t)
	return true
}

func (w *formWalk) leave() { w.open = w.open[:len(w.open)-1] }

// typeAt is the type a structure at key is shown and read as: the derived
// type its _type names, if any, else the declared one.
func (w *formWalk) typeAt(t *wsdl.Type, key string) *wsdl.Type {
	if len(t.Derived) > 0 {
		if d := t.DerivedNamed(w.state.values.Get(key + "." + wsdl.TypeMember)); d != nil {
			return d
		}
	}
	return t
}

// formElements are the controls' elements of a struct type: its fields,
// then its text (a type of simple content with attributes), its
// attributes and its open content, under the member names every front end
// uses for them.
func formElements(t *wsdl.Type) []*wsdl.Element {
	if t.Text == nil && len(t.Attrs) == 0 && !t.Any {
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
	if t.Any {
		out = append(out, &wsdl.Element{Name: xml.Name{Local: wsdl.AnyMember}, Type: anyXML, Min: 0, Max: 1, Doc: "other elements, as XML"})
	}
	return out
}

// anyXML is the type of a type's open content in a form: XML text.
var anyXML = &wsdl.Type{Kind: wsdl.KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}

// formFields builds the controls for an operation's input element, shaped
// as the submitted values (nil: a new form) say.
func formFields(input *wsdl.Element, state *formState) []*field {
	w := newFormWalk(state)
	if !w.enter(input.Type) {
		return nil
	}
	return w.fieldsOf(input.Type, "")
}

// structure is the controls of a structure at key: closed with an "add"
// button when optional and not opened, a fieldset otherwise, or a note
// when the walk may go no deeper.
func (w *formWalk) structure(el *wsdl.Element, key, label string, optional bool, remove string) *field {
	if optional && !w.state.open[key] {
		return &field{Name: key, Label: label, Input: "closed", Op: "open:" + key, OpLabel: "add " + el.Name.Local}
	}
	f := &field{Name: key, Label: label, Input: "fieldset", Required: !optional && remove == ""}
	if !w.enter(el.Type) {
		f.Input, f.Help = "omitted", "nested "+el.Name.Local+" not offered by this form (too deep or too large); use XML-RPC or SOAP to send it"
		return f
	}
	defer w.leave()
	if optional {
		f.Op, f.OpLabel = "close:"+key, "remove"
		f.Children = append(f.Children, &field{Name: "_open", Input: "hidden", Value: key})
	}
	if remove != "" {
		f.Op, f.OpLabel = remove, "remove"
	}
	t := el.Type
	if len(t.Derived) > 0 {
		names := []string{}
		if !t.Abstract {
			names = append(names, t.Name.Local)
		}
		var collect func(*wsdl.Type)
		collect = func(b *wsdl.Type) {
			for _, d := range b.Derived {
				if !d.Abstract {
					names = append(names, d.Name.Local)
				}
				collect(d)
			}
		}
		collect(t)
		t = w.typeAt(t, key)
		name := key + "." + wsdl.TypeMember
		f.Children = append(f.Children, &field{Name: name, Label: "type", Input: "typeswitch", Options: names,
			Value: w.state.values.Get(name), Op: "type:" + key, OpLabel: "use type", Required: el.Type.Abstract})
	}
	f.Children = append(f.Children, w.fieldsOf(t, key+".")...)
	return f
}

func (w *formWalk) fieldsOf(t *wsdl.Type, prefix string) []*field {
	var out []*field
	elems := formElements(t)
	for i := 0; i < len(elems); i++ {
		el := elems[i]
		if el.Choice != 0 {
			// The alternatives of a choice, as radios, each with its fields.
			n := i
			for n < len(elems) && elems[n].Choice == el.Choice {
				n++
			}
			out = append(out, w.choice(elems[i:n], prefix))
			i = n - 1
			continue
		}
		if f := w.control(el, prefix); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// rowsOf reports whether el is shown as rows of structures (a repeated
// structure, or a SOAP-ENC array of them), and the element of one row.
func rowsOf(el *wsdl.Element) (item *wsdl.Element, rows bool) {
	switch {
	case el.Type.Kind == wsdl.KindStruct && el.Repeated():
		return el, true
	case el.Type.Kind == wsdl.KindArray && el.Type.Item.Kind == wsdl.KindStruct:
		return &wsdl.Element{Name: el.Name, Type: el.Type.Item, Min: 1, Max: 1}, true
	}
	return nil, false
}

// choiceKey is the form key of the radio that picks an alternative of a
// choice.
func choiceKey(prefix string, choice int) string {
	return fmt.Sprintf("%s_choice%d", prefix, choice)
}

func (w *formWalk) choice(elems []*wsdl.Element, prefix string) *field {
	key := choiceKey(prefix, elems[0].Choice)
	picked := w.state.values.Get(key)
	f := &field{Name: key, Label: "one of", Input: "choice"}
	for i := 0; i < len(elems); {
		j := i
		var labels []string
		for j < len(elems) && elems[j].Branch == elems[i].Branch {
			labels = append(labels, elems[j].Name.Local)
			j++
		}
		value := strconv.Itoa(elems[i].Branch)
		b := &field{Name: key, Label: strings.Join(labels, " + "), Input: "branch", Value: value, Checked: picked == value}
		for _, el := range elems[i:j] {
			if c := w.control(el, prefix); c != nil {
				b.Children = append(b.Children, c)
			}
		}
		f.Children = append(f.Children, b)
		i = j
	}
	return f
}

// control is the control (or group) of one element, or nil once the form
// is as large as it may be.
func (w *formWalk) control(el *wsdl.Element, prefix string) *field {
	if w.left <= 0 {
		return nil
	}
	w.left--
	name := prefix + el.Name.Local
	optional := el.Min == 0 || el.Choice != 0
	item, rows := rowsOf(el)
	switch {
	case rows:
		n := w.state.rowsOf(name, el)
		f := &field{Name: name, Label: el.Name.Local, Input: "rows", Op: "add:" + name, OpLabel: "add " + el.Name.Local}
		f.Children = append(f.Children, &field{Name: "_rows:" + name, Input: "hidden", Value: strconv.Itoa(n)})
		for i := range n {
			if w.left <= 0 {
				break
			}
			key := fmt.Sprintf("%s[%d]", name, i)
			f.Children = append(f.Children, w.structure(item, key, fmt.Sprintf("%s %d", el.Name.Local, i+1), false, "remove:"+key))
		}
		return f
	case el.Type.Kind == wsdl.KindStruct:
		return w.structure(el, name, el.Name.Local, optional, "")
	case el.Type.Kind == wsdl.KindArray && el.Type.Item.Kind != wsdl.KindArray:
		return &field{Name: name, Label: el.Name.Local, Input: "textarea", Required: el.Min > 0, Value: w.state.values.Get(name),
			Help: "one " + kindHelp(el.Type.Item) + " per line"}
	case el.Type.Kind == wsdl.KindArray:
		return &field{Name: name, Label: el.Name.Local, Input: "omitted", Help: "an array of arrays: send it over XML-RPC or SOAP"}
	case el.Type.Kind == wsdl.KindAny:
		return &field{Name: name, Label: el.Name.Local, Input: "textarea", Value: w.state.values.Get(name),
			Help: "XML (" + strings.TrimSpace(el.Doc+" "+"elements or text") + ")"}
	case el.Repeated():
		return &field{Name: name, Label: el.Name.Local, Input: "textarea", Required: el.Min > 0, Value: w.state.values.Get(name),
			Help: "one " + kindHelp(el.Type) + " per line"}
	}
	f := scalarField(el, name)
	f.Value = w.state.values.Get(name)
	f.Checked = f.Input == "checkbox" && f.Value != ""
	if el.Choice != 0 {
		f.Required = false
	}
	return f
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
// same schema and form state the form was generated from. Empty optional
// controls are left out, so are closed structures and the alternatives of
// a choice other than the one picked; the core then checks the result like
// any other protocol's.
func decodeForm(input *wsdl.Element, form url.Values) (gateway.Struct, error) {
	w := newFormWalk(newFormState(form))
	if !w.enter(input.Type) {
		return gateway.Struct{}, nil
	}
	return w.decodeStruct(input.Type, "")
}

// ParamsFromPairs reads an operation's parameters from key=value pairs
// keyed as the portal's form controls are ("sku", "line[0].qty",
// "item.subject", "metadata[0]._type"), each value read by the schema:
// every structure a key goes into is opened and every row a key names
// is offered, so that the pairs alone give the shape. Several values of
// one key are the items of a repeated element. The admin command
// "gateway call" sends its arguments this way.
func ParamsFromPairs(input *wsdl.Element, pairs url.Values) (gateway.Struct, error) {
	form := url.Values{}
	rows := map[string]int{}
	for key, values := range pairs {
		if strings.HasPrefix(key, "_") {
			continue // the form's own state is derived here, not taken
		}
		form.Set(key, strings.Join(values, "\n"))
		for i := 0; i < len(key); i++ {
			switch key[i] {
			case '.':
				form.Add("_open", key[:i])
			case '[':
				end := strings.IndexByte(key[i:], ']')
				if end < 0 {
					break
				}
				if n, err := strconv.Atoi(key[i+1 : i+end]); err == nil && n >= 0 && n < maxFormRows {
					rows[key[:i]] = max(rows[key[:i]], n+1)
				}
			}
		}
	}
	for list, n := range rows {
		form.Set("_rows:"+list, strconv.Itoa(n))
	}
	return decodeForm(input, form)
}

// decodeStructure reads a structure the form offered at key; (nil, nil)
// for one it left out.
func (w *formWalk) decodeStructure(el *wsdl.Element, key string, optional bool) (gateway.Struct, error) {
	if optional && !w.state.open[key] || !w.enter(el.Type) {
		return nil, nil
	}
	defer w.leave()
	t := w.typeAt(el.Type, key)
	st, err := w.decodeStruct(t, key+".")
	if err != nil || t == el.Type {
		return st, err
	}
	return append(gateway.Struct{{Name: wsdl.TypeMember, Value: t.Name.Local}}, st...), nil
}

func (w *formWalk) decodeStruct(t *wsdl.Type, prefix string) (gateway.Struct, error) {
	out := gateway.Struct{}
	for _, el := range formElements(t) {
		if el.Choice != 0 {
			if picked := w.state.values.Get(choiceKey(prefix, el.Choice)); picked != "" && picked != strconv.Itoa(el.Branch) {
				continue // another alternative is the one picked
			}
		}
		if w.left <= 0 {
			break
		}
		w.left--
		name := prefix + el.Name.Local
		item, rows := rowsOf(el)
		switch {
		case rows:
			var list []any
			for i := range w.state.rowsOf(name, el) {
				if w.left <= 0 {
					break
				}
				st, err := w.decodeStructure(item, fmt.Sprintf("%s[%d]", name, i), false)
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
			st, err := w.decodeStructure(el, name, el.Min == 0 || el.Choice != 0)
			if err != nil {
				return nil, err
			}
			if len(st) > 0 || el.Min > 0 && st != nil {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: st})
			}
		case el.Type.Kind == wsdl.KindArray && el.Type.Item.Kind == wsdl.KindArray:
			// not offered by the form
		case el.Name.Local == wsdl.AnyMember && el.Type == anyXML:
			raw := strings.TrimSpace(w.state.values.Get(name))
			if raw == "" {
				continue
			}
			list, err := splitElements(raw)
			if err != nil {
				return nil, &formError{fmt.Sprintf("%s: %v", name, err)}
			}
			out = append(out, gateway.Member{Name: el.Name.Local, Value: list})
		case el.Type.Kind == wsdl.KindAny:
			if raw := w.state.values.Get(name); strings.TrimSpace(raw) != "" {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: raw})
			}
		case el.Repeated() || el.Type.Kind == wsdl.KindArray:
			itemType := el.Type
			if el.Type.Kind == wsdl.KindArray {
				itemType = el.Type.Item
			}
			var list []any
			for _, line := range strings.Split(w.state.values.Get(name), "\n") {
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
			v := w.state.values.Get(name)
			if v != "" || el.Min > 0 && el.Choice == 0 {
				out = append(out, gateway.Member{Name: el.Name.Local, Value: v == "on" || v == "true" || v == "1"})
			}
		default:
			raw := w.state.values.Get(name)
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

// splitElements reads XML typed for open content (xs:any) as its
// top-level elements, each a string.
func splitElements(raw string) ([]any, error) {
	d := xml.NewDecoder(strings.NewReader(raw))
	var out []any
	depth, start := 0, int64(0)
	for {
		before := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				start = before
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				out = append(out, raw[start:d.InputOffset()])
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return nil, errors.New("text outside an element: give XML elements")
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("an element is not closed")
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
