package gateway

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gateway/wsdl"
)

// CheckInput checks params against an operation's input wrapper element and
// returns them in schema order, with integers widened to doubles where the
// schema wants a double. Every violation is an InvalidParams fault naming the
// parameter, so that a client learns which one to fix: requests are
// checked strictly.
func CheckInput(input *wsdl.Element, params Struct) (Struct, error) {
	c := &checker{}
	return c.structOf(input.Type, params, "")
}

// SplitHeaders takes the HeadersMember (an operation's SOAP header values)
// out of params.
func SplitHeaders(params Struct) (rest, headers Struct) {
	for i, m := range params {
		if m.Name == wsdl.HeadersMember {
			headers, _ = m.Value.(Struct)
			rest = append(append(Struct{}, params[:i]...), params[i+1:]...)
			return rest, headers
		}
	}
	return params, nil
}

// CheckHeaders checks an operation's SOAP header values against the
// elements it declares: each is optional (a client of another protocol may
// not know them; the upstream's configuration may supply them), an
// undeclared one is refused.
func CheckHeaders(declared []*wsdl.Element, headers Struct) (Struct, error) {
	if len(headers) == 0 {
		return nil, nil
	}
	t := &wsdl.Type{Kind: wsdl.KindStruct, MinLen: -1, MaxLen: -1}
	for _, el := range declared {
		optional := *el
		optional.Min = 0
		t.Fields = append(t.Fields, &optional)
	}
	c := &checker{}
	return c.structOf(t, headers, wsdl.HeadersMember)
}

// CheckOutput checks what an upstream returned against an operation's
// output element strictly, but for members the schema does not know, which
// are dropped: an upstream that adds a field must not break its callers.
func CheckOutput(output *wsdl.Element, result Struct) (Struct, error) {
	out, _, err := CheckOutputLenient(output, result, true)
	return out, err
}

// CheckOutputLenient is CheckOutput for an upstream whose answers are
// taken as they come unless strict: a value that breaks a facet (an
// enumeration, a length, a pattern), a list with more or fewer items than
// the schema allows, a required member missing, or a member the schema
// does not know is passed on (an unknown member dropped) and named in
// deviations, for the caller to log and count; only a value of the wrong
// kind, which no front end could encode, fails.
func CheckOutputLenient(output *wsdl.Element, result Struct, strict bool) (Struct, []string, error) {
	if output == nil {
		return Struct{}, nil, nil
	}
	c := &checker{output: true, lenient: !strict}
	out, err := c.structOf(output.Type, result, "")
	return out, c.deviations, err
}

// checker checks neutral values against a schema. For an output it drops
// unknown members; when lenient it also lets schema violations through,
// noting each in deviations.
type checker struct {
	output, lenient bool
	deviations      []string
}

// violation is a schema violation: an InvalidParams fault, or, when the
// checker is lenient, a deviation noted (and nil).
func (c *checker) violation(format string, args ...any) error {
	if c.lenient {
		c.deviations = append(c.deviations, fmt.Sprintf(format, args...))
		return nil
	}
	return NewFault(FaultInvalidParams, format, args...)
}

