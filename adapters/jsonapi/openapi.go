package jsonapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"gateway/adapters/httpx"
	"gateway/gateway"
	"gateway/wsdl"
)

// document serves GET /api/openapi.json (service "") and
// /api/{service}/openapi.json: OpenAPI 3.1, generated from the WSDL model
// at each request (a reload changes it).
func (h *Handler) document(w http.ResponseWriter, r *http.Request, service string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		h.problemStatus(w, http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "use GET", nil)
		return
	}
	var services []*gateway.Service
	if service == "" {
		services = h.core.Services().Services()
	} else if svc := h.core.Services().Service(service); svc != nil {
		services = []*gateway.Service{svc}
	} else {
		h.problem(w, gateway.NewFault(gateway.FaultNoSuchMethod, "no service %q", service))
		return
	}
	doc := Document(services, h.opts.Proxies.BaseURL(r, h.opts.PublicURL), service == "")
	w.Header().Set("Cache-Control", "no-cache")
	h.writeJSON(w, http.StatusOK, doc)
}

// obj is an ordered JSON object: name, value, name, value...
func obj(kv ...any) gateway.Struct {
	st := make(gateway.Struct, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		st = append(st, gateway.Member{Name: kv[i].(string), Value: kv[i+1]})
	}
	return st
}

func list(items ...any) []any { return items }

// generator builds one document: the schemas it has named so far.
type generator struct {
	prefix  string                // component name prefix (the service, in the all-services document)
	named   map[*wsdl.Type]string // named types -> component names
	taken   map[string]bool
	pending []*wsdl.Type // named types referred to, not yet written
	schemas gateway.Struct
}

// Document is the OpenAPI 3.1 document of services, served at base; each
// service's components are prefixed with its name when several share one
// document.
func Document(services []*gateway.Service, base string, prefixed bool) gateway.Struct {
	title := "gateway"
	if len(services) == 1 && !prefixed {
		title = "gateway: " + services[0].Name
	}
	paths := gateway.Struct{}
	schemas := gateway.Struct{{Name: "Problem", Value: problemSchema()}}
	paths = append(paths, sessionPaths()...)
	schemas = append(schemas, sessionSchemas()...)
	taken := map[string]bool{"Problem": true}
	for _, m := range schemas {
		taken[m.Name] = true
	}
	for _, svc := range services {
		g := &generator{named: map[*wsdl.Type]string{}, taken: taken}
		if prefixed {
			g.prefix = svc.Name + "_"
		}
		for _, op := range svc.Definition.Operations {
			paths = append(paths, gateway.Member{Name: "/api/" + svc.Name + "/" + op.Name, Value: obj("post", g.operation(svc, op))})
		}
		g.flush()
		schemas = append(schemas, g.schemas...)
	}
	return obj(
		"openapi", "3.1.0",
		"info", obj("title", title, "version", "1",
			"description", "The gateway's JSON front end, generated from the services' WSDLs. Members are the XML-RPC struct members: attributes by name, simple content as _value, a derived type's name in _type, open content (xs:any) as _any (XML strings). Decimals and integers beyond 64 bits are strings in answers; binary values are base64."),
		"servers", list(obj("url", base)),
		"security", list(obj("bearer", list()), obj("basic", list()), obj("sessionHeader", list()), obj("sessionCookie", list())),
		"paths", paths,
		"components", obj(
			"schemas", schemas,
			"responses", obj("Problem", obj("description", "A fault (RFC 9457): code is the XML-RPC faultCode; fault and faultDetail name an application fault.",
				"content", obj("application/problem+json", obj("schema", ref("Problem"))))),
			"securitySchemes", obj(
				"bearer", obj("type", "http", "scheme", "bearer", "description", "The token of POST /api/session/login."),
				"basic", obj("type", "http", "scheme", "basic", "description", "Directory credentials on each call (one session per user and password)."),
				"sessionHeader", obj("type", "apiKey", "in", "header", "name", httpx.HeaderName),
				"sessionCookie", obj("type", "apiKey", "in", "cookie", "name", httpx.CookieName, "description", "Only with a JSON body from the gateway's own origin."),
			),
		),
	)
}

func ref(name string) gateway.Struct { return obj("$ref", "#/components/schemas/"+name) }

func problemRef() gateway.Struct { return obj("$ref", "#/components/responses/Problem") }

// problemResponses are the problem answers every call may get.
func problemResponses() gateway.Struct {
	out := gateway.Struct{}
	for _, code := range []string{"400", "401", "403", "404", "415", "429", "500", "503"} {
		out = append(out, gateway.Member{Name: code, Value: problemRef()})
	}
	return out
}

