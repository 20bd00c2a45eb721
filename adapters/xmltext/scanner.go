package xmltext

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scanner is the gateway's XML tokenizer for requests: a hand-written
// scanner over a whole (size-bounded) document, several times faster than
// encoding/xml and allocation-free but for what it returns. It reads the
// XML a SOAP or XML-RPC message needs and refuses the rest with a clear
// error: no DOCTYPE or other declaration (so no entity is ever defined or
// expanded), only the five predefined entities and character references,
// well-formed nesting, valid UTF-8 and XML characters, bounded depth. With
// Namespaces set it resolves element and attribute prefixes as
// encoding/xml does.
type Scanner struct {
	src        []byte
	pos        int
	depth      int
	maxDepth   int
	namespaces bool
	stack      [][]byte    // open element names, to check nesting
	scopes     []int       // len(bindings) at each open element
	bindings   []binding   // in-scope namespace declarations, innermost last
	text       []byte      // scratch for decoded text
	rootSeen   bool        // the document element has begun
	tagStart   int         // offset of the last start tag returned
	raw        [][2][]byte // a start tag's attribute names and values, reused
	tok        Token       // what Step returns
	prefixes   [8]string   // prefixes declared before, kept across Reset (prefixString)
	nextPrefix int
	plain      Plain // the plain reader (Plain), on the scanner's storage

	// innermost maps a prefix to the index in bindings of its innermost
	// declaration, once more than inlineBindings are in scope; each binding
	// links to the declaration it shadows. Resolving a name is then one map
	// lookup, whatever an attacker declares: a scan of every declaration per
	// name made one start tag of 10,000 declarations and prefixed
	// attributes quadratic.
	innermost map[string]int
	seen      map[string]struct{} // attribute names of a large start tag, for duplicates

	// MaxAttrs and MaxNamespaces bound the attributes and the namespace
	// declarations of one start tag (DefaultMaxAttrs, DefaultMaxNamespaces
	// when 0). They stay set across Reset.
	MaxAttrs, MaxNamespaces int

	// Known namespace URIs are returned as these strings instead of new
	// copies: a request declares the same few namespaces every time.
	Known []string

	// Inline storage for the stacks of a typical message, so that scanning
	// one costs no allocation of its own.
	stackBuf    [16][]byte
	scopesBuf   [16]int
	bindingsBuf [8]binding
	rawBuf      [8][2][]byte
}

type binding struct {
	prefix, uri string
	shadows     int // index of the declaration of the same prefix this one hides, or -1
}

// Default bounds of one start tag. Real messages carry a handful of
// attributes and declarations per element (a WCF envelope declares about
// ten namespaces); the bounds keep a hostile tag's cost small.
const (
	DefaultMaxAttrs      = 256
	DefaultMaxNamespaces = 64
	// DefaultMaxDepth bounds element nesting.
	DefaultMaxDepth = 64
)

// inlineBindings is how many declarations in scope are resolved by a scan
// before the scanner indexes them by prefix.
const inlineBindings = 8

// Kind is the kind of a token.
type Kind int

// Token kinds.
const (
	EOF Kind = iota
	Start
	End
	Text
)

// Token is one start tag, end tag or text. Name, Local and Text are valid
// until the next call to Next.
type Token struct {
	Kind  Kind
	Name  []byte // the qualified name as written
	Local []byte // the name without its prefix
	Space string // with Namespaces: the element's namespace URI
	Attrs []Attr // with Namespaces: the attributes, names resolved
	Text  []byte // for Text: decoded
	Empty bool   // a start tag that closes itself: <nil/>
}

// Attr is an attribute with its namespace resolved.
type Attr struct{ Space, Local, Value string }

// Error is a document the scanner refuses. Invalid marks well-formed XML
// that is refused for its structure (too deep, content after the
// document element); the rest is not well-formed or not allowed.
type Error struct {
	Msg     string
	Invalid bool
}