func (c *checker) structOf(t *wsdl.Type, s Struct, path string) (Struct, error) {
	if len(t.Derived) > 0 {
		if name, ok := s.Get(wsdl.TypeMember); ok {
			n, _ := name.(string)
			derived := t.DerivedNamed(n)
			if derived == nil && n != t.Name.Local {
				return nil, NewFault(FaultInvalidParams, "%s: %q is not a type derived from %s", join(path, wsdl.TypeMember), n, t.Name.Local)
			}
			if derived != nil {
				rest := make(Struct, 0, len(s))
				for _, m := range s {
					if m.Name != wsdl.TypeMember {
						rest = append(rest, m)
					}
				}
				out, err := c.structOf(derived, rest, path)
				if err != nil {
					return nil, err
				}
				return append(Struct{{wsdl.TypeMember, derived.Name.Local}}, out...), nil
			}
		}
	}
	if t.Abstract {
		if err := c.violation("%s: %s is an abstract type: name the derived type of the value in %s", orTop(path), t.Name.Local, wsdl.TypeMember); err != nil {
			return nil, err
		}
	}
	for _, m := range s {
		if t.Field(m.Name) == nil && !hasMember(t, m.Name) {
			if !c.output {
				return nil, NewFault(FaultInvalidParams, "unknown parameter %s", join(path, m.Name))
			}
			if c.lenient {
				c.deviations = append(c.deviations, "unknown member "+join(path, m.Name)+" dropped")
			}
		}
	}
	out := make(Struct, 0, len(t.Fields))
	for _, f := range t.Fields {
		name := f.Name.Local
		v, present := s.Get(name)
		p := join(path, name)
		if !present || v == nil {
			if f.Min > 0 && !(present && f.Nillable) {
				if err := c.violation("missing required parameter %s", p); err != nil {
					return nil, err
				}
			}
			if present {
				out = append(out, Member{name, nil})
			}
			continue
		}
		cv, err := c.element(f, v, p)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{name, cv})
	}
	if err := c.oneOfChoice(t, out, path); err != nil {
		return nil, err
	}
	if v, ok := s.Get(wsdl.AnyMember); ok && t.Any && v != nil {
		list, isList := v.([]any)
		if !isList {
			list = []any{v}
		}
		for i, item := range list {
			if _, ok := item.(string); !ok {
				return nil, NewFault(FaultInvalidParams, "%s[%d]: open content is XML text, not %s", join(path, wsdl.AnyMember), i, KindOf(item))
			}
		}
		out = append(out, Member{wsdl.AnyMember, list})
	}
	if t.Text != nil {
		v, present := s.Get(wsdl.TextMember)
		p := join(path, wsdl.TextMember)
		switch {
		case !present || v == nil:
			if err := c.violation("missing required parameter %s", p); err != nil {
				return nil, err
			}
		default:
			cv, err := c.value(t.Text, v, p)
			if err != nil {
				return nil, err
			}
			out = append(out, Member{wsdl.TextMember, cv})
		}
	}
	for _, a := range t.Attrs {
		v, present := s.Get(a.Member)
		p := join(path, a.Member)
		if !present || v == nil {
			if a.Required {
				if err := c.violation("missing required attribute %s", p); err != nil {
					return nil, err
				}
			}
			continue
		}
		cv, err := c.value(a.Type, v, p)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{a.Member, cv})
	}
	return out, nil
}

// oneOfChoice refuses elements of two alternatives of one xs:choice in
// one value.
func (c *checker) oneOfChoice(t *wsdl.Type, out Struct, path string) error {
	type taken struct {
		branch int
		name   string
	}
	first := map[int]taken{}
	for _, f := range t.Fields {
		if f.Choice == 0 {
			continue
		}
		if v, ok := out.Get(f.Name.Local); !ok || v == nil {
			continue
		}
		if other, ok := first[f.Choice]; ok && other.branch != f.Branch {
			return c.violation("%s: %s and %s are alternatives of a choice: one of them, not both", orTop(path), other.name, f.Name.Local)
		} else if !ok {
			first[f.Choice] = taken{f.Branch, f.Name.Local}
		}
	}
	return nil
}

func orTop(path string) string {
	if path == "" {
		return "parameters"
	}
	return path
}

