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
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
	Params        gateway.Struct // with the operation's declared header values as wsdl.HeadersMember
	Addressing    *Addressing    // the WS-Addressing headers, if any

	headerBlocks []headerBlock // header blocks the gateway does not handle itself, for the operation
}

// headerBlock is a header block read before the operation is known.
type headerBlock struct {
	node           *encNode
	mustUnderstand bool
}

// decoder reads a SOAP message with the shared scanner (adapters/xmltext),
// on its tokens directly: names are compared as bytes, and only what the
// request keeps is copied. A self-closing element reads as a start and an
// end. Handlers pool decoders; one reused decodes without allocating for the
// scanner's state.
type decoder struct {
	x       xmltext.Scanner
	pending bool          // an end is due for a self-closing start
	end     xmltext.Token // that end
	text    strings.Builder
	action  string       // the request's SOAP action, which picks a bare operation an empty Body calls
	req     Request      // the plain reader's Request: the caller's until it releases d
	out     schemaWriter // writes the call's walked answer (the handler's decoders are per call)

	// lenient reads an upstream's answer past unknown and repeated
	// elements, noting each in deviations (never set for requests).
	lenient    bool
	deviations []string
}

// knownNamespaces are returned by the scanner without a copy.
var knownNamespaces = []string{NS11, NS12, NSSession, NSXSI, NSWSSE, NSWSU, NSWSA, NSWSA2004, "http://www.w3.org/2001/XMLSchema"}

// reset readies d on a whole message; maxDepth <= 0 means 64. known are
// further namespaces the message is likely to declare (the service's).
func (d *decoder) reset(src []byte, maxDepth int, known []string) error {
	d.pending = false
	d.text.Reset()
	d.x.Known = known
	if err := d.x.Reset(src, maxDepth, true); err != nil {
		return parseErr(err)
	}
	return nil
}

// release drops the message before the decoder goes back to a pool.
func (d *decoder) release() {
	_ = d.x.Reset(nil, 0, true)
	d.end, d.action, d.req = xmltext.Token{}, "", Request{}
}

// newDecoder reads a whole message from r and readies a new decoder on it.
func newDecoder(r io.Reader, maxDepth int, known []string) (*decoder, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, parseErr(err)
	}
	d := &decoder{}
	return d, d.reset(src, maxDepth, known)
}

// Decode reads an envelope of version v whose body is an operation of def.
func Decode(r io.Reader, v Version, def *wsdl.Definition, maxDepth int) (*Request, error) {
	d, err := newDecoder(r, maxDepth, namespacesOf(def))
	if err != nil {
		return nil, err
	}
	return d.request(v, def)
}

// namespacesOf lists the namespaces of def's messages with the codec's own.
func namespacesOf(def *wsdl.Definition) []string {
	known := append([]string(nil), knownNamespaces...)
	for _, op := range def.Operations {
		for _, el := range []*wsdl.Element{op.Input, op.Output} {
			if el != nil && el.Name.Space != "" && !slices.Contains(known, el.Name.Space) {
				known = append(known, el.Name.Space)
			}
		}
	}
	return known
}

// is reports whether t is named {space}local.
func is(t xmltext.Token, space, local string) bool {
	return t.Space == space && string(t.Local) == local
}

func nameOf(t xmltext.Token) xml.Name { return xml.Name{Space: t.Space, Local: string(t.Local)} }

// request decodes the message d was reset on.
func (d *decoder) request(v Version, def *wsdl.Definition) (*Request, error) {
	if req, ok := d.plainRequest(v, def); ok {
		return req, nil
	}
	return d.scanRequest(v, def)
}

