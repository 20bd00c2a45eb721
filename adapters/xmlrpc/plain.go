package xmlrpc

import (
	"bytes"

	"gateway/adapters/xmltext"
	"gateway/gateway"
)

// A methodCall in the form clients write it (Python's xmlrpc.client,
// kolo/xmlrpc, xmlrpc-c, Twisted, Java's Apache XML-RPC) is read straight
// from its bytes, not token by token: tags without attributes, prefixes or
// spaces inside them, whitespace between them, text without references,
// CDATA, comments or carriage returns, and no empty-element tag but <nil/>.
// That is most calls, and the scanner's general work (a token per tag,
// names classified byte by byte, every kind of markup considered) was the
// largest part of the gateway's own work per call.
//
// Whatever is not of that form, the plain reader does not judge: it gives
// up, and the scanner reads the document from where Reset left it, with
// every check and fault of its own. So the plain reader only ever answers
// what the scanner would have answered (FuzzPlainCallMatchesScanner holds
// it to that); it is a shortcut, not a second decoder with rules of its own.

// plainReader reads the plain form of a methodCall from src.
type plainReader struct {
	src      []byte
	pos      int
	depth    int // elements open, counted as the scanner counts them
	maxDepth int
}

// plainCall reads the call in s.x, just Reset, when it is in the plain
// form: ok is false when it is not, with s.x untouched.
func (s *scanner) plainCall(maxDepth int) (method string, params []any, ok bool) {
	if maxDepth <= 0 {
		maxDepth = xmltext.DefaultMaxDepth
	}
	p := plainReader{src: s.x.Rest(), maxDepth: maxDepth}
	if !p.open("methodCall") || !p.open("methodName") {
		return "", nil, false
	}
	name, ok := p.text()
	if !ok || !p.close("methodName") {
		return "", nil, false
	}
	name = trimSpace(name)
	if len(name) == 0 || !isASCII(name) {
		return "", nil, false // the scanner's fault, or its trimming of Unicode spaces
	}
	if string(name) != s.method {
		s.method = string(name)
	}
	if p.open("params") {
		for !p.close("params") {
			if !p.open("param") {
				return "", nil, false
			}
			v, ok := p.value()
			if !ok || !p.close("param") {
				return "", nil, false
			}
			params = append(params, v)
		}
	}
	if !p.close("methodCall") {
		return "", nil, false
	}
	p.space()
	if p.pos != len(p.src) {
		return "", nil, false
	}
	return s.method, params, true
}