func (e *Error) Error() string { return e.Msg }

func scanErr(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Invalid: true}
}

// NewScanner starts scanning src: it reads the XML declaration (converting
// an ISO-8859-1 document to UTF-8) and bounds element nesting at maxDepth.
func NewScanner(src []byte, maxDepth int, namespaces bool) (*Scanner, error) {
	s := &Scanner{}
	return s, s.Reset(src, maxDepth, namespaces)
}

// Reset readies s for a new document, as NewScanner does, keeping its
// buffers (and Known) so that a scanner embedded in a decoder or taken
// from a pool scans without allocating. A Scanner must not be copied once
// used: its stacks live in its own inline arrays.
func (s *Scanner) Reset(src []byte, maxDepth int, namespaces bool) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	// Field by field: copying a whole Scanner value would write (and, while
	// the GC runs, barrier) its inline arrays on every message.
	s.src, s.pos, s.depth, s.maxDepth, s.namespaces, s.rootSeen = src, 0, 0, maxDepth, namespaces, false
	if s.stack == nil {
		s.stack, s.scopes, s.bindings, s.raw = s.stackBuf[:0], s.scopesBuf[:0], s.bindingsBuf[:0], s.rawBuf[:0]
	}
	s.stack, s.scopes, s.bindings, s.raw, s.text = s.stack[:0], s.scopes[:0], s.bindings[:0], s.raw[:0], s.text[:0]
	s.tok = Token{} // its slices are the last document's: a pooled scanner must not keep it
	if s.innermost != nil {
		s.innermost = nil // rare (a message with many declarations): let it go with its strings
	}
	if s.plain.src != nil {
		s.plain.release()
	}
	return s.prolog()
}

