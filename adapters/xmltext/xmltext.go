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
		// Plain bytes are copied a run at a time.
		j := i
		for j < len(s) && textBytes[s[j]] == plainText {
			j++
		}
		b = append(b, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '&':
				b = append(b, "&amp;"...)
			case '"':
				b = append(b, "&quot;"...)
			case '\r':
				b = append(b, "&#xD;"...)
			default: // the other controls
				b = append(b, "\uFFFD"...)
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

// What Append does with a byte.
const (
	plainText     = iota // copies it
	escapedText          // writes a reference or U+FFFD for it
	multiByteText        // decodes the UTF-8 sequence it starts
)

// textBytes classifies every byte for Append; it is only ever read.
var textBytes = func() (t [256]uint8) {
	for c := range 0x20 {
		if c != '\t' && c != '\n' {
			t[c] = escapedText
		}
	}
	for _, c := range []byte("<>&\"") {
		t[c] = escapedText
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = multiByteText
	}
	return t
}()

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
