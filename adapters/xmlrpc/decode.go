// Package xmlrpc is the XML-RPC front end: a codec of its own (on the shared
// hand-written scanner, no DOM) and the /xmlrpc handler that maps methods
// onto the gateway core.
package xmlrpc

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gateway/gateway"
)

// DecodeError is a request the codec refuses. Kind is FaultParse for XML
// that is not well-formed (or forbidden, like a DOCTYPE) and
// FaultInvalidRequest for well-formed XML that is not an XML-RPC call.
type DecodeError struct {
	Kind gateway.FaultKind
	Msg  string
}

func (e *DecodeError) Error() string { return e.Msg }

// Fault is the neutral fault for the error.
func (e *DecodeError) Fault() *gateway.Fault { return gateway.NewFault(e.Kind, "%s", e.Msg) }

// DecodeCall reads a methodCall. maxDepth bounds element nesting (a struct
// in an array in a struct... counts each level); <= 0 means 64. The body is
// read whole (the caller bounds its size) and scanned by the hand-written
// scanner of adapters/xmltext.
func DecodeCall(r io.Reader, maxDepth int) (method string, params []any, err error) {
	body, err := io.ReadAll(r) // the caller bounds its size
	if err != nil {
		return "", nil, parseErr(err)
	}
	return new(scanner).decodeCall(body, maxDepth)
}

func invalid(format string, args ...any) error {
	return &DecodeError{Kind: gateway.FaultInvalidRequest, Msg: "invalid XML-RPC: " + fmt.Sprintf(format, args...)}
}

func parseErr(err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: unexpected end of document"}
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &DecodeError{Kind: gateway.FaultParse, Msg: fmt.Sprintf("parse error: line %d: %s", syn.Line, syn.Msg)}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err // the handler answers 413
	}
	return &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: " + err.Error()}
}

func scalar(kind, text string) (any, error) {
	switch kind {
	case "string":
		return text, nil
	case "int", "i4", "i8", "i2", "i1":
		bits := 32
		if kind == "i8" {
			bits = 64
		}
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, bits)
		if err != nil {
			return nil, invalid("bad <%s> %q", kind, gateway.Clip(text))
		}
		return n, nil
	case "boolean":
		switch strings.TrimSpace(text) {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
		return nil, invalid("bad <boolean> %q", gateway.Clip(text))
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return nil, invalid("bad <double> %q", gateway.Clip(text))
		}
		return f, nil
	case "dateTime.iso8601":
		t, err := ParseDateTime(strings.TrimSpace(text))
		if err != nil {
			return nil, invalid("bad <dateTime.iso8601> %q", gateway.Clip(text))
		}
		return t, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(stripSpace(text))
		if err != nil {
			return nil, invalid("bad <base64>")
		}
		return b, nil
	}
	return nil, invalid("unknown type <%s>", kind)
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// dateTimeLayouts are the forms clients send: Python and the spec's compact
// form, and ISO 8601 with dashes, fractions and zones.
var dateTimeLayouts = []string{
	"20060102T15:04:05",
	"20060102T150405",
	"2006-01-02T15:04:05",
	"20060102T15:04:05Z07:00",
	"20060102T150405Z07:00",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
}

// ParseDateTime reads a dateTime.iso8601; a time without zone (the
// spec's, Python's) is in gateway.NoZone: its clock as UTC's, and written
// back without a zone.
func ParseDateTime(s string) (time.Time, error) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, gateway.NoZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad dateTime %q", s)
}

// ResponseFault is a fault an XML-RPC server answered with.
type ResponseFault struct {
	Code   int
	String string
}

func (f *ResponseFault) Error() string { return fmt.Sprintf("fault %d: %s", f.Code, f.String) }