// prolog checks the XML declaration's encoding, converting ISO-8859-1 to
// UTF-8 up front. (A processing instruction whose target merely starts with
// "xml" is not the declaration and is skipped like any other.)
func (s *Scanner) prolog() error {
	if len(s.src) < 6 || !bytes.HasPrefix(s.src, []byte("<?xml")) || !isSpace(s.src[5]) {
		return nil
	}
	// A declaration's values hold no '>', so its end is the first one
	// when a '?' precedes it; else (a '>' in a value) it is searched for.
	end := bytes.IndexByte(s.src, '>') - 1
	if end < 0 || s.src[end] != '?' {
		if end = bytes.Index(s.src, []byte("?>")); end < 0 {
			return scanErr("unterminated XML declaration")
		}
	}
	label := declEncoding(s.src[5:end])
	if len(label) == 0 || asciiFold(label, "utf-8", "utf8", "us-ascii", "ascii") {
		s.pos = end + 2
		return nil
	}
	r, err := CharsetReader(string(label), bytes.NewReader(s.src[end+2:]))
	if err != nil {
		return scanErr("%v", err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return scanErr("%v", err)
	}
	s.src, s.pos = buf.Bytes(), 0
	return nil
}

// declEncoding is the encoding pseudo-attribute of an XML declaration's
// content, or "".
func declEncoding(decl []byte) []byte {
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !bytes.HasPrefix(rest, []byte("=")) {
		return nil
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return nil
	}
	if j := bytes.IndexByte(rest[1:], rest[0]); j >= 0 {
		return rest[1 : 1+j]
	}
	return nil
}

// asciiFold reports whether b equals one of names, ASCII case folded.
func asciiFold(b []byte, names ...string) bool {
	for _, n := range names {
		if len(b) == len(n) && bytes.EqualFold(b, []byte(n)) {
			return true
		}
	}
	return false
}

// Next returns the next start tag, end tag or non-blank text; comments and
// processing instructions are skipped, and so is whitespace-only text
// unless keepBlank asks for it.
func (s *Scanner) Next(keepBlank bool) (Token, error) {
	t, err := s.Step(keepBlank)
	if err != nil {
		return Token{}, err
	}
	return *t, nil
}

// Step is Next without copying the token: what it points to is the
// scanner's, overwritten by the next call (a token is 128 bytes, and a
// call of a few hundred bytes has dozens of them).
func (s *Scanner) Step(keepBlank bool) (*Token, error) {
	for {
		if s.pos >= len(s.src) {
			if len(s.stack) > 0 {
				return nil, scanErr("unexpected end of document")
			}
			s.tok = Token{Kind: EOF}
			return &s.tok, nil
		}
		if s.src[s.pos] != '<' {
			text, err := s.chars()
			if err != nil {
				return nil, err
			}
			if len(s.stack) == 0 {
				if len(bytes.TrimSpace(text)) > 0 {
					return nil, scanErr("text outside the document element")
				}
				continue
			}
			if keepBlank || len(bytes.TrimSpace(text)) > 0 {
				s.tok = Token{Kind: Text, Text: text}
				return &s.tok, nil
			}
			continue
		}
		rest := s.src[s.pos:]
		var second byte // what follows '<' tells the kind of markup
		if len(rest) > 1 {
			second = rest[1]
		}
		// By what follows '<': start tags and end tags, most of a
		// document, are told apart without comparing any prefix.
		switch second {
		case '/':
			name, n, err := s.endName(rest[2:])
			if err != nil {
				return nil, err
			}
			i := 2 + n
			for i < len(rest) && isSpace(rest[i]) {
				i++
			}
			if i >= len(rest) || rest[i] != '>' {
				return nil, scanErr("malformed end tag")
			}
			s.pos += i + 1
			if len(s.stack) == 0 || !bytes.Equal(s.stack[len(s.stack)-1], name) {
				return nil, scanErr("end tag </%s> does not match", name)
			}
			s.stack = s.stack[:len(s.stack)-1]
			s.depth--
			t := &s.tok
			*t = Token{Kind: End, Name: name, Local: local(name)}
			if s.namespaces {
				t.Space = s.resolve(name, true)
				s.popBindings(s.scopes[len(s.scopes)-1])
				s.scopes = s.scopes[:len(s.scopes)-1]
			}
			return t, nil
		case '!', '?':
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				end := bytes.Index(rest[4:], []byte("-->"))
				if end < 0 {
					return nil, scanErr("unterminated comment")
				}
				s.pos += 4 + end + 3
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				end := bytes.Index(rest[9:], []byte("]]>"))
				if end < 0 {
					return nil, scanErr("unterminated CDATA section")
				}
				raw := rest[9 : 9+end]
				if err := checkChars(raw); err != nil {
					return nil, err
				}
				s.pos += 9 + end + 3
				if len(s.stack) == 0 {
					return nil, scanErr("text outside the document element")
				}
				s.tok = Token{Kind: Text, Text: raw}
				return &s.tok, nil
			case second == '!':
				return nil, scanErr("DOCTYPE and other declarations are not allowed")
			default: // "<?"
				end := bytes.Index(rest, []byte("?>"))
				if end < 0 {
					return nil, scanErr("unterminated processing instruction")
				}
				s.pos += end + 2
			}
		default:
			return s.startTag(rest)
		}
	}
}

