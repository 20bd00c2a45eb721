package upstream

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

// toJSON is a neutral value as JSON: structs as objects, dateTimes as
// RFC 3339 strings, bytes as base64 strings.
func toJSON(v any) any {
	switch x := v.(type) {
	case gateway.Struct:
		m := make(map[string]any, len(x))
		for _, mem := range x {
			m[mem.Name] = toJSON(mem.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = toJSON(item)
		}
		return out
	case time.Time:
		if x.Location() == gateway.NoZone {
			return x.Format("2006-01-02T15:04:05.999999999")
		}
		return x.Format(time.RFC3339Nano)
	case gateway.Decimal:
		return json.Number(x) // a JSON number with every digit
	case gateway.BigInt:
		return json.Number(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	}
	return v
}

// fromJSON reads a JSON object as el's content, by its schema: numbers as
// the schema's int or double, strings as dateTime or base64 where due.
// Members the schema does not know are left out.
func fromJSON(el *wsdl.Element, obj map[string]any) (gateway.Struct, error) {
	if el == nil {
		return gateway.Struct{}, nil
	}
	return jsonStruct(el.Type, obj, el.Name.Local)
}

func jsonStruct(t *wsdl.Type, obj map[string]any, path string) (gateway.Struct, error) {
	out := gateway.Struct{}
	for _, f := range t.Fields {
		raw, ok := obj[f.Name.Local]
		if !ok {
			continue
		}
		v, err := jsonElement(f, raw, path+"."+f.Name.Local)
		if err != nil {
			return nil, err
		}
		out = append(out, gateway.Member{Name: f.Name.Local, Value: v})
	}
	// A type's text and attributes are members too (wsdl.TextMember and
	// each attribute's Member), as on every other front end.
	if raw, ok := obj[wsdl.TextMember]; ok && t.Text != nil {
		v, err := jsonValue(t.Text, raw, path+"."+wsdl.TextMember)
		if err != nil {
			return nil, err
		}
		out = append(out, gateway.Member{Name: wsdl.TextMember, Value: v})
	}
	for _, a := range t.Attrs {
		if raw, ok := obj[a.Member]; ok {
			v, err := jsonValue(a.Type, raw, path+"."+a.Member)
			if err != nil {
				return nil, err
			}
			out = append(out, gateway.Member{Name: a.Member, Value: v})
		}
	}
	return out, nil
}

func jsonElement(f *wsdl.Element, raw any, path string) (any, error) {
	if raw == nil {
		return nil, nil
	}
	if f.Repeated() {
		list, ok := raw.([]any)
		if !ok {
			list = []any{raw}
		}
		return jsonList(f.Type, list, path)
	}
	return jsonValue(f.Type, raw, path)
}

// jsonList reads each item of a JSON array as a value of type t.
func jsonList(t *wsdl.Type, list []any, path string) ([]any, error) {
	out := make([]any, len(list))
	for i, item := range list {
		v, err := jsonValue(t, item, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func jsonValue(t *wsdl.Type, raw any, path string) (any, error) {
	bad := fmt.Errorf("%s: JSON %T does not fit %s", path, raw, t.Kind)
	switch t.Kind {
	case wsdl.KindStruct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, bad
		}
		return jsonStruct(t, obj, path)
	case wsdl.KindInt, wsdl.KindLong:
		n, ok := raw.(json.Number)
		if !ok {
			return nil, bad
		}
		v, ok := gateway.ParseInteger(n.String(), t.Kind == wsdl.KindLong && gateway.IsUnboundedInteger(t.XSDName))
		if !ok {
			return nil, bad
		}
		return v, nil
	case wsdl.KindDouble:
		n, ok := raw.(json.Number)
		if !ok {
			return nil, bad
		}
		if t.XSDName == "decimal" {
			if d, ok := gateway.ParseDecimal(n.String()); ok {
				return d, nil
			}
		}
		return n.Float64()
	case wsdl.KindBool:
		if b, ok := raw.(bool); ok {
			return b, nil
		}
		return nil, bad
	case wsdl.KindDateTime:
		s, ok := raw.(string)
		if !ok {
			return nil, bad
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if v, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, gateway.NoZone); err != nil {
				return nil, bad
			}
		}
		return v, nil
	case wsdl.KindBase64, wsdl.KindHex:
		s, ok := raw.(string)
		if !ok {
			return nil, bad
		}
		return base64.StdEncoding.DecodeString(s)
	case wsdl.KindString:
		if s, ok := raw.(string); ok {
			return s, nil
		}
		return nil, bad
	case wsdl.KindArray:
		list, ok := raw.([]any)
		if !ok {
			return nil, bad
		}
		return jsonList(t.Item, list, path)
	}
	return jsonAny(raw), nil
}

func jsonAny(raw any) any {
	switch x := raw.(type) {
	case map[string]any:
		st := gateway.Struct{}
		for k, v := range x {
			st = append(st, gateway.Member{Name: k, Value: jsonAny(v)})
		}
		return st
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = jsonAny(v)
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
