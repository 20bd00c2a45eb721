package soap

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// encoder writes schema-driven XML. The wrapper element's namespace gets
// the prefix "m"; an element of another namespace declares its own; an
// unqualified element has no prefix (no default namespace is ever declared,
// so that is unambiguous).
type encoder struct {
	b       []byte
	ns      string // the namespace bound to "m"
	encoded bool   // rpc/encoded: every value says its xsi:type, arrays are SOAP-ENC arrays
}

func envelopeStart(b []byte, v Version) []byte {
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?>`...)
	b = append(b, `<soap:Envelope xmlns:soap="`...)
	b = append(b, v.ns()...)
	return append(b, `">`...)
}

func envelopeEnd(b []byte) []byte { return append(b, "</soap:Body></soap:Envelope>"...) }

// appendResponse writes a whole response envelope; sessionToken, if set, is
// echoed as the gw:Session header (Login).
func appendResponse(b []byte, v Version, el *wsdl.Element, value gateway.Struct, sessionToken string) ([]byte, error) {
	return appendResponseHeaders(b, v, el, nil, value, sessionToken, nil)
}

// appendResponseHeaders is appendResponse that also writes the values of
// the operation's declared output headers (value's wsdl.HeadersMember),
// after extra, header blocks already encoded (WS-Addressing's).
func appendResponseHeaders(b []byte, v Version, el *wsdl.Element, headerEls []*wsdl.Element, value gateway.Struct, sessionToken string, extra []byte) ([]byte, error) {
	header := extra
	if sessionToken != "" {
		header = append(header, `<gw:Session xmlns:gw="`+NSSession+`">`...)
		header = appendText(header, sessionToken)
		header = append(header, `</gw:Session>`...)
	}
	if hv, ok := value.Get(wsdl.HeadersMember); ok && len(headerEls) > 0 {
		values, _ := hv.(gateway.Struct)
		var err error
		if header, err = AppendHeaders(header, headerEls, values); err != nil {
			return nil, err
		}
	}
	return AppendEnvelope(b, v, header, el, value)
}

// AppendHeaders writes the values of declared header elements, each by
// its schema, for a SOAP Header: those that have a value, in declaration
// order.
func AppendHeaders(b []byte, els []*wsdl.Element, values gateway.Struct) ([]byte, error) {
	for _, el := range els {
		v, ok := values.Get(el.Name.Local)
		if !ok || v == nil {
			continue
		}
		e := &encoder{b: b}
		if err := e.one(el, v, wsdl.HeadersMember); err != nil {
			return nil, err
		}
		b = e.b
	}
	return b, nil
}

// AppendEnvelope writes an envelope whose body is el with value, encoded by
// el's schema; header, if any, is the Header's already-encoded content. The
// SOAP upstream backend sends its requests with it.
func AppendEnvelope(b []byte, v Version, header []byte, el *wsdl.Element, value gateway.Struct) ([]byte, error) {
	b = bodyStart(b, v, header)
	switch {
	case el != nil && el.Bare:
		// No wrapper on the wire: the parameters are the Body's children,
		// each declaring its own namespace.
		e := &encoder{b: b}
		if err := e.fields(el.Type, value, el.Name.Local); err != nil {
			return nil, err
		}
		b = e.b
	case el != nil:
		e := &encoder{b: b, ns: el.Name.Space, encoded: el.Encoded}
		if err := e.wrapper(el, value); err != nil {
			return nil, err
		}
		b = e.b
	}
	return envelopeEnd(b), nil
}

// bodyStart writes an envelope up to its Body's content; header, if any,
// is the Header's already-encoded content.
func bodyStart(b []byte, v Version, header []byte) []byte {
	b = envelopeStart(b, v)
	if len(header) > 0 {
		b = append(b, "<soap:Header>"...)
		b = append(b, header...)
		b = append(b, "</soap:Header>"...)
	}
	return append(b, "<soap:Body>"...)
}

