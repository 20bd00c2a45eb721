package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gateway/adapters/soap"
	"gateway/adapters/xmlrpc"
	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// soapCodec calls a SOAP upstream in the version its binding says, with
// the caller as a gw:Caller header.
type soapCodec struct {
	v12, strict bool
	headers     map[string]any // configured header values (Config.Headers)
	to          string         // the upstream's address, for wsa:To
}

// headerValues are the values of an operation's declared headers for a
// call: the caller's, with the configured ones over them.
func (c *soapCodec) headerValues(call *gateway.Call) gateway.Struct {
	out := append(gateway.Struct{}, call.Headers...)
	for name, v := range c.headers {
		value := configValue(v, call)
		replaced := false
		for i := range out {
			if out[i].Name == name {
				out[i].Value, replaced = value, true
			}
		}
		if !replaced {
			out = append(out, gateway.Member{Name: name, Value: value})
		}
	}
	return out
}

// configValue turns a configured header value (YAML) into a neutral
// value, its strings' placeholders filled for the call.
func configValue(v any, call *gateway.Call) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		st := gateway.Struct{}
		for _, k := range keys {
			st = append(st, gateway.Member{Name: k, Value: configValue(x[k], call)})
		}
		return st
	case string:
		id := call.Perspective.Identity
		return strings.NewReplacer("{user}", id.Username, "{groups}", strings.Join(id.Groups, ",")).Replace(x)
	case int:
		return int64(x)
	case nil:
		return nil
	}
	return fmt.Sprint(v)
}

func (c *soapCodec) version() soap.Version {
	if c.v12 {
		return soap.V12
	}
	return soap.V11
}

func (c *soapCodec) suffix(*gateway.Call) string { return "" }

func (c *soapCodec) body(call *gateway.Call, who caller) (string, http.Header, []byte, error) {
	h := []byte(`<gw:Caller xmlns:gw="` + soap.NSSession + `"><gw:User>`)
	h = xmltext.Append(h, who.user)
	h = append(h, "</gw:User><gw:Groups>"...)
	h = xmltext.Append(h, who.groups)
	h = append(h, "</gw:Groups>"...)
	// The values as the HTTP headers carry them. The signature is in the
	// HTTP headers only: it covers the body's digest, and so this header.
	if who.nonce != "" {
		h = append(h, "<gw:Timestamp>"...)
		h = strconv.AppendInt(h, who.timestamp, 10)
		h = append(h, "</gw:Timestamp><gw:Nonce>"...)
		h = append(h, who.nonce...)
		h = append(h, "</gw:Nonce>"...)
	}
	h = append(h, "</gw:Caller>"...)
	if call.Operation.Addressing == wsdl.AddressingRequired {
		// An upstream whose WSDL requires WS-Addressing (WCF's
		// wsHttpBinding, CXF with addressing required) refuses a call
		// without it.
		h = soap.AppendRequestAddressing(h, call.Operation.InputAction, c.to)
	}
	if len(call.Operation.InputHeaders) > 0 {
		var err error
		if h, err = soap.AppendHeaders(h, call.Operation.InputHeaders, c.headerValues(call)); err != nil {
			return "", nil, nil, err
		}
	}
	body, err := soap.AppendEnvelope(nil, c.version(), h, call.Operation.Input, call.Params)
	if err != nil {
		return "", nil, nil, err
	}
	header := http.Header{}
	if !c.v12 {
		header.Set("SOAPAction", `"`+call.Operation.Action+`"`)
	}
	return soap.ContentType(c.version(), call.Operation.Action), header, body, nil
}

