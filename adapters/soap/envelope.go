// Package soap is the SOAP 1.1 and 1.2 front end: an envelope
// codec driven by the WSDL's schema, WS-Security UsernameToken, the session
// header, the published WSDL, and the /soap/{service} handler.
package soap

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// Namespaces the codec speaks.
const (
	NS11       = "http://schemas.xmlsoap.org/soap/envelope/"
	NS12       = "http://www.w3.org/2003/05/soap-envelope"
	NSSession  = "urn:gateway:session"
	NSXSI      = "http://www.w3.org/2001/XMLSchema-instance"
	NSWSSE     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	NSWSU      = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	NSWSA      = "http://www.w3.org/2005/08/addressing"
	NSWSA2004  = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	typeDigest = "#PasswordDigest"
)

// Version is the SOAP version of a request; the reply uses the same.
type Version int

const (
	V11 Version = iota + 1
	V12
)

func (v Version) ns() string {
	if v == V12 {
		return NS12
	}
	return NS11
}

func (v Version) contentType() string {
	if v == V12 {
		return "application/soap+xml; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// faultError is a SOAP-level fault found while decoding: a neutral fault, or
// one of SOAP's own codes (VersionMismatch, MustUnderstand).
type faultError struct {
	fault    *gateway.Fault
	soapCode string     // "VersionMismatch" or "MustUnderstand"; "" for a neutral fault
	headers  []xml.Name // for MustUnderstand: the headers not understood
}

func (e *faultError) Error() string { return e.fault.Message }

func clientFault(format string, args ...any) error {
	return &faultError{fault: gateway.NewFault(gateway.FaultInvalidRequest, format, args...)}
}

func paramFault(format string, args ...any) error {
	return &faultError{fault: gateway.NewFault(gateway.FaultInvalidParams, format, args...)}
}

// UsernameToken is a WS-Security UsernameToken from the Security header.
type UsernameToken struct {
	Username, Password, PasswordType, Nonce, Created string
	TimestampExpires                                 string
}

// Request is a decoded SOAP request.
type Request struct {
	Version       Version
	SessionToken  string // the gw:Session header
	UsernameToken *UsernameToken
	Operation     *wsdl.Operation
	Params        gateway.Struct
}

type decoder struct {
	x        interface{ Token() (xml.Token, error) }
	depth    int
	maxDepth int
	text     strings.Builder
}

// newDecoder reads a whole message and readies the decoder on it; maxDepth
// <= 0 means 64.
func newDecoder(r io.Reader, maxDepth int) (*decoder, error) {
	if maxDepth <= 0 {
		maxDepth = 64
	}
	src, err := newTokens(r, maxDepth)
	if err != nil {
		return nil, parseErr(err)
	}
	return &decoder{x: src, maxDepth: maxDepth}, nil
}

// Decode reads an envelope of version v whose body is an operation of def.
func Decode(r io.Reader, v Version, def *wsdl.Definition, maxDepth int) (*Request, error) {
	d, err := newDecoder(r, maxDepth)
	if err != nil {
		return nil, err
	}
	req := &Request{Version: v}
	env, err := d.start()
	if err != nil {
		return nil, err
	}
	if env.Name.Local != "Envelope" {
		return nil, clientFault("the document is not a SOAP Envelope")
	}
	if env.Name.Space != v.ns() {
		if env.Name.Space == NS11 || env.Name.Space == NS12 {
			return nil, &faultError{fault: gateway.NewFault(gateway.FaultInvalidRequest, "SOAP envelope namespace %s does not match the content type", env.Name.Space), soapCode: "VersionMismatch"}
		}
		return nil, &faultError{fault: gateway.NewFault(gateway.FaultInvalidRequest, "unknown envelope namespace %q", env.Name.Space), soapCode: "VersionMismatch"}
	}
	el, err := d.start()
	if err != nil {
		return nil, err
	}
	if el.Name == (xml.Name{Space: v.ns(), Local: "Header"}) {
		if err := d.header(req); err != nil {
			return nil, err
		}
		if el, err = d.start(); err != nil {
			return nil, err
		}
	}
	if el.Name != (xml.Name{Space: v.ns(), Local: "Body"}) {
		return nil, clientFault("expected the SOAP Body, found <%s>", el.Name.Local)
	}
	wrapper, err := d.start()
	if err != nil {
		if fe := (*faultError)(nil); errors.As(err, &fe) && fe.fault.Kind == gateway.FaultParse {
			return nil, err
		}
		return nil, clientFault("the SOAP Body is empty")
	}
	op := def.OperationByElement(wrapper.Name)
	if op == nil {
		return nil, &faultError{fault: gateway.NewFault(gateway.FaultNoSuchMethod, "no operation takes the element {%s}%s", wrapper.Name.Space, wrapper.Name.Local)}
	}
	req.Operation = op
	v0, err := d.element(wrapper, op.Input, "")
	if err != nil {
		return nil, err
	}
	if v0 == nil {
		req.Params = gateway.Struct{}
	} else {
		req.Params = v0.(gateway.Struct)
	}
	if err := d.endOf("Body"); err != nil {
		return nil, err
	}
	if err := d.endOf("Envelope"); err != nil {
		return nil, err
	}
	return req, d.eof()
}

func parseErr(err error) error {
	var fe *faultError
	var tooLarge *http.MaxBytesError
	if errors.As(err, &fe) || errors.As(err, &tooLarge) {
		return err
	}
	var se *xmltext.Error
	if errors.As(err, &se) {
		if se.Invalid {
			return clientFault("%s", se.Msg)
		}
		return &faultError{fault: gateway.NewFault(gateway.FaultParse, "malformed XML: %s", se.Msg)}
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &faultError{fault: gateway.NewFault(gateway.FaultParse, "malformed XML: line %d: %s", syn.Line, syn.Msg)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &faultError{fault: gateway.NewFault(gateway.FaultParse, "malformed XML: unexpected end of document")}
	}
	return &faultError{fault: gateway.NewFault(gateway.FaultParse, "malformed XML: %v", err)}
}

// token returns the next token, refusing directives (DOCTYPE, ENTITY) and
// bounding the nesting depth.
func (d *decoder) token() (xml.Token, error) {
	tok, err := d.x.Token()
	if err != nil {
		return nil, parseErr(err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		d.depth++
		if d.depth > d.maxDepth {
			return nil, clientFault("nesting deeper than %d elements", d.maxDepth)
		}
	case xml.EndElement:
		d.depth--
	case xml.Directive:
		return nil, &faultError{fault: gateway.NewFault(gateway.FaultParse, "DOCTYPE and other directives are not allowed")}
	case xml.CharData:
		if d.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			return nil, &faultError{fault: gateway.NewFault(gateway.FaultParse, "text outside the document element")}
		}
	}
	return tok, nil
}

// start returns the next start element, skipping blanks and comments.
func (d *decoder) start() (xml.StartElement, error) {
	for {
		tok, err := d.token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, clientFault("unexpected </%s>", t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, clientFault("unexpected text %q", gateway.Clip(string(t)))
			}
		}
	}
}

// endOf reads up to the end of the element called local, which must have no
// further element content.
func (d *decoder) endOf(local string) error {
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			return clientFault("unexpected <%s> in %s", t.Name.Local, local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return clientFault("unexpected text in %s", local)
			}
		}
	}
}