// wrapper writes el with the "m" prefix declared on it.
func (e *encoder) wrapper(el *wsdl.Element, value gateway.Struct) error {
	if err := e.wrapperStart(el, value); err != nil {
		return err
	}
	if err := e.fields(el.Type, value, el.Name.Local); err != nil {
		return err
	}
	e.close(el.Name)
	return nil
}

// wrapperStart writes the start tag of el, the wrapper, with its attributes
// from value.
func (e *encoder) wrapperStart(el *wsdl.Element, value gateway.Struct) error {
	e.b = append(e.b, '<')
	e.open(el.Name)
	if el.Name.Space != "" {
		e.b = append(e.b, ` xmlns:m="`...)
		e.b = appendText(e.b, el.Name.Space)
		e.b = append(e.b, '"')
	}
	if e.encoded {
		e.b = append(e.b, ` soap:encodingStyle="`+NSENC+`" xmlns:xsi="`+NSXSI+`" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="`+NSENC+`"`...)
	}
	if len(el.Type.Attrs) > 0 {
		if err := e.attributes(el.Type, value, el.Name.Local); err != nil {
			return err
		}
	}
	e.b = append(e.b, '>')
	return nil
}

// open writes the element name (after '<'), declaring a foreign namespace.
func (e *encoder) open(n xml.Name) {
	switch n.Space {
	case "":
		e.b = append(e.b, n.Local...)
	case e.ns:
		e.b = append(e.b, "m:"...)
		e.b = append(e.b, n.Local...)
	default:
		e.b = append(e.b, "n:"...)
		e.b = append(e.b, n.Local...)
		e.b = append(e.b, ` xmlns:n="`...)
		e.b = appendText(e.b, n.Space)
		e.b = append(e.b, '"')
	}
}

func (e *encoder) close(n xml.Name) {
	e.b = append(e.b, "</"...)
	switch n.Space {
	case "":
	case e.ns:
		e.b = append(e.b, "m:"...)
	default:
		e.b = append(e.b, "n:"...)
	}
	e.b = append(e.b, n.Local...)
	e.b = append(e.b, '>')
}

// fields writes t's members of value; parent is the path of the element
// being written, for messages (a child's path is built only on error).
func (e *encoder) fields(t *wsdl.Type, value gateway.Struct, parent string) error {
	for i, f := range t.Fields {
		if f.Group != 0 {
			if i == 0 || t.Fields[i-1].Group != f.Group {
				if err := e.group(t.Fields[i:], value, parent); err != nil {
					return err
				}
			}
			continue
		}
		v, present := value.Get(f.Name.Local)
		if err := e.field(f, v, present, parent); err != nil {
			return err
		}
	}
	if t.Any {
		if v, ok := value.Get(wsdl.AnyMember); ok {
			list, _ := v.([]any)
			for i, item := range list {
				raw, _ := item.(string)
				if err := checkFragment(raw); err != nil {
					return fmt.Errorf("soap encode: %s.%s[%d]: %w", parent, wsdl.AnyMember, i, err)
				}
				e.b = append(e.b, raw...)
			}
		}
	}
	return nil
}

// checkFragment makes sure open content written as it is (xs:any) is one
// well-formed, self-contained element: no DOCTYPE, no entity, nothing
// that could end the element it is written into or inject another.
func checkFragment(raw string) error {
	s, err := xmltext.NewScanner([]byte(raw), 64, true)
	if err != nil {
		return err
	}
	depth := 0
	for {
		t, err := s.Next(true)
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmltext.EOF:
			if depth != 0 {
				return fmt.Errorf("unterminated element")
			}
			return nil
		case xmltext.Start:
			if !t.Empty {
				depth++
			}
		case xmltext.End:
			depth--
		}
	}
}

