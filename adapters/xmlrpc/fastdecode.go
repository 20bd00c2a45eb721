package xmlrpc

import (
	"bytes"
	"errors"
	"io"

	"gateway/adapters/xmltext"
	"gateway/gateway"
)

// scanner reads XML-RPC with the shared scanner, its refusals as faults.
// The handler pools them: a scanner reused scans without allocating.
type scanner struct {
	x    xmltext.Scanner
	text []byte // a value's text pieces, gathered
	// method is the last call's method name: a pooled scanner mostly
	// meets the same few, and reuses the string instead of a copy.
	method string
	// paramsBuf holds the parameters the plain reader reads: the caller's
	// until it puts the scanner back (the handler, at the call's end).
	paramsBuf []any
	// out writes the call's response (the handler's, with the scanner).
	out valueWriter
}

// next is the next token: the scanner's, valid until the next call.
func (s *scanner) next(keepBlank bool) (*xmltext.Token, error) {
	t, err := s.x.Step(keepBlank)
	if err != nil {
		return nil, scanFault(err)
	}
	return t, nil
}

// scanFault maps the scanner's refusals: not well-formed or not allowed is a
// parse error, refused for its structure an invalid request.
func scanFault(err error) error {
	if err == nil {
		return nil // before errors.As, whose target would escape on every token
	}
	var se *xmltext.Error
	if !errors.As(err, &se) {
		return err
	}
	if se.Invalid {
		return invalid("%s", se.Msg)
	}
	return &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: " + se.Msg}
}

// decodeCall reads a methodCall from a whole body with s.
func (s *scanner) decodeCall(src []byte, maxDepth int) (string, []any, error) {
	if err := s.x.Reset(src, maxDepth, false); err != nil {
		return "", nil, scanFault(err)
	}
	if method, params, ok := s.plainCall(); ok {
		return method, params, nil
	}
	return s.scanCall()
}

// scanCall reads a methodCall token by token from s.x, just Reset.
func (s *scanner) scanCall() (string, []any, error) {
	if err := s.expectStart("methodCall"); err != nil {
		return "", nil, err
	}
	if err := s.expectStart("methodName"); err != nil {
		return "", nil, err
	}
	method, err := s.methodName()
	if err != nil {
		return "", nil, err
	}
	if method == "" {
		return "", nil, invalid("empty methodName")
	}
	t, err := s.next(false)
	if err != nil {
		return "", nil, err
	}
	var params []any
	if t.Kind == xmltext.Start {
		if string(t.Local) != "params" {
			return "", nil, invalid("unexpected <%s> in methodCall", t.Local)
		}
		if !t.Empty {
			if params, err = s.params(); err != nil {
				return "", nil, err
			}
		}
		if t, err = s.next(false); err != nil {
			return "", nil, err
		}
	}
	if t.Kind != xmltext.End {
		return "", nil, invalid("unexpected content after params")
	}
	if t, err = s.next(false); err != nil {
		return "", nil, err
	}
	if t.Kind != xmltext.EOF {
		return "", nil, invalid("content after the document")
	}
	return method, params, nil
}

func (s *scanner) expectStart(name string) error {
	t, err := s.next(false)
	if err != nil {
		return err
	}
	if t.Kind != xmltext.Start || string(t.Local) != name || t.Empty {
		return invalid("expected <%s>", name)
	}
	return nil
}

func (s *scanner) expectEnd(name string) error {
	t, err := s.next(false)
	if err != nil {
		return err
	}
	if t.Kind != xmltext.End {
		return invalid("expected </%s>", name)
	}
	return nil
}

// methodName reads the methodName's text, trimmed: the previous call's
// string when it is the same name.
func (s *scanner) methodName() (string, error) {
	text, err := s.gatherUntilEnd()
	if err != nil {
		return "", err
	}
	return s.methodNamed(text), nil
}

// methodNamed is a methodName's text, trimmed, as a string: the previous
// call's when it is the same name.
func (s *scanner) methodNamed(text []byte) string {
	if name := bytes.TrimSpace(text); string(name) != s.method {
		s.method = string(name)
	}
	return s.method
}

// textUntilEnd reads text to the end of the current element.
func (s *scanner) textUntilEnd() (string, error) {
	text, err := s.gatherUntilEnd()
	return string(text), err
}

// gatherUntilEnd reads text to the end of the current element, its pieces
// gathered in s.text (valid until the next gathering).
func (s *scanner) gatherUntilEnd() ([]byte, error) {
	s.text = s.text[:0]
	for {
		t, err := s.next(true)
		if err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmltext.Text:
			s.text = append(s.text, t.Text...)
		case xmltext.End:
			return s.text, nil
		default:
			return nil, invalid("unexpected <%s> in a scalar", t.Local)
		}
	}
}

