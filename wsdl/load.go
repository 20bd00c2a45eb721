package wsdl

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/beevik/etree"
	"github.com/hooklift/gowsdl"
)

// LoadError names the file and the construct a WSDL cannot be served for.
type LoadError struct {
	File      string
	Construct string
	Err       error
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("wsdl %s: %s: %v", e.File, e.Construct, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// ErrUnsupported marks constructs the gateway refuses to serve.
var ErrUnsupported = errors.New("not supported")

// wsdlDoc is one WSDL file, the root or an import, with its own prefixes.
type wsdlDoc struct {
	path string
	w    *gowsdl.WSDL
}

// schemaDoc is one schema with the file it came from (for relative locations).
type schemaDoc struct {
	path string
	s    *gowsdl.XSDSchema
}

type loader struct {
	read       func(path string) ([]byte, error)
	root       string
	docs       []*wsdlDoc
	schemas    []*schemaDoc
	seen       map[string]bool // files already loaded, by absolute path
	elements   map[xml.Name]*globalElement
	complex    map[xml.Name]*globalComplex
	simple     map[xml.Name]*globalSimple
	resolved   map[xml.Name]*Type
	resolving  map[*gowsdl.XSDElement]*Element
	inSimple   map[xml.Name]bool           // simple types being resolved: a cycle is an error
	inRef      map[*gowsdl.XSDElement]bool // element refs being followed
	soap12Only bool
	bindings   map[string]*bindingOp  // by operation name, the first document's first
	arrays     map[xml.Name]soapArray // SOAP-ENC array types, by name
	groups     map[xml.Name]*schemaGroup
	attrGroups map[xml.Name]*schemaGroup
	groupTypes map[xml.Name]groupUse // by complex type name
	groupElems map[xml.Name]groupUse // by the name of the global element whose anonymous type refers to groups
	choices    int                   // choices numbered so far
	// soapPortTypes are the portTypes a SOAP binding implements; when
	// there are any, only their operations are served (an ASMX WSDL's
	// HttpGet portType repeats every operation with other messages).
	soapPortTypes map[string]bool
	warnings      []string
}

type globalElement struct {
	sd *schemaDoc
	e  *gowsdl.XSDElement
}
type globalComplex struct {
	sd *schemaDoc
	t  *gowsdl.XSDComplexType
}
type globalSimple struct {
	sd *schemaDoc
	t  *gowsdl.XSDSimpleType
}

// Load reads the WSDL at path, its wsdl:imports and its schemas' imports and
// includes (relative file locations), and checks that every operation's
// binding is one the gateway serves (literal use, document or rpc style)
// and that its parts resolve.
func Load(path string) (*Definition, error) {
	return load(os.ReadFile, path)
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

// Bounds of a WSDL loaded from the network.
const (
	maxFetchedBytes = 16 << 20 // per document
	maxFetchedDocs  = 256
)

// LoadURL loads the WSDL at an http(s) URL, and its imports and includes
// relative to it, with client (which carries the credentials: Basic auth
// in its transport, a client certificate in its TLS configuration). Each
// document is fetched once, for the load and for publishing.
func LoadURL(ctx context.Context, rawURL string, client *http.Client, username, password string) (*Definition, error) {
	var mu sync.Mutex
	cache := map[string][]byte{}
	read := func(u string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if data, ok := cache[u]; ok {
			return data, nil
		}
		if !isURL(u) {
			return nil, fmt.Errorf("%s: not an http(s) URL", u)
		}
		if len(cache) >= maxFetchedDocs {
			return nil, fmt.Errorf("more than %d documents", maxFetchedDocs)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if username != "" {
			req.SetBasicAuth(username, password)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", u, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fetch %s: HTTP %d", u, resp.StatusCode)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchedBytes+1))
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", u, err)
		}
		if len(data) > maxFetchedBytes {
			return nil, fmt.Errorf("fetch %s: over %d bytes", u, maxFetchedBytes)
		}
		cache[u] = data
		return data, nil
	}
	return load(read, rawURL)
}

// LoadBytes loads a WSDL held in memory (fetched from an upstream), named
// name in messages; it may not import other files.
func LoadBytes(name string, data []byte) (*Definition, error) {
	return load(func(p string) ([]byte, error) {
		if p == name {
			return data, nil
		}
		return nil, fmt.Errorf("%s: only the fetched WSDL itself is available", p)
	}, name)
}

// LoadFS is Load reading from fsys (for WSDLs embedded in the binary).
func LoadFS(fsys fs.FS, path string) (*Definition, error) {
	return load(func(p string) ([]byte, error) { return fs.ReadFile(fsys, filepath.ToSlash(p)) }, path)
}

func load(readRaw func(string) ([]byte, error), path string) (*Definition, error) {
	read := func(p string) ([]byte, error) {
		data, err := readRaw(p)
		if err != nil {
			return nil, err
		}
		return normalize(data)
	}
	l := &loader{
		read:      read,
		root:      path,
		seen:      make(map[string]bool),
		elements:  make(map[xml.Name]*globalElement),
		complex:   make(map[xml.Name]*globalComplex),
		simple:    make(map[xml.Name]*globalSimple),
		resolved:  make(map[xml.Name]*Type),
		resolving: make(map[*gowsdl.XSDElement]*Element),
		inSimple:  make(map[xml.Name]bool),
		inRef:     make(map[*gowsdl.XSDElement]bool),
		bindings:  make(map[string]*bindingOp),
		arrays:    make(map[xml.Name]soapArray),
		groups:    make(map[xml.Name]*schemaGroup), attrGroups: make(map[xml.Name]*schemaGroup), groupTypes: make(map[xml.Name]groupUse), groupElems: make(map[xml.Name]groupUse),
		soapPortTypes: make(map[string]bool),
	}
	if err := l.loadWSDL(path); err != nil {
		return nil, err
	}
	for _, sd := range l.schemas {
		l.index(sd)
	}
	return l.build()
}

// parseTree is a document as the tree that the readers of what gowsdl's
// model lacks (bindings, SOAP-ENC arrays, groups) walk: parsed once per
// document. A document encoding/xml read but etree cannot is an empty tree.
func parseTree(data []byte) *etree.Document {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil || doc.Root() == nil {
		return etree.NewDocument()
	}
	return doc
}

// addGroups takes a document's model groups and group references in.
func (l *loader) addGroups(tree *etree.Document) {
	groups, attrGroups, uses := readGroups(tree)
	for name, g := range groups {
		l.groups[name] = g
	}
	for name, g := range attrGroups {
		l.attrGroups[name] = g
	}
	for _, u := range uses {
		if u.typeName.Local != "" {
			l.groupTypes[u.typeName] = u
		} else {
			l.groupElems[u.elementName] = u
		}
	}
}

func (l *loader) fail(file, construct string, err error) error {
	return &LoadError{File: file, Construct: construct, Err: err}
}

// locate resolves a location relative to the document that names it: a
// file's against its folder, a URL's (a WSDL loaded by LoadURL) against
// that URL. A file may not name a remote location: the gateway serves what
// it can check at start, from where it was told to look.
func locate(from, location string) (string, error) {
	if isURL(from) {
		base, err := url.Parse(from)
		if err != nil {
			return "", err
		}
		ref, err := url.Parse(location)
		if err != nil {
			return "", err
		}
		return base.ResolveReference(ref).String(), nil
	}
	if strings.Contains(location, "://") {
		return "", fmt.Errorf("remote location %q: %w (copy it beside the WSDL)", location, ErrUnsupported)
	}
	if filepath.IsAbs(location) {
		return location, nil
	}
	return filepath.Join(filepath.Dir(from), location), nil
}

func (l *loader) loadWSDL(path string) error {
	key := filepath.Clean(path)
	if l.seen[key] {
		return nil
	}
	l.seen[key] = true
	data, err := l.read(path)
	if err != nil {
		return l.fail(path, "file (or wsdl:import)", err)
	}
	var w gowsdl.WSDL
	if err := xml.Unmarshal(data, &w); err != nil {
		return l.fail(path, "document", err)
	}
	if w.Xmlns == nil {
		return l.fail(path, "document", errors.New("not a wsdl:definitions document"))
	}
	doc := &wsdlDoc{path: path, w: &w}
	l.docs = append(l.docs, doc)
	tree := parseTree(data)
	for name, a := range readArrayTypes(tree) {
		l.arrays[name] = a
	}
	l.addGroups(tree)
	ops, portTypes, ignored := readBindings(tree)
	for pt := range portTypes {
		l.soapPortTypes[pt] = true
	}
	for name, bo := range ops {
		if l.bindings[name] == nil {
			l.bindings[name] = bo
		}
	}
	for _, b := range ignored {
		l.warnings = append(l.warnings, fmt.Sprintf("%s: binding %q is not a SOAP binding (HTTP or MIME): ignored", path, b))
	}
	if len(l.docs) == 1 { // gowsdl reads only SOAP 1.1 bindings: a 1.2-only WSDL shows none
		has11 := false
		for _, b := range w.Binding {
			has11 = has11 || b.SOAPBinding.Transport != "" || b.SOAPBinding.Style != ""
		}
		l.soap12Only = !has11 && bytes.Contains(data, []byte(NSSOAP12))
	}
	for _, s := range w.Types.Schemas {
		if err := l.addSchema(path, s); err != nil {
			return err
		}
	}
	for _, imp := range w.Imports {
		if imp.Location == "" {
			continue
		}
		p, err := locate(path, imp.Location)
		if err != nil {
			return l.fail(path, "wsdl:import", err)
		}
		if strings.HasSuffix(strings.ToLower(p), ".xsd") {
			if err := l.loadSchemaFile(path, imp.Location, ""); err != nil {
				return err
			}
			continue
		}
		if err := l.loadWSDL(p); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) addSchema(path string, s *gowsdl.XSDSchema) error {
	sd := &schemaDoc{path: path, s: s}
	l.schemas = append(l.schemas, sd)
	for _, inc := range s.Includes {
		if err := l.loadSchemaFile(path, inc.SchemaLocation, s.TargetNamespace); err != nil {
			return err
		}
	}
	for _, imp := range s.Imports {
		if imp.SchemaLocation == "" || catalogNamespaces[imp.Namespace] {
			// The namespace is the catalog's, or must be defined by another
			// schema (checked on resolution).
			continue
		}
		if strings.Contains(imp.SchemaLocation, "://") && !isURL(path) {
			l.warnings = append(l.warnings, fmt.Sprintf("%s: schema %q imported from %s is not fetched: its types are unknown (copy it beside the WSDL)",
				path, imp.Namespace, imp.SchemaLocation))
			continue
		}
		if err := l.loadSchemaFile(path, imp.SchemaLocation, ""); err != nil {
			return err
		}
	}
	return nil
}

// loadSchemaFile loads an imported or included schema; an included schema
// without a targetNamespace takes its includer's (a "chameleon" include).
func (l *loader) loadSchemaFile(from, location, chameleonNS string) error {
	p, err := locate(from, location)
	if err != nil {
		return l.fail(from, "schema import/include", err)
	}
	key := filepath.Clean(p)
	if l.seen[key] {
		return nil
	}
	l.seen[key] = true
	data, err := l.read(p)
	if err != nil {
		return l.fail(from, fmt.Sprintf("schema import/include %q", location), err)
	}
	var s gowsdl.XSDSchema
	if err := xml.Unmarshal(data, &s); err != nil {
		return l.fail(p, "schema", err)
	}
	tree := parseTree(data)
	for name, a := range readArrayTypes(tree) {
		if name.Space == "" {
			name.Space = chameleonNS
		}
		l.arrays[name] = a
	}
	l.addGroups(tree)
	if s.TargetNamespace == "" {
		s.TargetNamespace = chameleonNS
	}
	return l.addSchema(p, &s)
}

func (l *loader) index(sd *schemaDoc) {
	ns := sd.s.TargetNamespace
	for _, e := range sd.s.Elements {
		l.elements[xml.Name{Space: ns, Local: e.Name}] = &globalElement{sd, e}
	}
	for _, t := range sd.s.ComplexTypes {
		l.complex[xml.Name{Space: ns, Local: t.Name}] = &globalComplex{sd, t}
	}
	for _, t := range sd.s.SimpleType {
		l.simple[xml.Name{Space: ns, Local: t.Name}] = &globalSimple{sd, t}
	}
}

// qname resolves a prefixed name against a document's namespace
// declarations. gowsdl does not keep the default namespace, so an unprefixed
// name is looked up in the target namespace, then among XSD's built-ins.
func qname(raw string, xmlns map[string]string, tns string) (xml.Name, error) {
	prefix, local, ok := strings.Cut(raw, ":")
	if !ok {
		return xml.Name{Space: tns, Local: raw}, nil
	}
	if ns, ok := xmlns[prefix]; ok {
		return xml.Name{Space: ns, Local: local}, nil
	}
	if prefix == "xs" || prefix == "xsd" {
		return xml.Name{Space: XSD, Local: local}, nil
	}
	return xml.Name{}, fmt.Errorf("undeclared namespace prefix %q in %q", prefix, raw)
}

var builtinKinds = map[string]Kind{
	"string": KindString, "normalizedString": KindString, "token": KindString, "anyURI": KindString,
	"QName": KindString, "NCName": KindString, "Name": KindString, "ID": KindString, "IDREF": KindString,
	"language": KindString, "NMTOKEN": KindString, "date": KindString, "time": KindString,
	"duration": KindString, "gYear": KindString, "gYearMonth": KindString, "gMonth": KindString,
	"gMonthDay": KindString, "gDay": KindString,
	"int": KindInt, "short": KindInt, "byte": KindInt, "unsignedShort": KindInt, "unsignedByte": KindInt,
	"long": KindLong, "integer": KindLong, "unsignedInt": KindLong, "unsignedLong": KindLong,
	"nonNegativeInteger": KindLong, "positiveInteger": KindLong, "negativeInteger": KindLong,
	"nonPositiveInteger": KindLong,
	"boolean":            KindBool,
	"double":             KindDouble, "float": KindDouble, "decimal": KindDouble,
	"dateTime":     KindDateTime,
	"base64Binary": KindBase64,
	"hexBinary":    KindHex,
	"anyType":      KindAny, "anySimpleType": KindString,
}

func (l *loader) typeByName(name xml.Name, ctx string) (*Type, error) {
	if t := l.resolved[name]; t != nil {
		return t, nil
	}
	if a, ok := l.arrays[name]; ok {
		if l.inSimple[name] {
			return nil, fmt.Errorf("%s: array type {%s}%s holds itself", ctx, name.Space, name.Local)
		}
		l.inSimple[name] = true
		defer delete(l.inSimple, name)
		t, err := l.arrayType(name, a)
		if err != nil {
			return nil, err
		}
		l.resolved[name] = t
		return t, nil
	}
	if c := l.complex[name]; c != nil {
		t := &Type{Name: name, Kind: KindStruct, MinLen: -1, MaxLen: -1}
		l.resolved[name] = t // before the fields: recursive types refer to themselves
		if err := l.fillComplex(t, c.sd, c.t); err != nil {
			return nil, err
		}
		return t, nil
	}
	if s := l.simple[name]; s != nil {
		if l.inSimple[name] {
			return nil, fmt.Errorf("%s: simple type {%s}%s derives from itself", ctx, name.Space, name.Local)
		}
		l.inSimple[name] = true
		defer delete(l.inSimple, name)
		t, err := l.simpleType(s.sd, s.t)
		if err != nil {
			return nil, err
		}
		t.Name = name
		l.resolved[name] = t
		return t, nil
	}
	if k, ok := builtinKinds[name.Local]; ok && (name.Space == XSD || l.isUnprefixedFallback(name)) {
		return &Type{Name: xml.Name{Space: XSD, Local: name.Local}, Kind: k, XSDName: name.Local, MinLen: -1, MaxLen: -1}, nil
	}
	if t, ok := catalogType(name); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%s: type {%s}%s is not defined by any schema", ctx, name.Space, name.Local)
}

// isUnprefixedFallback is true for a name qname() put in the target
// namespace that the target namespace does not define: a built-in written
// without prefix under xmlns="http://www.w3.org/2001/XMLSchema".
func (l *loader) isUnprefixedFallback(name xml.Name) bool {
	return l.complex[name] == nil && l.simple[name] == nil
}

func (l *loader) simpleType(sd *schemaDoc, st *gowsdl.XSDSimpleType) (*Type, error) {
	r := st.Restriction
	if r.Base == "" {
		// list and union: carried as their lexical form
		return &Type{Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}, nil
	}
	bn, err := qname(r.Base, sd.s.Xmlns, sd.s.TargetNamespace)
	if err != nil {
		return nil, err
	}
	base, err := l.typeByName(bn, "restriction base")
	if err != nil {
		return nil, err
	}
	t := *base
	t.Name = xml.Name{}
	t.Enum = nil
	for _, e := range r.Enumeration {
		t.Enum = append(t.Enum, e.Value)
	}
	if r.Pattern.Value != "" {
		re, err := regexp.Compile("^(?:" + r.Pattern.Value + ")$")
		if err == nil { // an XSD pattern Go's regexp cannot read is not enforced
			t.Pattern = re
		}
	}
	t.MinLen, t.MaxLen = atoiOr(r.MinLength.Value, t.MinLen), atoiOr(r.MaxLength.Value, t.MaxLen)
	if r.Length.Value != "" {
		t.MinLen, t.MaxLen = atoiOr(r.Length.Value, -1), atoiOr(r.Length.Value, -1)
	}
	return &t, nil
}

func (l *loader) fillComplex(t *Type, sd *schemaDoc, ct *gowsdl.XSDComplexType) error {
	if err := l.fillContent(t, sd, ct); err != nil {
		return err
	}
	if t.Kind == KindStruct {
		attrs, err := l.attributes(sd, ct.Attributes)
		if err != nil {
			return err
		}
		t.Attrs = append(t.Attrs, attrs...)
		if use, ok := l.groupTypes[t.Name]; ok && t.Name.Local != "" {
			more, err := l.groupAttributes(sd, use)
			if err != nil {
				return err
			}
			t.Attrs = append(t.Attrs, more...)
		}
		for _, a := range t.Attrs {
			a.Member = a.Name.Local
			if t.Field(a.Name.Local) != nil || a.Name.Local == TextMember {
				a.Member = "@" + a.Name.Local
			}
		}
	}
	return nil
}

// attributes resolves attribute declarations: a named simple type or an
// inline one (anything else, and a reference to a global attribute such
// as xml:lang, is carried as a string); prohibited ones are left out.
func (l *loader) attributes(sd *schemaDoc, decls []*gowsdl.XSDAttribute) ([]*Attribute, error) {
	var out []*Attribute
	for _, a := range decls {
		if a.Use == "prohibited" {
			continue
		}
		attr := &Attribute{Required: a.Use == "required", Type: &Type{Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}}
		switch {
		case a.Ref != "":
			rn, err := qname(a.Ref, sd.s.Xmlns, sd.s.TargetNamespace)
			if err != nil {
				return nil, err
			}
			attr.Name = rn
		case a.Name == "":
			continue
		default:
			attr.Name = xml.Name{Local: a.Name}
			switch {
			case a.Type != "":
				tn, err := qname(a.Type, sd.s.Xmlns, sd.s.TargetNamespace)
				if err != nil {
					return nil, err
				}
				at, err := l.typeByName(tn, "attribute "+a.Name)
				if err != nil {
					return nil, err
				}
				if at.Kind != KindStruct && at.Kind != KindArray && at.Kind != KindAny {
					attr.Type = at
				}
			case a.SimpleType != nil:
				at, err := l.simpleType(sd, a.SimpleType)
				if err != nil {
					return nil, err
				}
				attr.Type = at
			}
		}
		out = append(out, attr)
	}
	return out, nil
}

// fillContent reads a complex type's content model: simple content (a
// base type's text, with attributes), or the elements of its sequences,
// choices and all, after those of the type it extends.
func (l *loader) fillContent(t *Type, sd *schemaDoc, ct *gowsdl.XSDComplexType) error {
	if ext := ct.SimpleContent.Extension; ext.Base != "" {
		bn, err := qname(ext.Base, sd.s.Xmlns, sd.s.TargetNamespace)
		if err != nil {
			return err
		}
		base, err := l.typeByName(bn, "simpleContent base")
		if err != nil {
			return err
		}
		attrs, err := l.attributes(sd, ext.Attributes)
		if err != nil {
			return err
		}
		own, err := l.attributes(sd, ct.Attributes)
		if err != nil {
			return err
		}
		attrs = append(attrs, own...)
		if base.Text == nil && len(attrs) == 0 && len(base.Attrs) == 0 {
			// Text only: the type is its base's kind, as before.
			t.Kind, t.XSDName, t.Enum = base.Kind, base.XSDName, base.Enum
			return nil
		}
		text := base
		if base.Text != nil {
			text = base.Text
		}
		t.Kind, t.Text = KindStruct, text
		t.Attrs = append(append([]*Attribute{}, base.Attrs...), copyAttrs(attrs)...)
		ct.Attributes = nil // taken
		return nil
	}
	if ext := ct.ComplexContent.Extension; ext.Base != "" {
		bn, err := qname(ext.Base, sd.s.Xmlns, sd.s.TargetNamespace)
		if err != nil {
			return err
		}
		base, err := l.typeByName(bn, "complexContent base")
		if err != nil {
			return err
		}
		t.Fields = append(t.Fields, base.Fields...)
		t.Attrs = append(t.Attrs, copyAttrs(base.Attrs)...)
		t.Base = base
		t.Any = t.Any || base.Any
		if t.Name.Local != "" {
			base.Derived = append(base.Derived, t)
		}
		attrs, err := l.attributes(sd, ext.Attributes)
		if err != nil {
			return err
		}
		t.Attrs = append(t.Attrs, attrs...)
		for i := range ext.Sequence {
			if err := l.addField(t, sd, &ext.Sequence[i], 0); err != nil {
				return err
			}
		}
		choice := l.nextChoice()
		for _, e := range ext.Choice {
			if err := l.addField(t, sd, e, choice); err != nil {
				return err
			}
		}
	}
	if len(ct.Any) > 0 {
		t.Any = true
	}
	groups := []struct {
		elems  []*gowsdl.XSDElement
		choice int
	}{{ct.Sequence, 0}, {ct.All, 0}, {ct.Choice, l.nextChoice()},
		// gowsdl merges every choice inside a sequence into one list, so
		// these are only optional: two of them may be of two choices.
		{ct.SequenceChoice, -1}}
	for _, g := range groups {
		for _, e := range g.elems {
			if err := l.addField(t, sd, e, g.choice); err != nil {
				return err
			}
		}
	}
	if use, ok := l.groupTypes[t.Name]; ok && t.Name.Local != "" {
		return l.groupFields(t, sd, use, map[xml.Name]bool{})
	}
	return nil
}

// copyAttrs copies attributes, so that a derived type's member names do
// not change its base's.
func copyAttrs(in []*Attribute) []*Attribute {
	out := make([]*Attribute, len(in))
	for i, a := range in {
		cp := *a
		out[i] = &cp
	}
	return out
}

// nextChoice numbers a choice of a schema: its elements share the number.
func (l *loader) nextChoice() int {
	l.choices++
	return l.choices
}

// addField adds an element to t's fields; an element of a choice (choice
// != 0) is optional, and when choice > 0 at most one element of that
// choice may be present.
func (l *loader) addField(t *Type, sd *schemaDoc, e *gowsdl.XSDElement, choice int) error {
	el, err := l.element(sd, e, false)
	if err != nil {
		return err
	}
	if choice != 0 {
		cp := *el
		cp.Min, cp.Choice = 0, max(choice, 0)
		el = &cp
	}
	t.Fields = append(t.Fields, el)
	return nil
}

// element resolves a schema element; global is true for a top-level one.
func (l *loader) element(sd *schemaDoc, e *gowsdl.XSDElement, global bool) (*Element, error) {
	if done := l.resolving[e]; done != nil {
		return done, nil
	}
	el := &Element{Min: atoiOr(e.MinOccurs, 1), Max: 1, Nillable: e.Nillable, Doc: strings.TrimSpace(e.Doc)}
	if e.MaxOccurs == "unbounded" {
		el.Max = -1
	} else {
		el.Max = atoiOr(e.MaxOccurs, 1)
	}
	if e.Ref != "" {
		rn, err := qname(e.Ref, sd.s.Xmlns, sd.s.TargetNamespace)
		if err != nil {
			return nil, err
		}
		g := l.elements[rn]
		if g == nil && catalogNamespaces[rn.Space] {
			// An element of a catalog schema (wsa:EndpointReference,
			// wsse:Security): carried as it comes.
			el.Name, el.Type = rn, &Type{Name: rn, Kind: KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}
			return el, nil
		}
		if g == nil {
			return nil, fmt.Errorf("element ref %q is not defined by any schema", e.Ref)
		}
		if l.inRef[e] {
			return nil, fmt.Errorf("element ref %q refers to itself", e.Ref)
		}
		l.inRef[e] = true
		defer delete(l.inRef, e)
		target, err := l.element(g.sd, g.e, true)
		if err != nil {
			return nil, err
		}
		el.Name, el.Type, el.Nillable = target.Name, target.Type, target.Nillable || el.Nillable
		return el, nil
	}
	if global || sd.s.ElementFormDefault == "qualified" {
		el.Name = xml.Name{Space: sd.s.TargetNamespace, Local: e.Name}
	} else {
		el.Name = xml.Name{Local: e.Name}
	}
	l.resolving[e] = el
	var err error
	switch {
	case e.Type != "":
		var tn xml.Name
		if tn, err = qname(e.Type, sd.s.Xmlns, sd.s.TargetNamespace); err == nil {
			el.Type, err = l.typeByName(tn, "element "+e.Name)
		}
	case e.ComplexType != nil:
		el.Type = &Type{Kind: KindStruct, MinLen: -1, MaxLen: -1}
		err = l.fillComplex(el.Type, sd, e.ComplexType)
		if use, ok := l.groupElems[el.Name]; ok && global && err == nil {
			err = l.groupFields(el.Type, sd, use, map[xml.Name]bool{})
		}
	case e.SimpleType != nil:
		el.Type, err = l.simpleType(sd, e.SimpleType)
	default:
		el.Type = &Type{Kind: KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}
	}
	if err != nil {
		delete(l.resolving, e)
		return nil, err
	}
	return el, nil
}

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}