// space skips whitespace between tags.
func (p *plainReader) space() {
	for p.pos < len(p.src) && (plainBytes[p.src[p.pos]] == plainSpace || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// open reads "<name>", after whitespace.
func (p *plainReader) open(name string) bool {
	p.space()
	r := p.src[p.pos:]
	n := len(name)
	if len(r) < n+2 || r[0] != '<' || r[n+1] != '>' || string(r[1:n+1]) != name {
		return false
	}
	p.pos += n + 2
	p.depth++
	return p.depth <= p.maxDepth
}

// close reads "</name>", after whitespace.
func (p *plainReader) close(name string) bool {
	p.space()
	r := p.src[p.pos:]
	n := len(name)
	if len(r) < n+3 || r[0] != '<' || r[1] != '/' || r[n+2] != '>' || string(r[2:n+2]) != name {
		return false
	}
	p.pos += n + 3
	p.depth--
	return true
}

// text reads character data up to the next '<', when it reads as itself
// (no reference to resolve, no line end to normalize) and is made of
// characters XML allows.
func (p *plainReader) text() ([]byte, bool) {
	start := p.pos
	high := false
	for ; p.pos < len(p.src); p.pos++ {
		switch plainBytes[p.src[p.pos]] {
		case plainMarkup:
			t := p.src[start:p.pos]
			return t, !high || xmltext.ValidChars(t)
		case plainRefused:
			return nil, false
		case plainHigh:
			high = true
		}
	}
	return nil, false // no end tag follows
}

// value reads "<value>...</value>", after whitespace.
func (p *plainReader) value() (any, bool) {
	if !p.open("value") {
		return nil, false
	}
	text, ok := p.text()
	if !ok {
		return nil, false
	}
	if p.close("value") {
		return string(text), true // no type element: a string
	}
	if len(trimSpace(text)) > 0 {
		return nil, false
	}
	// A type element: its name is up to the first '>', which a plain tag
	// has within the longest name ("dateTime.iso8601").
	r := p.src[p.pos:]
	end := bytes.IndexByte(r[:min(len(r), len("<dateTime.iso8601>"))], '>')
	if end < 0 {
		return nil, false
	}
	var v any
	switch string(r[1:end]) {
	case "nil/":
		if p.depth+1 > p.maxDepth {
			return nil, false
		}
		p.pos += end + 1
	case "struct":
		if !p.open("struct") {
			return nil, false
		}
		if v, ok = p.structValue(); !ok {
			return nil, false
		}
	case "array":
		if !p.open("array") || !p.open("data") {
			return nil, false
		}
		items := []any{}
		for !p.close("data") {
			item, ok := p.value()
			if !ok {
				return nil, false
			}
			items = append(items, item)
		}
		if !p.close("array") {
			return nil, false
		}
		v = items
	default:
		kind, known := scalarKinds[string(r[1:end])]
		if !known || !p.open(kind) {
			return nil, false
		}
		text, ok := p.text()
		if !ok || !p.close(kind) {
			return nil, false
		}
		var err error
		if v, err = scalar(kind, string(text)); err != nil {
			return nil, false // the scanner's path says why
		}
	}
	if !p.close("value") {
		return nil, false
	}
	return v, true
}

// structValue reads a struct's members and its end tag.
func (p *plainReader) structValue() (gateway.Struct, bool) {
	out := make(gateway.Struct, 0, 4)
	for !p.close("struct") {
		if !p.open("member") || !p.open("name") {
			return nil, false
		}
		name, ok := p.text()
		if !ok || !p.close("name") {
			return nil, false
		}
		v, ok := p.value()
		if !ok || !p.close("member") {
			return nil, false
		}
		out = append(out, gateway.Member{Name: string(name), Value: v})
	}
	return out, true
}

// scalarKinds are the scalar type elements, each name as a constant string
// (looked up by a []byte's conversion, which does not allocate).
var scalarKinds = map[string]string{
	"string": "string", "int": "int", "i4": "i4", "i8": "i8", "i2": "i2", "i1": "i1",
	"boolean": "boolean", "double": "double", "dateTime.iso8601": "dateTime.iso8601", "base64": "base64",
}

// What a byte is to the plain reader's text and whitespace.
const (
	plainText    = iota // itself
	plainSpace          // whitespace: itself in text, skipped between tags
	plainMarkup         // '<': the text ends
	plainRefused        // a reference, a carriage return or a control: the scanner's to read
	plainHigh           // part of a multi-byte character, checked once the text is whole
)

// plainBytes classifies every byte for the plain reader. It is only ever read.
var plainBytes = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = plainRefused
	}
	t[' '], t['\t'], t['\n'] = plainSpace, plainSpace, plainSpace
	t['\r'] = plainRefused // in text it becomes '\n'; between tags space skips it
	t['<'], t['&'] = plainMarkup, plainRefused
	for c := 0x80; c < 0x100; c++ {
		t[c] = plainHigh
	}
	return t
}()

// trimSpace trims XML's whitespace (the plain reader's text has no '\r').
func trimSpace(b []byte) []byte {
	for len(b) > 0 && plainBytes[b[0]] == plainSpace {
		b = b[1:]
	}
	for len(b) > 0 && plainBytes[b[len(b)-1]] == plainSpace {
		b = b[:len(b)-1]
	}
	return b
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