func (s *Scanner) startTag(rest []byte) (*Token, error) {
	s.tagStart = s.pos
	name, n, err := s.name(rest[1:])
	if err != nil {
		return nil, err
	}
	if len(s.stack) == 0 && s.rootSeen {
		return nil, invalid("content after the document element")
	}
	i := 1 + n
	scope := len(s.bindings)
	raw := s.raw[:0] // attribute names and values, for namespace resolution
	for {
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) {
			return nil, scanErr("unterminated start tag")
		}
		if rest[i] == '>' || (rest[i] == '/' && i+1 < len(rest) && rest[i+1] == '>') {
			break
		}
		aname, an, err := s.name(rest[i:])
		if err != nil {
			return nil, err
		}
		i += an
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) || rest[i] != '=' {
			return nil, scanErr("attribute without a value")
		}
		i++
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) || (rest[i] != '"' && rest[i] != '\'') {
			return nil, scanErr("attribute value without quotes")
		}
		q := rest[i]
		end := bytes.IndexByte(rest[i+1:], q)
		if end < 0 || bytes.IndexByte(rest[i+1:i+1+end], '<') >= 0 {
			return nil, scanErr("malformed attribute value")
		}
		if len(raw) == s.maxAttrs() {
			return nil, invalid("more than %d attributes on <%s>", s.maxAttrs(), name)
		}
		raw = append(raw, [2][]byte{aname, rest[i+1 : i+1+end]})
		i += 1 + end + 1
	}
	if err := s.unique(raw); err != nil {
		return nil, err
	}
	empty := rest[i] == '/'
	if empty {
		i += 2
	} else {
		i++
	}
	s.pos += i
	s.depth++
	if s.depth > s.maxDepth {
		return nil, invalid("nesting deeper than %d elements", s.maxDepth)
	}
	s.raw = raw[:0] // keep what it grew to
	t := &s.tok
	*t = Token{Kind: Start, Name: name, Local: local(name), Empty: empty}
	if s.namespaces {
		if err := s.declare(raw, t); err != nil {
			return nil, err
		}
	}
	s.rootSeen = s.rootSeen || len(s.stack) == 0
	if empty {
		s.depth--
		if s.namespaces {
			s.popBindings(scope)
		}
		return t, nil
	}
	s.stack = append(s.stack, name)
	if s.namespaces {
		s.scopes = append(s.scopes, scope)
	}
	return t, nil
}

func (s *Scanner) maxAttrs() int {
	if s.MaxAttrs > 0 {
		return s.MaxAttrs
	}
	return DefaultMaxAttrs
}

// unique refuses a start tag that repeats an attribute name (not
// well-formed XML). A few attributes are compared pairwise; many, through
// a set, so that the check stays linear.
func (s *Scanner) unique(raw [][2][]byte) error {
	if len(raw) <= 16 {
		for i := 1; i < len(raw); i++ {
			for j := 0; j < i; j++ {
				if bytes.Equal(raw[i][0], raw[j][0]) {
					return scanErr("attribute %s repeated", raw[i][0])
				}
			}
		}
		return nil
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{}, len(raw))
	}
	defer clear(s.seen)
	for _, a := range raw {
		if _, dup := s.seen[string(a[0])]; dup {
			return scanErr("attribute %s repeated", a[0])
		}
		s.seen[string(a[0])] = struct{}{}
	}
	return nil
}

// declare takes the start tag's namespace declarations into scope, then
// resolves its element and attribute names.
func (s *Scanner) declare(raw [][2][]byte, t *Token) error {
	declared := 0
	for _, a := range raw {
		var prefix []byte
		switch {
		case string(a[0]) == "xmlns":
		case isPrefixDecl(a[0]):
			prefix = a[0][len("xmlns:"):]
		default:
			continue
		}
		if declared++; declared > s.maxNamespaces() {
			return invalid("more than %d namespace declarations on <%s>", s.maxNamespaces(), t.Name)
		}
		v, err := s.uriValue(a[1])
		if err != nil {
			return err
		}
		s.pushBinding(s.prefixString(prefix), v)
	}
	t.Space = s.resolve(t.Name, true)
	for _, a := range raw {
		if string(a[0]) == "xmlns" || isPrefixDecl(a[0]) {
			continue
		}
		v, err := s.attrValue(a[1])
		if err != nil {
			return err
		}
		t.Attrs = append(t.Attrs, Attr{Space: s.resolve(a[0], false), Local: string(local(a[0])), Value: v})
	}
	if len(t.Attrs) > 1 {
		return s.uniqueExpanded(t.Attrs)
	}
	return nil
}

