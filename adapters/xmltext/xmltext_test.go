package xmltext

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	got := string(Append(nil, "a<b>&\"c\r\x01\xff\uFFFEé"))
	if want := "a&lt;b&gt;&amp;&quot;c&#xD;\uFFFD\uFFFD\uFFFDé"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

// FuzzAppend reads what Append wrote back with encoding/xml: it must be
// well-formed, and carry the string itself, each character XML cannot hold
// (and each byte of invalid UTF-8) read as U+FFFD.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "a<b>&\"c\r\x01\xff\uFFFE\u00e9", "\t\n'x'", "\xe2\x82", "\U0001F600<", strings.Repeat("ab&", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want strings.Builder
		for _, r := range s { // invalid UTF-8 ranges as utf8.RuneError
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
				r = utf8.RuneError
			}
			want.WriteRune(r)
		}
		doc := append(append([]byte("<t a=\""), Append(nil, s)...), "\">"...)
		doc = append(append(doc, Append(nil, s)...), "</t>"...)
		var got struct {
			A    string `xml:"a,attr"`
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal(doc, &got); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if got.Text != want.String() {
			t.Errorf("text of %q: got %q want %q", s, got.Text, want.String())
		}
		if got.A != want.String() { // encoding/xml does not normalize an attribute's blanks
			t.Errorf("attribute of %q: got %q", s, got.A)
		}
	})
}

func TestCharsetReader(t *testing.T) {
	r, err := CharsetReader("ISO-8859-1", strings.NewReader("caf\xe9"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if string(b) != "café" {
		t.Errorf("%q", b)
	}
	if _, err := CharsetReader("EBCDIC", nil); err == nil {
		t.Error("EBCDIC accepted")
	}
}
