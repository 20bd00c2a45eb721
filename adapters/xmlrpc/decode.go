// Package xmlrpc is the XML-RPC front end: a streaming codec of its own and
// the /xmlrpc handler that maps methods onto the gateway core.
package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gateway/adapters/xmltext"
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

// decoder reads one methodCall from a token stream, without building a tree.
type decoder struct {
	x        *xml.Decoder
	depth    int
	maxDepth int
	text     strings.Builder
}

// DecodeCall reads a methodCall. maxDepth bounds element nesting (a struct
// in an array in a struct... counts each level); <= 0 means 64. The body is
// read whole (the caller bounds its size) and scanned by the hand-written
// scanner of scan.go.
func DecodeCall(r io.Reader, maxDepth int) (method string, params []any, err error) {
	body, err := readBody(r)
	if err != nil {
		return "", nil, parseErr(err)
	}
	return decodeCall(body, maxDepth)
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

// next returns the next token that matters: start or end elements and
// non-blank text. Comments and processing instructions are skipped; any
// directive (DOCTYPE, ENTITY) is refused, so no entity is ever expanded.
func (d *decoder) next() (xml.Token, error) {
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, parseErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			d.depth++
			if d.depth > d.maxDepth {
				return nil, invalid("nesting deeper than %d elements", d.maxDepth)
			}
			return t, nil
		case xml.EndElement:
			d.depth--
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				if d.depth == 0 {
					return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: text outside the document element"}
				}
				return t, nil
			}
		case xml.Directive:
			return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: DOCTYPE and other directives are not allowed"}
		}
	}
}

func (d *decoder) expectStart(local string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	se, ok := tok.(xml.StartElement)
	if !ok || se.Name.Local != local {
		return invalid("expected <%s>", local)
	}
	return nil
}

func (d *decoder) expectEOF() error {
	for {
		tok, err := d.x.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return invalid("text after the document")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return invalid("content after the document")
		}
	}
}

// textUntilEnd reads character data up to the end of the current element;
// any child element is an error.
func (d *decoder) textUntilEnd() (string, error) {
	d.text.Reset()
	for {
		tok, err := d.x.Token()
		if err != nil {
			return "", parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.text.Write(t)
		case xml.EndElement:
			d.depth--
			return d.text.String(), nil
		case xml.StartElement:
			return "", invalid("unexpected <%s> in a scalar", t.Name.Local)
		case xml.Directive:
			return "", &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: directives are not allowed"}
		}
	}
}

func (d *decoder) params() ([]any, error) {
	var out []any
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.StartElement:
			if t.Name.Local != "param" {
				return nil, invalid("unexpected <%s> in params", t.Name.Local)
			}
			if err := d.expectStart("value"); err != nil {
				return nil, err
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			if err := d.expectEnd("param"); err != nil {
				return nil, err
			}
		default:
			return nil, invalid("text in params")
		}
	}
}

func (d *decoder) expectEnd(local string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return invalid("expected </%s>", local)
	}
	return nil
}

// value reads the content of a <value> whose start has been read, and its end.
func (d *decoder) value() (any, error) {
	d.text.Reset()
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.text.Write(t)
		case xml.EndElement:
			d.depth--
			return d.text.String(), nil // no type element: a string
		case xml.StartElement:
			if strings.TrimSpace(d.text.String()) != "" {
				return nil, invalid("text beside <%s> in a value", t.Name.Local)
			}
			d.depth++
			if d.depth > d.maxDepth {
				return nil, invalid("nesting deeper than %d elements", d.maxDepth)
			}
			v, err := d.typed(t.Name.Local)
			if err != nil {
				return nil, err
			}
			return v, d.expectEnd("value")
		case xml.Directive:
			return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: directives are not allowed"}
		}
	}
}

