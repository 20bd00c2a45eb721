package xmlrpc

import (
	"context"
	"fmt"
	"strings"

	"gateway/gateway"
	"gateway/wsdl"
)

var capabilities = gateway.Struct{
	{Name: "faults_interop", Value: gateway.Struct{
		{Name: "specUrl", Value: "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php"},
		{Name: "specVersion", Value: int64(20010516)},
	}},
	{Name: "introspection", Value: gateway.Struct{
		{Name: "specUrl", Value: "http://xmlrpc-c.sourceforge.net/introspection.html"},
		{Name: "specVersion", Value: int64(1)},
	}},
	{Name: "multicall", Value: gateway.Struct{
		{Name: "specUrl", Value: "https://mirrors.talideon.com/articles/multicall.html"},
		{Name: "specVersion", Value: int64(1)},
	}},
	{Name: "nil", Value: gateway.Struct{
		{Name: "specUrl", Value: "http://ontosys.com/xml-rpc/extensions.php"},
		{Name: "specVersion", Value: int64(20010518)},
	}},
}

func (h *Handler) listMethods() []any {
	var out []any
	for _, b := range sessionMethods {
		out = append(out, b.name)
	}
	for _, b := range systemMethods {
		out = append(out, b.name)
	}
	for _, svc := range h.core.Services().Services() {
		for _, op := range svc.Definition.Operations {
			out = append(out, svc.Name+"."+op.Name)
		}
	}
	return out
}

func findBuiltin(name string) *builtin {
	for _, list := range [][]builtin{sessionMethods, systemMethods} {
		for i := range list {
			if list[i].name == name {
				return &list[i]
			}
		}
	}
	return nil
}

func (h *Handler) operation(name string) (*wsdl.Operation, error) {
	svc, op, ok := strings.Cut(name, ".")
	if ok {
		if _, o, err := h.core.Services().Lookup(svc, op); err == nil {
			return o, nil
		}
	}
	return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "no such method %q", name)
}

func (h *Handler) methodHelp(name string) (any, error) {
	if b := findBuiltin(name); b != nil {
		return b.help, nil
	}
	op, err := h.operation(name)
	if err != nil {
		return nil, err
	}
	var sb strings.Builder
	if op.Doc != "" {
		sb.WriteString(op.Doc)
		sb.WriteString("\n")
	}
	fmt.Fprintf(&sb, "Parameters (one struct, or positionally in this order):")
	for _, f := range op.Input.Type.Fields {
		fmt.Fprintf(&sb, "\n  %s %s", f.Name.Local, typeName(f))
		if f.Min == 0 {
			sb.WriteString(" (optional)")
		}
	}
	sb.WriteString("\nReturns a struct:")
	for _, f := range op.OutputFields() {
		fmt.Fprintf(&sb, "\n  %s %s", f.Name.Local, typeName(f))
	}
	for _, f := range op.Faults {
		fmt.Fprintf(&sb, "\nFault %d %q", CodeApplication, f.Name+": ...")
	}
	return sb.String(), nil
}

func (h *Handler) methodSignature(name string) (any, error) {
	if b := findBuiltin(name); b != nil {
		return signatures(b.signature), nil
	}
	op, err := h.operation(name)
	if err != nil {
		return nil, err
	}
	positional := []string{"struct"}
	for _, f := range op.Input.Type.Fields {
		positional = append(positional, typeName(f))
	}
	sigs := [][]string{{"struct", "struct"}}
	if len(op.Input.Type.Fields) == 0 {
		sigs = [][]string{{"struct"}}
	} else if len(positional) != 2 || positional[1] != "struct" {
		sigs = append(sigs, positional)
	}
	return signatures(sigs), nil
}

func signatures(sigs [][]string) []any {
	out := make([]any, len(sigs))
	for i, sig := range sigs {
		row := make([]any, len(sig))
		for j, t := range sig {
			row[j] = t
		}
		out[i] = row
	}
	return out
}

// typeName is the XML-RPC type of a schema element.
func typeName(e *wsdl.Element) string {
	if e.Repeated() {
		return "array"
	}
	switch e.Type.Kind {
	case wsdl.KindInt:
		return "int"
	case wsdl.KindLong:
		return "i8"
	case wsdl.KindBool:
		return "boolean"
	case wsdl.KindDouble:
		return "double"
	case wsdl.KindDateTime:
		return "dateTime.iso8601"
	case wsdl.KindBase64, wsdl.KindHex:
		return "base64"
	case wsdl.KindStruct:
		return "struct"
	case wsdl.KindAny:
		return "undef"
	case wsdl.KindArray:
		return "array"
	}
	return "string"
}

// multicall runs each call in turn; each gets its own result or fault.
func (h *Handler) multicall(ctx context.Context, req *request, params []any) (any, error) {
	if len(params) != 1 {
		return nil, gateway.NewFault(gateway.FaultInvalidParams, "system.multicall takes one array of {methodName, params}")
	}
	calls, ok := params[0].([]any)
	if !ok {
		return nil, gateway.NewFault(gateway.FaultInvalidParams, "system.multicall takes one array of {methodName, params}")
	}
	if len(calls) > h.opts.MaxMulticall {
		return nil, gateway.NewFault(gateway.FaultInvalidRequest, "system.multicall of %d calls: at most %d", len(calls), h.opts.MaxMulticall)
	}
	out := make([]any, len(calls))
	results := make([]any, len(calls)) // each answer is a one-value array: all of them over one backing array
	for i, c := range calls {
		v, err := h.subcall(ctx, req, c)
		if err != nil {
			f := gateway.AsFault(err)
			out[i] = gateway.Struct{{Name: "faultCode", Value: int64(FaultCode(f))}, {Name: "faultString", Value: FaultString(f)}}
			continue
		}
		results[i] = v
		out[i] = results[i : i+1 : i+1]
	}
	return out, nil
}

func (h *Handler) subcall(ctx context.Context, req *request, c any) (any, error) {
	st, ok := c.(gateway.Struct)
	if !ok {
		return nil, gateway.NewFault(gateway.FaultInvalidRequest, "multicall entry is not a struct")
	}
	name := st.String("methodName")
	if name == "" {
		return nil, gateway.NewFault(gateway.FaultInvalidRequest, "multicall entry without methodName")
	}
	if name == "system.multicall" {
		return nil, gateway.NewFault(gateway.FaultInvalidRequest, "system.multicall may not be nested")
	}
	if name == "session.login" {
		// One login may open a multicall's calls; a hundred would mint a
		// hundred sessions from one request.
		if req.loggedIn {
			return nil, gateway.NewFault(gateway.FaultInvalidRequest, "one session.login per system.multicall")
		}
		req.loggedIn = true
	}
	var params []any
	if p, ok := st.Get("params"); ok && p != nil {
		if params, ok = p.([]any); !ok {
			return nil, gateway.NewFault(gateway.FaultInvalidParams, "multicall params must be an array")
		}
	}
	v, err := h.call(ctx, req, name, params)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, gateway.NewFault(gateway.FaultInternal, "internal error")
	}
	return v, nil
}