// group writes the fields of a repeated model group (those at the start
// of fields that share its number) occurrence by occurrence: the first
// item of each, then the second of each, so that a sequence (a, b)
// repeated comes out a, b, a, b as it came in.
func (e *encoder) group(fields []*wsdl.Element, value gateway.Struct, parent string) error {
	n := 0
	for n < len(fields) && fields[n].Group == fields[0].Group {
		n++
	}
	fields = fields[:n]
	lists := make([][]any, n)
	most := 0
	for i, f := range fields {
		v, present := value.Get(f.Name.Local)
		if !present || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		lists[i] = list
		most = max(most, len(list))
	}
	for k := range most {
		for i, f := range fields {
			if k < len(lists[i]) && lists[i][k] != nil {
				if err := e.one(f, lists[i][k], parent); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (e *encoder) field(f *wsdl.Element, v any, present bool, parent string) error {
	if !present || v == nil {
		if !e.missing(f, present) {
			return fmt.Errorf("soap encode: required element %s.%s has no value", parent, f.Name.Local)
		}
		return nil
	}
	if f.Repeated() {
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		for _, item := range list {
			if err := e.one(f, item, parent); err != nil {
				return err
			}
		}
		return nil
	}
	return e.one(f, v, parent)
}

// missing writes field f that has no value (absent, or present and nil),
// or reports false if f must have one. Absent and nil differ, and both
// survive: an absent optional element is left out; a nil one (or a
// required nillable one with no value) is sent as xsi:nil.
func (e *encoder) missing(f *wsdl.Element, present bool) bool {
	switch {
	case !present && f.Min == 0:
	case f.Nillable:
		e.b = append(e.b, '<')
		e.open(f.Name)
		e.b = append(e.b, ` xsi:nil="true" xmlns:xsi="`+NSXSI+`"/>`...)
	case f.Min == 0:
	default:
		return false
	}
	return true
}

func (e *encoder) one(f *wsdl.Element, v any, parent string) error {
	if st, ok := v.(gateway.Struct); ok && len(f.Type.Derived) > 0 {
		if name, ok := st.Get(wsdl.TypeMember); ok {
			if derived := f.Type.DerivedNamed(fmt.Sprint(name)); derived != nil {
				// A derived type where its base is declared: its own
				// members, and its name in xsi:type.
				df := *f
				df.Type = derived
				e.b = append(e.b, '<')
				e.open(f.Name)
				if !e.encoded { // an encoded value says its xsi:type anyway
					e.b = append(e.b, ` xsi:type="d:`...)
					e.b = append(e.b, derived.Name.Local...)
					e.b = append(e.b, `" xmlns:d="`...)
					e.b = appendText(e.b, derived.Name.Space)
					e.b = append(e.b, `" xmlns:xsi="`+NSXSI+`"`...)
				}
				return e.rest(&df, v, parent)
			}
		}
	}
	e.b = append(e.b, '<')
	e.open(f.Name)
	return e.rest(f, v, parent)
}

// rest writes the rest of an element whose name has been written: its
// attributes, content and end tag.
func (e *encoder) rest(f *wsdl.Element, v any, parent string) error {
	if e.encoded {
		e.xsiType(f.Type, v)
	}
	if len(f.Type.Attrs) > 0 {
		if err := e.attributes(f.Type, v, parent+"."+f.Name.Local); err != nil {
			return err
		}
	}
	if s, ok := v.(string); ok && f.Type.XSDName == "QName" && strings.HasPrefix(s, "{") {
		// {namespace}local: its prefix declared on the element itself.
		if space, local, ok := strings.Cut(s[1:], "}"); ok {
			e.b = append(e.b, ` xmlns:q="`...)
			e.b = appendText(e.b, space)
			e.b = append(e.b, `">q:`...)
			e.b = appendText(e.b, local)
			e.close(f.Name)
			return nil
		}
	}
	e.b = append(e.b, '>')
	var err error
	switch f.Type.Kind {
	case wsdl.KindStruct:
		if f.Type.Text == nil {
			st, ok := v.(gateway.Struct)
			if !ok {
				return fmt.Errorf("soap encode: %s.%s: %s where a struct is due", parent, f.Name.Local, gateway.KindOf(v))
			}
			err = e.fields(f.Type, st, parent+"."+f.Name.Local)
			break
		}
		st, _ := v.(gateway.Struct)
		text, _ := st.Get(wsdl.TextMember)
		var out []byte
		if out, err = appendScalar(e.b, f.Type.Text.Kind, text); err != nil {
			return fmt.Errorf("soap encode: %s.%s: %w", parent, f.Name.Local, err)
		}
		e.b = out
	case wsdl.KindArray:
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("soap encode: %s.%s: %s where an array is due", parent, f.Name.Local, gateway.KindOf(v))
		}
		item := &wsdl.Element{Name: xml.Name{Local: "item"}, Type: f.Type.Item, Min: 1, Max: 1, Nillable: true}
		for _, x := range list {
			if err := e.field(item, x, true, parent+"."+f.Name.Local); err != nil {
				return err
			}
		}
	case wsdl.KindAny:
		err = e.anyValue(v)
	default:
		var out []byte
		if out, err = appendScalar(e.b, f.Type.Kind, v); err != nil {
			return fmt.Errorf("soap encode: %s.%s: %w", parent, f.Name.Local, err)
		}
		e.b = out
	}
	if err != nil {
		return err
	}
	e.close(f.Name)
	return nil
}

// attributes writes the attributes of a struct value of type t into the
// start tag being written: those with a value, in schema order.
func (e *encoder) attributes(t *wsdl.Type, v any, path string) error {
	st, _ := v.(gateway.Struct)
	for i, a := range t.Attrs {
		av, ok := st.Get(a.Member)
		if !ok || av == nil {
			continue
		}
		prefix := "a" + strconv.Itoa(i) // one per attribute: two of different namespaces must not share one
		e.b = append(e.b, ' ')
		if a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
			e.b = append(e.b, "xml:"...)
		} else if a.Name.Space != "" {
			e.b = append(e.b, prefix+":"...)
		}
		e.b = append(e.b, a.Name.Local...)
		e.b = append(e.b, `="`...)
		var err error
		if e.b, err = appendScalar(e.b, a.Type.Kind, av); err != nil {
			return fmt.Errorf("soap encode: %s@%s: %w", path, a.Name.Local, err)
		}
		e.b = append(e.b, '"')
		if a.Name.Space != "" && a.Name.Space != "http://www.w3.org/XML/1998/namespace" {
			e.b = append(e.b, " xmlns:"+prefix+`="`...)
			e.b = appendText(e.b, a.Name.Space)
			e.b = append(e.b, '"')
		}
	}
	return nil
}

// xsiType writes the xsi:type (and, for an array, the soapenc:arrayType)
// of an encoded value of type t, declaring the prefix a named type needs.
func (e *encoder) xsiType(t *wsdl.Type, v any) {
	switch t.Kind {
	case wsdl.KindAny:
		return
	case wsdl.KindArray:
		list, _ := v.([]any)
		decl, name := encTypeName(t.Item)
		e.b = append(e.b, ` xsi:type="soapenc:Array" soapenc:arrayType="`...)
		e.b = appendText(e.b, name)
		e.b = append(e.b, '[')
		e.b = strconv.AppendInt(e.b, int64(len(list)), 10)
		e.b = append(e.b, `]"`...)
		e.b = append(e.b, decl...)
		return
	}
	decl, name := encTypeName(t)
	e.b = append(e.b, ` xsi:type="`...)
	e.b = appendText(e.b, name)
	e.b = append(e.b, '"')
	e.b = append(e.b, decl...)
}

// encTypeName is how an encoded message names type t in xsi:type and
// arrayType: xsd:int, t:Product (with t declared by decl), or for an
// array of arrays its items' name with "[]".
func encTypeName(t *wsdl.Type) (decl, name string) {
	switch {
	case t.Kind == wsdl.KindArray:
		decl, name = encTypeName(t.Item)
		return decl, name + "[]"
	case t.Kind == wsdl.KindStruct && t.Name.Local != "":
		return ` xmlns:t="` + string(appendText(nil, t.Name.Space)) + `"`, "t:" + t.Name.Local
	case t.Kind == wsdl.KindStruct || t.Kind == wsdl.KindAny:
		return "", "xsd:anyType"
	case t.XSDName == "" || t.XSDName == "Array":
		return "", "xsd:string"
	}
	return "", "xsd:" + t.XSDName
}

// anyValue writes an xsd:anyType value: structs as unqualified elements.
func (e *encoder) anyValue(v any) error {
	switch x := v.(type) {
	case gateway.Struct:
		for _, m := range x {
			list, isList := m.Value.([]any)
			if !isList {
				list = []any{m.Value}
			}
			for _, item := range list {
				e.b = append(e.b, '<')
				e.b = append(e.b, m.Name...)
				e.b = append(e.b, '>')
				if err := e.anyValue(item); err != nil {
					return err
				}
				e.b = append(e.b, "</"...)
				e.b = append(e.b, m.Name...)
				e.b = append(e.b, '>')
			}
		}
		return nil
	case nil:
		return nil
	}
	var err error
	e.b, err = appendScalar(e.b, kindOfValue(v), v)
	return err
}

func kindOfValue(v any) wsdl.Kind {
	switch v.(type) {
	case int64:
		return wsdl.KindLong
	case bool:
		return wsdl.KindBool
	case float64:
		return wsdl.KindDouble
	case time.Time:
		return wsdl.KindDateTime
	case []byte:
		return wsdl.KindBase64
	}
	return wsdl.KindString
}

// errWrongKind is a value that does not fit its element's type.
type errWrongKind struct {
	got  string
	want wsdl.Kind
}

func (e errWrongKind) Error() string { return fmt.Sprintf("%s where %s is due", e.got, e.want) }

// appendScalar writes v in the XSD lexical form of kind.
func appendScalar(b []byte, kind wsdl.Kind, v any) ([]byte, error) {
	wrong := errWrongKind{gateway.KindOf(v), kind}
	switch kind {
	case wsdl.KindString:
		s, ok := v.(string)
		if !ok {
			return nil, wrong
		}
		return appendText(b, s), nil
	case wsdl.KindInt, wsdl.KindLong:
		if big, ok := v.(gateway.BigInt); ok {
			return append(b, big...), nil
		}
		n, ok := v.(int64)
		if !ok {
			return nil, wrong
		}
		return strconv.AppendInt(b, n, 10), nil
	case wsdl.KindBool:
		x, ok := v.(bool)
		if !ok {
			return nil, wrong
		}
		return strconv.AppendBool(b, x), nil
	case wsdl.KindDouble:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case gateway.Decimal:
			return append(b, x...), nil // xs:decimal: the digits as they came
		default:
			return nil, wrong
		}
		return appendDouble(b, f), nil
	case wsdl.KindDateTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, wrong
		}
		switch t.Location() {
		case gateway.NoZone: // it had no zone: it gets none
			return t.AppendFormat(b, "2006-01-02T15:04:05.999999999"), nil
		case time.Local:
			t = t.UTC()
		}
		return t.AppendFormat(b, time.RFC3339Nano), nil // its own offset kept
	case wsdl.KindBase64, wsdl.KindHex:
		raw, ok := v.([]byte)
		if !ok {
			return nil, wrong
		}
		if kind == wsdl.KindHex {
			return hex.AppendEncode(b, raw), nil
		}
		return base64.StdEncoding.AppendEncode(b, raw), nil
	}
	return nil, wrong
}

// appendDouble writes f as an xs:double (and float, decimal) is written.
func appendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "INF"...)
	case math.IsInf(f, -1):
		return append(b, "-INF"...)
	case math.IsNaN(f):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func appendText(b []byte, s string) []byte { return xmltext.Append(b, s) }
