package xmltext

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// stream renders a document's tokens as lines, from encoding/xml or from the
// Scanner, in a form both can produce: names with resolved namespaces,
// attributes other than namespace declarations, text joined and trimmed.
func stdStream(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = CharsetReader
	var b strings.Builder
	var text strings.Builder
	flush := func() {
		if t := strings.TrimSpace(text.String()); t != "" {
			fmt.Fprintf(&b, "text %q\n", t)
		}
		text.Reset()
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			flush()
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			flush()
			fmt.Fprintf(&b, "start {%s}%s", t.Name.Space, t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				fmt.Fprintf(&b, " {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			b.WriteString("\n")
		case xml.EndElement:
			flush()
			fmt.Fprintf(&b, "end {%s}%s\n", t.Name.Space, t.Name.Local)
		case xml.CharData:
			text.Write(t)
		case xml.Directive:
			return "", errors.New("directive")
		}
	}
}

func scanStream(data []byte) (string, error) {
	s, err := NewScanner(data, 10000, true)
	if err != nil {
		return "", err
	}
	return stepStream(s)
}

// stepStream is the rest of s's document as a stream of the form stdStream
// writes.
func stepStream(s *Scanner) (string, error) {
	var b strings.Builder
	var text strings.Builder
	flush := func() {
		if t := strings.TrimSpace(text.String()); t != "" {
			fmt.Fprintf(&b, "text %q\n", t)
		}
		text.Reset()
	}
	for {
		t, err := s.Next(true)
		if err != nil {
			return "", err
		}
		switch t.Kind {
		case EOF:
			flush()
			return b.String(), nil
		case Start:
			flush()
			fmt.Fprintf(&b, "start {%s}%s", t.Space, t.Local)
			for _, a := range t.Attrs {
				fmt.Fprintf(&b, " {%s}%s=%q", a.Space, a.Local, a.Value)
			}
			b.WriteString("\n")
			if t.Empty {
				fmt.Fprintf(&b, "end {%s}%s\n", t.Space, t.Local)
			}
		case End:
			flush()
			fmt.Fprintf(&b, "end {%s}%s\n", t.Space, t.Local)
		case Text:
			text.Write(t.Text)
		}
	}
}

func TestScannerNamespaces(t *testing.T) {
	doc := `<?xml version="1.0"?><s:Envelope xmlns:s="urn:s" xmlns="urn:d"><s:Body a="1" s:b="&amp;2"><x xmlns="urn:x"><y xmlns:s="urn:other" s:c="3"/></x><z/></s:Body></s:Envelope>`
	want, err := stdStream([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanStream([]byte(doc))
	if err != nil || got != want {
		t.Fatalf("scanner:\n%s\nencoding/xml:\n%s\n%v", got, want, err)
	}
}

// FuzzScannerMatchesEncodingXML: on every document encoding/xml reads
// without a directive, the scanner yields the same names, namespaces,
// attributes and text.
func FuzzScannerMatchesEncodingXML(f *testing.F) {
	f.Add([]byte(`<s:Envelope xmlns:s="urn:s"><s:Header><h:x xmlns:h="urn:h" s:mustUnderstand="1">t</h:x></s:Header><s:Body><m:Op xmlns:m="urn:m"><m:a>1 &lt; 2</m:a><b xsi:nil="true" xmlns:xsi="urn:xsi"/></m:Op></s:Body></s:Envelope>`))
	f.Add([]byte(`<a xmlns="urn:1"><b xmlns=""><c/></b><![CDATA[x<y]]><!-- c --><?pi x?></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := stdStream(data)
		if err != nil || bytes.Contains(data, []byte("<!")) {
			return
		}
		got, err := scanStream(data)
		if err != nil {
			// encoding/xml reads text and elements outside a single root;
			// the scanner, like the XML spec, does not.
			if msg := err.Error(); strings.Contains(msg, "document element") {
				return
			}
			// encoding/xml reads a character reference to a non-character
			// (&#xD800;, &#0;) as U+FFFD; the spec's Legal Character
			// constraint makes it not well-formed, and the scanner says so.
			if strings.Contains(err.Error(), "is not an XML character") {
				return
			}
			// encoding/xml keeps a repeated attribute (the spec's Unique
			// Att Spec constraint refuses it) and bounds no start tag.
			if msg := err.Error(); strings.Contains(msg, "repeated") || strings.Contains(msg, "more than") {
				return
			}
			t.Fatalf("the scanner refused what encoding/xml read: %v\n%q", err, data)
		}
		if got != want {
			t.Fatalf("streams differ on %q:\nscanner:\n%s\nencoding/xml:\n%s", data, got, want)
		}
	})
}

// TestScannerManyNamespaces: past the inline few, declarations are indexed
// by prefix; shadowing and scope ends must resolve as encoding/xml does.
func TestScannerManyNamespaces(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<r xmlns:p0="urn:outer">`)
	for i := range 40 {
		fmt.Fprintf(&b, `<e%d xmlns:p%d="urn:%d" xmlns:q="urn:q%d" q:a="1" p0:b="2">`, i, i%12, i, i)
	}
	b.WriteString(`<p0:leaf p3:x="y"/>`)
	for i := 39; i >= 0; i-- {
		fmt.Fprintf(&b, `<q:after p%d:z="%d"/></e%d>`, i%12, i, i)
	}
	b.WriteString(`<p0:last/></r>`)
	doc := []byte(b.String())
	want, err := stdStream(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanStream(doc)
	if err != nil || got != want {
		t.Fatalf("scanner and encoding/xml differ (%v)\nscanner:\n%s\nencoding/xml:\n%s", err, got, want)
	}
}

func TestScannerRefusesHostileStartTags(t *testing.T) {
	many := func(n int, f string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, f, i, i)
		}
		return b.String()
	}
	cases := []struct {
		name, doc string
		ns        bool
		want      string
	}{
		{"repeated attribute", `<a x="1" y="2" x="3"/>`, false, "attribute x repeated"},
		{"repeated among many", `<a ` + many(40, `a%d="%d" `) + `a7="again"/>`, false, "attribute a7 repeated"},
		{"same expanded name", `<a xmlns:p="urn:1" xmlns:q="urn:1" p:x="1" q:x="2"/>`, true, "{urn:1}x repeated"},
		{"same expanded name among many", `<a xmlns:p="urn:1" xmlns:q="urn:1" ` + many(30, `p:a%d="%d" `) + `q:a29="x"/>`, true, "{urn:1}a29 repeated"},
		{"too many attributes", `<a ` + many(DefaultMaxAttrs+1, `a%d="%d" `) + `/>`, false, "more than 256 attributes"},
		{"too many declarations", `<a ` + many(DefaultMaxNamespaces+1, `xmlns:p%d="urn:%d" `) + `/>`, true, "more than 64 namespace declarations"},
	}
	for _, c := range cases {
		s, err := NewScanner([]byte(c.doc), 0, c.ns)
		if err == nil {
			_, err = s.Next(false)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// The bounds are the caller's to set.
	s := &Scanner{MaxAttrs: 2}
	if err := s.Reset([]byte(`<a x="1" y="2" z="3"/>`), 0, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(false); err == nil || !strings.Contains(err.Error(), "more than 2 attributes") {
		t.Errorf("MaxAttrs 2: %v", err)
	}
}

// TestStepIsNext: Step returns the tokens Next does, in the scanner's one
// Token (overwritten call after call, emptied by Reset), and the error Next
// returns.
func TestStepIsNext(t *testing.T) {
	for _, doc := range []string{
		`<a xmlns="urn:x" xmlns:p="urn:p"><p:b c="1">text &amp; more<![CDATA[<raw>]]></p:b><!-- c --><e/>  </a>`,
		`<a><b></a>`,
	} {
		for _, ns := range []bool{false, true} {
			byNext, _ := NewScanner([]byte(doc), 0, ns)
			byStep, _ := NewScanner([]byte(doc), 0, ns)
			var last *Token
			for i := 0; ; i++ {
				want, wantErr := byNext.Next(true)
				got, err := byStep.Step(true)
				if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
					t.Fatalf("%s token %d: Step's error %v, Next's %v", doc, i, err, wantErr)
				}
				if err != nil {
					break
				}
				if last != nil && got != last {
					t.Errorf("%s token %d: Step returned a new Token", doc, i)
				}
				last = got
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("%s token %d: Step %+v, Next %+v", doc, i, *got, want)
				}
				if want.Kind == EOF {
					break
				}
			}
			// A pooled scanner is reset with nil: its token must let the
			// document go too.
			_ = byStep.Reset(nil, 0, ns)
			if last != nil && (last.Name != nil || last.Text != nil || last.Local != nil) {
				t.Errorf("%s: the token still holds %+v after Reset", doc, *last)
			}
		}
	}
}

// TestScannerReusedPrefixes: a scanner reset for document after document,
// with more prefixes than it keeps strings for and the same prefixes bound
// to other namespaces each time, resolves every name by its own document.
func TestScannerReusedPrefixes(t *testing.T) {
	s, _ := NewScanner(nil, 0, true)
	for round := range 3 {
		var doc strings.Builder
		doc.WriteString("<root")
		for i := range 12 {
			fmt.Fprintf(&doc, ` xmlns:p%d="urn:%d:%d"`, i, round, i)
		}
		doc.WriteString(">")
		for i := range 12 {
			fmt.Fprintf(&doc, "<p%d:e/>", i)
		}
		doc.WriteString("</root>")
		if err := s.Reset([]byte(doc.String()), 0, true); err != nil {
			t.Fatal(err)
		}
		for i := -1; i < 12; i++ {
			tok, err := s.Step(false)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("urn:%d:%d", round, i); i >= 0 && tok.Space != want {
				t.Errorf("round %d: <p%d:e> in %q, want %q", round, i, tok.Space, want)
			}
		}
	}
}