// hasMember reports whether name is an attribute's member or the text of
// t.
func hasMember(t *wsdl.Type, name string) bool {
	if t.Text != nil && name == wsdl.TextMember || len(t.Derived) > 0 && name == wsdl.TypeMember || t.Any && name == wsdl.AnyMember {
		return true
	}
	for _, a := range t.Attrs {
		if a.Member == name {
			return true
		}
	}
	return false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (c *checker) element(f *wsdl.Element, v Value, path string) (Value, error) {
	if !f.Repeated() {
		if list, ok := v.([]any); ok && f.Type.Kind != wsdl.KindAny && f.Type.Kind != wsdl.KindArray {
			// Several values where one is due (an upstream that repeats an
			// element): the first, when lenient.
			if err := c.violation("%s: one value expected, got %d", path, len(list)); err != nil {
				return nil, err
			}
			if len(list) == 0 {
				return nil, nil
			}
			v = list[0]
		}
		return c.value(f.Type, v, path)
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v} // one occurrence of a repeated element
	}
	if len(list) < f.Min {
		if err := c.violation("%s: at least %d values expected, got %d", path, f.Min, len(list)); err != nil {
			return nil, err
		}
	}
	if f.Max > 0 && len(list) > f.Max {
		if err := c.violation("%s: at most %d values expected, got %d", path, f.Max, len(list)); err != nil {
			return nil, err
		}
	}
	out := make([]any, len(list))
	for i, item := range list {
		cv, err := c.value(f.Type, item, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = cv
	}
	return out, nil
}

func (c *checker) value(t *wsdl.Type, v Value, path string) (Value, error) {
	out, err := c.kindValue(t, v, path)
	if err == nil && (t.Range != nil || t.Digits != nil) {
		err = c.bounds(t, out, path)
	}
	return out, err
}

// bounds checks a number against its type's range and digits facets.
func (c *checker) bounds(t *wsdl.Type, v Value, path string) error {
	var lexical string
	switch n := v.(type) {
	case int64:
		lexical = strconv.FormatInt(n, 10)
	case BigInt:
		lexical = string(n)
	case Decimal:
		lexical = string(n)
	case float64:
		lexical = strconv.FormatFloat(n, 'f', -1, 64)
	default:
		return nil // a date's bounds are not checked
	}
	r, ok := new(big.Rat).SetString(lexical)
	if !ok {
		return nil
	}
	if rg := t.Range; rg != nil {
		for _, b := range []struct {
			bound string
			fits  func(cmp int) bool
			says  string
		}{
			{rg.MinInclusive, func(c int) bool { return c >= 0 }, "at least"},
			{rg.MaxInclusive, func(c int) bool { return c <= 0 }, "at most"},
			{rg.MinExclusive, func(c int) bool { return c > 0 }, "more than"},
			{rg.MaxExclusive, func(c int) bool { return c < 0 }, "less than"},
		} {
			if b.bound == "" {
				continue
			}
			limit, ok := new(big.Rat).SetString(b.bound)
			if ok && !b.fits(r.Cmp(limit)) {
				return c.violation("%s: %s is not %s %s", orTop(path), Clip(lexical), b.says, b.bound)
			}
		}
	}
	if d := t.Digits; d != nil {
		total, fraction := countDigits(lexical)
		if d.Total > 0 && total > d.Total {
			return c.violation("%s: %s has more than %d digits", orTop(path), Clip(lexical), d.Total)
		}
		if d.FractionSet && fraction > d.Fraction {
			return c.violation("%s: %s has more than %d digits after the point", orTop(path), Clip(lexical), d.Fraction)
		}
	}
	return nil
}

// countDigits counts a decimal's significant digits, as totalDigits and
// fractionDigits do: no leading zeros, no trailing zeros after the point.
func countDigits(lexical string) (total, fraction int) {
	s := strings.TrimLeft(lexical, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	whole = strings.TrimLeft(whole, "0")
	return len(whole) + len(frac), len(frac)
}

func (c *checker) kindValue(t *wsdl.Type, v Value, path string) (Value, error) {
	wrong := func() error {
		return NewFault(FaultInvalidParams, "%s: expected %s, got %s", path, t.Kind, KindOf(v))
	}
	switch t.Kind {
	case wsdl.KindAny:
		return v, nil
	case wsdl.KindString:
		s, ok := v.(string)
		if !ok {
			return nil, wrong()
		}
		return v, c.facets(t, s, path) // v, not s: boxing s again would allocate
	case wsdl.KindInt:
		n, ok := v.(int64)
		if !ok {
			return nil, wrong()
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, NewFault(FaultInvalidParams, "%s: %d is out of range for int", path, n)
		}
		return v, c.intEnum(t, n, path)
	case wsdl.KindLong:
		switch n := v.(type) {
		case int64:
			return v, c.intEnum(t, n, path)
		case BigInt:
			if IsUnboundedInteger(t.XSDName) {
				return n, c.enum(t, string(n), path)
			}
		case string: // an XML-RPC client's way to send more than i8 holds
			if IsUnboundedInteger(t.XSDName) {
				if big, ok := ParseInteger(n, true); ok {
					return big, c.enum(t, fmt.Sprint(big), path)
				}
			}
		}
		return nil, wrong()
	case wsdl.KindBool:
		if _, ok := v.(bool); !ok {
			return nil, wrong()
		}
		return v, nil
	case wsdl.KindDouble:
		if t.XSDName == "decimal" {
			return decimalValue(v, wrong)
		}
		switch n := v.(type) {
		case float64:
			return v, nil
		case int64:
			return float64(n), nil
		case Decimal:
			return n.Float64(), nil
		}
		return nil, wrong()
	case wsdl.KindDateTime:
		switch d := v.(type) {
		case time.Time:
			return v, nil
		case string:
			// An XML-RPC client's way to send a zone, which
			// dateTime.iso8601 cannot say: the xsd:dateTime lexical form.
			if t, ok := ParseDateTime(d); ok {
				return t, nil
			}
		}
		return nil, wrong()
	case wsdl.KindBase64, wsdl.KindHex:
		if _, ok := v.([]byte); !ok {
			return nil, wrong()
		}
		return v, nil
	case wsdl.KindStruct:
		s, ok := v.(Struct)
		if !ok {
			return nil, wrong()
		}
		return c.structOf(t, s, path)
	case wsdl.KindArray:
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // one item
		}
		out := make([]any, len(list))
		for i, item := range list {
			if item == nil {
				continue // an encoded array's nil item
			}
			cv, err := c.value(t.Item, item, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	}
	return nil, wrong()
}

func (c *checker) facets(t *wsdl.Type, s, path string) error {
	s = normalizeSpace(t.WhiteSpace, s)
	if err := c.enum(t, s, path); err != nil {
		return err
	}
	n, unit := utf8.RuneCountInString(s), "characters"
	if t.List != nil {
		items := xmlFields(s)
		for i, item := range items {
			if err := c.listItem(t.List, item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		n, unit = len(items), "items" // a list's length facets count items
	}
	if t.MinLen >= 0 && n < t.MinLen {
		return c.violation("%s: at least %d %s expected", path, t.MinLen, unit)
	}
	if t.MaxLen >= 0 && n > t.MaxLen {
		return c.violation("%s: at most %d %s expected", path, t.MaxLen, unit)
	}
	if t.Pattern != nil && !t.Pattern.MatchString(s) {
		return c.violation("%s: does not match the pattern %s", path, t.Pattern)
	}
	return nil
}

// normalizeSpace is s as a whiteSpace facet makes it: "replace" turns
// tabs and line ends into spaces, "collapse" also joins runs of spaces and
// trims the ends. The value itself travels as it came; facets are checked
// on this form, as the schema means them.
func normalizeSpace(facet, s string) string {
	switch facet {
	case "replace":
		return strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
	case "collapse":
		return strings.Join(xmlFields(s), " ")
	}
	return s
}

// xmlFields splits s at XML's white space (space, tab, line ends; not
// every Unicode space, as strings.Fields would).
func xmlFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

// listItem checks one item of an xs:list against the items' type, in its
// lexical form.
func (c *checker) listItem(t *wsdl.Type, item, path string) error {
	ok := true
	switch t.Kind {
	case wsdl.KindInt, wsdl.KindLong:
		_, ok = ParseInteger(item, true)
	case wsdl.KindDouble:
		_, err := strconv.ParseFloat(item, 64)
		ok = err == nil || item == "INF" || item == "-INF" || item == "NaN"
	case wsdl.KindBool:
		ok = item == "true" || item == "false" || item == "1" || item == "0"
	case wsdl.KindString:
		return c.facets(t, item, path)
	}
	if !ok {
		return c.violation("%s: %q is not a valid %s", path, Clip(item), t.Kind)
	}
	return c.enum(t, item, path)
}

func (c *checker) enum(t *wsdl.Type, s, path string) error {
	if len(t.Enum) == 0 {
		return nil
	}
	for _, e := range t.Enum {
		if e == s {
			return nil
		}
	}
	return c.violation("%s: %q is not one of %v", path, s, t.Enum)
}

// intEnum is enum for an integer, formatted only when there is an
// enumeration to compare it with.
func (c *checker) intEnum(t *wsdl.Type, n int64, path string) error {
	if len(t.Enum) == 0 {
		return nil
	}
	return c.enum(t, strconv.FormatInt(n, 10), path)
}

// decimalValue is v as an xsd:decimal: a Decimal as it is, a double as
// the shortest decimal that reads back as it, an integer as its digits, a
// string (how an XML-RPC client sends more digits than a double holds) if
// it is a decimal's lexical form.
func decimalValue(v Value, wrong func() error) (Value, error) {
	switch n := v.(type) {
	case Decimal:
		return v, nil
	case float64:
		if d, ok := DecimalOf(n); ok {
			return d, nil
		}
	case int64:
		return Decimal(strconv.FormatInt(n, 10)), nil
	case string:
		if d, ok := ParseDecimal(n); ok {
			return d, nil
		}
	}
	return nil, wrong()
}

// KindOf names a neutral value's kind for messages.
func KindOf(v Value) string {
	switch v.(type) {
	case nil:
		return "nil"
	case string:
		return "string"
	case int64:
		return "int"
	case bool:
		return "boolean"
	case float64:
		return "double"
	case Decimal:
		return "decimal"
	case BigInt:
		return "integer"
	case time.Time:
		return "dateTime"
	case []byte:
		return "base64"
	case Struct:
		return "struct"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}
