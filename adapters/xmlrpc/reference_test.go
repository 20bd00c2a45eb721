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
	"gateway/gateway"
)

// referenceDecodeCall and the decoder below are the encoding/xml decoder the
// scanner replaced, kept as the reference the scanner is fuzzed against.
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
	sc := &scanner{} // reused across inputs, as the handler's pool does
	f.Fuzz(func(t *testing.T, data []byte) {
		m1, p1, err1 := sc.decodeCall(data, 32)
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

// decoder reads one methodCall from a token stream, without building a tree.
type decoder struct {
	x        *xml.Decoder
	depth    int
	maxDepth int
	text     strings.Builder
}

// next returns the next token that matters: start or end elements and
// non-blank text. Comments and processing instructions are skipped; any
// directive (DOCTYPE, ENTITY) is refused, so no entity is ever expanded.
func (d *decoder) next() (xml.Token, error) {
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, parseErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			d.depth++
			if d.depth > d.maxDepth {
				return nil, invalid("nesting deeper than %d elements", d.maxDepth)
			}
			return t, nil
		case xml.EndElement:
			d.depth--
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				if d.depth == 0 {
					return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: text outside the document element"}
				}
				return t, nil
			}
		case xml.Directive:
			return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: DOCTYPE and other directives are not allowed"}
		}
	}
}

func (d *decoder) expectStart(local string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	se, ok := tok.(xml.StartElement)
	if !ok || se.Name.Local != local {
		return invalid("expected <%s>", local)
	}
	return nil
}

func (d *decoder) expectEOF() error {
	for {
		tok, err := d.x.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return invalid("text after the document")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return invalid("content after the document")
		}
	}
}

// textUntilEnd reads character data up to the end of the current element;
// any child element is an error.
func (d *decoder) textUntilEnd() (string, error) {
	d.text.Reset()
	for {
		tok, err := d.x.Token()
		if err != nil {
			return "", parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.text.Write(t)
		case xml.EndElement:
			d.depth--
			return d.text.String(), nil
		case xml.StartElement:
			return "", invalid("unexpected <%s> in a scalar", t.Name.Local)
		case xml.Directive:
			return "", &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: directives are not allowed"}
		}
	}
}

func (d *decoder) params() ([]any, error) {
	var out []any
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.StartElement:
			if t.Name.Local != "param" {
				return nil, invalid("unexpected <%s> in params", t.Name.Local)
			}
			if err := d.expectStart("value"); err != nil {
				return nil, err
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			if err := d.expectEnd("param"); err != nil {
				return nil, err
			}
		default:
			return nil, invalid("text in params")
		}
	}
}

func (d *decoder) expectEnd(local string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return invalid("expected </%s>", local)
	}
	return nil
}

// value reads the content of a <value> whose start has been read, and its end.
func (d *decoder) value() (any, error) {
	d.text.Reset()
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, parseErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.text.Write(t)
		case xml.EndElement:
			d.depth--
			return d.text.String(), nil // no type element: a string
		case xml.StartElement:
			if strings.TrimSpace(d.text.String()) != "" {
				return nil, invalid("text beside <%s> in a value", t.Name.Local)
			}
			d.depth++
			if d.depth > d.maxDepth {
				return nil, invalid("nesting deeper than %d elements", d.maxDepth)
			}
			v, err := d.typed(t.Name.Local)
			if err != nil {
				return nil, err
			}
			return v, d.expectEnd("value")
		case xml.Directive:
			return nil, &DecodeError{Kind: gateway.FaultParse, Msg: "parse error: directives are not allowed"}
		}
	}
}

func (d *decoder) typed(kind string) (any, error) {
	switch kind {
	case "struct":
		return d.structValue()
	case "array":
		return d.arrayValue()
	case "nil":
		if _, err := d.textUntilEnd(); err != nil {
			return nil, err
		}
		return nil, nil
	}
	text, err := d.textUntilEnd()
	if err != nil {
		return nil, err
	}
	return scalar(kind, text)
}

func (d *decoder) structValue() (gateway.Struct, error) {
	var out gateway.Struct
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if out == nil {
				out = gateway.Struct{}
			}
			return out, nil
		case xml.StartElement:
			if t.Name.Local != "member" {
				return nil, invalid("unexpected <%s> in struct", t.Name.Local)
			}
			m, err := d.member()
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		default:
			return nil, invalid("text in struct")
		}
	}
}

// member reads <name> and <value> in either order (some clients swap them).
func (d *decoder) member() (gateway.Member, error) {
	var m gateway.Member
	var haveName, haveValue bool
	for {
		tok, err := d.next()
		if err != nil {
			return m, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !haveName || !haveValue {
				return m, invalid("struct member without name or value")
			}
			return m, nil
		case xml.StartElement:
			switch {
			case t.Name.Local == "name" && !haveName:
				name, err := d.textUntilEnd()
				if err != nil {
					return m, err
				}
				m.Name, haveName = name, true
			case t.Name.Local == "value" && !haveValue:
				v, err := d.value()
				if err != nil {
					return m, err
				}
				m.Value, haveValue = v, true
			default:
				return m, invalid("unexpected <%s> in member", t.Name.Local)
			}
		default:
			return m, invalid("text in member")
		}
	}
}

func (d *decoder) arrayValue() ([]any, error) {
	if err := d.expectStart("data"); err != nil {
		return nil, err
	}
	out := []any{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement: // </data>
			return out, d.expectEnd("array")
		case xml.StartElement:
			if t.Name.Local != "value" {
				return nil, invalid("unexpected <%s> in array", t.Name.Local)
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		default:
			return nil, invalid("text in array")
		}
	}
}