// scanRequest decodes the message d was reset on, token by token.
func (d *decoder) scanRequest(v Version, def *wsdl.Definition) (*Request, error) {
	req := &Request{Version: v}
	env, err := d.start()
	if err != nil {
		return nil, err
	}
	if string(env.Local) != "Envelope" {
		return nil, clientFault("the document is not a SOAP Envelope")
	}
	if env.Space != v.ns() {
		if env.Space == NS11 || env.Space == NS12 {
			return nil, &faultError{fault: gateway.NewFault(gateway.FaultInvalidRequest, "SOAP envelope namespace %s does not match the content type", env.Space), soapCode: "VersionMismatch"}
		}
		return nil, &faultError{fault: gateway.NewFault(gateway.FaultInvalidRequest, "unknown envelope namespace %q", env.Space), soapCode: "VersionMismatch"}
	}
	el, err := d.start()
	if err != nil {
		return nil, err
	}
	if is(el, v.ns(), "Header") {
		if err := d.header(req); err != nil {
			return nil, err
		}
		if el, err = d.start(); err != nil {
			return nil, err
		}
	}
	if !is(el, v.ns(), "Body") {
		return nil, clientFault("expected the SOAP Body, found <%s>", el.Local)
	}
	wrapper, err := d.start()
	if err != nil {
		if wrapper.Kind != xmltext.End { // not well-formed, or refused for its structure: say which
			return nil, err
		}
		// An empty Body is the call of a bare operation without input.
		if req.Operation = emptyBareOperation(def, d.action); req.Operation == nil {
			return nil, clientFault("the SOAP Body is empty")
		}
		req.Params = gateway.Struct{}
		if err := req.operationHeaders(req.Operation); err != nil {
			return nil, err
		}
		if err := d.endOf("Envelope"); err != nil {
			return nil, err
		}
		return req, d.eof()
	}
	op := operationOf(def, wrapper, d.action)
	if op == nil {
		return nil, &faultError{fault: gateway.NewFault(gateway.FaultNoSuchMethod, "no operation takes the element {%s}%s", wrapper.Space, wrapper.Local)}
	}
	req.Operation = op
	var v0 any
	switch {
	case op.Input.Encoded:
		// The wrapper and the multiRefs after it, to the Body's end.
		v0, err = d.encodedMessage(wrapper, op.Input)
	case op.Input.Bare:
		// The Body is the wrapper: its children, the first already read,
		// are the parameters, and its end ends them.
		v0, err = d.structContent(op.Input, "", &wrapper)
	default:
		v0, err = d.element(wrapper, op.Input, "")
	}
	if err != nil {
		return nil, err
	}
	if v0 == nil {
		req.Params = gateway.Struct{}
	} else {
		req.Params = v0.(gateway.Struct)
	}
	if err := req.operationHeaders(op); err != nil {
		return nil, err
	}
	if !op.Input.Bare && !op.Input.Encoded {
		if err := d.endOf("Body"); err != nil {
			return nil, err
		}
	}
	if err := d.endOf("Envelope"); err != nil {
		return nil, err
	}
	return req, d.eof()
}

// operationOf is the operation whose input element t is: by its qualified
// name, without a copy of it in the usual case; for a bare operation, the
// one whose first parameter t is (the SOAP action decides between bare
// operations that begin with the same element).
func operationOf(def *wsdl.Definition, t xmltext.Token, action string) *wsdl.Operation {
	for _, op := range def.Operations {
		if !op.Input.Bare && is(t, op.Input.Name.Space, op.Input.Name.Local) {
			return op
		}
	}
	var bare *wsdl.Operation
	for _, op := range def.Operations {
		if f := op.Input.Type.Fields; op.Input.Bare && len(f) > 0 && is(t, f[0].Name.Space, f[0].Name.Local) {
			if action != "" && (op.Action == action || op.Name == action) {
				return op
			}
			if bare == nil {
				bare = op
			}
		}
	}
	if bare != nil {
		return bare
	}
	return def.OperationByElement(nameOf(t)) // the lenient matches, by local name
}

// emptyBareOperation is the bare operation without input parameters that
// an empty Body calls: the one the SOAP action names, or the only one.
func emptyBareOperation(def *wsdl.Definition, action string) *wsdl.Operation {
	var only *wsdl.Operation
	n := 0
	for _, op := range def.Operations {
		if !op.Input.Bare || len(op.Input.Type.Fields) > 0 {
			continue
		}
		if action != "" && (op.Action == action || op.Name == action) {
			return op
		}
		only = op
		n++
	}
	if n == 1 {
		return only
	}
	return nil
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

// token returns the next token; the end of the document before the end of
// the envelope is a parse error.
func (d *decoder) token() (xmltext.Token, error) {
	if d.pending {
		d.pending = false
		return d.end, nil
	}
	t, err := d.x.Step(true)
	if err != nil {
		return xmltext.Token{}, parseErr(err)
	}
	switch {
	case t.Kind == xmltext.EOF:
		return *t, &faultError{fault: gateway.NewFault(gateway.FaultParse, "malformed XML: unexpected end of document")}
	case t.Kind == xmltext.Start && t.Empty:
		d.pending = true
		d.end = xmltext.Token{Kind: xmltext.End, Name: t.Name, Local: t.Local, Space: t.Space}
	}
	return *t, nil
}

// start returns the next start element, skipping blanks.
func (d *decoder) start() (xmltext.Token, error) {
	for {
		t, err := d.token()
		if err != nil {
			return t, err
		}
		switch t.Kind {
		case xmltext.Start:
			return t, nil
		case xmltext.End:
			return t, clientFault("unexpected </%s>", t.Local)
		case xmltext.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return t, clientFault("unexpected text %q", gateway.Clip(string(t.Text)))
			}
		}
	}
}