func (d *decoder) eof() error {
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
				return clientFault("text after the envelope")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return clientFault("content after the envelope")
		}
	}
}

// skip consumes the rest of the current element.
func (d *decoder) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// textContent reads character data to the end of the current element,
// element name of parent (the path is only built for an error).
func (d *decoder) textContent(parent, name string) (string, error) {
	d.text.Reset()
	for {
		tok, err := d.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.text.Write(t)
		case xml.EndElement:
			return d.text.String(), nil
		case xml.StartElement:
			return "", paramFault("element %s has a child <%s> where a value was expected", join(parent, name), t.Name.Local)
		}
	}
}

func attr(se xml.StartElement, space, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local && (a.Name.Space == space || space == "") {
			return a.Value, true
		}
	}
	return "", false
}

func (d *decoder) header(req *Request) error {
	var notUnderstood []xml.Name
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		var se xml.StartElement
		switch t := tok.(type) {
		case xml.EndElement:
			if len(notUnderstood) > 0 {
				return &faultError{soapCode: "MustUnderstand", headers: notUnderstood,
					fault: gateway.NewFault(gateway.FaultInvalidRequest, "header {%s}%s is not understood", notUnderstood[0].Space, notUnderstood[0].Local)}
			}
			return nil
		case xml.StartElement:
			se = t
		default:
			continue
		}
		switch {
		case se.Name == xml.Name{Space: NSSession, Local: "Session"}:
			tokenText, err := d.textContent("", "Session")
			if err != nil {
				return err
			}
			req.SessionToken = strings.TrimSpace(tokenText)
		case se.Name == xml.Name{Space: NSWSSE, Local: "Security"}:
			if err := d.security(req); err != nil {
				return err
			}
		case se.Name.Space == NSWSA || se.Name.Space == NSWSA2004:
			// WS-Addressing over HTTP request/reply adds nothing the
			// transport does not already say: understood, and ignored.
			if err := d.skip(); err != nil {
				return err
			}
		default:
			mu, _ := attr(se, req.Version.ns(), "mustUnderstand")
			if mu = strings.TrimSpace(mu); mu == "1" || mu == "true" {
				notUnderstood = append(notUnderstood, se.Name)
			}
			if err := d.skip(); err != nil {
				return err
			}
		}
	}
}

