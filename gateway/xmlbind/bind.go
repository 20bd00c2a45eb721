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
func ValueOf(v any) gateway.Value {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	return valuePlanOf(rv.Type()).fn(rv)
}

// Walk walks a generated Go value into w: the calls
// gateway.WalkValue(ValueOf(v), w) makes, without making the neutral value.
func Walk(v any, w gateway.ValueWriter) {
	if v == nil {
		w.Value(nil)
		return
	}
	rv := reflect.ValueOf(v)
	valuePlanOf(rv.Type()).walk(rv, w)
}

// Plans: what Bind and ValueOf do with a type is worked out once per type
// (its tags, its methods, its fields' plans) and kept, so that a call
// walks closures over its fields, with no type lookup, tag parsing or
// interface check on the way. Plans only ever grow by the generated types
// an implementation uses, so they need no bound.
var (
	planMu     sync.Mutex // serialises the making of plans (types may refer to themselves)
	valuePlans sync.Map   // reflect.Type -> *valuePlan
	bindPlans  sync.Map   // reflect.Type -> *bindPlan
)

// valuePlan turns values of one type into neutral values.
type valuePlan struct {
	fn func(v reflect.Value) gateway.Value // set once the plan is made
	// fields makes the Struct of a struct type (not a time) without
	// boxing it in a Value; nil for other types.
	fields func(v reflect.Value) gateway.Struct
	// walk walks a value into a gateway.ValueWriter as WalkValue walks
	// what fn makes of it, without making it.
	walk func(v reflect.Value, w gateway.ValueWriter)
}

// structValue is the neutral value of the struct ptr points to, when it
// is a structure.
func (p *valuePlan) structValue(ptr any) (gateway.Struct, bool) {
	v := reflect.ValueOf(ptr).Elem()
	if p.fields != nil {
		return p.fields(v), true // an operation's result: one boxing fewer per call
	}
	st, ok := p.fn(v).(gateway.Struct)
	return st, ok
}

func valuePlanOf(t reflect.Type) *valuePlan {
	if p, ok := valuePlans.Load(t); ok {
		return p.(*valuePlan)
	}
	var p *valuePlan
	makePlans(func(pl *planner) { p = pl.value(t) })
	return p
}

// planner makes plans, planMu held. A plan is known to the planner before
// its fields' plans are made, so a type that contains itself meets its own
// plan; and plans reach valuePlans and bindPlans (which calls read without
// the lock) only once all of them are whole, so that no call on another
// goroutine meets a plan whose fn is not set yet.
type planner struct {
	values map[reflect.Type]*valuePlan
	binds  map[reflect.Type]*bindPlan
}

func makePlans(f func(*planner)) {
	planMu.Lock()
	defer planMu.Unlock()
	pl := &planner{values: map[reflect.Type]*valuePlan{}, binds: map[reflect.Type]*bindPlan{}}
	f(pl)
	publish(&valuePlans, pl.values)
	publish(&bindPlans, pl.binds)
}

// planOf is t's plan: a published one, one being made, or a new one, known
// as being made before fill makes it.
func planOf[P any](done *sync.Map, making map[reflect.Type]*P, t reflect.Type, fill func(*P)) *P {
	if p, ok := done.Load(t); ok {
		return p.(*P)
	}
	if p, ok := making[t]; ok {
		return p
	}
	p := new(P)
	making[t] = p
	fill(p)
	return p
}

func publish[P any](done *sync.Map, made map[reflect.Type]*P) {
	for t, p := range made {
		done.Store(t, p)
	}
}

// value is t's plan for ValueOf.
func (pl *planner) value(t reflect.Type) *valuePlan {
	return planOf(&valuePlans, pl.values, t, func(p *valuePlan) {
		if t.Kind() == reflect.Struct && t != timeType && !t.Implements(xsdTimeType) && !reflect.PointerTo(t).Implements(xsdTimeType) {
			fields := elementFields(t, pl.value)
			p.fields = structOf(fields)
			p.fn = func(v reflect.Value) gateway.Value { return p.fields(v) }
			p.walk = walkStruct(fields)
			return
		}
		p.fn = pl.valueFunc(t)
		p.walk = pl.walkFunc(t, p)
	})
}

