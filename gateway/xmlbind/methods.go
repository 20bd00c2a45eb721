package xmlbind

import (
	"context"
	"errors"
	"fmt"
	"reflect"
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
	var ops []Op
	var errs []error
	for _, op := range def.Operations {
		m := rv.MethodByName(op.Name)
		if !m.IsValid() {
			errs = append(errs, fmt.Errorf("operation %s: %T has no method %s", op.Name, v, op.Name))
			continue
		}
		bound, err := methodOp(op.Name, m)
		if err != nil {
			errs = append(errs, fmt.Errorf("operation %s: method %T.%s: %w", op.Name, v, op.Name, err))
			continue
		}
		ops = append(ops, bound)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	hooks, _ := v.(gateway.ClientHooks)
	return Operations(def, hooks, ops...)
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

// methodOp checks a method's form and binds it as an Op that calls it by
// reflection.
func methodOp(name string, m reflect.Value) (Op, error) {
	t := m.Type()
	const form = "want func(context.Context, *gateway.Call[, *Request]) (*Response, error)"
	if t.NumIn() < 2 || t.NumIn() > 3 || t.In(0) != contextType || t.In(1) != callType {
		return Op{}, fmt.Errorf("its parameters are %s: %s", t, form)
	}
	if t.NumOut() != 2 || t.Out(1) != errorType || !isBindable(t.Out(0)) {
		return Op{}, fmt.Errorf("its results are %s: %s", t, form)
	}
	raw := t.Out(0) == structType
	var in reflect.Type // nil: the method takes no input
	var bindIn *bindPlan
	if t.NumIn() == 3 {
		if in = t.In(2); !isBindable(in) {
			return Op{}, fmt.Errorf("its input %s is neither a pointer to a struct nor gateway.Struct: %s", in, form)
		}
		if in != structType {
			bindIn = bindPlanOf(in.Elem())
		}
	}
	var out *valuePlan
	if !raw {
		out = valuePlanOf(t.Out(0).Elem())
	}
	return Op{name: name, invoke: func(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
		ap := argsPool.Get().(*[]reflect.Value)
		// ctx as a Value of the parameter's own type (context.Context): a
		// Value of its dynamic type would make every call check that it
		// implements the interface.
		args := append((*ap)[:0], reflect.ValueOf(&ctx).Elem(), reflect.ValueOf(call))
		switch {
		case in == structType:
			args = append(args, reflect.ValueOf(call.Params))
		case in != nil:
			ptr := reflect.New(in.Elem())
			if err := bindIn.bindStruct(call.Params, ptr.Interface()); err != nil {
				putArgs(ap, args)
				return nil, err
			}
			args = append(args, ptr)
		}
		res := m.Call(args)
		putArgs(ap, args)
		if err, _ := res[1].Interface().(error); err != nil {
			return nil, err
		}
		if res[0].IsNil() {
			return gateway.Struct{}, nil
		}
		if raw {
			return res[0].Interface().(gateway.Struct), nil
		}
		st, ok := out.structValue(res[0].Interface())
		if !ok {
			return nil, gateway.NewFault(gateway.FaultInternal, "operation %s returned no structure", name)
		}
		return st, nil
	}}, nil
}

func isBindable(t reflect.Type) bool {
	return t == structType || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

// argsPool keeps the argument slices of method calls: a call needs one
// for the moment of the call only.
var argsPool = sync.Pool{New: func() any { s := make([]reflect.Value, 0, 3); return &s }}

func putArgs(ap *[]reflect.Value, args []reflect.Value) {
	clear(args) // no reference to the call's values stays in the pool
	*ap = args[:0]
	argsPool.Put(ap)
}
