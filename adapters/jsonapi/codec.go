package jsonapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"gateway/gateway"
	"gateway/wsdl"
)

// The JSON mapping of neutral values, the same members as the XML-RPC
// structs: an element's children by name, attributes under their member
// names, a simple content's text as _value, a derived type's name as
// _type, open content (xs:any) as _any, a list of XML strings. null is nil
// (xsi:nil), an absent member is absent. A repeated element is an array.
// Exact values keep every digit: an xs:decimal and an integer beyond 64
// bits are strings in answers (and strings or numbers in requests). A
// dateTime is an RFC 3339 string (or one without a zone, which stays
// without one). Binary values (base64Binary, hexBinary) are base64 strings.

// errJSON is a request body that is not JSON the gateway reads.
type errJSON struct{ msg string }

func (e *errJSON) Error() string { return e.msg }

// decodeObject reads a request body: one JSON object, valid UTF-8, no
// member named twice, nested at most maxDepth deep. Numbers stay
// json.Number, so that no digit is lost before the schema says what they
// are.
func decodeObject(body []byte, maxDepth int) (map[string]any, error) {
	r := &reader{b: body, maxDepth: maxDepth}
	r.space()
	if r.i == len(body) {
		return map[string]any{}, nil
	}
	if !utf8.Valid(body) {
		return nil, &errJSON{"the body is not valid UTF-8"}
	}
	if body[r.i] != '{' {
		if _, err := r.value(0); err != nil {
			return nil, err
		}
		return nil, &errJSON{"the body is not a JSON object"}
	}
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	r.space()
	if r.i != len(body) {
		return nil, &errJSON{"more than one JSON value in the body"}
	}
	return v.(map[string]any), nil
}

// paramsOf reads a JSON object as the members of el's type, by its
// schema. Members the schema does not name are kept as they came, so that
// the core's check names them ("unknown parameter").
func paramsOf(el *wsdl.Element, obj map[string]any) (gateway.Struct, error) {
	return structOf(el.Type, obj, "")
}

func structOf(t *wsdl.Type, obj map[string]any, path string) (gateway.Struct, error) {
	if name, ok := obj[wsdl.TypeMember].(string); ok && len(t.Derived) > 0 {
		if d := t.DerivedNamed(name); d != nil {
			t = d
		}
	}
	out := make(gateway.Struct, 0, len(obj))
	taken := map[string]bool{}
	add := func(name string, v any) { out = append(out, gateway.Member{Name: name, Value: v}); taken[name] = true }
	for _, f := range t.Fields {
		raw, ok := obj[f.Name.Local]
		if !ok {
			continue
		}
		v, err := elementOf(f, raw, join(path, f.Name.Local))
		if err != nil {
			return nil, err
		}
		add(f.Name.Local, v)
	}
	if raw, ok := obj[wsdl.TextMember]; ok && t.Text != nil {
		v, err := valueOf(t.Text, raw, join(path, wsdl.TextMember))
		if err != nil {
			return nil, err
		}
		add(wsdl.TextMember, v)
	}
	for _, a := range t.Attrs {
		if raw, ok := obj[a.Member]; ok {
			v, err := valueOf(a.Type, raw, join(path, a.Member))
			if err != nil {
				return nil, err
			}
			add(a.Member, v)
		}
	}
	for name, raw := range obj {
		if !taken[name] {
			out = append(out, gateway.Member{Name: name, Value: plain(raw)})
		}
	}
	return out, nil
}