// uniqueExpanded refuses two attributes with the same namespace and local
// name under different prefixes (the Namespaces in XML constraint).
func (s *Scanner) uniqueExpanded(attrs []Attr) error {
	if len(attrs) <= 16 {
		for i := 1; i < len(attrs); i++ {
			for j := 0; j < i; j++ {
				if attrs[i].Space != "" && attrs[i].Space == attrs[j].Space && attrs[i].Local == attrs[j].Local {
					return scanErr("attribute {%s}%s repeated", attrs[i].Space, attrs[i].Local)
				}
			}
		}
		return nil
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{}, len(attrs))
	}
	defer clear(s.seen)
	for _, a := range attrs {
		if a.Space == "" {
			continue // unprefixed: already unique by name
		}
		key := a.Space + "\x00" + a.Local
		if _, dup := s.seen[key]; dup {
			return scanErr("attribute {%s}%s repeated", a.Space, a.Local)
		}
		s.seen[key] = struct{}{}
	}
	return nil
}

func (s *Scanner) maxNamespaces() int {
	if s.MaxNamespaces > 0 {
		return s.MaxNamespaces
	}
	return DefaultMaxNamespaces
}

// prefixString is a declared prefix as a string: one the scanner made
// before when it can, as a pooled scanner meets the same few prefixes
// (soap, xsi, m) message after message. Short prefixes only are kept, so
// that a hostile one does not stay with the scanner.
func (s *Scanner) prefixString(prefix []byte) string {
	for _, k := range s.prefixes {
		if k == string(prefix) {
			return k
		}
	}
	str := string(prefix)
	if len(str) <= 16 {
		s.prefixes[s.nextPrefix%len(s.prefixes)] = str
		s.nextPrefix++
	}
	return str
}

// pushBinding brings a declaration into scope.
func (s *Scanner) pushBinding(prefix, uri string) {
	b := binding{prefix: prefix, uri: uri, shadows: -1}
	if s.innermost == nil && len(s.bindings) == inlineBindings {
		s.innermost = make(map[string]int, 2*inlineBindings)
		for i := range s.bindings {
			s.bindings[i].shadows = -1
			if j, ok := s.innermost[s.bindings[i].prefix]; ok {
				s.bindings[i].shadows = j
			}
			s.innermost[s.bindings[i].prefix] = i
		}
	}
	if s.innermost != nil {
		if j, ok := s.innermost[prefix]; ok {
			b.shadows = j
		}
		s.innermost[prefix] = len(s.bindings)
	}
	s.bindings = append(s.bindings, b)
}

// popBindings takes the declarations from index scope on out of scope.
func (s *Scanner) popBindings(scope int) {
	if s.innermost != nil {
		for i := len(s.bindings) - 1; i >= scope; i-- {
			if b := s.bindings[i]; b.shadows >= 0 {
				s.innermost[b.prefix] = b.shadows
			} else {
				delete(s.innermost, b.prefix)
			}
		}
	}
	s.bindings = s.bindings[:scope]
}

// isPrefixDecl reports whether an attribute declares a prefix: xmlns:p with
// a non-empty p ("xmlns:" alone is an ordinary, if odd, attribute name).
func isPrefixDecl(name []byte) bool {
	return len(name) > len("xmlns:") && bytes.HasPrefix(name, []byte("xmlns:"))
}

// uriValue is a namespace declaration's value: one of Known when it is
// one, else a new string.
func (s *Scanner) uriValue(raw []byte) (string, error) {
	for _, k := range s.Known {
		if string(raw) == k {
			return k, nil
		}
	}
	return s.attrValue(raw)
}

// TagStart is the offset of the start tag returned last; keep it to call
// Element once the element has been read to its end.
func (s *Scanner) TagStart() int { return s.tagStart }

