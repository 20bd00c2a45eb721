package soap

import (
	"strconv"

	"gateway/gateway"
	"gateway/wsdl"
)

// schemaWriter writes a walked result (gateway.Result) as the encoder
// writes its Struct: each member as the element the schema names, in the
// schema's order, with no neutral values made in between (for a typed
// operation, the generated Go response is read as it is written).
//
// It takes the plain shapes that most answers are: structures whose
// members come in schema order, of types without attributes, text
// content, open content, derived types, repeated model groups or two
// fields of one name; scalar fields (not QName); repeated fields given a
// list, a value or nothing. On anything else (and on a value the encoder
// would refuse) it gives up (failed), and the response is written from the
// result's Struct by the encoder, which handles every shape and says what
// was wrong. So the bytes of a response never depend on which of the two
// wrote it: FuzzWalkedResponseIsEncoded holds them to that.
type schemaWriter struct {
	e      encoder
	top    *wsdl.Element // the response's wrapper element
	frames []walkFrame   // the structures and lists being written, innermost last
	// member is the element of the member whose value comes next
	// (StartMember), nil when none does.
	member *wsdl.Element
	// skipping is set inside the value of a member the schema does not
	// name (the encoder never reads it), depth containers into it.
	skipping bool
	depth    int
	failed   bool
}

// walkFrame is a structure being written (t set) or a list of a repeated
// element (t nil).
type walkFrame struct {
	t    *wsdl.Type
	next int           // a structure's: the index of its first field not yet written or passed
	el   *wsdl.Element // the element the structure is the content of (nil: the wrapper), or each item of the list
}

// walkResponse writes the response envelope of a service call whose
// answer is the wrapper el, with header (already encoded) in its Header,
// by walking result into w; nil and false if w gave up (what it wrote in
// b's storage is then to be overwritten).
func walkResponse(w *schemaWriter, b []byte, v Version, el *wsdl.Element, header []byte, result gateway.Result) ([]byte, bool) {
	if el == nil || el.Bare || el.Encoded || el.Type.Kind != wsdl.KindStruct || len(el.Type.Attrs) > 0 {
		return nil, false
	}
	*w = schemaWriter{e: encoder{b: bodyStart(b, v, header), ns: el.Name.Space}, top: el, frames: w.frames[:0]}
	if err := w.e.wrapperStart(el, nil); err != nil {
		return nil, false
	}
	result.Walk(w)
	ok := !w.failed && len(w.frames) == 0 && w.top == nil // the wrapper's structure walked whole
	b = nil
	if ok {
		w.e.close(el.Name)
		b = envelopeEnd(w.e.b)
	}
	// w is pooled: it keeps its frames' storage, and nothing of the call.
	frames := w.frames[:cap(w.frames)]
	clear(frames)
	*w = schemaWriter{frames: frames[:0]}
	return b, ok
}

// walkable reports whether the schemaWriter can write a structure of
// type t as it is walked.
func walkable(t *wsdl.Type) bool {
	if t.Kind != wsdl.KindStruct || t.Text != nil || len(t.Attrs) > 0 || t.Any || len(t.Derived) > 0 {
		return false
	}
	for i, f := range t.Fields {
		if f.Group != 0 || f.Type == nil {
			return false
		}
		for _, g := range t.Fields[:i] {
			if g.Name.Local == f.Name.Local {
				return false // the encoder would write one member twice
			}
		}
	}
	return true
}

func (w *schemaWriter) fail() { w.failed = true }

// element is the element the value arriving now is written as: the
// member's, or the list's item; nil if there is none.
func (w *schemaWriter) element() *wsdl.Element {
	if len(w.frames) == 0 {
		return nil
	}
	fr := &w.frames[len(w.frames)-1]
	if fr.t == nil {
		return fr.el
	}
	f := w.member
	w.member = nil
	return f
}

// scalarElement is the element a scalar arriving now is written as, or nil
// (and the walk skipped or given up).
func (w *schemaWriter) scalarElement() *wsdl.Element {
	if w.skipping || w.failed {
		return nil
	}
	f := w.element()
	if f == nil || f.Type.XSDName == "QName" {
		w.fail()
		return nil
	}
	switch f.Type.Kind {
	case wsdl.KindStruct, wsdl.KindArray, wsdl.KindAny:
		w.fail() // the encoder refuses a scalar for a structure; the others are its to write
		return nil
	}
	return f
}

// start writes f's start tag and hands back the buffer for its content;
// end takes the buffer back and closes f.
func (w *schemaWriter) start(f *wsdl.Element) []byte {
	w.e.b = append(w.e.b, '<')
	w.e.open(f.Name)
	return append(w.e.b, '>')
}

func (w *schemaWriter) end(f *wsdl.Element, b []byte) {
	w.e.b = b
	w.e.close(f.Name)
}

// scalar writes f with the neutral scalar v, as the encoder's rest does.
// String, Int and Float write the kinds their fields mostly are without
// boxing their values for it.
func (w *schemaWriter) scalar(f *wsdl.Element, v any) {
	b, err := appendScalar(w.start(f), f.Type.Kind, v)
	if err != nil {
		w.fail()
		return
	}
	w.end(f, b)
}

