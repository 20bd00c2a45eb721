// Package xmlbind binds Go types generated from a WSDL (by gowsdl) to the
// gateway's neutral values, so that a Go implementation can work on its
// service's own types: Bind fills a generated request struct from the
// checked parameters, and ValueOf turns a generated response struct back
// into a neutral value. Fields are matched by the local name of their xml
// tag.
package xmlbind

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"gateway/gateway"
)

// xsdTime is implemented by gowsdl's soap.XSDDateTime and its kin.
type xsdTime interface{ ToGoTime() time.Time }

var (
	timeType      = reflect.TypeFor[time.Time]()
	xsdTimeType   = reflect.TypeFor[xsdTime]()
	unmarshalType = reflect.TypeFor[xml.Unmarshaler]()
)

// ValueOf is the neutral value of a generated Go value.
func ValueOf(v any) gateway.Value { return valueOf(reflect.ValueOf(v)) }

func valueOf(v reflect.Value) gateway.Value {
	if !v.IsValid() {
		return nil
	}
	info := infoOf(v.Type())
	if info.xsdTime && v.CanInterface() {
		return v.Interface().(xsdTime).ToGoTime()
	}
	if info.ptrXSDTime && v.CanAddr() && v.CanInterface() {
		return v.Addr().Interface().(xsdTime).ToGoTime()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return valueOf(v.Elem())
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return plainValue(v)
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
		st := make(gateway.Struct, len(info.fields))
		for i, f := range info.fields {
			fv := v.Field(f.index)
			if f.plain {
				st[i] = gateway.Member{Name: f.name, Value: plainValue(fv)}
			} else {
				st[i] = gateway.Member{Name: f.name, Value: valueOf(fv)}
			}
		}
		return st
	}
	return nil
}

// plainValue is the neutral value of a string, number or bool.
func plainValue(v reflect.Value) gateway.Value {
	switch v.Kind() {
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
	}
	return nil
}

func isPlain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return !t.Implements(xsdTimeType) && !reflect.PointerTo(t).Implements(xsdTimeType)
	}
	return false
}

type elementField struct {
	name  string
	index int
	plain bool // a string, number or bool that is no xsdTime: converted without a type lookup
}

// typeInfo is what Bind and ValueOf need to know of a type, read once.
type typeInfo struct {
	fields      []elementField // a struct's element fields
	xsdTime     bool           // the type is an xsdTime
	ptrXSDTime  bool           // a pointer to it is
	unmarshaler bool           // a pointer to it is an xml.Unmarshaler
}

// typeCache holds each type's typeInfo: reading tags and method sets once
// per type keeps reflection's slow paths (and the boxing that asking a value
// for its interfaces costs) off the per-call path. It only ever grows by the
// generated types an implementation uses, so it needs no bound.
var typeCache sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if info, ok := typeCache.Load(t); ok {
		return info.(*typeInfo)
	}
	info := &typeInfo{
		xsdTime:     t.Implements(xsdTimeType),
		ptrXSDTime:  reflect.PointerTo(t).Implements(xsdTimeType),
		unmarshaler: reflect.PointerTo(t).Implements(unmarshalType),
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if name, ok := fieldName(t.Field(i)); ok {
				info.fields = append(info.fields, elementField{name, i, isPlain(t.Field(i).Type)})
			}
		}
	}
	typeCache.Store(t, info)
	return info
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
func Bind(s gateway.Struct, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("bind: %T is not a pointer", dst)
	}
	return bind(s, v.Elem())
}

// bindError is a value that does not fit; its path is collected as the
// error returns up through the levels, so that a call that binds costs no
// path building.
type bindError struct {
	steps []string // innermost first: "name" or "[i]"
	msg   string
}

func (e *bindError) Error() string {
	var b strings.Builder
	b.WriteString("bind ")
	for i := len(e.steps) - 1; i >= 0; i-- {
		if i < len(e.steps)-1 && e.steps[i][0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(e.steps[i])
	}
	b.WriteString(": ")
	b.WriteString(e.msg)
	return b.String()
}

// under adds step to the path of a bindError.
func under(err error, step string) error {
	if be, ok := err.(*bindError); ok {
		be.steps = append(be.steps, step)
	}
	return err
}

func bind(val gateway.Value, dst reflect.Value) error {
	if val == nil {
		dst.SetZero()
		return nil
	}
	if dst.Kind() == reflect.Pointer {
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return bind(val, dst.Elem())
	}
	if dst.Kind() != reflect.Struct || dst.Type() == timeType {
		return bindScalar(val, dst)
	}
	info := infoOf(dst.Type())
	if info.unmarshaler {
		return bindScalar(val, dst)
	}
	st, ok := val.(gateway.Struct)
	if !ok {
		return &bindError{msg: gateway.KindOf(val) + " where a struct is due"}
	}
	for _, f := range info.fields {
		if mv, present := st.Get(f.name); present {
			if err := bind(mv, dst.Field(f.index)); err != nil {
				return under(err, f.name)
			}
		}
	}
	return nil
}

func bindScalar(val gateway.Value, dst reflect.Value) error {
	wrong := func() error {
		return &bindError{msg: fmt.Sprintf("%s does not fit %s", gateway.KindOf(val), dst.Type())}
	}
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
	case gateway.BigInt:
		if dst.Kind() == reflect.String {
			dst.SetString(string(x))
			return nil
		}
	case gateway.Decimal:
		switch dst.Kind() {
		case reflect.Float32, reflect.Float64: // gowsdl makes xs:decimal a float64
			dst.SetFloat(x.Float64())
			return nil
		case reflect.String:
			dst.SetString(string(x))
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
				if err := bind(item, out.Index(i)); err != nil {
					return under(err, "["+strconv.Itoa(i)+"]")
				}
			}
			dst.Set(out)
			return nil
		}
	}
	if dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() != reflect.Uint8 {
		return bindScalar([]any{val}, dst) // one occurrence of a repeated element
	}
	return wrong()
}
