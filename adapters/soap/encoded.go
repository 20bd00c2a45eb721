package soap

import (
	"encoding/xml"
	"strconv"
	"strings"

	"gateway/adapters/xmltext"
	"gateway/gateway"
	"gateway/wsdl"
)

// rpc/encoded (SOAP 1.1 section 5), as Axis 1, SOAP::Lite, gSOAP, PHP and
// .NET remoting send it: values with xsi:type, arrays as SOAP-ENC arrays
// (soapenc:arrayType, items of any name), and values that stand elsewhere
// in the Body and are referred to (href="#id" to a multiRef with id="id").
// References need random access, so an encoded Body is read into a small
// tree first (bounded, like any message, by the body size and depth
// limits), then decoded against the schema.

// NSENC is the SOAP 1.1 encoding namespace.
const NSENC = "http://schemas.xmlsoap.org/soap/encoding/"

// encNode is one element of an encoded Body.
type encNode struct {
	space, local string
	attrs        []xmltext.Attr
	text         string
	children     []*encNode
	// xsiType is the element's xsi:type, resolved where it stood (its
	// prefix means nothing once the tree is built).
	xsiType xml.Name
}

func (n *encNode) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Local == local && (a.Space == space || space == "") {
			return a.Value, true
		}
	}
	return "", false
}

// encodedBody reads the Body from the element first (its start tag
// already read) to the Body's end: first and the multiRef siblings after
// it.
func (d *decoder) encodedBody(first xmltext.Token) (*encNode, []*encNode, error) {
	root, err := d.encTree(first)
	if err != nil {
		return nil, nil, err
	}
	var rest []*encNode
	for {
		t, err := d.token()
		if err != nil {
			return nil, nil, err
		}
		switch t.Kind {
		case xmltext.End:
			return root, rest, nil
		case xmltext.Start:
			n, err := d.encTree(t)
			if err != nil {
				return nil, nil, err
			}
			rest = append(rest, n)
		}
	}
}

// encTree reads the element t starts into a node, to its end.
func (d *decoder) encTree(t xmltext.Token) (*encNode, error) {
	n := &encNode{space: t.Space, local: string(t.Local), attrs: t.Attrs}
	if v, ok := attr(t, NSXSI, "type"); ok {
		n.xsiType.Space, n.xsiType.Local = d.x.ResolveValue(v)
	}
	var text strings.Builder
	for {
		c, err := d.token()
		if err != nil {
			return nil, err
		}
		switch c.Kind {
		case xmltext.End:
			n.text = text.String()
			return n, nil
		case xmltext.Text:
			text.Write(c.Text)
		case xmltext.Start:
			child, err := d.encTree(c)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, child)
		}
	}
}

// encDecoder decodes an encoded Body's tree against the schema.
type encDecoder struct {
	ids    map[string]*encNode
	active map[*encNode]bool // the references being followed: a cycle meets one again
	budget int               // values left to decode: shared references cannot multiply without end
	path   string
}

func newEncDecoder(nodes ...[]*encNode) *encDecoder {
	e := &encDecoder{ids: map[string]*encNode{}, active: map[*encNode]bool{}}
	count := 0
	var index func(n *encNode)
	index = func(n *encNode) {
		count++
		if id, ok := n.attr("", "id"); ok {
			e.ids[id] = n
		}
		for _, c := range n.children {
			index(c)
		}
	}
	for _, list := range nodes {
		for _, n := range list {
			index(n)
		}
	}
	// Each node may be reached several times through shared references
	// (a multiRef of an item used in two places); a document whose
	// references would make it decode more than this many values is
	// refused, whatever the fan-out of its reference graph.
	e.budget = 4*count + 1024
	return e
}

// deref follows href="#id" to the value it names.
func (e *encDecoder) deref(n *encNode, path string) (*encNode, error) {
	for hops := 0; ; hops++ {
		href, ok := n.attr("", "href")
		if !ok {
			return n, nil
		}
		id, local := strings.CutPrefix(strings.TrimSpace(href), "#")
		if !local {
			return nil, paramFault("element %s: href %q is not a reference within the message", path, gateway.Clip(href))
		}
		target := e.ids[id]
		if target == nil {
			return nil, paramFault("element %s: href %q refers to no element", path, gateway.Clip(href))
		}
		if target == n || hops > 64 {
			return nil, paramFault("element %s: href %q refers to itself", path, gateway.Clip(href))
		}
		n = target
	}
}

func isNil(n *encNode) bool {
	v, ok := n.attr(NSXSI, "nil")
	v = strings.TrimSpace(v)
	return ok && (v == "true" || v == "1")
}

