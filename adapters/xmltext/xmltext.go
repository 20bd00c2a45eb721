// Package xmltext holds what the XML codecs (XML-RPC, SOAP) do alike at the
// byte level: escaping text for output, and the character encodings they
// accept on input.
package xmltext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Append writes s as XML text or attribute content. Characters XML 1.0
// cannot carry (controls other than tab and newline, invalid UTF-8,
// U+FFFE/U+FFFF) become U+FFFD, so the output stays well-formed whatever a
// service returns; a carriage return is kept as a character reference.
func Append(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '"':
				b = append(b, "&quot;"...)
			case c == '\r':
				b = append(b, "&#xD;"...)
			case c < 0x20 && c != '\t' && c != '\n':
				b = append(b, "\uFFFD"...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// CharsetReader is an encoding/xml CharsetReader for UTF-8 (and ASCII) and
// ISO-8859-1, which some older clients declare; other encodings are refused
// by name.
func CharsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (send UTF-8)", label)
}

type latin1Reader struct {
	r   io.Reader
	buf []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 4096)
		}
		n, err := l.r.Read(l.buf[:min(len(p)/2+1, len(l.buf))])
		for _, b := range l.buf[:n] {
			l.out = utf8.AppendRune(l.out, rune(b))
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}