// endOf reads up to the end of the element called local, which must have no
// further element content.
func (d *decoder) endOf(local string) error {
	for {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmltext.End:
			return nil
		case xmltext.Start:
			return clientFault("unexpected <%s> in %s", t.Local, local)
		case xmltext.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return clientFault("unexpected text in %s", local)
			}
		}
	}
}

func (d *decoder) eof() error {
	for {
		t, err := d.x.Next(true)
		if err != nil {
			return parseErr(err)
		}
		switch t.Kind {
		case xmltext.EOF:
			return nil
		case xmltext.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return clientFault("text after the envelope")
			}
		default:
			return clientFault("content after the envelope")
		}
	}
}

// skip consumes the rest of the current element.
func (d *decoder) skip() error {
	for depth := 1; depth > 0; {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmltext.Start:
			depth++
		case xmltext.End:
			depth--
		}
	}
	return nil
}

// eachChild reads the current element's content to its end, handing each
// child's start tag to fn, which reads the child whole; text between the
// children is ignored.
func (d *decoder) eachChild(fn func(t xmltext.Token) error) error {
	for {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmltext.End:
			return nil
		case xmltext.Start:
			if err := fn(t); err != nil {
				return err
			}
		}
	}
}

// textContent reads character data to the end of the current element,
// element name of parent (the path is only built for an error).
func (d *decoder) textContent(parent, name string) (string, error) {
	d.text.Reset()
	for {
		t, err := d.token()
		if err != nil {
			return "", err
		}
		switch t.Kind {
		case xmltext.Text:
			d.text.Write(t.Text)
		case xmltext.End:
			return d.text.String(), nil
		case xmltext.Start:
			return "", paramFault("element %s has a child <%s> where a value was expected", join(parent, name), t.Local)
		}
	}
}

func attr(t xmltext.Token, space, local string) (string, bool) {
	for _, a := range t.Attrs {
		if a.Local == local && (a.Space == space || space == "") {
			return a.Value, true
		}
	}
	return "", false
}

func (d *decoder) header(req *Request) error {
	return d.eachChild(func(t xmltext.Token) error {
		switch {
		case is(t, NSSession, "Session"):
			tokenText, err := d.textContent("", "Session")
			if err != nil {
				return err
			}
			req.SessionToken = strings.TrimSpace(tokenText)
			return nil
		case is(t, NSWSSE, "Security"):
			return d.security(req)
		case t.Space == NSWSA || t.Space == NSWSA2004:
			return d.addressingHeader(req, t)
		default:
			// Kept until the operation is known: it may declare the block
			// (a soap:header part); if not, mustUnderstand decides.
			mu, _ := attr(t, req.Version.ns(), "mustUnderstand")
			mu = strings.TrimSpace(mu)
			n, err := d.encTree(t)
			if err != nil {
				return err
			}
			req.headerBlocks = append(req.headerBlocks, headerBlock{node: n, mustUnderstand: mu == "1" || mu == "true"})
			return nil
		}
	})
}

// operationHeaders decodes the header blocks op declares into the
// parameters' wsdl.HeadersMember; a block it does not declare that must be
// understood is a MustUnderstand fault.
func (req *Request) operationHeaders(op *wsdl.Operation) error {
	var notUnderstood []xml.Name
	var values gateway.Struct
	var e *encDecoder
	for _, b := range req.headerBlocks {
		el := headerElement(op.InputHeaders, b.node)
		if el == nil {
			if b.mustUnderstand {
				notUnderstood = append(notUnderstood, xml.Name{Space: b.node.space, Local: b.node.local})
			}
			continue
		}
		if e == nil {
			nodes := make([]*encNode, len(req.headerBlocks))
			for i, hb := range req.headerBlocks {
				nodes[i] = hb.node
			}
			e = newEncDecoder(nodes)
		}
		v, err := e.value(b.node, el.Type, wsdl.HeadersMember+"."+el.Name.Local)
		if err != nil {
			return err
		}
		values = append(values, gateway.Member{Name: el.Name.Local, Value: v})
	}
	req.headerBlocks = nil
	if len(notUnderstood) > 0 {
		return &faultError{soapCode: "MustUnderstand", headers: notUnderstood,
			fault: gateway.NewFault(gateway.FaultInvalidRequest, "header {%s}%s is not understood", notUnderstood[0].Space, notUnderstood[0].Local)}
	}
	if len(values) > 0 {
		req.Params = append(req.Params, gateway.Member{Name: wsdl.HeadersMember, Value: values})
	}
	return nil
}

