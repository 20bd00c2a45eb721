package gateway

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"gateway/wsdl"
)

// CheckInput checks params against an operation's input wrapper element and
// returns them in schema order, with integers widened to doubles where the
// schema wants a double. Every violation is an InvalidParams fault naming the
// parameter, so that a client learns which one to fix.
func CheckInput(input *wsdl.Element, params Struct) (Struct, error) {
	return checkStruct(input.Type, params, "")
}

// CheckOutput checks what an upstream returned against an operation's output
// element, as CheckInput does, except that members the schema does not know
// are dropped: an upstream that adds a field must not break its callers.
func CheckOutput(output *wsdl.Element, result Struct) (Struct, error) {
	if output == nil {
		return Struct{}, nil
	}
	return checkStructMode(output.Type, result, "", true)
}

func checkStruct(t *wsdl.Type, s Struct, path string) (Struct, error) {
	return checkStructMode(t, s, path, false)
}

func checkStructMode(t *wsdl.Type, s Struct, path string, lenient bool) (Struct, error) {
	if !lenient {
		for _, m := range s {
			if !hasField(t, m.Name) {
				return nil, NewFault(FaultInvalidParams, "unknown parameter %s", join(path, m.Name))
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
				return nil, NewFault(FaultInvalidParams, "missing required parameter %s", p)
			}
			if present {
				out = append(out, Member{name, nil})
			}
			continue
		}
		cv, err := checkElement(f, v, p, lenient)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{name, cv})
	}
	return out, nil
}

func hasField(t *wsdl.Type, name string) bool {
	for _, f := range t.Fields {
		if f.Name.Local == name {
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

func checkElement(f *wsdl.Element, v Value, path string, lenient bool) (Value, error) {
	if !f.Repeated() {
		return checkValue(f.Type, v, path, lenient)
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v} // one occurrence of a repeated element
	}
	if len(list) < f.Min {
		return nil, NewFault(FaultInvalidParams, "%s: at least %d values expected, got %d", path, f.Min, len(list))
	}
	if f.Max > 0 && len(list) > f.Max {
		return nil, NewFault(FaultInvalidParams, "%s: at most %d values expected, got %d", path, f.Max, len(list))
	}
	out := make([]any, len(list))
	for i, item := range list {
		cv, err := checkValue(f.Type, item, fmt.Sprintf("%s[%d]", path, i), lenient)
		if err != nil {
			return nil, err
		}
		out[i] = cv
	}
	return out, nil
}

func checkValue(t *wsdl.Type, v Value, path string, lenient bool) (Value, error) {
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
		return s, checkFacets(t, s, path)
	case wsdl.KindInt:
		n, ok := v.(int64)
		if !ok {
			return nil, wrong()
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, NewFault(FaultInvalidParams, "%s: %d is out of range for int", path, n)
		}
		return n, checkEnum(t, fmt.Sprint(n), path)
	case wsdl.KindLong:
		n, ok := v.(int64)
		if !ok {
			return nil, wrong()
		}
		return n, checkEnum(t, fmt.Sprint(n), path)
	case wsdl.KindBool:
		if _, ok := v.(bool); !ok {
			return nil, wrong()
		}
		return v, nil
	case wsdl.KindDouble:
		switch n := v.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		}
		return nil, wrong()
	case wsdl.KindDateTime:
		if _, ok := v.(time.Time); !ok {
			return nil, wrong()
		}
		return v, nil
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
		return checkStructMode(t, s, path, lenient)
	}
	return nil, wrong()
}

func checkFacets(t *wsdl.Type, s, path string) error {
	if err := checkEnum(t, s, path); err != nil {
		return err
	}
	n := utf8.RuneCountInString(s)
	if t.MinLen >= 0 && n < t.MinLen {
		return NewFault(FaultInvalidParams, "%s: at least %d characters expected", path, t.MinLen)
	}
	if t.MaxLen >= 0 && n > t.MaxLen {
		return NewFault(FaultInvalidParams, "%s: at most %d characters expected", path, t.MaxLen)
	}
	if t.Pattern != nil && !t.Pattern.MatchString(s) {
		return NewFault(FaultInvalidParams, "%s: does not match the pattern %s", path, t.Pattern)
	}
	return nil
}

func checkEnum(t *wsdl.Type, s, path string) error {
	if len(t.Enum) == 0 {
		return nil
	}
	for _, e := range t.Enum {
		if e == s {
			return nil
		}
	}
	return NewFault(FaultInvalidParams, "%s: %q is not one of %v", path, s, t.Enum)
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
