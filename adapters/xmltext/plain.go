package xmltext

import "bytes"

// Plain reads a document in its plain form, straight from its bytes, for a
// decoder that knows the shape it expects: start tags whose only
// attributes are namespace declarations of printable ASCII URIs (none at
// all without namespaces), names of ASCII letters, digits, '_', '-' and
// '.' (one ':' with namespaces, none without), end tags written as their
// start (or none, for a tag that closes itself), whitespace between tags,
// and text without references, CDATA, comments, processing instructions
// or carriage returns. That is how clients write most calls, and reading
// it costs a fraction of Step's general work (a token per tag, names
// classified byte by byte, every kind of markup considered).
//
// Plain never judges: a method that meets anything else reports false,
// and the decoder then gives the document back to Step, which reads it
// from where Reset left it, with every check and fault of its own. A
// decoder that uses Plain must therefore answer, for what Plain reads,
// exactly what it answers by Step; each one has a fuzz target holding it
// to that.
type Plain struct {
	src        []byte
	pos        int
	maxDepth   int
	maxDecls   int // declarations on one start tag: within the scanner's bounds
	namespaces bool
	rooted     bool           // the document element has begun
	open       []plainOpen    // the elements open, innermost last
	bindings   []plainBinding // the namespace declarations in scope, innermost last
}

type plainOpen struct {
	name     []byte // as written, for its end tag
	bindings int32  // len(bindings) before its declarations (at most maxDepth times 16)
	empty    bool   // its tag closed itself (<a/>): it has no content, and its end is not written
}

type plainBinding struct{ prefix, uri []byte }

// Plain readies s.plain on the rest of the document (s just Reset) and
// returns it: a reader of the plain form with s's depth bound and
// namespace mode, on s's own storage.
func (s *Scanner) Plain() *Plain {
	p := &s.plain
	p.src, p.pos, p.maxDepth, p.namespaces, p.rooted = s.src[s.pos:], 0, s.maxDepth, s.namespaces, false
	// A plain tag has a few declarations; a tag with more, or with more
	// than the scanner allows (MaxAttrs, MaxNamespaces), is Step's.
	p.maxDecls = min(16, s.maxAttrs(), s.maxNamespaces())
	p.open, p.bindings = p.open[:0], p.bindings[:0]
	return p
}

// release lets the document go (Reset calls it: a pooled scanner keeps no
// document alive through its plain reader).
func (p *Plain) release() {
	clear(p.open)
	clear(p.bindings)
	p.src, p.open, p.bindings = nil, p.open[:0], p.bindings[:0]
}

// space skips whitespace between tags (a carriage return too: only in
// text is it Step's to normalize).
func (p *Plain) space() {
	src, i := p.src, p.pos // locals: the loop keeps them in registers
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	p.pos = i
}

// Open reads the start tag <name>, after whitespace: name as written, with
// no attribute (for a document read without namespaces, whose names are
// as written).
func (p *Plain) Open(name string) bool {
	p.space()
	r := p.src[p.pos:]
	n := len(name)
	if len(r) < n+2 || r[0] != '<' || r[n+1] != '>' || string(r[1:n+1]) != name || !p.mayOpen() {
		return false
	}
	p.rooted = true
	p.open = append(p.open, plainOpen{name: r[1 : n+1], bindings: int32(len(p.bindings))})
	p.pos += n + 2
	return true
}

// mayOpen reports whether an element may begin here: within the depth
// bound, not a second document element, and not in an element whose tag
// closed itself.
func (p *Plain) mayOpen() bool {
	if len(p.open) == 0 {
		return !p.rooted && p.maxDepth > 0
	}
	return len(p.open) < p.maxDepth && !p.open[len(p.open)-1].empty
}

// Empty reads the empty-element tag <name/>, after whitespace.
func (p *Plain) Empty(name string) bool {
	p.space()
	r := p.src[p.pos:]
	n := len(name)
	if len(r) < n+3 || r[0] != '<' || r[n+1] != '/' || r[n+2] != '>' || string(r[1:n+1]) != name || !p.mayOpen() {
		return false
	}
	p.rooted = true
	p.pos += n + 3
	return true
}

// Start reads a start tag, after whitespace: its local name and its
// namespace as Step resolves it (an undeclared prefix stands for itself;
// no namespace without namespaces). A tag that closes itself (<a/>) is
// read as the element with no content: Text reads "" and End its end.
func (p *Plain) Start() (local, space []byte, ok bool) {
	p.space()
	r := p.src[p.pos:]
	if len(r) < 2 || r[0] != '<' || plainBytes[r[1]] != plainNameStart || !p.mayOpen() {
		return nil, nil, false
	}
	i := 2
	for i < len(r) && plainBytes[r[i]] >= plainNameStart {
		i++
	}
	name := r[1:i]
	colon := bytes.IndexByte(name, ':') + 1 // its index in r, or 0
	if colon > 0 && (!p.namespaces || colon == i-1 || bytes.IndexByte(r[colon+1:i], ':') >= 0) || startsXML(name) {
		return nil, nil, false // "p:", "p:q:r", or a name of XML's own (xml:..., xmlns...)
	}
	before := len(p.bindings)
	empty := false
tag:
	for {
		if i >= len(r) {
			return nil, nil, false
		}
		switch r[i] {
		case '>':
			i++
			break tag
		case '/':
			if i+1 == len(r) || r[i+1] != '>' {
				return nil, nil, false
			}
			i, empty = i+2, true
			break tag
		}
		if plainBytes[r[i]] != plainSpace { // a declaration follows whitespace
			return nil, nil, false
		}
		for i < len(r) && plainBytes[r[i]] == plainSpace {
			i++
		}
		if i < len(r) && (r[i] == '>' || r[i] == '/') {
			continue
		}
		n, ok := p.declaration(r[i:], before)
		if !ok {
			p.bindings = p.bindings[:before]
			return nil, nil, false
		}
		i += n
	}
	p.rooted = true
	p.open = append(p.open, plainOpen{name: name, bindings: int32(before), empty: empty})
	p.pos += i
	if colon == 0 {
		return name, p.resolve(nil), true
	}
	return name[colon:], p.resolve(name[:colon-1]), true
}