// headerElement is the declared header element a block is: by qualified
// name, else by local name.
func headerElement(declared []*wsdl.Element, n *encNode) *wsdl.Element {
	var byLocal *wsdl.Element
	for _, el := range declared {
		if el.Name.Local != n.local {
			continue
		}
		if el.Name.Space == n.space {
			return el
		}
		byLocal = el
	}
	return byLocal
}

// security reads a wsse:Security header: UsernameToken and wsu:Timestamp.
func (d *decoder) security(req *Request) error {
	return d.eachChild(func(t xmltext.Token) error {
		switch string(t.Local) {
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
			return d.skip()
		}
		return nil
	})
}

// textChildren reads the current element's children, each of text only,
// to its end, handing each to each (with the child's start tag).
func (d *decoder) textChildren(each func(t xmltext.Token, text string)) error {
	return d.eachChild(func(t xmltext.Token) error {
		text, err := d.textContent("", string(t.Local))
		if err == nil {
			each(t, text)
		}
		return err
	})
}

func (d *decoder) usernameToken(ut *UsernameToken) error {
	return d.textChildren(func(t xmltext.Token, text string) {
		switch string(t.Local) {
		case "Username":
			ut.Username = strings.TrimSpace(text)
		case "Password":
			ut.Password = text
			ut.PasswordType, _ = attr(t, "", "Type")
		case "Nonce":
			ut.Nonce = strings.TrimSpace(text)
		case "Created":
			ut.Created = strings.TrimSpace(text)
		}
	})
}

func (d *decoder) timestamp() (created, expires string, err error) {
	err = d.textChildren(func(t xmltext.Token, text string) {
		switch string(t.Local) {
		case "Created":
			created = strings.TrimSpace(text)
		case "Expires":
			expires = strings.TrimSpace(text)
		}
	})
	return created, expires, err
}

// element decodes the content of the element t starts (already read) as
// el, a child of the element at path parent ("" for the wrapper).
func (d *decoder) element(t xmltext.Token, el *wsdl.Element, parent string) (any, error) {
	if nilAttr, ok := attr(t, NSXSI, "nil"); ok && (strings.TrimSpace(nilAttr) == "true" || strings.TrimSpace(nilAttr) == "1") {
		return nil, d.skip()
	}
	switch el.Type.Kind {
	case wsdl.KindStruct:
		if len(el.Type.Derived) > 0 {
			if derived := d.derivedType(t, el.Type); derived != nil {
				// A derived type sent where its base is declared: decoded
				// with its own members, and named, so that it is sent on
				// with its xsi:type.
				de := *el
				de.Type = derived
				v, err := d.element(t, &de, parent)
				if st, ok := v.(gateway.Struct); ok && err == nil {
					return append(gateway.Struct{{Name: wsdl.TypeMember, Value: derived.Name.Local}}, st...), nil
				}
				return v, err
			}
		}
		if len(el.Type.Attrs) == 0 && el.Type.Text == nil {
			return d.structContent(el, parent, nil)
		}
		return d.attributedContent(t, el, parent)
	case wsdl.KindAny:
		return d.anyContent(join(parent, el.Name.Local))
	}
	if el.Type.XSDName == "QName" {
		return d.qnameContent(parent, el.Name.Local)
	}
	text, err := d.textContent(parent, el.Name.Local)
	if err != nil {
		return nil, err
	}
	return parseScalar(el.Type, text, parent, el.Name.Local)
}