// walkFunc is how values of t, not a structure, are walked: scalars by
// their kinds, pointers and slices through their elements' plans, and
// what else (times, bytes, interfaces) by walking the neutral value
// ValueOf makes of it.
func (pl *planner) walkFunc(t reflect.Type, p *valuePlan) func(reflect.Value, gateway.ValueWriter) {
	byValue := func(v reflect.Value, w gateway.ValueWriter) { gateway.WalkValue(p.fn(v), w) }
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && (t.Implements(xsdTimeType) || reflect.PointerTo(t).Implements(xsdTimeType)) {
		return byValue
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := pl.value(t.Elem())
		return func(v reflect.Value, w gateway.ValueWriter) {
			if v.IsNil() {
				w.Value(nil)
				return
			}
			elem.walk(v.Elem(), w)
		}
	case reflect.String:
		return func(v reflect.Value, w gateway.ValueWriter) { w.String(v.String()) }
	case reflect.Bool:
		return func(v reflect.Value, w gateway.ValueWriter) { w.Bool(v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value, w gateway.ValueWriter) { w.Int(v.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value, w gateway.ValueWriter) { w.Int(int64(v.Uint())) }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value, w gateway.ValueWriter) { w.Float(v.Float()) }
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return byValue
		}
		elem := pl.value(t.Elem())
		return func(v reflect.Value, w gateway.ValueWriter) {
			w.StartArray(v.Len())
			for i := range v.Len() {
				w.StartItem()
				elem.walk(v.Index(i), w)
				w.EndItem()
			}
			w.EndArray()
		}
	}
	return byValue
}

// walkStruct walks a structure's element fields.
func walkStruct(fields []elementField[valuePlan]) func(reflect.Value, gateway.ValueWriter) {
	return func(v reflect.Value, w gateway.ValueWriter) {
		w.StartStruct()
		for _, f := range fields {
			w.StartMember(f.name)
			f.plan.walk(v.Field(f.index), w)
			w.EndMember()
		}
		w.EndStruct()
	}
}

func (pl *planner) valueFunc(t reflect.Type) func(reflect.Value) gateway.Value {
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if t.Implements(xsdTimeType) {
			return func(v reflect.Value) gateway.Value { return v.Interface().(xsdTime).ToGoTime() }
		}
		if reflect.PointerTo(t).Implements(xsdTimeType) {
			byKind := pl.kindValueFunc(t)
			return func(v reflect.Value) gateway.Value {
				if v.CanAddr() {
					return v.Addr().Interface().(xsdTime).ToGoTime()
				}
				return byKind(v)
			}
		}
	}
	return pl.kindValueFunc(t)
}

func (pl *planner) kindValueFunc(t reflect.Type) func(reflect.Value) gateway.Value {
	switch t.Kind() {
	case reflect.Pointer:
		elem := pl.value(t.Elem())
		return func(v reflect.Value) gateway.Value {
			if v.IsNil() {
				return nil
			}
			return elem.fn(v.Elem())
		}
	case reflect.Interface:
		return func(v reflect.Value) gateway.Value {
			if v.IsNil() {
				return nil
			}
			e := v.Elem()
			return valuePlanOf(e.Type()).fn(e)
		}
	case reflect.String:
		return func(v reflect.Value) gateway.Value { return v.String() }
	case reflect.Bool:
		return func(v reflect.Value) gateway.Value { return v.Bool() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) gateway.Value { return v.Int() }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value) gateway.Value { return int64(v.Uint()) }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) gateway.Value { return v.Float() }
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(v reflect.Value) gateway.Value { return v.Bytes() }
		}
		elem := pl.value(t.Elem())
		return func(v reflect.Value) gateway.Value {
			out := make([]any, v.Len())
			for i := range out {
				out[i] = elem.fn(v.Index(i))
			}
			return out
		}
	case reflect.Struct:
		if t == timeType {
			return func(v reflect.Value) gateway.Value { return v.Interface().(time.Time) }
		}
		fields := pl.structFields(t)
		return func(v reflect.Value) gateway.Value { return fields(v) }
	}
	return func(reflect.Value) gateway.Value { return nil }
}