func (s *scanner) params() ([]any, error) {
	var out []any
	err := s.each("param", "params", func() error {
		v, err := s.valueElement()
		if err != nil {
			return err
		}
		out = append(out, v)
		return s.expectEnd("param")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each reads the content of the element called in to its end: only <name>
// children, not empty, each read whole by read after its start tag.
func (s *scanner) each(name, in string, read func() error) error {
	for {
		t, err := s.next(false)
		if err != nil {
			return err
		}
		switch {
		case t.Kind == xmltext.End:
			return nil
		case t.Kind == xmltext.Start && string(t.Local) == name && !t.Empty:
			if err := read(); err != nil {
				return err
			}
		case t.Kind == xmltext.Start:
			return invalid("unexpected <%s> in %s", t.Local, in)
		default:
			return invalid("text in %s", in)
		}
	}
}

// valueElement reads a <value> element whole.
func (s *scanner) valueElement() (any, error) {
	t, err := s.next(false)
	if err != nil {
		return nil, err
	}
	if t.Kind != xmltext.Start || string(t.Local) != "value" {
		return nil, invalid("expected <value>")
	}
	if t.Empty {
		return "", nil
	}
	return s.value()
}

// value reads the content of a <value> whose start has been read, and its end.
func (s *scanner) value() (any, error) {
	// A token's text is valid only until the next token, so its pieces
	// (split by comments, PIs, CDATA sections) are gathered in one buffer:
	// appending to a string would copy all of it again for every piece.
	s.text = s.text[:0]
	for {
		t, err := s.next(true)
		if err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmltext.Text:
			s.text = append(s.text, t.Text...)
		case xmltext.End:
			return string(s.text), nil // no type element: a string
		case xmltext.Start:
			if len(bytes.TrimSpace(s.text)) > 0 {
				return nil, invalid("text beside <%s> in a value", t.Local)
			}
			v, err := s.typed(t.Local, t.Empty)
			if err != nil {
				return nil, err
			}
			return v, s.expectEnd("value")
		}
	}
}

func (s *scanner) typed(kind []byte, empty bool) (any, error) {
	switch string(kind) {
	case "struct":
		if empty {
			return gateway.Struct{}, nil
		}
		return s.structValue()
	case "array":
		if empty {
			return nil, invalid("array without data")
		}
		return s.arrayValue()
	case "nil":
		if !empty {
			if _, err := s.textUntilEnd(); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	text := ""
	if !empty {
		var err error
		if text, err = s.textUntilEnd(); err != nil {
			return nil, err
		}
	}
	return scalar(string(kind), text)
}

func (s *scanner) structValue() (gateway.Struct, error) {
	out := make(gateway.Struct, 0, 4) // one allocation for the usual few members, not one per doubling
	err := s.each("member", "struct", func() error {
		m, err := s.member()
		if err == nil {
			out = append(out, m)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// member reads <name> and <value> in either order.
func (s *scanner) member() (gateway.Member, error) {
	var m gateway.Member
	var haveName, haveValue bool
	for {
		t, err := s.next(false)
		if err != nil {
			return m, err
		}
		switch {
		case t.Kind == xmltext.End:
			if !haveName || !haveValue {
				return m, invalid("struct member without name or value")
			}
			return m, nil
		case t.Kind == xmltext.Start && string(t.Local) == "name" && !haveName:
			haveName = true
			if !t.Empty {
				if m.Name, err = s.textUntilEnd(); err != nil {
					return m, err
				}
			}
		case t.Kind == xmltext.Start && string(t.Local) == "value" && !haveValue:
			haveValue = true
			if t.Empty {
				m.Value = ""
			} else if m.Value, err = s.value(); err != nil {
				return m, err
			}
		case t.Kind == xmltext.Start:
			return m, invalid("unexpected <%s> in member", t.Local)
		default:
			return m, invalid("text in member")
		}
	}
}

func (s *scanner) arrayValue() ([]any, error) {
	t, err := s.next(false)
	if err != nil {
		return nil, err
	}
	if t.Kind != xmltext.Start || string(t.Local) != "data" {
		return nil, invalid("expected <data>")
	}
	out := []any{}
	if !t.Empty {
		for {
			t, err := s.next(false)
			if err != nil {
				return nil, err
			}
			if t.Kind == xmltext.End {
				break
			}
			if t.Kind != xmltext.Start || string(t.Local) != "value" {
				return nil, invalid("unexpected content in array")
			}
			var v any = ""
			if !t.Empty {
				if v, err = s.value(); err != nil {
					return nil, err
				}
			}
			out = append(out, v)
		}
	}
	return out, s.expectEnd("array")
}

// DecodeResponse reads a methodResponse (from an XML-RPC upstream): its one
// value, or a *ResponseFault.
func DecodeResponse(r io.Reader, maxDepth int) (any, error) {
	body, err := io.ReadAll(r) // the caller bounds its size
	if err != nil {
		return nil, err
	}
	s := &scanner{}
	if err := s.x.Reset(body, maxDepth, false); err != nil {
		return nil, scanFault(err)
	}
	if err := s.expectStart("methodResponse"); err != nil {
		return nil, err
	}
	t, err := s.next(false)
	if err != nil {
		return nil, err
	}
	if t.Kind != xmltext.Start || t.Empty {
		return nil, invalid("empty methodResponse")
	}
	var result any
	switch string(t.Local) {
	case "params":
		params, err := s.params()
		if err != nil {
			return nil, err
		}
		if len(params) != 1 {
			return nil, invalid("a methodResponse has one param, not %d", len(params))
		}
		result = params[0]
	case "fault":
		v, err := s.valueElement()
		if err != nil {
			return nil, err
		}
		if err := s.expectEnd("fault"); err != nil {
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
		return nil, invalid("unexpected <%s> in methodResponse", t.Local)
	}
	if err := s.expectEnd("methodResponse"); err != nil {
		return nil, err
	}
	if t, err = s.next(false); err != nil {
		return nil, err
	}
	if t.Kind != xmltext.EOF {
		return nil, invalid("content after the document")
	}
	if f, ok := result.(*ResponseFault); ok {
		return nil, f
	}
	return result, nil
}