func (w *schemaWriter) String(s string) {
	switch f := w.scalarElement(); {
	case f == nil:
	case f.Type.Kind == wsdl.KindString:
		w.end(f, appendText(w.start(f), s))
	default:
		w.scalar(f, s)
	}
}

func (w *schemaWriter) Int(n int64) {
	switch f := w.scalarElement(); {
	case f == nil:
	case f.Type.Kind == wsdl.KindInt || f.Type.Kind == wsdl.KindLong:
		w.end(f, strconv.AppendInt(w.start(f), n, 10))
	default:
		w.scalar(f, n)
	}
}

func (w *schemaWriter) Float(x float64) {
	switch f := w.scalarElement(); {
	case f == nil:
	case f.Type.Kind == wsdl.KindDouble:
		w.end(f, appendDouble(w.start(f), x))
	default:
		w.scalar(f, x)
	}
}

func (w *schemaWriter) Bool(x bool) {
	if f := w.scalarElement(); f != nil {
		w.scalar(f, x)
	}
}

// Value takes nil (a member that is nil, which the encoder writes by its
// element's nil rule) and the scalars with no method of their own.
func (w *schemaWriter) Value(v gateway.Value) {
	if v != nil {
		if f := w.scalarElement(); f != nil {
			w.scalar(f, v)
		}
		return
	}
	if w.skipping || w.failed {
		return
	}
	if len(w.frames) > 0 && w.frames[len(w.frames)-1].t == nil {
		w.fail() // a nil item of a list: the encoder refuses it
		return
	}
	if f := w.element(); f == nil || !w.e.missing(f, true) {
		w.fail()
	}
}

func (w *schemaWriter) StartStruct() {
	switch {
	case w.skipping:
		w.depth++
		return
	case w.failed:
		return
	case w.top != nil && len(w.frames) == 0:
		// The wrapper's own structure: its start tag is written.
		if !walkable(w.top.Type) {
			w.fail()
			return
		}
		w.frames = append(w.frames, walkFrame{t: w.top.Type})
		return
	}
	f := w.element()
	if f == nil || f.Type.Kind != wsdl.KindStruct || !walkable(f.Type) {
		w.fail()
		return
	}
	w.e.b = w.start(f)
	w.frames = append(w.frames, walkFrame{t: f.Type, el: f})
}

func (w *schemaWriter) StartMember(name string) {
	if w.skipping || w.failed {
		return
	}
	if len(w.frames) == 0 || w.frames[len(w.frames)-1].t == nil {
		w.fail()
		return
	}
	fr := &w.frames[len(w.frames)-1]
	j := -1
	for i, f := range fr.t.Fields {
		if f.Name.Local == name {
			j = i
			break
		}
	}
	switch {
	case j < 0: // not the schema's: the encoder never reads it
		w.skipping, w.depth = true, 0
		return
	case j < fr.next: // out of the schema's order, or twice
		w.fail()
		return
	}
	for _, f := range fr.t.Fields[fr.next:j] {
		if !w.e.missing(f, false) {
			w.fail()
			return
		}
	}
	fr.next, w.member = j+1, fr.t.Fields[j]
}

func (w *schemaWriter) EndMember() {
	if w.skipping && w.depth == 0 {
		w.skipping = false
	}
	w.member = nil
}

// EndStruct passes the structure's fields that had no member, and closes
// its element; the wrapper's end is walkResponse's to write.
func (w *schemaWriter) EndStruct() {
	switch {
	case w.skipping:
		w.depth--
		return
	case w.failed:
		return
	case len(w.frames) == 0 || w.frames[len(w.frames)-1].t == nil:
		w.fail()
		return
	}
	fr := w.frames[len(w.frames)-1]
	for _, f := range fr.t.Fields[fr.next:] {
		if !w.e.missing(f, false) {
			w.fail()
			return
		}
	}
	w.frames = w.frames[:len(w.frames)-1]
	if fr.el == nil {
		w.top = nil // the wrapper's structure is done
		return
	}
	w.e.close(fr.el.Name)
}

// StartArray begins the list of a repeated field: each item is one of its
// elements, as the encoder writes a list.
func (w *schemaWriter) StartArray(int) {
	switch {
	case w.skipping:
		w.depth++
		return
	case w.failed:
		return
	case len(w.frames) > 0 && w.frames[len(w.frames)-1].t == nil:
		w.fail() // a list in a list: the encoder's to refuse
		return
	}
	f := w.element()
	if f == nil || !f.Repeated() || f.Type.Kind == wsdl.KindArray || f.Type.Kind == wsdl.KindAny {
		w.fail()
		return
	}
	w.frames = append(w.frames, walkFrame{el: f})
}

func (w *schemaWriter) StartItem() {}
func (w *schemaWriter) EndItem()   {}

func (w *schemaWriter) EndArray() {
	switch {
	case w.skipping:
		w.depth--
	case w.failed:
	case len(w.frames) == 0 || w.frames[len(w.frames)-1].t != nil:
		w.fail()
	default:
		w.frames = w.frames[:len(w.frames)-1]
	}
}
