package xmlrpc

import (
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

// appendStructResponse is AppendResponse for a Struct, which it takes
// without boxing it in an any.
func appendStructResponse(b []byte, st gateway.Struct) ([]byte, error) {
	b = append(b, header...)
	b = append(b, "<methodResponse><params><param><value>"...)
	b, err := appendStruct(b, st)
	if err != nil {
		return nil, err
	}
	return append(b, "</value></param></params></methodResponse>\n"...), nil
}

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
		b = append(b, "<string>"...)
		b = appendEscaped(b, x)
		b = append(b, "</string>"...)
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			b = append(b, "<int>"...)
			b = strconv.AppendInt(b, x, 10)
			b = append(b, "</int>"...)
		} else {
			b = append(b, "<i8>"...)
			b = strconv.AppendInt(b, x, 10)
			b = append(b, "</i8>"...)
		}
	case int:
		return AppendValue(b, int64(x))
	case bool:
		if x {
			b = append(b, "<boolean>1</boolean>"...)
		} else {
			b = append(b, "<boolean>0</boolean>"...)
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("xmlrpc: %v has no XML-RPC form", x)
		}
		b = append(b, "<double>"...)
		b = strconv.AppendFloat(b, x, 'f', -1, 64)
		b = append(b, "</double>"...)
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
