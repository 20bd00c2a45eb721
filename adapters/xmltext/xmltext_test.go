package xmltext

import (
	"io"
	"strings"
	"testing"
)

func TestAppend(t *testing.T) {
	got := string(Append(nil, "a<b>&\"c\r\x01\xff\uFFFEé"))
	if want := "a&lt;b&gt;&amp;&quot;c&#xD;\uFFFD\uFFFD\uFFFDé"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
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
