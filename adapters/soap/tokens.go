package soap

import (
	"bytes"
	"encoding/xml"
	"io"

	"gateway/adapters/xmltext"
)

// tokens feeds the decoder from the shared hand-written scanner
// (adapters/xmltext), in encoding/xml's token types, which the decoder is
// written in: namespaces resolved, a self-closing element as a start and an
// end, text valid until the next token.
type tokens struct {
	s       *xmltext.Scanner
	pending *xml.EndElement
}

// newTokens reads the whole message (the caller bounds its size) and starts
// the scanner on it.
func newTokens(r io.Reader, maxDepth int) (*tokens, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	s, err := xmltext.NewScanner(buf.Bytes(), maxDepth, true)
	if err != nil {
		return nil, err
	}
	return &tokens{s: s}, nil
}

// Token returns the next token, or io.EOF after the document.
func (t *tokens) Token() (xml.Token, error) {
	if t.pending != nil {
		end := *t.pending
		t.pending = nil
		return end, nil
	}
	tok, err := t.s.Next(true)
	if err != nil {
		return nil, err
	}
	switch tok.Kind {
	case xmltext.Start:
		name := xml.Name{Space: tok.Space, Local: string(tok.Local)}
		var attrs []xml.Attr
		if len(tok.Attrs) > 0 {
			attrs = make([]xml.Attr, len(tok.Attrs))
			for i, a := range tok.Attrs {
				attrs[i] = xml.Attr{Name: xml.Name{Space: a.Space, Local: a.Local}, Value: a.Value}
			}
		}
		if tok.Empty {
			t.pending = &xml.EndElement{Name: name}
		}
		return xml.StartElement{Name: name, Attr: attrs}, nil
	case xmltext.End:
		return xml.EndElement{Name: xml.Name{Space: tok.Space, Local: string(tok.Local)}}, nil
	case xmltext.Text:
		return xml.CharData(tok.Text), nil
	}
	return nil, io.EOF
}
