package xmlrpc

import (
	"bytes"
	"io"
	"strings"

	"gateway/gateway"
)

// decodeCall reads a methodCall from a whole body with the scanner.
func decodeCall(src []byte, maxDepth int) (string, []any, error) {
	if maxDepth <= 0 {
		maxDepth = 64
	}
	s := &scanner{src: src, maxDepth: maxDepth}
	if err := s.prolog(); err != nil {
		return "", nil, err
	}
	if err := s.expectStart("methodCall"); err != nil {
		return "", nil, err
	}
	if err := s.expectStart("methodName"); err != nil {
		return "", nil, err
	}
	method, err := s.textUntilEnd()
	if err != nil {
		return "", nil, err
	}
	method = strings.TrimSpace(method)
	if method == "" {
		return "", nil, invalid("empty methodName")
	}
	t, err := s.next(false)
	if err != nil {
		return "", nil, err
	}
	var params []any
	if t.kind == tokStart {
		if string(t.name) != "params" {
			return "", nil, invalid("unexpected <%s> in methodCall", t.name)
		}
		if !t.empty {
			if params, err = s.params(); err != nil {
				return "", nil, err
			}
		}
		if t, err = s.next(false); err != nil {
			return "", nil, err
		}
	}
	if t.kind != tokEnd {
		return "", nil, invalid("unexpected content after params")
	}
	if t, err = s.next(false); err != nil {
		return "", nil, err
	}
	if t.kind != tokEOF {
		return "", nil, invalid("content after the document")
	}
	return method, params, nil
}

func (s *scanner) expectStart(name string) error {
	t, err := s.next(false)
	if err != nil {
		return err
	}
	if t.kind != tokStart || string(t.name) != name || t.empty {
		return invalid("expected <%s>", name)
	}
	return nil
}

func (s *scanner) expectEnd(name string) error {
	t, err := s.next(false)
	if err != nil {
		return err
	}
	if t.kind != tokEnd {
		return invalid("expected </%s>", name)
	}
	return nil
}

// textUntilEnd reads text to the end of the current element.
func (s *scanner) textUntilEnd() (string, error) {
	var b strings.Builder
	for {
		t, err := s.next(true)
		if err != nil {
			return "", err
		}
		switch t.kind {
		case tokText:
			b.Write(t.text)
		case tokEnd:
			return b.String(), nil
		default:
			return "", invalid("unexpected <%s> in a scalar", t.name)
		}
	}
}

func (s *scanner) params() ([]any, error) {
	var out []any
	for {
		t, err := s.next(false)
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tokEnd:
			return out, nil
		case t.kind == tokStart && string(t.name) == "param" && !t.empty:
			v, err := s.valueElement()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			if err := s.expectEnd("param"); err != nil {
				return nil, err
			}
		case t.kind == tokStart:
			return nil, invalid("unexpected <%s> in params", t.name)
		default:
			return nil, invalid("text in params")
		}
	}
}

// valueElement reads a <value> element whole.
func (s *scanner) valueElement() (any, error) {
	t, err := s.next(false)
	if err != nil {
		return nil, err
	}
	if t.kind != tokStart || string(t.name) != "value" {
		return nil, invalid("expected <value>")
	}
	if t.empty {
		return "", nil
	}
	return s.value()
}

// value reads the content of a <value> whose start has been read, and its end.
func (s *scanner) value() (any, error) {
	var text []byte
	for {
		t, err := s.next(true)
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tokText:
			text = append(text, t.text...)
		case tokEnd:
			return string(text), nil // no type element: a string
		case tokStart:
			if len(bytes.TrimSpace(text)) > 0 {
				return nil, invalid("text beside <%s> in a value", t.name)
			}
			v, err := s.typed(string(t.name), t.empty)
			if err != nil {
				return nil, err
			}
			return v, s.expectEnd("value")
		}
	}
}

func (s *scanner) typed(kind string, empty bool) (any, error) {
	switch kind {
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
	return scalar(kind, text)
}

func (s *scanner) structValue() (gateway.Struct, error) {
	out := gateway.Struct{}
	for {
		t, err := s.next(false)
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tokEnd:
			return out, nil
		case t.kind == tokStart && string(t.name) == "member" && !t.empty:
			m, err := s.member()
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		case t.kind == tokStart:
			return nil, invalid("unexpected <%s> in struct", t.name)
		default:
			return nil, invalid("text in struct")
		}
	}
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
		case t.kind == tokEnd:
			if !haveName || !haveValue {
				return m, invalid("struct member without name or value")
			}
			return m, nil
		case t.kind == tokStart && string(t.name) == "name" && !haveName:
			haveName = true
			if !t.empty {
				if m.Name, err = s.textUntilEnd(); err != nil {
					return m, err
				}
			}
		case t.kind == tokStart && string(t.name) == "value" && !haveValue:
			haveValue = true
			if t.empty {
				m.Value = ""
			} else if m.Value, err = s.value(); err != nil {
				return m, err
			}
		case t.kind == tokStart:
			return m, invalid("unexpected <%s> in member", t.name)
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
	if t.kind != tokStart || string(t.name) != "data" {
		return nil, invalid("expected <data>")
	}
	out := []any{}
	if !t.empty {
		for {
			t, err := s.next(false)
			if err != nil {
				return nil, err
			}
			if t.kind == tokEnd {
				break
			}
			if t.kind != tokStart || string(t.name) != "value" {
				return nil, invalid("unexpected content in array")
			}
			var v any = ""
			if !t.empty {
				if v, err = s.value(); err != nil {
					return nil, err
				}
			}
			out = append(out, v)
		}
	}
	return out, s.expectEnd("array")
}

// readBody reads a whole request body (bounded by the caller's limit).
func readBody(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}