func (d *decoder) typed(kind string) (any, error) {
	switch kind {
	case "struct":
		return d.structValue()
	case "array":
		return d.arrayValue()
	case "nil":
		if _, err := d.textUntilEnd(); err != nil {
			return nil, err
		}
		return nil, nil
	}
	text, err := d.textUntilEnd()
	if err != nil {
		return nil, err
	}
	return scalar(kind, text)
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
			return nil, invalid("bad <%s> %q", kind, clip(text))
		}
		return n, nil
	case "boolean":
		switch strings.TrimSpace(text) {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
		return nil, invalid("bad <boolean> %q", clip(text))
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return nil, invalid("bad <double> %q", clip(text))
		}
		return f, nil
	case "dateTime.iso8601":
		t, err := ParseDateTime(strings.TrimSpace(text))
		if err != nil {
			return nil, invalid("bad <dateTime.iso8601> %q", clip(text))
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

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strings.ToValidUTF8(s, "?")
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

// ParseDateTime reads a dateTime.iso8601; a time without zone is UTC.
func ParseDateTime(s string) (time.Time, error) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad dateTime %q", s)
}

func (d *decoder) structValue() (gateway.Struct, error) {
	var out gateway.Struct
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if out == nil {
				out = gateway.Struct{}
			}
			return out, nil
		case xml.StartElement:
			if t.Name.Local != "member" {
				return nil, invalid("unexpected <%s> in struct", t.Name.Local)
			}
			m, err := d.member()
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		default:
			return nil, invalid("text in struct")
		}
	}
}

// member reads <name> and <value> in either order (some clients swap them).
func (d *decoder) member() (gateway.Member, error) {
	var m gateway.Member
	var haveName, haveValue bool
	for {
		tok, err := d.next()
		if err != nil {
			return m, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !haveName || !haveValue {
				return m, invalid("struct member without name or value")
			}
			return m, nil
		case xml.StartElement:
			switch {
			case t.Name.Local == "name" && !haveName:
				name, err := d.textUntilEnd()
				if err != nil {
					return m, err
				}
				m.Name, haveName = name, true
			case t.Name.Local == "value" && !haveValue:
				v, err := d.value()
				if err != nil {
					return m, err
				}
				m.Value, haveValue = v, true
			default:
				return m, invalid("unexpected <%s> in member", t.Name.Local)
			}
		default:
			return m, invalid("text in member")
		}
	}
}

func (d *decoder) arrayValue() ([]any, error) {
	if err := d.expectStart("data"); err != nil {
		return nil, err
	}
	out := []any{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement: // </data>
			return out, d.expectEnd("array")
		case xml.StartElement:
			if t.Name.Local != "value" {
				return nil, invalid("unexpected <%s> in array", t.Name.Local)
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		default:
			return nil, invalid("text in array")
		}
	}
}

// ResponseFault is a fault an XML-RPC server answered with.
type ResponseFault struct {
	Code   int
	String string
}

func (f *ResponseFault) Error() string { return fmt.Sprintf("fault %d: %s", f.Code, f.String) }

// DecodeResponse reads a methodResponse (from an XML-RPC upstream): its one
// value, or a *ResponseFault.
func DecodeResponse(r io.Reader, maxDepth int) (any, error) {
	if maxDepth <= 0 {
		maxDepth = 64
	}
	d := &decoder{x: xml.NewDecoder(r), maxDepth: maxDepth}
	d.x.Strict = true
	d.x.CharsetReader = xmltext.CharsetReader
	if err := d.expectStart("methodResponse"); err != nil {
		return nil, err
	}
	tok, err := d.next()
	if err != nil {
		return nil, err
	}
	se, ok := tok.(xml.StartElement)
	if !ok {
		return nil, invalid("empty methodResponse")
	}
	var result any
	switch se.Name.Local {
	case "params":
		params, err := d.params()
		if err != nil {
			return nil, err
		}
		if len(params) != 1 {
			return nil, invalid("a methodResponse has one param, not %d", len(params))
		}
		result = params[0]
	case "fault":
		if err := d.expectStart("value"); err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		if err := d.expectEnd("fault"); err != nil {
			return nil, err
		}
		st, _ := v.(gateway.Struct)
		code, _ := st.Get("faultCode")
		n, ok := code.(int64)
		if !ok {
			return nil, invalid("fault without an integer faultCode")
		}
		result = &ResponseFault{Code: int(n), String: st.String("faultString")}
	default:
		return nil, invalid("unexpected <%s> in methodResponse", se.Name.Local)
	}
	if err := d.expectEnd("methodResponse"); err != nil {
		return nil, err
	}
	if err := d.expectEOF(); err != nil {
		return nil, err
	}
	if f, ok := result.(*ResponseFault); ok {
		return nil, f
	}
	return result, nil
}
