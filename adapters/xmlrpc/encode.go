package xmlrpc

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"

	"gateway/adapters/xmltext"
	"gateway/gateway"
)

// DateTimeLayout is how dateTime.iso8601 values are written: the spec's
// compact form in UTC, the one form every client parses (Python's
// xmlrpc.client reads nothing else).
const DateTimeLayout = "20060102T15:04:05"

// Fault codes of the contract.
const (
	CodeParse           = -32700
	CodeInvalidRequest  = -32600
	CodeNoSuchMethod    = -32601
	CodeInvalidParams   = -32602
	CodeInternal        = -32603
	CodeApplication     = -32500
	CodeUnauthenticated = -32001
	CodeForbidden       = -32003
	CodeUnavailable     = -32005
	CodeTooManyRequests = -32029
	CodePasswordExpired = -32002 // (added) the password must be changed before use
	CodeAccountDisabled = -32004 // (added) the account is disabled, locked or expired
)

// FaultCode is a fault's XML-RPC faultCode: an upstream's own code when the
// fault came from an XML-RPC upstream, else the contract's code for its kind.
func FaultCode(f *gateway.Fault) int {
	if f.Code != 0 {
		return f.Code
	}
	switch f.Kind {
	case gateway.FaultParse:
		return CodeParse
	case gateway.FaultInvalidRequest:
		return CodeInvalidRequest
	case gateway.FaultNoSuchMethod:
		return CodeNoSuchMethod
	case gateway.FaultInvalidParams:
		return CodeInvalidParams
	case gateway.FaultApplication:
		return CodeApplication
	case gateway.FaultUnauthenticated:
		return CodeUnauthenticated
	case gateway.FaultForbidden:
		return CodeForbidden
	case gateway.FaultUnavailable:
		return CodeUnavailable
	case gateway.FaultTooManyRequests:
		return CodeTooManyRequests
	case gateway.FaultPasswordExpired:
		return CodePasswordExpired
	case gateway.FaultAccountDisabled:
		return CodeAccountDisabled
	}
	return CodeInternal
}

// FaultString is the faultString: an application fault's starts with its name.
func FaultString(f *gateway.Fault) string {
	if f.Kind == gateway.FaultApplication && f.Name != "" {
		return f.Name + ": " + f.Message
	}
	return f.Message
}

const header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// AppendResponse appends a methodResponse carrying v.
func AppendResponse(b []byte, v any) ([]byte, error) {
	b = append(b, header...)
	b = append(b, "<methodResponse><params><param><value>"...)
	b, err := AppendValue(b, v)
	if err != nil {
		return nil, err
	}
	return append(b, "</value></param></params></methodResponse>\n"...), nil
}

// valueWriter writes a walked value (gateway.ValueWriter) as AppendValue
// writes the neutral value of the same walk: the response of an operation
// whose result is its generated Go value is so written from it directly.
// TestValueWriterIsAppendValue holds the two to the same bytes.
type valueWriter struct {
	b   []byte
	err error // the first value that has no XML-RPC form
}

