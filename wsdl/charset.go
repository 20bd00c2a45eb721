package wsdl

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl finds an XML declaration's encoding pseudo-attribute.
var xmlDecl = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// oldXSD are the XML Schema namespaces of the 1999 and 2000/10 drafts,
// quoted as they stand in a declaration ("1999/XMLSchema-instance" must
// not match).
var oldXSD = [][]byte{
	[]byte(`"` + xsd1999 + `"`), []byte(`'` + xsd1999 + `'`),
	[]byte(`"` + xsd2000 + `"`), []byte(`'` + xsd2000 + `'`),
}

// normalize is toUTF8, then the XML Schema drafts' namespaces declared as
// the 2001 one: old .NET and Apache SOAP WSDLs use them, and every reader
// after this (gowsdl's schema model, the loader's name resolution) knows
// only 2001.
func normalize(data []byte) ([]byte, error) {
	data, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	for _, old := range oldXSD {
		if bytes.Contains(data, old) {
			data = bytes.ReplaceAll(data, old, []byte(string(old[0])+XSD+string(old[0])))
		}
	}
	return data, nil
}

// toUTF8 converts a WSDL or schema document in any encoding the XML spec
// allows (UTF-8 with or without a byte order mark, UTF-16 either way
// round, or whatever its declaration names: ISO-8859-1, windows-1252,
// Shift_JIS...) to UTF-8, its declaration rewritten to say so, so that
// every later reader (gowsdl, etree, the publisher) sees one encoding.
func toUTF8(data []byte) ([]byte, error) {
	var wide encoding.Encoding
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0x00, '<', 0x00, '?'}):
		wide = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{'<', 0x00, '?', 0x00}):
		wide = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	}
	if wide != nil {
		out, err := wide.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("UTF-16: %w", err)
		}
		return declareUTF8(out), nil
	}
	m := xmlDecl.FindSubmatch(data)
	if m == nil {
		return data, nil
	}
	label := strings.ToLower(string(m[1]))
	switch label {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return data, nil
	case "utf-16", "utf-16le", "utf-16be":
		return nil, fmt.Errorf("declared %s but not UTF-16 (no byte order mark, no wide '<?')", m[1])
	}
	enc, err := ianaindex.IANA.Encoding(label)
	if err != nil || enc == nil {
		if enc, err = htmlindex.Get(label); err != nil {
			return nil, fmt.Errorf("unknown encoding %q", m[1])
		}
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m[1], err)
	}
	return declareUTF8(out), nil
}

// declareUTF8 makes a converted document's declaration say UTF-8.
func declareUTF8(doc []byte) []byte {
	if m := xmlDecl.FindSubmatchIndex(doc); m != nil {
		return append(append(append([]byte{}, doc[:m[2]]...), "UTF-8"...), doc[m[3]:]...)
	}
	return doc
}
