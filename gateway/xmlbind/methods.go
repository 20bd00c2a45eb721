package xmlbind

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gateway/gateway"
	"gateway/wsdl"
)

// Methods makes a service's implementation of a Go value whose exported
// methods are its operations, as net/rpc registers a receiver: the method
// named after each operation of def, of the form
//
//	func (T) Op(ctx context.Context, call *gateway.Call, in *Request) (*Response, error)
//
// where Request and Response are the operation's generated types (gowsdl),
// bound as Bind and ValueOf do; in may be left out for an operation whose
// input has no parameters, and *Request and *Response may be
// gateway.Struct to work on neutral values. The methods are found by
// reflection once, here; an operation without a method, or a method of
// another form, is an error that names both, so a service that does not
// fit its WSDL never starts.
func Methods(def *wsdl.Definition, v any) (gateway.Implementation, error) {
	rv := reflect.ValueOf(v)
	impl := &methods{value: v, byOp: map[string]*method{}}
	var errs []error
	for _, op := range def.Operations {
		m := rv.MethodByName(op.Name)
		if !m.IsValid() {
			errs = append(errs, fmt.Errorf("operation %s: %T has no method %s", op.Name, v, op.Name))
			continue
		}
		bm, err := bindMethod(m)
		if err != nil {
			errs = append(errs, fmt.Errorf("operation %s: method %T.%s: %w", op.Name, v, op.Name, err))
			continue
		}
		impl.byOp[op.Name] = bm
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if hooks, ok := v.(gateway.ClientHooks); ok {
		return &methodsWithHooks{impl, hooks}, nil
	}
	return impl, nil
}

// MustMethods is Methods for values known to fit their WSDL (tests,
// benchmarks): it panics where Methods returns an error.
func MustMethods(def *wsdl.Definition, v any) gateway.Implementation {
	impl, err := Methods(def, v)
	if err != nil {
		panic(err)
	}
	return impl
}

var (
	contextType = reflect.TypeFor[context.Context]()
	callType    = reflect.TypeFor[*gateway.Call]()
	structType  = reflect.TypeFor[gateway.Struct]()
	errorType   = reflect.TypeFor[error]()
)

// method is one operation's method, its request type known.
type method struct {
	fn  reflect.Value
	in  reflect.Type // nil: the method takes no input
	raw bool         // in and out are gateway.Struct
}

// bindMethod checks a method's form.
func bindMethod(m reflect.Value) (*method, error) {
	t := m.Type()
	const form = "want func(context.Context, *gateway.Call[, *Request]) (*Response, error)"
	if t.NumIn() < 2 || t.NumIn() > 3 || t.In(0) != contextType || t.In(1) != callType {
		return nil, fmt.Errorf("its parameters are %s: %s", t, form)
	}
	if t.NumOut() != 2 || t.Out(1) != errorType || !isBindable(t.Out(0)) {
		return nil, fmt.Errorf("its results are %s: %s", t, form)
	}
	bm := &method{fn: m, raw: t.Out(0) == structType}
	if t.NumIn() == 3 {
		if !isBindable(t.In(2)) {
			return nil, fmt.Errorf("its input %s is neither a pointer to a struct nor gateway.Struct: %s", t.In(2), form)
		}
		bm.in = t.In(2)
	}
	return bm, nil
}

func isBindable(t reflect.Type) bool {
	return t == structType || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

type methods struct {
	value any
	byOp  map[string]*method
}

// Invoke implements gateway.Implementation.
func (ms *methods) Invoke(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
	m := ms.byOp[call.Operation.Name]
	if m == nil {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no operation %s", call.Operation.Name)
	}
	ap := argsPool.Get().(*[]reflect.Value)
	// ctx as a Value of the parameter's own type (context.Context): a
	// Value of its dynamic type would make every call check that it
	// implements the interface.
	args := append((*ap)[:0], reflect.ValueOf(&ctx).Elem(), reflect.ValueOf(call))
	if m.in != nil {
		if m.in == structType {
			args = append(args, reflect.ValueOf(call.Params))
		} else {
			in := reflect.New(m.in.Elem())
			if err := Bind(call.Params, in.Interface()); err != nil {
				putArgs(ap, args)
				return nil, err
			}
			args = append(args, in)
		}
	}
	out := m.fn.Call(args)
	putArgs(ap, args)
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	if out[0].IsNil() {
		return gateway.Struct{}, nil
	}
	if m.raw {
		return out[0].Interface().(gateway.Struct), nil
	}
	st, ok := ValueOf(out[0].Interface()).(gateway.Struct)
	if !ok {
		return nil, gateway.NewFault(gateway.FaultInternal, "operation %s returned no structure", call.Operation.Name)
	}
	return st, nil
}

// argsPool keeps the argument slices of method calls: a call needs one
// for the moment of the call only.
var argsPool = sync.Pool{New: func() any { s := make([]reflect.Value, 0, 3); return &s }}

func putArgs(ap *[]reflect.Value, args []reflect.Value) {
	clear(args) // no reference to the call's values stays in the pool
	*ap = args[:0]
	argsPool.Put(ap)
}

// methodsWithHooks passes attach and detach on to a value that hears them.
type methodsWithHooks struct {
	*methods
	gateway.ClientHooks
}

// String names the value the methods are of, for messages.
func (ms *methods) String() string { return strings.TrimPrefix(fmt.Sprintf("%T", ms.value), "*") }