// response appends a methodResponse carrying res to b.
func (w *valueWriter) response(b []byte, res gateway.Result) ([]byte, error) {
	w.b, w.err = append(b, header...), nil
	w.b = append(w.b, "<methodResponse><params><param><value>"...)
	res.Walk(w)
	out, err := append(w.b, "</value></param></params></methodResponse>\n"...), w.err
	w.b = nil // the caller's buffer is not the writer's to keep
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (w *valueWriter) Value(v gateway.Value) {
	b, err := AppendValue(w.b, v)
	if err != nil {
		w.err = cmp.Or(w.err, err)
		return
	}
	w.b = b
}

func (w *valueWriter) String(s string) { w.b = appendString(w.b, s) }
func (w *valueWriter) Int(n int64)     { w.b = appendInt(w.b, n) }
func (w *valueWriter) Bool(v bool)     { w.b = appendBool(w.b, v) }

func (w *valueWriter) Float(f float64) {
	b, err := appendDouble(w.b, f)
	if err != nil {
		w.err = cmp.Or(w.err, err)
		return
	}
	w.b = b
}

func (w *valueWriter) StartStruct() { w.b = append(w.b, "<struct>"...) }
func (w *valueWriter) StartMember(name string) {
	w.b = append(w.b, "<member><name>"...)
	w.b = appendEscaped(w.b, name)
	w.b = append(w.b, "</name><value>"...)
}
func (w *valueWriter) EndMember()     { w.b = append(w.b, "</value></member>"...) }
func (w *valueWriter) EndStruct()     { w.b = append(w.b, "</struct>"...) }
func (w *valueWriter) StartArray(int) { w.b = append(w.b, "<array><data>"...) }
func (w *valueWriter) StartItem()     { w.b = append(w.b, "<value>"...) }
func (w *valueWriter) EndItem()       { w.b = append(w.b, "</value>"...) }
func (w *valueWriter) EndArray()      { w.b = append(w.b, "</data></array>"...) }

// AppendCall appends a methodCall (for XML-RPC upstreams).
func AppendCall(b []byte, method string, params []any) ([]byte, error) {
	b = append(b, header...)
	b = append(b, "<methodCall><methodName>"...)
	b = appendEscaped(b, method)
	b = append(b, "</methodName><params>"...)
	for _, p := range params {
		b = append(b, "<param><value>"...)
		var err error
		if b, err = AppendValue(b, p); err != nil {
			return nil, err
		}
		b = append(b, "</value></param>"...)
	}
	return append(b, "</params></methodCall>\n"...), nil
}

// AppendFault appends a methodResponse carrying a fault.
func AppendFault(b []byte, code int, msg string) []byte {
	b = append(b, header...)
	b = append(b, "<methodResponse><fault><value>"...)
	b = appendFaultStruct(b, code, msg)
	return append(b, "</value></fault></methodResponse>\n"...)
}

func appendFaultStruct(b []byte, code int, msg string) []byte {
	b = append(b, "<struct><member><name>faultCode</name><value><int>"...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, "</int></value></member><member><name>faultString</name><value><string>"...)
	b = appendEscaped(b, msg)
	return append(b, "</string></value></member></struct>"...)
}

// AppendValue appends the content of a <value> element for v.
func AppendValue(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		b = append(b, "<nil/>"...)
	case string:
		b = appendString(b, x)
	case int64:
		b = appendInt(b, x)
	case int:
		b = appendInt(b, int64(x))
	case bool:
		b = appendBool(b, x)
	case float64:
		return appendDouble(b, x)
	case gateway.BigInt:
		// Beyond i8: the digits as a string, which every client keeps.
		b = append(b, "<string>"...)
		b = append(b, x...)
		b = append(b, "</string>"...)
	case gateway.Decimal:
		// Every digit on the wire: a client that reads doubles rounds it,
		// one that reads the text keeps it.
		b = append(b, "<double>"...)
		b = append(b, x...)
		b = append(b, "</double>"...)
	case time.Time:
		b = append(b, "<dateTime.iso8601>"...)
		if x.Location() != gateway.NoZone {
			x = x.UTC() // XML-RPC has no zone: UTC, unless the time had none
		}
		b = x.AppendFormat(b, DateTimeLayout)
		b = append(b, "</dateTime.iso8601>"...)
	case []byte:
		b = append(b, "<base64>"...)
		b = base64.StdEncoding.AppendEncode(b, x)
		b = append(b, "</base64>"...)
	case gateway.Struct:
		return appendStruct(b, x)
	case []any:
		b = append(b, "<array><data>"...)
		for _, item := range x {
			b = append(b, "<value>"...)
			if b, err = AppendValue(b, item); err != nil {
				return nil, err
			}
			b = append(b, "</value>"...)
		}
		b = append(b, "</data></array>"...)
	default:
		return nil, fmt.Errorf("xmlrpc: no encoding for %T", v)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = append(b, "<string>"...)
	b = appendEscaped(b, s)
	return append(b, "</string>"...)
}

func appendInt(b []byte, n int64) []byte {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		b = append(b, "<int>"...)
		b = strconv.AppendInt(b, n, 10)
		return append(b, "</int>"...)
	}
	b = append(b, "<i8>"...)
	b = strconv.AppendInt(b, n, 10)
	return append(b, "</i8>"...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "<boolean>1</boolean>"...)
	}
	return append(b, "<boolean>0</boolean>"...)
}

func appendDouble(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("xmlrpc: %v has no XML-RPC form", f)
	}
	b = append(b, "<double>"...)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	return append(b, "</double>"...), nil
}

func appendStruct(b []byte, st gateway.Struct) ([]byte, error) {
	b = append(b, "<struct>"...)
	for _, m := range st {
		b = append(b, "<member><name>"...)
		b = appendEscaped(b, m.Name)
		b = append(b, "</name><value>"...)
		var err error
		if b, err = AppendValue(b, m.Value); err != nil {
			return nil, err
		}
		b = append(b, "</value></member>"...)
	}
	return append(b, "</struct>"...), nil
}

func appendEscaped(b []byte, s string) []byte { return xmltext.Append(b, s) }