// Element returns the source of the element whose start tag began at from
// (TagStart, taken when its start tag was returned), once the caller has
// read to its end, as a self-contained document: every namespace
// declaration in scope that the element does not make itself is added to
// its start tag, so that its prefixes mean the same wherever it goes.
func (s *Scanner) Element(from int) []byte {
	raw := s.src[from:s.pos]
	nameEnd := 1
	for nameEnd < len(raw) && raw[nameEnd] != '>' && raw[nameEnd] != '/' && !isSpace(raw[nameEnd]) {
		nameEnd++
	}
	tagEnd := bytes.IndexByte(raw, '>')
	if tagEnd < 0 {
		tagEnd = len(raw)
	}
	var decls []byte
	done := map[string]bool{}
	for i := len(s.bindings) - 1; i >= 0; i-- {
		b := s.bindings[i]
		if done[b.prefix] {
			continue
		}
		done[b.prefix] = true
		attr := "xmlns"
		if b.prefix != "" {
			attr += ":" + b.prefix
		}
		if bytes.Contains(raw[:tagEnd], []byte(attr+"=")) {
			continue // the element declares it itself
		}
		decls = append(decls, ' ')
		decls = append(decls, attr...)
		decls = append(decls, `="`...)
		decls = Append(decls, b.uri)
		decls = append(decls, '"')
	}
	out := make([]byte, 0, len(raw)+len(decls))
	out = append(out, raw[:nameEnd]...)
	out = append(out, decls...)
	return append(out, raw[nameEnd:]...)
}

// ResolveValue resolves a QName written in text or an attribute value
// (an xsi:type) against the namespace declarations in scope at the start
// tag just returned: its namespace (the default one when unprefixed) and
// its local name.
func (s *Scanner) ResolveValue(qname string) (space, name string) {
	q := []byte(strings.TrimSpace(qname))
	return s.resolve(q, true), string(local(q))
}

// resolve is the namespace of a qualified name: its prefix's binding, the
// default namespace for an unprefixed element, none for an unprefixed
// attribute; an undeclared prefix stands for itself (as in encoding/xml).
func (s *Scanner) resolve(qname []byte, element bool) string {
	var prefix []byte
	if i := bytes.IndexByte(qname, ':'); i > 0 && i < len(qname)-1 {
		prefix = qname[:i]
	} else if !element {
		return ""
	}
	if string(prefix) == "xml" {
		return "http://www.w3.org/XML/1998/namespace"
	}
	if s.innermost != nil {
		if i, ok := s.innermost[string(prefix)]; ok {
			return s.bindings[i].uri
		}
		return string(prefix)
	}
	for i := len(s.bindings) - 1; i >= 0; i-- {
		if s.bindings[i].prefix == string(prefix) {
			return s.bindings[i].uri
		}
	}
	return string(prefix)
}

// attrValue decodes an attribute value's references, normalizes its line
// ends (a CR, or CR LF, reads as LF, as in text: XML 1.0 section 2.11,
// which applies before attribute values are read) and checks its
// characters.
func (s *Scanner) attrValue(raw []byte) (string, error) {
	if err := checkChars(raw); err != nil {
		return "", err
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return string(raw), nil
	}
	saved := s.text
	s.text = nil
	v, err := s.decode(raw)
	out := string(v)
	s.text = saved
	return out, err
}

// name reads an XML name at the start of b and returns it with its length.
func (s *Scanner) name(b []byte) ([]byte, int, error) {
	i := 0
	var high byte // the OR of the name's bytes: ASCII names skip the UTF-8 check
	for i < len(b) {
		c := b[i]
		if k := nameBytes[c]; k != inName {
			if k == endsName {
				break
			}
			return nil, 0, scanErr("invalid character %q in a name", c)
		}
		high |= c
		i++
	}
	if i == 0 {
		return nil, 0, scanErr("missing element or attribute name")
	}
	if high >= utf8.RuneSelf && !utf8.Valid(b[:i]) {
		return nil, 0, scanErr("invalid UTF-8 in a name")
	}
	return b[:i], i, nil
}