// declaration reads xmlns="uri" or xmlns:prefix="uri" at the start of b, a
// declaration of the start tag whose first was bindings[first], and
// returns its length.
func (p *Plain) declaration(b []byte, first int) (int, bool) {
	if !p.namespaces || !bytes.HasPrefix(b, []byte("xmlns")) || len(b) < 8 {
		return 0, false
	}
	i := len("xmlns")
	var prefix []byte
	if b[i] == ':' {
		i++
		start := i
		for i < len(b) && plainBytes[b[i]] >= plainNameStart && b[i] != ':' {
			i++
		}
		prefix = b[start:i]
		if len(prefix) == 0 || plainBytes[prefix[0]] != plainNameStart || startsXML(prefix) {
			return 0, false
		}
	}
	if i+1 >= len(b) || b[i] != '=' || b[i+1] != '"' && b[i+1] != '\'' {
		return 0, false
	}
	q := b[i+1]
	i += 2
	end := bytes.IndexByte(b[i:], q)
	if end <= 0 || len(p.bindings)-first >= p.maxDecls {
		return 0, false
	}
	uri := b[i : i+end]
	for _, c := range uri {
		if k := plainBytes[c]; k < plainURI || k == plainHigh {
			return 0, false
		}
	}
	i += end
	for _, d := range p.bindings[first:] {
		if bytes.Equal(d.prefix, prefix) {
			return 0, false // declared twice: Step's fault
		}
	}
	p.bindings = append(p.bindings, plainBinding{prefix, uri})
	return i + 1, true
}

// resolve is the namespace of prefix (nil: the default namespace) where
// the reader is.
func (p *Plain) resolve(prefix []byte) []byte {
	if !p.namespaces {
		return nil
	}
	for i := len(p.bindings) - 1; i >= 0; i-- {
		if bytes.Equal(p.bindings[i].prefix, prefix) {
			return p.bindings[i].uri
		}
	}
	return prefix
}

// End reads the end tag of the innermost open element, after whitespace;
// the end of an element whose tag closed itself is read at once.
func (p *Plain) End() bool {
	if len(p.open) == 0 {
		return false
	}
	top := p.open[len(p.open)-1]
	if top.empty {
		p.bindings = p.bindings[:top.bindings]
		p.open = p.open[:len(p.open)-1]
		return true
	}
	p.space()
	r := p.src[p.pos:]
	n := len(top.name)
	if len(r) < n+3 || r[0] != '<' || r[1] != '/' || r[n+2] != '>' || !bytes.Equal(r[2:n+2], top.name) {
		return false
	}
	p.pos += n + 3
	p.bindings = p.bindings[:top.bindings]
	p.open = p.open[:len(p.open)-1]
	return true
}

// Text reads character data up to the next tag. The text is the
// document's own bytes, valid while the document is.
func (p *Plain) Text() ([]byte, bool) {
	if len(p.open) == 0 {
		return nil, false // text outside the document element
	}
	src := p.src[p.pos:]
	if p.open[len(p.open)-1].empty {
		return src[:0], true
	}
	high := false
	for i, c := range src {
		switch plainBytes[c] {
		case plainMarkup:
			p.pos += i
			return src[:i], !high || checkChars(src[:i]) == nil
		case plainRefused:
			return nil, false
		case plainHigh:
			high = true
		}
	}
	return nil, false // no tag follows
}

// Done reports whether only whitespace is left, every element closed.
func (p *Plain) Done() bool {
	p.space()
	return len(p.open) == 0 && p.pos == len(p.src)
}

// startsXML reports whether a name begins with "xml" in any case: the names
// XML keeps for itself (xml:lang, xmlns...), left to Step.
func startsXML(b []byte) bool {
	return len(b) >= 3 && b[0]|0x20 == 'x' && b[1]|0x20 == 'm' && b[2]|0x20 == 'l'
}

// What a byte is to the plain reader. The order matters: every class from
// plainURI on but plainHigh may be in a namespace URI, every class from
// plainNameStart on in a name.
const (
	plainRefused   = iota // a reference, a carriage return, a control: Step's to read
	plainMarkup           // '<': text ends
	plainSpace            // whitespace: kept in text, skipped between tags
	plainQuote            // a quote: text, but it would end an attribute value
	plainURI              // other printable ASCII
	plainHigh             // part of a multi-byte character, checked once the text is whole
	plainNameStart        // a letter or '_'
	plainName             // a digit, '-', '.' or ':', in a name but not first
)

// plainBytes classifies every byte for Plain. It is only ever read.
var plainBytes = func() (t [256]uint8) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = plainURI
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = plainHigh
	}
	t[' '], t['\t'], t['\n'] = plainSpace, plainSpace, plainSpace
	t['<'], t['&'] = plainMarkup, plainRefused
	t['"'], t['\''] = plainQuote, plainQuote
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = plainNameStart, plainNameStart
	}
	t['_'] = plainNameStart
	for _, c := range []byte("0123456789-.:") {
		t[c] = plainName
	}
	return t
}()