// qnameContent reads an xs:QName value as {namespace}local (Clark
// notation): its prefix means something only where it stands, so it is
// resolved before the element's end takes its declarations out of scope,
// and a new prefix is declared wherever the value is written.
func (d *decoder) qnameContent(parent, local string) (any, error) {
	var out string
	for {
		t, err := d.token()
		if err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmltext.Text:
			if q := strings.TrimSpace(string(t.Text)); q != "" {
				space, name := d.x.ResolveValue(q)
				if !strings.Contains(q, ":") && space == "" {
					out = name
				} else {
					out = "{" + space + "}" + name
				}
			}
		case xmltext.End:
			return out, nil
		default:
			return nil, paramFault("element %s: an element inside a QName", join(parent, local))
		}
	}
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// structContent decodes the children of el, the child of the element at
// path parent, to el's end. (A path costs nothing at the top level, where
// it is a name.) first, if set, is the first child's start tag, already
// read (a bare message's first parameter).
func (d *decoder) structContent(el *wsdl.Element, parent string, first *xmltext.Token) (any, error) {
	here := join(parent, el.Name.Local)
	fields := el.Type.Fields
	var bufs memberBufs
	members := newMemberValues(len(fields), &bufs)
	var open []any // xs:any content, as raw XML
	for {
		var t xmltext.Token
		var err error
		if first != nil {
			t, first = *first, nil
		} else if t, err = d.token(); err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmltext.End:
			out := members.structOf(fields, open != nil)
			if open != nil {
				out = append(out, gateway.Member{Name: wsdl.AnyMember, Value: open})
			}
			return out, nil
		case xmltext.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return nil, paramFault("element %s: unexpected text %q", here, gateway.Clip(string(t.Text)))
			}
		case xmltext.Start:
			i := fieldIndex(fields, t.Local)
			if i < 0 {
				i = d.substitutedIndex(fields, t)
			}
			if i < 0 && el.Type.Any {
				// Open content: the element as it came, self-contained.
				from := d.x.TagStart()
				if err := d.skip(); err != nil {
					return nil, err
				}
				open = append(open, string(d.x.Element(from)))
				continue
			}
			if i < 0 {
				if d.lenient {
					d.deviations = append(d.deviations, fmt.Sprintf("element %s: unexpected element <%s> skipped", here, t.Local))
					if err := d.skip(); err != nil {
						return nil, err
					}
					continue
				}
				return nil, paramFault("element %s: unexpected element <%s>", here, t.Local)
			}
			f := fields[i]
			if d.lenient && members.seen[i] && !f.Repeated() {
				d.deviations = append(d.deviations, fmt.Sprintf("element %s.%s repeated: the first kept", here, f.Name.Local))
				if err := d.skip(); err != nil {
					return nil, err
				}
				continue
			}
			v, err := d.element(t, f, here)
			if err != nil {
				return nil, err
			}
			switch members.add(i, f, v) {
			case tooMany:
				return nil, paramFault("element %s.%s: more than %d occurrences", here, f.Name.Local, f.Max)
			case twice:
				return nil, paramFault("element %s.%s appears more than once", here, f.Name.Local)
			}
		}
	}
}

// memberValues gathers a structure's members by field as its elements
// come, in any order, for its Struct in the schema's order.
type memberValues struct {
	values []any
	seen   []bool
	n      int // fields seen
}

// memberBufs are the inline buffers of a memberValues for a structure of
// a few fields: the caller's locals (a memberValues holding its own
// buffers would point into itself, which puts it on the heap).
type memberBufs struct {
	values [8]any
	seen   [8]bool
}

// newMemberValues gathers the members of a structure of n fields, in bufs
// when they are few.
func newMemberValues(n int, bufs *memberBufs) memberValues {
	if n > len(bufs.values) {
		return memberValues{values: make([]any, n), seen: make([]bool, n)}
	}
	return memberValues{values: bufs.values[:n], seen: bufs.seen[:n]}
}

// What add found wrong.
const (
	added   = iota
	tooMany // a repeated element past its maxOccurs
	twice   // an element that is not repeated, again
)

// add takes v as the value of field i, f: an item more of a repeated one.
func (m *memberValues) add(i int, f *wsdl.Element, v any) int {
	switch {
	case f.Repeated():
		list, _ := m.values[i].([]any)
		if f.Max > 0 && len(list) >= f.Max {
			return tooMany
		}
		m.values[i] = append(list, v)
	case m.seen[i]:
		return twice
	default:
		m.values[i] = v
	}
	if !m.seen[i] {
		m.seen[i] = true
		m.n++
	}
	return added
}

