package xmlrpc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"gateway/adapters/xmltext"
)

// referenceDecodeCall is the encoding/xml decoder the scanner replaced,
// kept as the reference the scanner is fuzzed against.
func referenceDecodeCall(r io.Reader, maxDepth int) (method string, params []any, err error) {
	if maxDepth <= 0 {
		maxDepth = 64
	}
	d := &decoder{x: xml.NewDecoder(r), maxDepth: maxDepth}
	d.x.Strict = true
	d.x.CharsetReader = xmltext.CharsetReader
	if err := d.expectStart("methodCall"); err != nil {
		return "", nil, err
	}
	if err := d.expectStart("methodName"); err != nil {
		return "", nil, err
	}
	if method, err = d.textUntilEnd(); err != nil {
		return "", nil, err
	}
	method = strings.TrimSpace(method)
	if method == "" {
		return "", nil, invalid("empty methodName")
	}
	tok, err := d.next()
	if err != nil {
		return "", nil, err
	}
	if se, ok := tok.(xml.StartElement); ok {
		if se.Name.Local != "params" {
			return "", nil, invalid("unexpected <%s> in methodCall", se.Name.Local)
		}
		if params, err = d.params(); err != nil {
			return "", nil, err
		}
		if tok, err = d.next(); err != nil {
			return "", nil, err
		}
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return "", nil, invalid("unexpected content after params")
	}
	if err := d.expectEOF(); err != nil {
		return "", nil, err
	}
	return method, params, nil
}

// FuzzScannerMatchesEncodingXML: whatever both decoders accept, they read
// alike; a document encoding/xml finds well-formed and valid XML-RPC the
// scanner accepts too (it may refuse more: declarations, for one).
func FuzzScannerMatchesEncodingXML(f *testing.F) {
	for _, s := range []string{
		call(param("<struct><member><name>a</name><value><array><data><value><i4>1</i4></value></data></array></value></member></struct>")),
		call(param("x &amp; &#x41;&#66; <!-- c --> y") + param("<string><![CDATA[<raw>]]></string>")),
		call(param("<nil/>") + param("<double>1.5</double>") + param("<boolean>1</boolean>") + param("<base64>aGk=</base64>")),
		"<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>x</methodName></methodCall>",
		"<methodCall><methodName a='1'>m</methodName><params/></methodCall>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m1, p1, err1 := decodeCall(data, 32)
		m2, p2, err2 := referenceDecodeCall(bytes.NewReader(data), 32)
		var de *DecodeError
		if err1 != nil && !errors.As(err1, &de) {
			t.Fatalf("scanner error that is not a DecodeError: %v", err1)
		}
		if err1 == nil && err2 == nil && (m1 != m2 || !sameValues(p1, p2)) {
			t.Fatalf("decoders disagree:\nscanner %q %#v\nencoding/xml %q %#v", m1, p1, m2, p2)
		}
		if err1 != nil && err2 == nil && !strings.Contains(string(data), "<!") {
			t.Fatalf("the scanner refused what encoding/xml read: %v\n%q", err1, data)
		}
	})
}

func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ta, ok1 := a[i].(time.Time)
		tb, ok2 := b[i].(time.Time)
		if ok1 && ok2 {
			if !ta.Equal(tb) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

var _ = io.EOF
var _ = xml.Name{}