// operation is one operation's path item.
func (g *generator) operation(svc *gateway.Service, op *wsdl.Operation) gateway.Struct {
	in := g.wrapper(op.Input)
	out := gateway.Struct(obj("type", "object"))
	if op.Output != nil {
		out = g.wrapper(op.Output)
	}
	responses := obj("200", obj("description", "The operation's output.", "content", obj("application/json", obj("schema", out))))
	faults := "An application fault the WSDL declares."
	if len(op.Faults) > 0 {
		names := make([]string, len(op.Faults))
		for i, f := range op.Faults {
			names[i] = f.Name
		}
		faults = "An application fault the WSDL declares: " + strings.Join(names, ", ") + " (in fault; its element in faultDetail)."
	}
	responses = append(responses, gateway.Member{Name: "422", Value: obj("description", faults,
		"content", obj("application/problem+json", obj("schema", ref("Problem"))))})
	responses = append(responses, problemResponses()...)
	summary := op.Doc
	if summary == "" {
		summary = op.Name
	}
	return obj(
		"operationId", svc.Name+"_"+op.Name,
		"summary", firstLine(summary),
		"description", summary,
		"tags", list(svc.Name),
		"requestBody", obj("required", true, "content", obj("application/json", media(in, op.Input.Type))),
		"responses", responses,
	)
}

