package xmlbind

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"gateway/gateway"
	"gateway/wsdl"
)

// Op is one operation bound to its Go function. Func and FuncNoInput make
// one from a typed function: the function is called directly, and only the
// binding of its generated types (Bind, ValueOf) reads them by reflection,
// through plans made once per type. That keeps reflection's call (its
// argument and result slices, its layout lookups) off the path of every
// call: Methods, which finds methods by reflection, is the convenient way,
// Operations with Func the fast one.
type Op struct {
	name   string
	invoke func(ctx context.Context, call *gateway.Call) (gateway.Struct, error)
	// walked answers with the generated response itself, walked by the
	// front end that writes it (gateway.Core.InvokeWalked); nil where the
	// response type is not a structure (invoke then says so).
	walked func(ctx context.Context, call *gateway.Call) (gateway.Result, error)
}

// Func binds the operation called name to fn, whose request and response
// are the operation's generated types (gowsdl): fn's *Req is filled from
// the call's checked parameters as Bind does, its *Resp turned into the
// result as ValueOf does (nil: an empty result).
func Func[Req, Resp any](name string, fn func(ctx context.Context, call *gateway.Call, in *Req) (*Resp, error)) Op {
	bindIn := bindPlanOf(reflect.TypeFor[Req]())
	call := func(ctx context.Context, call *gateway.Call) (*Resp, error) {
		in := new(Req)
		if err := bindIn.bindStruct(call.Params, in); err != nil {
			return nil, err
		}
		return fn(ctx, call, in)
	}
	return opOf(name, call)
}

// FuncNoInput is Func for an operation whose input has no parameters.
func FuncNoInput[Resp any](name string, fn func(ctx context.Context, call *gateway.Call) (*Resp, error)) Op {
	return opOf(name, fn)
}

// opOf is the Op of a function that makes an operation's *Resp.
func opOf[Resp any](name string, fn func(ctx context.Context, call *gateway.Call) (*Resp, error)) Op {
	out := resultOf[Resp](name)
	op := Op{name: name, invoke: func(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
		resp, err := fn(ctx, call)
		if err != nil {
			return nil, err
		}
		return out(resp)
	}}
	if valuePlanOf(reflect.TypeFor[Resp]()).fields != nil {
		op.walked = func(ctx context.Context, call *gateway.Call) (gateway.Result, error) {
			resp, err := fn(ctx, call)
			if err != nil {
				return nil, err
			}
			return result[Resp]{resp}, nil
		}
	}
	return op
}

// result is an operation's generated response as a gateway.Result. A
// struct of one pointer is stored in an interface as that pointer, so
// that handing it back allocates nothing. A nil response is the empty
// result.
type result[Resp any] struct{ resp *Resp }

func (r result[Resp]) Walk(w gateway.ValueWriter) {
	if r.resp == nil {
		w.StartStruct()
		w.EndStruct()
		return
	}
	valuePlanOf(reflect.TypeFor[Resp]()).walk(reflect.ValueOf(r.resp).Elem(), w)
}

func (r result[Resp]) Struct() gateway.Struct {
	if r.resp == nil {
		return gateway.Struct{}
	}
	return valuePlanOf(reflect.TypeFor[Resp]()).fields(reflect.ValueOf(r.resp).Elem())
}

// resultOf turns an operation's *Resp into its result.
func resultOf[Resp any](name string) func(*Resp) (gateway.Struct, error) {
	plan := valuePlanOf(reflect.TypeFor[Resp]())
	return func(resp *Resp) (gateway.Struct, error) {
		if resp == nil {
			return gateway.Struct{}, nil
		}
		st, ok := plan.structValue(resp)
		if !ok {
			return nil, gateway.NewFault(gateway.FaultInternal, "operation %s returned no structure", name)
		}
		return st, nil
	}
}

// Operations is the implementation of def's operations by ops: every
// operation of def needs its Op, and an Op for an operation def does not
// have is an error too (a misspelt name must not leave an operation
// unserved). hooks, when not nil, hears clients attach and detach.
func Operations(def *wsdl.Definition, hooks gateway.ClientHooks, ops ...Op) (gateway.Implementation, error) {
	impl := &operations{byOp: make(map[string]Op, len(ops))}
	var errs []error
	for _, op := range ops {
		if def.Operation(op.name) == nil {
			errs = append(errs, fmt.Errorf("operation %s: not in the WSDL %s", op.name, def.Name))
		}
		if _, twice := impl.byOp[op.name]; twice {
			errs = append(errs, fmt.Errorf("operation %s: bound twice", op.name))
		}
		impl.byOp[op.name] = op
	}
	for _, op := range def.Operations {
		if _, ok := impl.byOp[op.Name]; !ok {
			errs = append(errs, fmt.Errorf("operation %s: no function bound to it", op.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if hooks != nil {
		return &operationsWithHooks{impl, hooks}, nil
	}
	return impl, nil
}

// operations is an implementation by one Op per operation; Methods makes
// one too, its Ops calling methods by reflection.
type operations struct{ byOp map[string]Op }

// Invoke implements gateway.Implementation.
func (o *operations) Invoke(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
	op, ok := o.byOp[call.Operation.Name]
	if !ok {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no operation %s", call.Operation.Name)
	}
	return op.invoke(ctx, call)
}

// InvokeWalked implements gateway.WalkingImplementation: an operation bound
// by Func or FuncNoInput answers with its generated response itself; one
// bound by Methods, with its Struct.
func (o *operations) InvokeWalked(ctx context.Context, call *gateway.Call) (gateway.Result, error) {
	op, ok := o.byOp[call.Operation.Name]
	if !ok {
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no operation %s", call.Operation.Name)
	}
	if op.walked != nil {
		return op.walked(ctx, call)
	}
	st, err := op.invoke(ctx, call)
	if err != nil {
		return nil, err
	}
	return gateway.StructResult(st), nil
}

// operationsWithHooks passes attach and detach on to a value that hears them.
type operationsWithHooks struct {
	*operations
	gateway.ClientHooks
}