func (c *soapCodec) decode(resp *http.Response, body []byte, call *gateway.Call) (gateway.Struct, []string, error) {
	if call.Operation.Output == nil && (resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusOK) && len(bytes.TrimSpace(body)) == 0 {
		return gateway.Struct{}, nil, nil // a one-way operation accepted (WS-I: 202 and no envelope)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusInternalServerError {
		return nil, nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return soap.DecodeResponseLenient(bytes.NewReader(body), c.version(), call.Operation, 0, c.strict)
}

// xmlrpcCodec calls an XML-RPC upstream: method names from methods (the
// operation's name by default), parameters as one struct or positionally.
type xmlrpcCodec struct {
	methods    map[string]string
	positional bool
}

func (c *xmlrpcCodec) suffix(*gateway.Call) string { return "" }

func (c *xmlrpcCodec) body(call *gateway.Call, _ caller) (string, http.Header, []byte, error) {
	method := call.Operation.Name
	if m := c.methods[method]; m != "" {
		method = m
	}
	params := []any{call.Params}
	if c.positional {
		params = params[:0]
		for _, f := range call.Operation.Input.Type.Fields {
			v, _ := call.Params.Get(f.Name.Local)
			params = append(params, v)
		}
		for len(params) > 0 && params[len(params)-1] == nil { // trailing absent optionals
			params = params[:len(params)-1]
		}
	}
	body, err := xmlrpc.AppendCall(nil, method, params)
	return "text/xml", nil, body, err
}

func (c *xmlrpcCodec) decode(resp *http.Response, body []byte, call *gateway.Call) (gateway.Struct, []string, error) {
	out, err := c.decodeStruct(resp, body, call)
	return out, nil, err
}

func (c *xmlrpcCodec) decodeStruct(resp *http.Response, body []byte, call *gateway.Call) (gateway.Struct, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	v, err := xmlrpc.DecodeResponse(bytes.NewReader(body), 0)
	if rf, ok := err.(*xmlrpc.ResponseFault); ok {
		// The upstream's own fault, with its code and string as they came.
		f := gateway.AppFault("", rf.String, nil)
		f.Code = rf.Code
		return nil, f
	}
	if err != nil {
		return nil, err
	}
	return asOutput(call.Operation, v), nil
}

// asOutput fits a returned value to the output element: a struct that names
// the output's members is taken as is; any other value is the output's one
// member.
func asOutput(op *wsdl.Operation, v any) gateway.Struct {
	fields := op.OutputFields()
	if st, ok := v.(gateway.Struct); ok {
		for _, f := range fields {
			if _, named := st.Get(f.Name.Local); named {
				return st
			}
		}
	}
	if len(fields) == 1 {
		return gateway.Struct{{Name: fields[0].Name.Local, Value: v}}
	}
	if st, ok := v.(gateway.Struct); ok {
		return st
	}
	return gateway.Struct{}
}

// jsonCodec calls POST {url}/{Op} with the input as JSON.
type jsonCodec struct{}

func (jsonCodec) suffix(call *gateway.Call) string { return "/" + call.Operation.Name }

func (jsonCodec) body(call *gateway.Call, _ caller) (string, http.Header, []byte, error) {
	body, err := json.Marshal(toJSON(call.Params))
	return "application/json", http.Header{"Accept": {"application/json"}}, body, err
}

func (j jsonCodec) decode(resp *http.Response, body []byte, call *gateway.Call) (gateway.Struct, []string, error) {
	out, err := j.decodeStruct(resp, body, call)
	return out, nil, err
}

func (jsonCodec) decodeStruct(resp *http.Response, body []byte, call *gateway.Call) (gateway.Struct, error) {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "application/json" {
		return nil, fmt.Errorf("HTTP %d with content type %q", resp.StatusCode, mt)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("HTTP %d: malformed JSON", resp.StatusCode)
	}
	obj, isObject := doc.(map[string]any)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && isObject:
		return fromJSON(call.Operation.Output, obj)
	case resp.StatusCode >= 400 && isObject:
		name, _ := obj["fault"].(string)
		if name == "" {
			return nil, fmt.Errorf("HTTP %d without a fault", resp.StatusCode)
		}
		msg, _ := obj["message"].(string)
		f := gateway.AppFault(name, msg, nil)
		if decl := call.Operation.Fault(name); decl != nil && decl.Element != nil {
			if d, ok := obj["detail"].(map[string]any); ok {
				f.Detail, _ = fromJSON(decl.Element, d)
			}
		}
		return nil, f
	}
	return nil, fmt.Errorf("HTTP %d: not a JSON object", resp.StatusCode)
}