// media is a request body's media type: its schema, and an example when
// one that fits can be made.
func media(schema gateway.Struct, t *wsdl.Type) gateway.Struct {
	if ex, ok := example(t, 0); ok {
		return obj("schema", schema, "example", ex)
	}
	return obj("schema", schema)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// wrapper is the schema of an operation's input or output element: its
// type, inline.
func (g *generator) wrapper(el *wsdl.Element) gateway.Struct {
	return g.structSchema(el.Type)
}

// flush writes the named types referred to until none is left.
func (g *generator) flush() {
	for len(g.pending) > 0 {
		t := g.pending[0]
		g.pending = g.pending[1:]
		g.schemas = append(g.schemas, gateway.Member{Name: g.named[t], Value: g.structSchema(t)})
	}
}

// nameOf is the component name of a named type, registering it.
func (g *generator) nameOf(t *wsdl.Type) string {
	if n, ok := g.named[t]; ok {
		return n
	}
	base := g.prefix + safeName(t.Name.Local)
	name := base
	for i := 2; g.taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	g.taken[name] = true
	g.named[t] = name
	g.pending = append(g.pending, t)
	return name
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// typeRef is the schema of a value of t where it is used: a $ref for a
// named structure (any of its derived types too), else inline.
func (g *generator) typeRef(t *wsdl.Type) gateway.Struct {
	if t.Kind != wsdl.KindStruct || t.Name.Local == "" {
		return g.valueSchema(t)
	}
	if len(t.Derived) == 0 {
		return ref(g.nameOf(t))
	}
	var alts []any
	if !t.Abstract {
		alts = append(alts, ref(g.nameOf(t)))
	}
	var walk func(*wsdl.Type)
	walk = func(b *wsdl.Type) {
		for _, d := range b.Derived {
			if !d.Abstract {
				alts = append(alts, ref(g.nameOf(d)))
			}
			walk(d)
		}
	}
	walk(t)
	return obj("anyOf", alts, "description", "A "+t.Name.Local+" or a type derived from it, named in _type.")
}

// structSchema is a structure's object schema.
func (g *generator) structSchema(t *wsdl.Type) gateway.Struct {
	if t.Kind != wsdl.KindStruct {
		return g.valueSchema(t)
	}
	props := gateway.Struct{}
	var required []any
	var choices []string
	for _, f := range t.Fields {
		props = append(props, gateway.Member{Name: f.Name.Local, Value: g.elementSchema(f)})
		if f.Min > 0 && f.Choice == 0 {
			required = append(required, f.Name.Local)
		}
		if f.Choice != 0 {
			choices = append(choices, f.Name.Local)
		}
	}
	if t.Text != nil {
		props = append(props, gateway.Member{Name: wsdl.TextMember, Value: withDoc(g.valueSchema(t.Text), "The element's text.")})
		required = append(required, wsdl.TextMember)
	}
	for _, a := range t.Attrs {
		props = append(props, gateway.Member{Name: a.Member, Value: withDoc(g.valueSchema(a.Type), "Attribute "+a.Name.Local+".")})
		if a.Required {
			required = append(required, a.Member)
		}
	}
	if t.Name.Local != "" && (len(t.Derived) > 0 || t.Base != nil) {
		props = append(props, gateway.Member{Name: wsdl.TypeMember, Value: obj("type", "string", "const", t.Name.Local,
			"description", "The value's type, where a base type is declared (xsi:type).")})
		if t.Abstract {
			required = append(required, wsdl.TypeMember)
		}
	}
	if t.Any {
		props = append(props, gateway.Member{Name: wsdl.AnyMember, Value: obj("type", "array", "items", obj("type", "string"),
			"description", "Open content (xs:any): each an XML element.")})
	}
	out := obj("type", "object", "properties", props, "additionalProperties", false)
	if t.Name.Local != "" {
		out = append(obj("title", t.Name.Local), out...)
	}
	if len(required) > 0 {
		out = append(out, gateway.Member{Name: "required", Value: required})
	}
	if len(choices) > 0 {
		out = append(out, gateway.Member{Name: "description", Value: "Of " + strings.Join(choices, ", ") + ": the members of one alternative of each choice, not of two."})
	}
	return out
}

func withDoc(s gateway.Struct, doc string) gateway.Struct {
	if _, ok := s.Get("$ref"); ok {
		return obj("allOf", list(s), "description", doc)
	}
	if _, ok := s.Get("description"); ok || doc == "" {
		return s
	}
	return append(s, gateway.Member{Name: "description", Value: doc})
}

// elementSchema is a member's schema: its type's, as an array when the
// element repeats, nullable when it is nillable.
func (g *generator) elementSchema(f *wsdl.Element) gateway.Struct {
	s := g.typeRef(f.Type)
	if f.Repeated() {
		arr := obj("type", "array", "items", s)
		if f.Min > 0 {
			arr = append(arr, gateway.Member{Name: "minItems", Value: int64(f.Min)})
		}
		if f.Max > 0 {
			arr = append(arr, gateway.Member{Name: "maxItems", Value: int64(f.Max)})
		}
		s = arr
	}
	if f.Nillable {
		s = obj("anyOf", list(s, obj("type", "null")))
	}
	return withDoc(s, f.Doc)
}

// valueSchema is the schema of a simple value (or an inline structure).
func (g *generator) valueSchema(t *wsdl.Type) gateway.Struct {
	var s gateway.Struct
	switch t.Kind {
	case wsdl.KindStruct:
		if t.Name.Local != "" {
			return g.typeRef(t)
		}
		return g.structSchema(t)
	case wsdl.KindArray:
		return obj("type", "array", "items", g.typeRef(t.Item))
	case wsdl.KindInt:
		s = obj("type", "integer", "format", "int32")
	case wsdl.KindLong:
		if gateway.IsUnboundedInteger(t.XSDName) {
			s = obj("type", "integer")
		} else {
			s = obj("type", "integer", "format", "int64")
		}
	case wsdl.KindDouble:
		if t.XSDName == "decimal" {
			// One type, string, because every generator maps it (a type
			// array such as [string, number] stops oapi-codegen): answers
			// always carry the decimal as a string; a request may also send
			// a JSON number, read with every digit it has.
			s = obj("type", "string", "format", "decimal", "pattern", `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`, "description", "xs:decimal: a string keeping every digit (a request may also send a number).")
		} else {
			s = obj("type", "number")
		}
	case wsdl.KindBool:
		s = obj("type", "boolean")
	case wsdl.KindDateTime:
		s = obj("type", "string", "description", "xs:dateTime: RFC 3339, or without a zone (which stays without one).")
	case wsdl.KindBase64, wsdl.KindHex:
		s = obj("type", "string", "contentEncoding", "base64")
	case wsdl.KindAny:
		return obj("description", "Any value (xs:anyType).")
	default:
		s = obj("type", "string")
		if t.XSDName != "" && t.XSDName != "string" {
			s = append(s, gateway.Member{Name: "description", Value: "xs:" + t.XSDName})
		}
		if t.List != nil {
			s = append(s, gateway.Member{Name: "x-xsd-list", Value: "items separated by spaces"})
		}
	}
	if r := t.Range; r != nil && (t.Kind == wsdl.KindInt || t.Kind == wsdl.KindLong || t.Kind == wsdl.KindDouble) {
		for _, b := range []struct{ keyword, bound string }{
			{"minimum", r.MinInclusive}, {"maximum", r.MaxInclusive}, {"exclusiveMinimum", r.MinExclusive}, {"exclusiveMaximum", r.MaxExclusive},
		} {
			if b.bound != "" {
				s = append(s, gateway.Member{Name: b.keyword, Value: json.Number(b.bound)})
			}
		}
	}
	if t.Kind == wsdl.KindLong && gateway.IsUnboundedInteger(t.XSDName) {
		// A number while it fits in 64 bits, a string beyond: a oneOf of
		// the two rather than a type array, which generators map to a
		// union (oapi-codegen refuses type arrays). The range stays on the
		// number.
		s = obj("oneOf", list(s, obj("type", "string", "pattern", "^[+-]?[0-9]+$")),
			"description", "xs:"+t.XSDName+": a number, or a string where a JSON number would lose digits.")
	}
	if d := t.Digits; d != nil {
		if d.Total > 0 {
			s = append(s, gateway.Member{Name: "x-totalDigits", Value: int64(d.Total)})
		}
		if d.FractionSet {
			s = append(s, gateway.Member{Name: "x-fractionDigits", Value: int64(d.Fraction)})
		}
	}
	if len(t.Enum) > 0 && t.Kind == wsdl.KindString {
		enum := make([]any, len(t.Enum))
		for i, e := range t.Enum {
			enum[i] = e
		}
		s = append(s, gateway.Member{Name: "enum", Value: enum})
	}
	if t.Kind == wsdl.KindString {
		if t.Pattern != nil {
			s = append(s, gateway.Member{Name: "pattern", Value: t.Pattern.String()})
		}
		if t.MinLen >= 0 && t.List == nil {
			s = append(s, gateway.Member{Name: "minLength", Value: int64(t.MinLen)})
		}
		if t.MaxLen >= 0 && t.List == nil {
			s = append(s, gateway.Member{Name: "maxLength", Value: int64(t.MaxLen)})
		}
	}
	return s
}

// example is a value of t a request could send (its required members),
// and whether the generator could make one that fits: a pattern or a
// length it cannot satisfy, or required members nested past a few levels,
// leave the operation without an example rather than with a wrong one.
func example(t *wsdl.Type, depth int) (any, bool) {
	switch t.Kind {
	case wsdl.KindStruct:
		if t.Abstract && len(t.Derived) > 0 {
			for _, d := range t.Derived {
				if v, ok := example(d, depth); ok && !d.Abstract {
					return append(gateway.Struct{{Name: wsdl.TypeMember, Value: d.Name.Local}}, v.(gateway.Struct)...), true
				}
			}
			return nil, false
		}
		st := gateway.Struct{}
		for _, f := range t.Fields {
			if f.Min == 0 || f.Choice != 0 {
				continue
			}
			if depth > 6 {
				return nil, false
			}
			v, ok := example(f.Type, depth+1)
			if !ok {
				return nil, false
			}
			if f.Repeated() {
				v = []any{v}
			}
			st = append(st, gateway.Member{Name: f.Name.Local, Value: v})
		}
		if t.Text != nil {
			v, ok := example(t.Text, depth+1)
			if !ok {
				return nil, false
			}
			st = append(st, gateway.Member{Name: wsdl.TextMember, Value: v})
		}
		for _, a := range t.Attrs {
			if a.Required {
				v, ok := example(a.Type, depth+1)
				if !ok {
					return nil, false
				}
				st = append(st, gateway.Member{Name: a.Member, Value: v})
			}
		}
		return st, true
	case wsdl.KindArray:
		v, ok := example(t.Item, depth+1)
		return []any{v}, ok
	case wsdl.KindInt, wsdl.KindLong:
		return int64(1), len(t.Enum) == 0
	case wsdl.KindDouble:
		if t.XSDName == "decimal" {
			return "1.50", len(t.Enum) == 0
		}
		return 1.5, len(t.Enum) == 0
	case wsdl.KindBool:
		return true, true
	case wsdl.KindDateTime:
		return "2026-01-02T15:04:05Z", true
	case wsdl.KindBase64, wsdl.KindHex:
		return "aGVsbG8=", true
	case wsdl.KindAny:
		return "any", true
	}
	if len(t.Enum) > 0 {
		return t.Enum[0], true
	}
	v := "text"
	fits := (t.Pattern == nil || t.Pattern.MatchString(v)) && (t.MinLen < 0 || len(v) >= t.MinLen) && (t.MaxLen < 0 || len(v) <= t.MaxLen)
	return v, fits && t.List == nil
}

// The session service's paths and schemas.
func sessionPaths() gateway.Struct {
	op := func(id, summary string, body gateway.Struct, params []any, out string, open bool) gateway.Struct {
		o := obj("operationId", id, "summary", summary, "tags", list("session"))
		if params != nil {
			o = append(o, gateway.Member{Name: "parameters", Value: params})
		}
		if body != nil {
			o = append(o, gateway.Member{Name: "requestBody", Value: obj("required", true, "content", obj("application/json", obj("schema", body)))})
		}
		if open {
			o = append(o, gateway.Member{Name: "security", Value: list()})
		}
		resp := obj("200", obj("description", summary, "content", obj("application/json", obj("schema", ref(out)))))
		return append(o, gateway.Member{Name: "responses", Value: append(resp, problemResponses()...)})
	}
	query := func(name, doc string) gateway.Struct {
		return obj("name", name, "in", "query", "required", false, "schema", obj("type", "integer", "minimum", int64(0)), "description", doc)
	}
	return gateway.Struct{
		{Name: "/api/session/login", Value: obj("post", op("session_login", "Log in: a new session and its token (also as the gw_session cookie).",
			obj("type", "object", "properties", obj("username", obj("type", "string"), "password", obj("type", "string")),
				"required", list("username", "password"), "additionalProperties", false), nil, "session_Login", true))},
		{Name: "/api/session/logout", Value: obj("post", op("session_logout", "Log out: this client detaches from its perspective.", nil, nil, "session_Logout", false))},
		{Name: "/api/session/whoami", Value: obj("get", op("session_whoami", "Who you are, and the clients attached to your perspective.", nil, nil, "session_WhoAmI", false))},
		{Name: "/api/session/events", Value: obj("get", op("session_events", "Your perspective's events after since, waiting up to wait seconds (at most 30) for the first.",
			nil, list(query("since", "the last sequence number seen"), query("wait", "seconds to wait for an event")), "session_Events", false))},
		{Name: "/api/session/events/stream", Value: obj("get", obj("operationId", "session_events_stream", "tags", list("session"),
			"summary", "The same events as Server-Sent Events (id: the sequence number; resume with Last-Event-ID).",
			"responses", append(obj("200", obj("description", "An event stream.", "content", obj("text/event-stream", obj("schema", obj("type", "string"))))), problemResponses()...)))},
	}
}

// sessionSchemas are the session endpoints' schemas, named session_*
// like a service's types (service_Type) so that no generator's own names
// (oapi-codegen's Client type) meet them.
func sessionSchemas() gateway.Struct {
	client := obj("type", "object", "properties", obj("id", obj("type", "string"), "protocol", obj("type", "string"), "remote", obj("type", "string"),
		"userAgent", obj("type", "string"), "attachedAt", obj("type", "string", "format", "date-time")))
	event := obj("type", "object", "properties", obj("seq", obj("type", "integer"), "kind", obj("type", "string"), "client", ref("session_Client"),
		"at", obj("type", "string", "format", "date-time"), "reason", obj("type", "string"), "data", obj("description", "A service's own event data.")),
		"required", list("seq", "kind", "client", "at"))
	return gateway.Struct{
		{Name: "session_Client", Value: client},
		{Name: "session_Event", Value: event},
		{Name: "session_Login", Value: obj("type", "object", "properties", obj("token", obj("type", "string"), "username", obj("type", "string"),
			"expires", obj("type", "string", "format", "date-time")), "required", list("token", "username", "expires"))},
		{Name: "session_Logout", Value: obj("type", "object", "properties", obj("result", obj("type", "boolean")))},
		{Name: "session_WhoAmI", Value: obj("type", "object", "properties", obj("username", obj("type", "string"), "dn", obj("type", "string"),
			"displayName", obj("type", "string"), "groups", obj("type", "array", "items", obj("type", "string")),
			"clients", obj("type", "array", "items", ref("session_Client"))))},
		{Name: "session_Events", Value: obj("type", "object", "properties", obj("next", obj("type", "integer"), "events", obj("type", "array", "items", ref("session_Event"))),
			"required", list("next", "events"))},
	}
}

func problemSchema() gateway.Struct {
	return obj("type", "object", "properties", obj(
		"type", obj("type", "string"), "title", obj("type", "string"), "status", obj("type", "integer"), "detail", obj("type", "string"),
		"code", obj("type", "integer", "description", "The XML-RPC faultCode of the fault."),
		"fault", obj("type", "string", "description", "An application fault's name, as the WSDL declares it."),
		"faultDetail", obj("description", "An application fault's detail element."),
	), "required", list("type", "title", "status"))
}