// structOf is the Struct of the fields seen, in fields' order, with room
// for one member more when more is set.
func (m *memberValues) structOf(fields []*wsdl.Element, more bool) gateway.Struct {
	n := m.n
	if more {
		n++
	}
	out := make(gateway.Struct, 0, n)
	for i, f := range fields {
		if m.seen[i] {
			out = append(out, gateway.Member{Name: f.Name.Local, Value: m.values[i]})
		}
	}
	return out
}

// derivedType is the type derived from declared that t's xsi:type names,
// or nil (no xsi:type, the declared type itself, or a type the schema does
// not derive from it, which is then read as the declared one).
func (d *decoder) derivedType(t xmltext.Token, declared *wsdl.Type) *wsdl.Type {
	xsiType, ok := attr(t, NSXSI, "type")
	if !ok {
		return nil
	}
	space, local := d.x.ResolveValue(xsiType)
	derived := declared.DerivedNamed(local)
	if derived == nil || strings.Contains(xsiType, ":") && derived.Name.Space != space {
		return nil
	}
	return derived
}

// attributedContent decodes an element of a complex type with attributes
// (t its start tag, read): the attributes as members, then its text (a
// type of simple content) or its children.
func (d *decoder) attributedContent(t xmltext.Token, el *wsdl.Element, parent string) (any, error) {
	here := join(parent, el.Name.Local)
	var attrs gateway.Struct
	for _, a := range el.Type.Attrs {
		raw, ok := attr(t, a.Name.Space, a.Name.Local)
		if !ok {
			continue
		}
		v, err := parseScalar(a.Type, raw, here, "@"+a.Name.Local)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, gateway.Member{Name: a.Member, Value: v})
	}
	var out gateway.Struct
	if el.Type.Text != nil {
		text, err := d.textContent(parent, el.Name.Local)
		if err != nil {
			return nil, err
		}
		v, err := parseScalar(el.Type.Text, text, parent, el.Name.Local)
		if err != nil {
			return nil, err
		}
		out = gateway.Struct{{Name: wsdl.TextMember, Value: v}}
	} else {
		v, err := d.structContent(el, parent, nil)
		if err != nil {
			return nil, err
		}
		out, _ = v.(gateway.Struct)
	}
	return append(out, attrs...), nil
}

// anyContent decodes xsd:anyType content: text, or child elements as a
// struct (repeated names as arrays).
func (d *decoder) anyContent(path string) (any, error) {
	var st gateway.Struct
	d.text.Reset()
	for {
		t, err := d.token()
		if err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmltext.End:
			if st != nil {
				return st, nil
			}
			return d.text.String(), nil
		case xmltext.Text:
			d.text.Write(t.Text)
		case xmltext.Start:
			name := string(t.Local)
			saved := d.text.String()
			v, err := d.anyContent(path + "." + name)
			if err != nil {
				return nil, err
			}
			d.text.Reset()
			d.text.WriteString(saved)
			if prev, ok := st.Get(name); ok {
				list, isList := prev.([]any)
				if !isList {
					list = []any{prev}
				}
				for i := range st {
					if st[i].Name == name {
						st[i].Value = append(list, v)
					}
				}
				continue
			}
			st = append(st, gateway.Member{Name: name, Value: v})
		}
	}
}

// substitutedIndex finds the field for a substitution group's head sent
// with xsi:type naming a member's type, as clients without substitution
// groups (zeep) send a member: <AbstractFeature xsi:type="RoadType"> is
// read as the Road it stands for. -1 when none.
func (d *decoder) substitutedIndex(fields []*wsdl.Element, t xmltext.Token) int {
	xsiType, ok := attr(t, NSXSI, "type")
	if !ok {
		return -1
	}
	_, local := d.x.ResolveValue(xsiType)
	for i, f := range fields {
		if f.Head == string(t.Local) && f.Type != nil && f.Type.Name.Local == local {
			return i
		}
	}
	return -1
}

func fieldIndex(fields []*wsdl.Element, local []byte) int {
	for i, f := range fields {
		if f.Name.Local == string(local) {
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
		n, ok := gateway.ParseInteger(s, t.Kind == wsdl.KindLong && gateway.IsUnboundedInteger(t.XSDName))
		if !ok {
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
		if t.XSDName == "decimal" {
			d, ok := gateway.ParseDecimal(s)
			if !ok {
				return nil, bad()
			}
			return d, nil
		}
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
		if v, ok := gateway.ParseDateTime(s); ok {
			return v, nil // its offset kept, or NoZone
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
