package xmltext

import (
	"fmt"
	"strings"
	"testing"
)

// plainStream reads a whole document with Plain, as a stream of the form
// stepStream writes: false when Plain gives up anywhere.
func plainStream(s *Scanner) (string, bool) {
	p := s.Plain()
	var b, text strings.Builder
	flush := func() {
		if t := strings.TrimSpace(text.String()); t != "" {
			fmt.Fprintf(&b, "text %q\n", t)
		}
		text.Reset()
	}
	var open []string // the open elements' "{space}local", for their end lines
	for !p.Done() {
		if p.End() {
			flush()
			fmt.Fprintf(&b, "end %s\n", open[len(open)-1])
			open = open[:len(open)-1]
			continue
		}
		if local, space, ok := p.Start(); ok {
			flush()
			open = append(open, fmt.Sprintf("{%s}%s", space, local))
			fmt.Fprintf(&b, "start %s\n", open[len(open)-1])
			continue
		}
		t, ok := p.Text()
		if !ok || len(t) == 0 {
			return "", false // markup Plain does not read (no text before it either)
		}
		text.Write(t)
	}
	flush()
	return b.String(), true
}

// TestPlain: documents in the plain form are read by Plain as Step reads
// them, namespaces resolved alike; the rest Plain gives up on.
func TestPlain(t *testing.T) {
	for _, c := range []struct {
		doc        string
		namespaces bool
		plain      bool
	}{
		{`<?xml version="1.0"?><s:Envelope xmlns:s="urn:s"><s:Body><m:Op xmlns:m="urn:m" xmlns="urn:d"><a>1 &gt; 0</a></m:Op></s:Body></s:Envelope>`, true, false},
		{"<s:Envelope xmlns:s='urn:s'>\n <s:Body>\n  <m:Op xmlns:m=\"urn:m\" xmlns=\"urn:d\"><a>x > y, \"q\" 'r' é</a><u:b xmlns:u=\"urn:u\">2</u:b><p:c>3</p:c></m:Op>\n </s:Body>\n</s:Envelope>\n", true, true},
		{`<a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/></a>`, true, true},
		{`<a xmlns:p="urn:1"><p:b xmlns:p="urn:2" /><p:c xmlns:p="urn:3"/> <p:d>x</p:d><e/></a>`, true, true},
		{`<a/>`, false, true},
		{`<a><b/ ></a>`, false, false},
		{`<a><b/></b></a>`, false, false},
		{`<a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c></p:c></p:b><p:d></p:d></a>`, true, true},
		{`<methodCall><methodName>m</methodName></methodCall>`, false, true},
		{`<a x="1"></a>`, false, false},
		{`<a xmlns="urn:x"></a>`, false, false},
		{`<p:a></p:a>`, false, false},
		{`<a xmlns:p="urn:1" xmlns:p="urn:2"></a>`, true, false},
		{`<a xmlns:xsi="urn:1"><b xsi:type="t"></b></a>`, true, false},
		{`<xml:a></xml:a>`, true, false},
		{"<a>x\r\ny</a>", false, false},
		{`<a><![CDATA[x]]></a>`, false, false},
		{`<a></b>`, false, false},
		{`<a>`, false, false},
	} {
		var s Scanner
		if err := s.Reset([]byte(c.doc), 0, c.namespaces); err != nil {
			t.Fatal(err)
		}
		got, ok := plainStream(&s)
		if ok != c.plain {
			t.Errorf("%q: read by Plain %v, want %v", c.doc, ok, c.plain)
			continue
		}
		if err := s.Reset([]byte(c.doc), 0, c.namespaces); err != nil {
			t.Fatal(err)
		}
		want, err := stepStream(&s)
		if ok && (err != nil || got != want) {
			t.Errorf("%q:\nPlain:\n%s\nStep:\n%s%v", c.doc, got, want, err)
		}
	}
}

// TestPlainDepth: Plain keeps Step's bound on nesting.
func TestPlainDepth(t *testing.T) {
	doc := []byte("<a><b><c></c></b></a>")
	for _, max := range []int{2, 3} {
		var s Scanner
		if err := s.Reset(doc, max, false); err != nil {
			t.Fatal(err)
		}
		if _, ok := plainStream(&s); ok != (max == 3) {
			t.Errorf("max depth %d: read by Plain %v", max, ok)
		}
	}
}

// FuzzPlainMatchesStep: whatever Plain reads, Step reads to the same
// elements, namespaces and text.
func FuzzPlainMatchesStep(f *testing.F) {
	f.Add([]byte("<s:Envelope xmlns:s='urn:s'><s:Header><g:S xmlns:g=\"urn:g\">t</g:S></s:Header><s:Body><m:Op xmlns:m=\"urn:m\"><a>1</a><m:b>2</m:b></m:Op></s:Body></s:Envelope>"), true)
	f.Add([]byte(`<a xmlns="urn:1"><b xmlns="urn:2"><c>x</c></b><d>y</d></a>`), true)
	f.Add([]byte(`<a xmlns:p="urn:1"><p:b xmlns:p="urn:2" /><c/><d>y</d></a>`), true)
	f.Add([]byte("<methodCall>\n<methodName>m</methodName>\n<params><param><value><i4>1</i4></value></param></params></methodCall>"), false)
	var s Scanner // reused, as pools do
	f.Fuzz(func(t *testing.T, data []byte, namespaces bool) {
		if err := s.Reset(data, 16, namespaces); err != nil {
			return
		}
		got, ok := plainStream(&s)
		if !ok {
			return
		}
		if err := s.Reset(data, 16, namespaces); err != nil {
			t.Fatal(err)
		}
		want, err := stepStream(&s)
		if err != nil || got != want {
			t.Fatalf("%q (namespaces %v):\nPlain:\n%s\nStep:\n%s%v", data, namespaces, got, want, err)
		}
	})
}

// TestPlainKeepsTheScannersBounds: a start tag with more declarations
// than the scanner allows is left to Step, which refuses it.
func TestPlainKeepsTheScannersBounds(t *testing.T) {
	doc := []byte(`<a xmlns:p="urn:1" xmlns:q="urn:2" xmlns:r="urn:3"></a>`)
	for _, bound := range []struct{ attrs, namespaces int }{{2, 0}, {0, 2}, {3, 3}} {
		s := Scanner{MaxAttrs: bound.attrs, MaxNamespaces: bound.namespaces}
		if err := s.Reset(doc, 0, true); err != nil {
			t.Fatal(err)
		}
		_, ok := plainStream(&s)
		if err := s.Reset(doc, 0, true); err != nil {
			t.Fatal(err)
		}
		_, err := stepStream(&s)
		if ok && err != nil {
			t.Errorf("bounds %+v: Plain read what Step refuses (%v)", bound, err)
		}
		if want := bound.attrs == 3; ok != want {
			t.Errorf("bounds %+v: read by Plain %v, want %v", bound, ok, want)
		}
	}
}