// value decodes n as a value of type t.
func (e *encDecoder) value(n *encNode, t *wsdl.Type, path string) (any, error) {
	if e.budget--; e.budget < 0 {
		return nil, paramFault("element %s: the message's references make too many values", path)
	}
	n, err := e.deref(n, path)
	if err != nil {
		return nil, err
	}
	if e.active[n] {
		return nil, paramFault("element %s: cyclic reference", path)
	}
	e.active[n] = true
	defer delete(e.active, n)
	if isNil(n) {
		return nil, nil
	}
	switch t.Kind {
	case wsdl.KindStruct:
		if derived := t.DerivedNamed(n.xsiType.Local); derived != nil && (n.xsiType.Space == derived.Name.Space || n.xsiType.Space == "") {
			st, err := e.structOf(n, derived, path)
			if err != nil {
				return nil, err
			}
			return append(gateway.Struct{{Name: wsdl.TypeMember, Value: derived.Name.Local}}, st...), nil
		}
		return e.structOf(n, t, path)
	case wsdl.KindArray:
		out := make([]any, 0, len(n.children))
		for i, c := range n.children {
			v, err := e.value(c, t.Item, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case wsdl.KindAny:
		return e.anyValue(n, path)
	}
	if len(n.children) > 0 {
		return nil, paramFault("element %s: elements where a %s is due", path, t.XSDName)
	}
	return parseScalar(t, n.text, "", path)
}

// structOf decodes n's children as t's fields, by local name (an encoded
// message's parts and fields are unqualified, and clients differ).
func (e *encDecoder) structOf(n *encNode, t *wsdl.Type, path string) (gateway.Struct, error) {
	out := gateway.Struct{}
	for _, c := range n.children {
		i := fieldIndex(t.Fields, []byte(c.local))
		if i < 0 {
			return nil, paramFault("element %s: unexpected element <%s>", path, c.local)
		}
		f := t.Fields[i]
		v, err := e.value(c, f.Type, join(path, f.Name.Local))
		if err != nil {
			return nil, err
		}
		if prev, ok := out.Get(f.Name.Local); ok {
			if !f.Repeated() {
				return nil, paramFault("element %s.%s appears more than once", path, f.Name.Local)
			}
			list, _ := prev.([]any)
			for j := range out {
				if out[j].Name == f.Name.Local {
					out[j].Value = append(list, v)
				}
			}
			continue
		}
		if f.Repeated() {
			v = []any{v}
		}
		out = append(out, gateway.Member{Name: f.Name.Local, Value: v})
	}
	return out, nil
}

// anyValue decodes a value the schema does not type, by its xsi:type: a
// SOAP-ENC array, a struct of its children, or a scalar.
func (e *encDecoder) anyValue(n *encNode, path string) (any, error) {
	xsiType, _ := n.attr(NSXSI, "type")
	_, local, _ := strings.Cut(xsiType, ":")
	if local == "" {
		local = xsiType
	}
	_, isArray := n.attr(NSENC, "arrayType")
	switch {
	case isArray || local == "Array":
		out := make([]any, 0, len(n.children))
		for i, c := range n.children {
			v, err := e.value(c, anyType, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case len(n.children) > 0:
		st := gateway.Struct{}
		for _, c := range n.children {
			v, err := e.value(c, anyType, join(path, c.local))
			if err != nil {
				return nil, err
			}
			st = append(st, gateway.Member{Name: c.local, Value: v})
		}
		return st, nil
	}
	switch local {
	case "int", "long", "short", "byte", "integer", "unsignedInt", "unsignedShort":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindLong, XSDName: local}, n.text, "", path)
	case "boolean":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindBool, XSDName: local}, n.text, "", path)
	case "double", "float":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindDouble, XSDName: local}, n.text, "", path)
	case "decimal":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindDouble, XSDName: "decimal"}, n.text, "", path)
	case "dateTime":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindDateTime, XSDName: local}, n.text, "", path)
	case "base64Binary", "base64":
		return parseScalar(&wsdl.Type{Kind: wsdl.KindBase64, XSDName: local}, n.text, "", path)
	}
	return n.text, nil
}

var anyType = &wsdl.Type{Kind: wsdl.KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}

// encodedMessage decodes an encoded wrapper (first, read) and the
// multiRefs after it, to the Body's end, as el.
func (d *decoder) encodedMessage(first xmltext.Token, el *wsdl.Element) (gateway.Struct, error) {
	root, rest, err := d.encodedBody(first)
	if err != nil {
		return nil, err
	}
	e := newEncDecoder([]*encNode{root}, rest)
	return e.structOf(root, el.Type, el.Name.Local)
}