// security reads a wsse:Security header: UsernameToken and wsu:Timestamp.
func (d *decoder) security(req *Request) error {
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			switch t.Name.Local {
			case "UsernameToken":
				ut := req.UsernameToken // a Timestamp may have come first
				if ut == nil {
					ut = &UsernameToken{}
				}
				if err := d.usernameToken(ut); err != nil {
					return err
				}
				req.UsernameToken = ut
			case "Timestamp":
				created, expires, err := d.timestamp()
				if err != nil {
					return err
				}
				if req.UsernameToken == nil {
					req.UsernameToken = &UsernameToken{}
				}
				if req.UsernameToken.Created == "" {
					req.UsernameToken.Created = created
				}
				req.UsernameToken.TimestampExpires = expires
			default:
				if err := d.skip(); err != nil {
					return err
				}
			}
		}
	}
}

// textChildren reads the current element's children, each of text only,
// to its end, handing each to each.
func (d *decoder) textChildren(each func(se xml.StartElement, text string)) error {
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			text, err := d.textContent("", t.Name.Local)
			if err != nil {
				return err
			}
			each(t, text)
		}
	}
}

func (d *decoder) usernameToken(ut *UsernameToken) error {
	return d.textChildren(func(se xml.StartElement, text string) {
		switch se.Name.Local {
		case "Username":
			ut.Username = strings.TrimSpace(text)
		case "Password":
			ut.Password = text
			ut.PasswordType, _ = attr(se, "", "Type")
		case "Nonce":
			ut.Nonce = strings.TrimSpace(text)
		case "Created":
			ut.Created = strings.TrimSpace(text)
		}
	})
}

func (d *decoder) timestamp() (created, expires string, err error) {
	err = d.textChildren(func(se xml.StartElement, text string) {
		switch se.Name.Local {
		case "Created":
			created = strings.TrimSpace(text)
		case "Expires":
			expires = strings.TrimSpace(text)
		}
	})
	return created, expires, err
}

