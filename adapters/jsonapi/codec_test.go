package jsonapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestAppendStringReadsBack: every string written by the hand-written
// escaper reads back through encoding/json as what encoding/json itself
// makes of it (the same text, invalid UTF-8 as U+FFFD).
func TestAppendStringReadsBack(t *testing.T) {
	for _, s := range []string{
		"", "Widget", `say "hi"`, `back\slash`, "line\nfeed\r\ttab", "\x00\x01\x1f\x7f",
		"<a href='x'>&amp;</a>", "naïve café 日本 🎉", "bad \xff byte", "cut \xe6\x97", "sep\u2028para\u2029",
	} {
		got := appendString(nil, s)
		if !json.Valid(got) {
			t.Errorf("%q: not valid JSON: %s", s, got)
			continue
		}
		var back, want string
		_ = json.Unmarshal(got, &back)
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &want)
		if back != want || !utf8.Valid(got) {
			t.Errorf("%q: wrote %s, reads back %q, encoding/json %q", s, got, back, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("Widget \"x\" \\ \n \xff \u2028")
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %s is not a JSON string: %v", s, got, err)
		}
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &want)
		if back != want {
			t.Fatalf("%q: reads back %q, encoding/json %q", s, back, want)
		}
	})
}

// decodeWithStd is the first version of decodeObject, on encoding/json's
// Token API: the oracle the hand-written reader is held to.
func decodeWithStd(body []byte, maxDepth int) (map[string]any, error) {
	// An empty body is no parameters; empty by JSON's whitespace (the
	// first version used bytes.TrimSpace, which also took \v and U+0085
	// for space: a quirk the reader does not keep).
	if len(bytes.Trim(body, " \t\r\n")) == 0 {
		return map[string]any{}, nil
	}
	if !utf8.Valid(body) {
		return nil, errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var read func(depth int) (any, error)
	read = func(depth int) (any, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case json.Delim('{'):
			if depth >= maxDepth {
				return nil, errors.New("too deep")
			}
			obj := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				if _, dup := obj[key]; dup {
					return nil, errors.New("twice")
				}
				v, err := read(depth + 1)
				if err != nil {
					return nil, err
				}
				obj[key] = v
			}
			_, err := dec.Token()
			return obj, err
		case json.Delim('['):
			if depth >= maxDepth {
				return nil, errors.New("too deep")
			}
			list := []any{}
			for dec.More() {
				v, err := read(depth + 1)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		if n, ok := tok.(json.Number); ok && len(n) > maxNumberLen {
			return nil, errors.New("long number")
		}
		return tok, nil
	}
	v, err := read(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not an object")
	}
	return obj, nil
}

var decodeSeeds = []string{
	`{}`, ` { } `, `{"sku":"A-1"}`, `{"a":1,"a":2}`, `[1,2]`, `"x"`, `{"a":[1,2.5,-0,1e10,-1.5E-3,true,false,null,{}]}`,
	`{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83c\udf89 \ud800 \udc00x \u12"}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`,
	`{"a":1e}`, `{"a":tru}`, `{"a":nul}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `{"a":1}{}`, `{"a":1} x`, "{\"a\":\"\x01\"}", `{"a":"`,
	`{"a":[[[[[[[[[[1]]]]]]]]]]}`, `{"\u0061":1,"a":2}`, "\ufeff{}", `{"a":1}` + "\n", `{"big":` + strings.Repeat("9", 5000) + `}`,
}

// TestReaderMatchesEncodingJSON: on valid and broken bodies the reader
// accepts what encoding/json's Token API accepted, refuses what it
// refused, and reads the same values.
func TestReaderMatchesEncodingJSON(t *testing.T) {
	for _, body := range decodeSeeds {
		sameAsStd(t, []byte(body))
	}
}

func FuzzReaderMatchesEncodingJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameAsStd(t, body) })
}

func sameAsStd(t *testing.T, body []byte) {
	t.Helper()
	got, err := decodeObject(body, 8)
	want, stdErr := decodeWithStd(body, 8)
	if (err == nil) != (stdErr == nil) {
		t.Fatalf("%q: reader %v, encoding/json %v", body, err, stdErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: reader %#v, encoding/json %#v", body, got, want)
	}
}
