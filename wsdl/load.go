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

type loader struct {
	read    func(path string) ([]byte, error)
	root    string
	docs    []*wsdlDoc
	schemas []*schemaDoc
	seen    map[string]bool // files already loaded, by absolute path
	// The schemas' global declarations, by qualified name.
	elements, complex, simple, groups, attrGroups, globalAttrs map[xml.Name]*schemaNode
	substitutes                                                map[xml.Name][]xml.Name // substitution group heads: the elements that name them
	resolved                                                   map[xml.Name]*Type
	resolving                                                  map[*etree.Element]*Element
	inSimple                                                   map[xml.Name]bool       // simple types being resolved: a cycle is an error
	inRef                                                      map[*etree.Element]bool // element refs being followed
	soap12Only                                                 bool
	bindings                                                   map[string]*bindingOp     // by operation name, the first document's first
	actions                                                    map[string]portTypeAction // WS-Addressing actions by operation name, the first portType's
	arrays                                                     map[xml.Name]soapArray    // SOAP-ENC array types, by name
	choices                                                    int                       // choices numbered so far
	// soapPortTypes are the portTypes a SOAP binding implements; when
	// there are any, only their operations are served (an ASMX WSDL's
	// HttpGet portType repeats every operation with other messages).
	soapPortTypes map[string]bool
	warnings      []string
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
		read:     read,
		root:     path,
		seen:     make(map[string]bool),
		elements: make(map[xml.Name]*schemaNode),
		complex:  make(map[xml.Name]*schemaNode),
		simple:   make(map[xml.Name]*schemaNode),
		groups:   make(map[xml.Name]*schemaNode), attrGroups: make(map[xml.Name]*schemaNode), globalAttrs: make(map[xml.Name]*schemaNode),
		substitutes:   make(map[xml.Name][]xml.Name),
		resolved:      make(map[xml.Name]*Type),
		resolving:     make(map[*etree.Element]*Element),
		inSimple:      make(map[xml.Name]bool),
		inRef:         make(map[*etree.Element]bool),
		bindings:      make(map[string]*bindingOp),
		actions:       make(map[string]portTypeAction),
		arrays:        make(map[xml.Name]soapArray),
		soapPortTypes: make(map[string]bool),
	}
	if err := l.loadWSDL(path); err != nil {
		return nil, err
	}
	for _, sd := range l.schemas {
		l.index(sd)
	}
	for _, sd := range l.schemas {
		l.applyRedefines(sd)
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
	ops, portTypes, ignored := readBindings(tree)
	for pt := range portTypes {
		l.soapPortTypes[pt] = true
	}
	for name, bo := range ops {
		if l.bindings[name] == nil {
			l.bindings[name] = bo
		}
	}
	for name, a := range readPortTypeActions(tree) {
		if _, ok := l.actions[name]; !ok {
			l.actions[name] = a
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
	if root := tree.Root(); root != nil {
		for _, types := range root.ChildElements() {
			if types.Tag != "types" || types.NamespaceURI() != NSWSDL {
				continue
			}
			for _, s := range types.ChildElements() {
				if isXSD(s, "schema") {
					if err := l.addSchema(path, s, ""); err != nil {
						return err
					}
				}
			}
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

// addSchema takes a schema in (from a WSDL's types or a schema file) and
// loads the schemas it includes, redefines and imports. A schema with no
// targetNamespace takes chameleonNS, its includer's.
func (l *loader) addSchema(path string, el *etree.Element, chameleonNS string) error {
	sd := &schemaDoc{path: path, el: el, tns: el.SelectAttrValue("targetNamespace", ""),
		qualified:     el.SelectAttrValue("elementFormDefault", "") == "qualified",
		attrQualified: el.SelectAttrValue("attributeFormDefault", "") == "qualified"}
	if sd.tns == "" {
		sd.tns = chameleonNS
	}
	l.schemas = append(l.schemas, sd)
	for _, c := range xsdChildren(el) {
		loc := c.SelectAttrValue("schemaLocation", "")
		switch c.Tag {
		case "include", "redefine":
			// A redefine's own declarations replace the file's
			// (applyRedefines).
			if loc == "" {
				continue
			}
			if err := l.loadSchemaFile(path, loc, sd.tns); err != nil {
				return err
			}
		case "import":
			ns := c.SelectAttrValue("namespace", "")
			if loc == "" || catalogNamespaces[ns] {
				// The namespace is the catalog's, or must be defined by
				// another schema (checked on resolution).
				continue
			}
			if strings.Contains(loc, "://") && !isURL(path) {
				l.warnings = append(l.warnings, fmt.Sprintf("%s: schema %q imported from %s is not fetched: its types are unknown (copy it beside the WSDL)",
					path, ns, loc))
				continue
			}
			if err := l.loadSchemaFile(path, loc, ""); err != nil {
				return err
			}
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
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return l.fail(p, "schema", err)
	}
	if !isXSD(doc.Root(), "schema") {
		return l.fail(p, "schema", errors.New("not an xs:schema document"))
	}
	return l.addSchema(p, doc.Root(), chameleonNS)
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