// elementField is a struct field that is an element, with its plan.
type elementField[P any] struct {
	name  string
	index int
	plan  *P
}

// elementFields are t's element fields, each with the plan planFor makes.
func elementFields[P any](t reflect.Type, planFor func(reflect.Type) *P) []elementField[P] {
	var fields []elementField[P]
	for i := 0; i < t.NumField(); i++ {
		if name, ok := fieldName(t.Field(i)); ok {
			fields = append(fields, elementField[P]{name, i, planFor(t.Field(i).Type)})
		}
	}
	return fields
}

// structFields makes the Struct of a struct type's element fields.
func (pl *planner) structFields(t reflect.Type) func(reflect.Value) gateway.Struct {
	return structOf(elementFields(t, pl.value))
}

// structOf makes the Struct of element fields.
func structOf(fields []elementField[valuePlan]) func(reflect.Value) gateway.Struct {
	return func(v reflect.Value) gateway.Struct {
		st := make(gateway.Struct, len(fields))
		for i, f := range fields {
			st[i] = gateway.Member{Name: f.name, Value: f.plan.fn(v.Field(f.index))}
		}
		return st
	}
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
	return bindPlanOf(v.Type().Elem()).bindStruct(s, v.Interface())
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

// bindPlan fills values of one type from neutral values.
type bindPlan struct {
	fn func(val gateway.Value, dst reflect.Value) error // set once the plan is made
	// fields fills a struct (not a time, not an xml.Unmarshaler) from a
	// Struct without boxing it; nil for other types.
	fields func(st gateway.Struct, dst reflect.Value) error
}

// bindStruct fills what ptr points to from s.
func (p *bindPlan) bindStruct(s gateway.Struct, ptr any) error {
	dst := reflect.ValueOf(ptr).Elem()
	if p.fields != nil {
		return p.fields(s, dst)
	}
	return p.fn(s, dst)
}

func bindPlanOf(t reflect.Type) *bindPlan {
	if p, ok := bindPlans.Load(t); ok {
		return p.(*bindPlan)
	}
	var p *bindPlan
	makePlans(func(pl *planner) { p = pl.bind(t) })
	return p
}

// bind is t's plan for Bind.
func (pl *planner) bind(t reflect.Type) *bindPlan {
	return planOf(&bindPlans, pl.binds, t, func(p *bindPlan) { pl.fillBind(p, t) })
}

// fillBind makes p, the plan of t for Bind.
func (pl *planner) fillBind(p *bindPlan, t reflect.Type) {
	switch {
	case t.Kind() == reflect.Pointer:
		elem := pl.bind(t.Elem())
		p.fn = func(val gateway.Value, dst reflect.Value) error {
			if val == nil {
				dst.SetZero()
				return nil
			}
			if dst.IsNil() {
				dst.Set(reflect.New(t.Elem()))
			}
			return elem.fn(val, dst.Elem())
		}
	case t.Kind() != reflect.Struct || t == timeType || reflect.PointerTo(t).Implements(unmarshalType):
		if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
			pl.bind(t.Elem()) // for bindScalar's items
		}
		p.fn = func(val gateway.Value, dst reflect.Value) error {
			if val == nil {
				dst.SetZero()
				return nil
			}
			return bindScalar(val, dst)
		}
	default:
		fields := elementFields(t, pl.bind)
		p.fields = func(st gateway.Struct, dst reflect.Value) error {
			for _, f := range fields {
				if mv, present := st.Get(f.name); present {
					if err := f.plan.fn(mv, dst.Field(f.index)); err != nil {
						return under(err, f.name)
					}
				}
			}
			return nil
		}
		p.fn = func(val gateway.Value, dst reflect.Value) error {
			if val == nil {
				dst.SetZero()
				return nil
			}
			st, ok := val.(gateway.Struct)
			if !ok {
				return &bindError{msg: gateway.KindOf(val) + " where a struct is due"}
			}
			return p.fields(st, dst)
		}
	}
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
			items := bindPlanOf(dst.Type().Elem())
			for i, item := range x {
				if err := items.fn(item, out.Index(i)); err != nil {
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