// endName reads an end tag's name. An end tag almost always names the
// element it closes, whose name was read and checked at its start: when b
// begins with that name and a byte that ends names follows, the name is
// that, found without classifying its bytes again. Anything else is read
// as any name is (and then refused by Step when it does not match).
func (s *Scanner) endName(b []byte) ([]byte, int, error) {
	if len(s.stack) > 0 {
		open := s.stack[len(s.stack)-1]
		if n := len(open); len(b) > n && nameBytes[b[n]] == endsName && bytes.Equal(b[:n], open) {
			return b[:n], n, nil
		}
	}
	return s.name(b)
}

// What a byte does to a name being read.
const (
	inName   = iota // part of it
	endsName        // '>', '/', '=' or a space: the name ends before it
	badName         // markup that cannot be in a name
)

// nameBytes classifies every byte for name in one load, not a chain of
// comparisons (names are most of the bytes a scanner looks at one by one).
// It is only ever read.
var nameBytes = func() (t [256]uint8) {
	for _, c := range []byte(">/= \t\n\r") {
		t[c] = endsName
	}
	for _, c := range []byte("<&\"'") {
		t[c] = badName
	}
	return t
}()

// local drops a name's prefix; as in encoding/xml, a colon first or last
// is part of the name, not a prefix separator.
func local(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// chars reads character data up to the next '<', decoding references and
// normalizing line ends, into s.text.
func (s *Scanner) chars() ([]byte, error) {
	end := bytes.IndexByte(s.src[s.pos:], '<')
	if end < 0 {
		end = len(s.src) - s.pos
	}
	raw := s.src[s.pos : s.pos+end]
	s.pos += end
	if err := checkChars(raw); err != nil {
		return nil, err
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return raw, nil
	}
	return s.decode(raw)
}

// decode resolves references and normalizes line ends of raw into s.text.
func (s *Scanner) decode(raw []byte) ([]byte, error) {
	s.text = s.text[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			s.text = append(s.text, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case '&':
			semi := bytes.IndexByte(raw[i:], ';')
			if semi < 0 {
				return nil, scanErr("unterminated entity reference")
			}
			ref := string(raw[i+1 : i+semi])
			switch ref {
			case "lt":
				s.text = append(s.text, '<')
			case "gt":
				s.text = append(s.text, '>')
			case "amp":
				s.text = append(s.text, '&')
			case "apos":
				s.text = append(s.text, '\'')
			case "quot":
				s.text = append(s.text, '"')
			default:
				r, numeric, ok := charRef(ref)
				if numeric && !ok {
					// The spec's Legal Character constraint: &#xD800; and
					// &#0; are not well-formed (encoding/xml reads U+FFFD).
					return nil, scanErr("character reference &%s; is not an XML character", ref)
				}
				if !ok {
					if len(ref) > 40 {
						ref = ref[:40] + "..."
					}
					return nil, scanErr("undefined entity &%s;", ref)
				}
				s.text = utf8.AppendRune(s.text, r)
			}
			i += semi
		default:
			s.text = append(s.text, c)
		}
	}
	return s.text, nil
}

// charRef decodes a character reference's name (#123 or #x7B): numeric
// reports whether it is a number that fits in 32 bits, ok whether that
// number is an XML character.
func charRef(ref string) (r rune, numeric, ok bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false, false
	}
	var n uint64
	var err error
	if ref[1] == 'x' {
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	}
	if err != nil {
		return 0, false, false
	}
	r = rune(n)
	return r, true, isXMLChar(r)
}

// checkChars refuses invalid UTF-8 and characters XML 1.0 forbids (NUL and
// other controls).
func checkChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return scanErr("illegal character %#x", c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return scanErr("invalid UTF-8")
		}
		if !isXMLChar(r) {
			return scanErr("illegal character %U", r)
		}
		i += size
	}
	return nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
