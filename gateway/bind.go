package gateway

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Go types generated from a WSDL (by gowsdl) and neutral values meet here,
// so that a Go implementation can work on its service's own types: Bind
// fills a generated request struct from the checked parameters, and
// ValueOf turns a generated response struct back into a neutral value.
// Fields are matched by the local name of their xml tag.

// xsdTime is implemented by gowsdl's soap.XSDDateTime and its kin.
type xsdTime interface{ ToGoTime() time.Time }

var (
	timeType      = reflect.TypeFor[time.Time]()
	unmarshalType = reflect.TypeFor[xml.Unmarshaler]()
)

// ValueOf is the neutral value of a generated Go value.
func ValueOf(v any) Value { return valueOf(reflect.ValueOf(v)) }

func valueOf(v reflect.Value) Value {
	if !v.IsValid() {
		return nil
	}
	if v.CanInterface() {
		if t, ok := v.Interface().(xsdTime); ok {
			return t.ToGoTime()
		}
		if v.CanAddr() {
			if t, ok := v.Addr().Interface().(xsdTime); ok {
				return t.ToGoTime()
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return valueOf(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes()
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = valueOf(v.Index(i))
		}
		return out
	case reflect.Struct:
		if v.Type() == timeType {
			return v.Interface().(time.Time)
		}
		fields := elementFields(v.Type())
		st := make(Struct, len(fields))
		for i, f := range fields {
			st[i] = Member{Name: f.name, Value: valueOf(v.Field(f.index))}
		}
		return st
	}
	return nil
}

type elementField struct {
	name  string
	index int
}

// fieldCache holds each struct type's element fields: reading the tags once
// per type keeps reflection off the per-call path. It only ever grows by the
// generated types an implementation uses, so it needs no bound.
var fieldCache sync.Map // reflect.Type -> []elementField

func elementFields(t reflect.Type) []elementField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]elementField)
	}
	var fields []elementField
	for i := 0; i < t.NumField(); i++ {
		if name, ok := fieldName(t.Field(i)); ok {
			fields = append(fields, elementField{name, i})
		}
	}
	fieldCache.Store(t, fields)
	return fields
}

// fieldName is the element name of a struct field, or false for fields
// that are not elements (XMLName, unexported, attributes, chardata).
func fieldName(f reflect.StructField) (string, bool) {
	if !f.IsExported() || f.Name == "XMLName" {
		return "", false
	}
	tag := f.Tag.Get("xml")
	if tag == "-" {
		return "", false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if strings.Contains(opts, "attr") || strings.Contains(opts, "chardata") || strings.Contains(opts, "innerxml") {
		return "", false
	}
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		name = name[i+1:] // "namespace local"
	}
	if name == "" {
		name = f.Name
	}
	return name, true
}

// Bind fills the struct dst points to from s.
func Bind(s Struct, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("bind: %T is not a pointer", dst)
	}
	return bind(s, v.Elem(), "")
}

func bind(val Value, dst reflect.Value, path string) error {
	if val == nil {
		dst.SetZero()
		return nil
	}
	if dst.Kind() == reflect.Pointer {
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return bind(val, dst.Elem(), path)
	}
	if dst.Kind() != reflect.Struct || dst.Type() == timeType {
		return bindScalar(val, dst, path)
	}
	if reflect.PointerTo(dst.Type()).Implements(unmarshalType) {
		return bindScalar(val, dst, path)
	}
	st, ok := val.(Struct)
	if !ok {
		return fmt.Errorf("bind %s: %s where a struct is due", path, KindOf(val))
	}
	for _, f := range elementFields(dst.Type()) {
		if mv, present := st.Get(f.name); present {
			if err := bind(mv, dst.Field(f.index), join(path, f.name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func bindScalar(val Value, dst reflect.Value, path string) error {
	wrong := func() error { return fmt.Errorf("bind %s: %s does not fit %s", path, KindOf(val), dst.Type()) }
	switch x := val.(type) {
	case string:
		if dst.Kind() == reflect.String {
			dst.SetString(x)
			return nil
		}
	case int64:
		switch dst.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if dst.OverflowInt(x) {
				return wrong()
			}
			dst.SetInt(x)
			return nil
		case reflect.Float32, reflect.Float64:
			dst.SetFloat(float64(x))
			return nil
		}
	case float64:
		if dst.Kind() == reflect.Float32 || dst.Kind() == reflect.Float64 {
			dst.SetFloat(x)
			return nil
		}
	case bool:
		if dst.Kind() == reflect.Bool {
			dst.SetBool(x)
			return nil
		}
	case []byte:
		if dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes(x)
			return nil
		}
	case time.Time:
		if dst.Type() == timeType {
			dst.Set(reflect.ValueOf(x))
			return nil
		}
		// gowsdl's XSDDateTime reads itself from its lexical form.
		if u, ok := dst.Addr().Interface().(xml.Unmarshaler); ok {
			d := xml.NewDecoder(strings.NewReader("<t>" + x.Format(time.RFC3339Nano) + "</t>"))
			tok, _ := d.Token()
			return u.UnmarshalXML(d, tok.(xml.StartElement))
		}
	case []any:
		if dst.Kind() == reflect.Slice {
			out := reflect.MakeSlice(dst.Type(), len(x), len(x))
			for i, item := range x {
				if err := bind(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			dst.Set(out)
			return nil
		}
	}
	if dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() != reflect.Uint8 {
		return bindScalar([]any{val}, dst, path) // one occurrence of a repeated element
	}
	return wrong()
}
