package jsonapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// reader reads one JSON request body by hand: the codecs are the product's
// core and must be fast, and encoding/json's Token API, which the first
// version used, allocated for every token and for the end-of-input check,
// costing the JSON front end more per call than XML-RPC's whole decode.
// Its output is what that version gave (objects as map[string]any, arrays
// as []any, numbers as json.Number with every digit, strings, bools, nil),
// and the fuzz test holds the two to the same answers.
type reader struct {
	b        []byte
	i        int
	maxDepth int
}

// maxNumberLen bounds a number's text: a schema reads it exactly (a
// decimal keeps every digit), and a megabyte of digits is an attack, not a
// price.
const maxNumberLen = 4096

func (r *reader) fail(format string, args ...any) error {
	return &errJSON{fmt.Sprintf("not JSON: "+format+" (at byte %d)", append(args, r.i)...)}
}

func (r *reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// value reads one value at depth (the containers it is inside).
func (r *reader) value(depth int) (any, error) {
	r.space()
	if r.i >= len(r.b) {
		return nil, r.fail("unexpected end of input")
	}
	switch c := r.b[r.i]; {
	case c == '{':
		if depth >= r.maxDepth {
			return nil, &errJSON{fmt.Sprintf("JSON nested deeper than %d", r.maxDepth)}
		}
		return r.object(depth + 1)
	case c == '[':
		if depth >= r.maxDepth {
			return nil, &errJSON{fmt.Sprintf("JSON nested deeper than %d", r.maxDepth)}
		}
		return r.array(depth + 1)
	case c == '"':
		return r.string()
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	default:
		return nil, r.fail("invalid character %q looking for a value", c)
	}
}

func (r *reader) literal(word string) error {
	if len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		return r.fail("invalid literal")
	}
	r.i += len(word)
	return nil
}

func (r *reader) object(depth int) (any, error) {
	r.i++ // {
	obj := map[string]any{}
	r.space()
	if r.i < len(r.b) && r.b[r.i] == '}' {
		r.i++
		return obj, nil
	}
	for {
		r.space()
		if r.i >= len(r.b) || r.b[r.i] != '"' {
			return nil, r.fail("expected a member name")
		}
		key, err := r.string()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, &errJSON{fmt.Sprintf("member %q appears twice", key)}
		}
		r.space()
		if r.i >= len(r.b) || r.b[r.i] != ':' {
			return nil, r.fail("expected ':' after a member name")
		}
		r.i++
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		obj[key] = v
		r.space()
		if r.i >= len(r.b) {
			return nil, r.fail("unexpected end of input in an object")
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case '}':
			r.i++
			return obj, nil
		default:
			return nil, r.fail("expected ',' or '}' in an object")
		}
	}
}

func (r *reader) array(depth int) (any, error) {
	r.i++ // [
	list := []any{}
	r.space()
	if r.i < len(r.b) && r.b[r.i] == ']' {
		r.i++
		return list, nil
	}
	for {
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		r.space()
		if r.i >= len(r.b) {
			return nil, r.fail("unexpected end of input in an array")
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case ']':
			r.i++
			return list, nil
		default:
			return nil, r.fail("expected ',' or ']' in an array")
		}
	}
}

// number reads a number by JSON's grammar and keeps its text.
func (r *reader) number() (any, error) {
	start := r.i
	if r.b[r.i] == '-' {
		r.i++
	}
	digits := func() int {
		n := 0
		for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	switch {
	case r.i < len(r.b) && r.b[r.i] == '0':
		r.i++
	case digits() == 0:
		return nil, r.fail("invalid number")
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return nil, r.fail("invalid number")
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return nil, r.fail("invalid number")
		}
	}
	if r.i-start > maxNumberLen {
		return nil, &errJSON{fmt.Sprintf("a number of more than %d characters", maxNumberLen)}
	}
	return json.Number(r.b[start:r.i]), nil
}

// string reads a string, its escapes decoded (a lone surrogate becomes
// U+FFFD, as encoding/json makes it). The body is valid UTF-8 (checked
// first), so only control characters and escapes need a look.
func (r *reader) string() (string, error) {
	r.i++ // "
	start := r.i
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			s := string(r.b[start:r.i])
			r.i++
			return s, nil
		case c == '\\':
			return r.escaped(start)
		case c < 0x20:
			return "", r.fail("a control character in a string")
		}
		r.i++
	}
	return "", r.fail("unexpected end of input in a string")
}

// escaped finishes a string that has an escape, from start.
func (r *reader) escaped(start int) (string, error) {
	out := append(make([]byte, 0, r.i-start+16), r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return string(out), nil
		case c < 0x20:
			return "", r.fail("a control character in a string")
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		r.i++ // the backslash
		if r.i >= len(r.b) {
			break
		}
		e := r.b[r.i]
		r.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			ch, ok := r.hex4()
			if !ok {
				return "", r.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(ch) {
				// A high surrogate joins a following low one; anything
				// else is a lone surrogate.
				save := r.i
				if r.i+1 < len(r.b) && r.b[r.i] == '\\' && r.b[r.i+1] == 'u' {
					r.i += 2
					if lo, ok := r.hex4(); ok {
						if pair := utf16.DecodeRune(ch, lo); pair != utf8.RuneError {
							out = utf8.AppendRune(out, pair)
							continue
						}
					}
				}
				r.i = save
				ch = utf8.RuneError
			}
			out = utf8.AppendRune(out, ch)
		default:
			return "", r.fail("invalid escape \\%c", e)
		}
	}
	return "", r.fail("unexpected end of input in a string")
}

func (r *reader) hex4() (rune, bool) {
	if len(r.b)-r.i < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(r.b[r.i:r.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	r.i += 4
	return rune(n), true
}