func elementOf(f *wsdl.Element, raw any, path string) (any, error) {
	if raw == nil {
		return nil, nil
	}
	if f.Repeated() {
		list, ok := raw.([]any)
		if !ok {
			list = []any{raw}
		}
		out := make([]any, len(list))
		for i, item := range list {
			v, err := valueOf(f.Type, item, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return valueOf(f.Type, raw, path)
}

// valueOf reads one JSON value as a value of t; what does not fit is left
// for the core's check to name, except where JSON and XSD cannot agree.
func valueOf(t *wsdl.Type, raw any, path string) (any, error) {
	if raw == nil {
		return nil, nil
	}
	bad := func() error {
		return gateway.NewFault(gateway.FaultInvalidParams, "%s: a JSON %s does not fit %s", orTop(path), jsonKind(raw), t.Kind)
	}
	switch t.Kind {
	case wsdl.KindStruct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, bad()
		}
		return structOf(t, obj, path)
	case wsdl.KindArray:
		list, ok := raw.([]any)
		if !ok {
			return nil, bad()
		}
		out := make([]any, len(list))
		for i, item := range list {
			v, err := valueOf(t.Item, item, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case wsdl.KindInt, wsdl.KindLong:
		var s string
		switch x := raw.(type) {
		case json.Number:
			s = x.String()
		case string: // an integer beyond what a JSON number keeps
			s = x
		default:
			return nil, bad()
		}
		v, ok := gateway.ParseInteger(s, t.Kind == wsdl.KindLong && gateway.IsUnboundedInteger(t.XSDName))
		if !ok {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s: %q is not a whole number of %s's range", orTop(path), gateway.Clip(s), t.XSDName)
		}
		return v, nil
	case wsdl.KindDouble:
		var s string
		switch x := raw.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = x
		default:
			return nil, bad()
		}
		if t.XSDName == "decimal" {
			if d, ok := gateway.ParseDecimal(s); ok {
				return d, nil
			}
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s: %q is not a decimal", orTop(path), gateway.Clip(s))
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s: %q is not a number", orTop(path), gateway.Clip(s))
		}
		return f, nil
	case wsdl.KindBool:
		if b, ok := raw.(bool); ok {
			return b, nil
		}
		return nil, bad()
	case wsdl.KindDateTime:
		s, ok := raw.(string)
		if !ok {
			return nil, bad()
		}
		if v, ok := gateway.ParseDateTime(s); ok {
			return v, nil
		}
		return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s: %q is not a dateTime (RFC 3339)", orTop(path), gateway.Clip(s))
	case wsdl.KindBase64, wsdl.KindHex:
		s, ok := raw.(string)
		if !ok {
			return nil, bad()
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "%s: not base64", orTop(path))
		}
		return b, nil
	case wsdl.KindString:
		if s, ok := raw.(string); ok {
			return s, nil
		}
		return nil, bad()
	}
	return plain(raw), nil // anyType: as it came
}

// plain is a JSON value with no schema to read it by: objects as structs,
// numbers as integers where they are whole, else doubles.
func plain(raw any) any {
	switch x := raw.(type) {
	case map[string]any:
		st := make(gateway.Struct, 0, len(x))
		for k, v := range x {
			st = append(st, gateway.Member{Name: k, Value: plain(v)})
		}
		return st
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = plain(v)
		}
		return out
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return raw
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case json.Number:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "null"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orTop(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// appendJSON writes a neutral value as JSON: structs as objects whose
// members keep the schema's order.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case gateway.Struct:
		b = append(b, '{')
		for i, m := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m.Name)
			b = append(b, ':')
			var err error
			if b, err = appendJSON(b, m.Value); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, item := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, item); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendString(b, strconv.FormatFloat(x, 'g', -1, 64)), nil // JSON has no NaN or Infinity
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case gateway.Decimal:
		return appendString(b, string(x)), nil
	case gateway.BigInt:
		return appendString(b, string(x)), nil
	case time.Time:
		if x.Location() == gateway.NoZone {
			return appendString(b, x.Format("2006-01-02T15:04:05.999999999")), nil
		}
		return appendString(b, x.Format(time.RFC3339Nano)), nil
	case []byte:
		return appendString(b, base64.StdEncoding.EncodeToString(x)), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, errors.New("jsonapi: a value JSON cannot hold")
	}
	return append(b, raw...), nil
}

// appendString writes s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (as
// encoding/json does), and U+2028 and U+2029 escaped so the answer is
// also a valid JavaScript literal. Written here rather than through
// json.Marshal, which allocates for every string of every answer.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// exactAnswer makes an answer keep the document's promise that an
// xs:decimal is a string: a built-in Go service answers with the float64
// gowsdl gives a decimal field (an upstream's answer is already a Decimal,
// from the core's output check), and JSON would carry it as a number. It
// rewrites only those numbers, walking the value beside its type, and
// copies a struct or list only where something in it changed: the
// service's own values are never written to.
func exactAnswer(t *wsdl.Type, v any, depth int) (any, bool) {
	if v == nil || t == nil || depth > maxAnswerDepth {
		return v, false
	}
	switch t.Kind {
	case wsdl.KindStruct:
		s, ok := v.(gateway.Struct)
		if !ok {
			return v, false
		}
		if name, ok := s.Get(wsdl.TypeMember); ok && len(t.Derived) > 0 {
			if n, ok := name.(string); ok {
				if d := t.DerivedNamed(n); d != nil {
					t = d
				}
			}
		}
		var out gateway.Struct
		for i, m := range s {
			nv, changed := exactMember(t, m, depth+1)
			if changed && out == nil {
				out = slices.Clone(s)
			}
			if out != nil {
				out[i].Value = nv
			}
		}
		if out == nil {
			return s, false
		}
		return out, true
	case wsdl.KindArray:
		return exactList(t.Item, v, depth+1)
	case wsdl.KindDouble:
		if t.XSDName != "decimal" {
			return v, false
		}
		switch n := v.(type) {
		case float64:
			if d, ok := gateway.DecimalOf(n); ok {
				return d, true
			}
		case int64:
			return gateway.Decimal(strconv.FormatInt(n, 10)), true
		}
	}
	return v, false
}

// exactMember is exactAnswer for one member of a struct of type t.
func exactMember(t *wsdl.Type, m gateway.Member, depth int) (any, bool) {
	if f := t.Field(m.Name); f != nil {
		if f.Repeated() {
			if _, ok := m.Value.([]any); ok {
				return exactList(f.Type, m.Value, depth)
			}
		}
		return exactAnswer(f.Type, m.Value, depth)
	}
	if m.Name == wsdl.TextMember && t.Text != nil {
		return exactAnswer(t.Text, m.Value, depth)
	}
	for _, a := range t.Attrs {
		if a.Member == m.Name {
			return exactAnswer(a.Type, m.Value, depth)
		}
	}
	return m.Value, false
}

// exactList is exactAnswer for a list of items of type item.
func exactList(item *wsdl.Type, v any, depth int) (any, bool) {
	list, ok := v.([]any)
	if !ok {
		return v, false
	}
	var out []any
	for i, x := range list {
		nv, changed := exactAnswer(item, x, depth)
		if changed && out == nil {
			out = slices.Clone(list)
		}
		if out != nil {
			out[i] = nv
		}
	}
	if out == nil {
		return list, false
	}
	return out, true
}

// maxAnswerDepth bounds exactAnswer on a recursive type (a service's own
// answer, so no deeper than the codecs' nesting limit in practice).
const maxAnswerDepth = 256