// element decodes the content of se (whose start was read) as el, a child
// of the element at path parent ("" for the wrapper).
func (d *decoder) element(se xml.StartElement, el *wsdl.Element, parent string) (any, error) {
	if nilAttr, ok := attr(se, NSXSI, "nil"); ok && (strings.TrimSpace(nilAttr) == "true" || strings.TrimSpace(nilAttr) == "1") {
		return nil, d.skip()
	}
	switch el.Type.Kind {
	case wsdl.KindStruct:
		return d.structContent(el, join(parent, el.Name.Local))
	case wsdl.KindAny:
		return d.anyContent(join(parent, el.Name.Local))
	}
	text, err := d.textContent(parent, el.Name.Local)
	if err != nil {
		return nil, err
	}
	return parseScalar(el.Type, text, parent, el.Name.Local)
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func (d *decoder) structContent(el *wsdl.Element, path string) (any, error) {
	fields := el.Type.Fields
	values := make([]any, len(fields))
	seen := make([]bool, len(fields))
	for {
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			out := make(gateway.Struct, 0, len(fields))
			for i, f := range fields {
				if seen[i] {
					out = append(out, gateway.Member{Name: f.Name.Local, Value: values[i]})
				}
			}
			return out, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, paramFault("element %s: unexpected text %q", path, gateway.Clip(string(t)))
			}
		case xml.StartElement:
			i := fieldIndex(fields, t.Name.Local)
			if i < 0 {
				return nil, paramFault("element %s: unexpected element <%s>", path, t.Name.Local)
			}
			f := fields[i]
			v, err := d.element(t, f, path)
			if err != nil {
				return nil, err
			}
			switch {
			case f.Repeated():
				list, _ := values[i].([]any)
				if f.Max > 0 && len(list) >= f.Max {
					return nil, paramFault("element %s.%s: more than %d occurrences", path, f.Name.Local, f.Max)
				}
				values[i] = append(list, v)
			case seen[i]:
				return nil, paramFault("element %s.%s appears more than once", path, f.Name.Local)
			default:
				values[i] = v
			}
			seen[i] = true
		}
	}
}

// anyContent decodes xsd:anyType content: text, or child elements as a
// struct (repeated names as arrays).
func (d *decoder) anyContent(path string) (any, error) {
	var st gateway.Struct
	d.text.Reset()
	for {
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if st != nil {
				return st, nil
			}
			return d.text.String(), nil
		case xml.CharData:
			d.text.Write(t)
		case xml.StartElement:
			saved := d.text.String()
			v, err := d.anyContent(path + "." + t.Name.Local)
			if err != nil {
				return nil, err
			}
			d.text.Reset()
			d.text.WriteString(saved)
			if prev, ok := st.Get(t.Name.Local); ok {
				list, isList := prev.([]any)
				if !isList {
					list = []any{prev}
				}
				for i := range st {
					if st[i].Name == t.Name.Local {
						st[i].Value = append(list, v)
					}
				}
				continue
			}
			st = append(st, gateway.Member{Name: t.Name.Local, Value: v})
		}
	}
}

func fieldIndex(fields []*wsdl.Element, local string) int {
	for i, f := range fields {
		if f.Name.Local == local {
			return i
		}
	}
	return -1
}

// parseScalar reads an XSD lexical form as a neutral value.
func parseScalar(t *wsdl.Type, text, parent, name string) (any, error) {
	bad := func() error {
		return paramFault("element %s: %q is not a valid %s", join(parent, name), gateway.Clip(text), t.XSDName)
	}
	s := strings.TrimSpace(text)
	switch t.Kind {
	case wsdl.KindString:
		return text, nil
	case wsdl.KindInt, wsdl.KindLong:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case wsdl.KindBool:
		switch s {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, bad()
	case wsdl.KindDouble:
		switch s {
		case "INF":
			return math.Inf(1), nil
		case "-INF":
			return math.Inf(-1), nil
		case "NaN":
			return math.NaN(), nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, "xXpP_") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") {
			return nil, bad()
		}
		return f, nil
	case wsdl.KindDateTime:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if v, err := time.Parse(layout, s); err == nil {
				return v, nil
			}
		}
		return nil, bad()
	case wsdl.KindBase64:
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, bad()
		}
		return b, nil
	case wsdl.KindHex:
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, bad()
		}
		return b, nil
	}
	return text, nil
}
