package xmlrpc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gateway/adapters/xmltext"
	"gateway/gateway"
)

// scanner is the XML-RPC request tokenizer: a hand-written scanner over the
// whole (size-bounded) body, several times faster than encoding/xml and
// allocation-free but for the values it returns. It reads the subset of XML
// that XML-RPC needs and refuses the rest with a clear error: no DOCTYPE or
// other declaration (so no entity is ever defined or expanded), only the
// five predefined entities and character references, well-formed nesting,
// valid UTF-8 and XML characters.
type scanner struct {
	src      []byte
	pos      int
	depth    int
	maxDepth int
	stack    [][]byte // open element names, to check nesting
	text     []byte   // scratch for decoded text
	rootSeen bool     // the document element has begun
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

type token struct {
	kind  tokKind
	name  []byte // local name (prefix dropped) for start and end
	text  []byte // for text: decoded; valid until the next call
	empty bool   // a start tag that closes itself: <nil/>
}

func scanErr(format string, args ...any) error {
	return &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: " + fmt.Sprintf(format, args...)}
}

// prolog checks the XML declaration's encoding, converting ISO-8859-1 to
// UTF-8 up front. (A processing instruction whose target merely starts with
// "xml" is not the declaration and is skipped like any other.)
func (s *scanner) prolog() error {
	if len(s.src) < 6 || !bytes.HasPrefix(s.src, []byte("<?xml")) || !isSpace(s.src[5]) {
		return nil
	}
	end := bytes.Index(s.src, []byte("?>"))
	if end < 0 {
		return scanErr("unterminated XML declaration")
	}
	label := declEncoding(string(s.src[5:end]))
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		s.pos = end + 2
		return nil
	}
	r, err := xmltext.CharsetReader(label, bytes.NewReader(s.src[end+2:]))
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
func declEncoding(decl string) string {
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 {
		return rest[1 : 1+j]
	}
	return ""
}

// next returns the next start tag, end tag or non-blank text; comments and
// processing instructions are skipped, whitespace between tags is skipped
// unless asked for by keepBlank.
func (s *scanner) next(keepBlank bool) (token, error) {
	for {
		if s.pos >= len(s.src) {
			if len(s.stack) > 0 {
				return token{}, scanErr("unexpected end of document")
			}
			return token{kind: tokEOF}, nil
		}
		if s.src[s.pos] != '<' {
			text, err := s.chars()
			if err != nil {
				return token{}, err
			}
			if len(s.stack) == 0 {
				if len(bytes.TrimSpace(text)) > 0 {
					return token{}, scanErr("text outside the document element")
				}
				continue
			}
			if keepBlank || len(bytes.TrimSpace(text)) > 0 {
				return token{kind: tokText, text: text}, nil
			}
			continue
		}
		rest := s.src[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return token{}, scanErr("unterminated comment")
			}
			s.pos += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return token{}, scanErr("unterminated CDATA section")
			}
			raw := rest[9 : 9+end]
			if err := checkChars(raw); err != nil {
				return token{}, err
			}
			s.pos += 9 + end + 3
			if len(s.stack) == 0 {
				return token{}, scanErr("text outside the document element")
			}
			return token{kind: tokText, text: raw}, nil
		case bytes.HasPrefix(rest, []byte("<!")):
			return token{}, scanErr("DOCTYPE and other declarations are not allowed")
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return token{}, scanErr("unterminated processing instruction")
			}
			s.pos += end + 2
		case bytes.HasPrefix(rest, []byte("</")):
			name, n, err := s.name(rest[2:])
			if err != nil {
				return token{}, err
			}
			i := 2 + n
			for i < len(rest) && isSpace(rest[i]) {
				i++
			}
			if i >= len(rest) || rest[i] != '>' {
				return token{}, scanErr("malformed end tag")
			}
			s.pos += i + 1
			if len(s.stack) == 0 || !bytes.Equal(s.stack[len(s.stack)-1], name) {
				return token{}, scanErr("end tag </%s> does not match", name)
			}
			s.stack = s.stack[:len(s.stack)-1]
			s.depth--
			return token{kind: tokEnd, name: local(name)}, nil
		default:
			return s.startTag(rest)
		}
	}
}

func (s *scanner) startTag(rest []byte) (token, error) {
	name, n, err := s.name(rest[1:])
	if err != nil {
		return token{}, err
	}
	if len(s.stack) == 0 && s.rootSeen {
		return token{}, invalid("content after the document element")
	}
	i := 1 + n
	// Attributes are read and ignored: XML-RPC has none that matter
	// (namespace declarations of ex:nil and the like).
	for {
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) {
			return token{}, scanErr("unterminated start tag")
		}
		if rest[i] == '>' || (rest[i] == '/' && i+1 < len(rest) && rest[i+1] == '>') {
			break
		}
		_, an, err := s.name(rest[i:])
		if err != nil {
			return token{}, err
		}
		i += an
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) || rest[i] != '=' {
			return token{}, scanErr("attribute without a value")
		}
		i++
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) || (rest[i] != '"' && rest[i] != '\'') {
			return token{}, scanErr("attribute value without quotes")
		}
		q := rest[i]
		end := bytes.IndexByte(rest[i+1:], q)
		if end < 0 || bytes.IndexByte(rest[i+1:i+1+end], '<') >= 0 {
			return token{}, scanErr("malformed attribute value")
		}
		i += 1 + end + 1
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
		return token{}, invalid("nesting deeper than %d elements", s.maxDepth)
	}
	if empty {
		s.depth--
		s.rootSeen = s.rootSeen || len(s.stack) == 0
		return token{kind: tokStart, name: local(name), empty: true}, nil
	}
	s.rootSeen = s.rootSeen || len(s.stack) == 0
	s.stack = append(s.stack, name)
	return token{kind: tokStart, name: local(name)}, nil
}

// name reads an XML name at the start of b and returns it with its length.
func (s *scanner) name(b []byte) ([]byte, int, error) {
	i := 0
	for i < len(b) {
		c := b[i]
		if c == '>' || c == '/' || c == '=' || isSpace(c) {
			break
		}
		if c == '<' || c == '&' || c == '"' || c == '\'' {
			return nil, 0, scanErr("invalid character %q in a name", c)
		}
		i++
	}
	if i == 0 {
		return nil, 0, scanErr("missing element or attribute name")
	}
	if !utf8.Valid(b[:i]) {
		return nil, 0, scanErr("invalid UTF-8 in a name")
	}
	return b[:i], i, nil
}

func local(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// chars reads character data up to the next '<', decoding references and
// normalizing line ends, into s.text.
func (s *scanner) chars() ([]byte, error) {
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
				r, ok := charRef(ref)
				if !ok {
					return nil, scanErr("undefined entity &%s;", clip(ref))
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

func charRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ref[1] == 'x' {
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	}
	r := rune(n)
	if err != nil || !isXMLChar(r) {
		return 0, false
	}
	return r, true
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
