package wsdl

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// The schema reader. XML Schema's content models nest (a sequence in a
// choice in a sequence, a group that refers to a group, maxOccurs on a
// model group), and an element may stand for another (substitution
// groups): the gateway reads schemas from their own trees, particle by
// particle, into the flat model the codecs use (Type.Fields, with
// Element.Choice and Element.Branch saying which fields exclude which).

// schemaDoc is one xs:schema with the file it came from (for relative
// locations) and the namespace its global names are in.
type schemaDoc struct {
	path          string
	tns           string // the targetNamespace, or a chameleon include's includer's
	qualified     bool   // elementFormDefault="qualified"
	attrQualified bool   // attributeFormDefault="qualified"
	el            *etree.Element
}

// schemaNode is a global declaration of a schema.
type schemaNode struct {
	sd *schemaDoc
	el *etree.Element
}

// isXSD reports whether el is the XML Schema element called tag.
func isXSD(el *etree.Element, tag string) bool {
	return el != nil && el.Tag == tag && el.NamespaceURI() == XSD
}

// xsdChildren are el's XML Schema children (annotations and foreign
// extension elements left out).
func xsdChildren(el *etree.Element) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.NamespaceURI() == XSD && c.Tag != "annotation" {
			out = append(out, c)
		}
	}
	return out
}

// xsdChild is el's first XML Schema child called one of tags, or nil.
func xsdChild(el *etree.Element, tags ...string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.NamespaceURI() == XSD && slices.Contains(tags, c.Tag) {
			return c
		}
	}
	return nil
}

// documentation is the text of el's xs:annotation/xs:documentation.
func documentation(el *etree.Element) string {
	if a := xsdChild(el, "annotation"); a != nil {
		if d := xsdChild(a, "documentation"); d != nil {
			return strings.TrimSpace(d.Text())
		}
	}
	return ""
}

// index takes a schema's global declarations in.
func (l *loader) index(sd *schemaDoc) {
	for _, c := range xsdChildren(sd.el) {
		name := c.SelectAttrValue("name", "")
		if name == "" {
			continue
		}
		qn := xml.Name{Space: sd.tns, Local: name}
		node := &schemaNode{sd, c}
		switch c.Tag {
		case "element":
			l.elements[qn] = node
			if head := c.SelectAttrValue("substitutionGroup", ""); head != "" {
				if hn, err := l.schemaQName(sd, c, head); err == nil {
					l.substitutes[hn] = append(l.substitutes[hn], qn)
				}
			}
		case "complexType":
			l.complex[qn] = node
			if a, ok := soapArrayOf(c); ok {
				l.arrays[qn] = a
			}
		case "simpleType":
			l.simple[qn] = node
		case "group":
			l.groups[qn] = node
		case "attributeGroup":
			l.attrGroups[qn] = node
		case "attribute":
			l.globalAttrs[qn] = node
		}
	}
}

// redefined is the suffix under which a declaration that an xs:redefine
// replaces stays reachable: the redefinition derives from it by its own
// name.
const redefined = "\x00redefined"

// applyRedefines puts each xs:redefine's declarations in the place of the
// ones they redefine (after every schema is indexed, so that the
// redefined file's own are there to be moved aside).
func (l *loader) applyRedefines(sd *schemaDoc) {
	for _, r := range xsdChildren(sd.el) {
		if r.Tag != "redefine" {
			continue
		}
		for _, c := range xsdChildren(r) {
			name := c.SelectAttrValue("name", "")
			var table map[xml.Name]*schemaNode
			switch c.Tag {
			case "complexType":
				table = l.complex
			case "simpleType":
				table = l.simple
			case "group":
				table = l.groups
			case "attributeGroup":
				table = l.attrGroups
			}
			if name == "" || table == nil {
				continue
			}
			qn := xml.Name{Space: sd.tns, Local: name}
			if old := table[qn]; old != nil {
				table[xml.Name{Space: sd.tns, Local: name + redefined}] = old
			}
			table[qn] = &schemaNode{sd, c}
		}
	}
}

// redefinedName is n as referred to from el: inside a redefinition of n,
// the declaration it redefines.
func redefinedName(sd *schemaDoc, el *etree.Element, n xml.Name) xml.Name {
	for e := el; e != nil && e.Parent() != nil; e = e.Parent() {
		if isXSD(e.Parent(), "redefine") {
			if e.SelectAttrValue("name", "") == n.Local && sd.tns == n.Space {
				n.Local += redefined
			}
			break
		}
	}
	return n
}

// schemaQName resolves a QName written in a schema attribute at el. An
// unprefixed name with no default namespace in scope is in the schema's
// target namespace (a chameleon include's names, and what sloppy
// generators write); prefixes xs and xsd are XML Schema's even undeclared.
func (l *loader) schemaQName(sd *schemaDoc, el *etree.Element, raw string) (xml.Name, error) {
	raw = strings.TrimSpace(raw)
	prefix, local, ok := strings.Cut(raw, ":")
	if !ok {
		prefix, local = "", raw
	}
	if prefix == "xml" {
		return xml.Name{Space: NSXML, Local: local}, nil
	}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if prefix == "" && a.Space == "" && a.Key == "xmlns" || prefix != "" && a.Space == "xmlns" && a.Key == prefix {
				if a.Value == "" && prefix == "" {
					return xml.Name{Space: sd.tns, Local: local}, nil
				}
				return xml.Name{Space: a.Value, Local: local}, nil
			}
		}
	}
	switch prefix {
	case "":
		return xml.Name{Space: sd.tns, Local: local}, nil
	case "xs", "xsd":
		return xml.Name{Space: XSD, Local: local}, nil
	}
	return xml.Name{}, fmt.Errorf("undeclared namespace prefix %q in %q", prefix, raw)
}

// typeName resolves a type reference: as written, or, for an unprefixed
// name its namespace does not define, the target namespace's or XML
// Schema's type of that name (schemas that declare XSD as the default
// namespace and still name their own types unprefixed, and the reverse).
func (l *loader) typeName(sd *schemaDoc, el *etree.Element, raw string) (xml.Name, error) {
	n, err := l.schemaQName(sd, el, raw)
	if err != nil {
		return n, err
	}
	n = redefinedName(sd, el, n)
	if strings.Contains(raw, ":") || l.definesType(n) {
		return n, nil
	}
	for _, alt := range []xml.Name{{Space: sd.tns, Local: n.Local}, {Space: XSD, Local: n.Local}} {
		if l.definesType(alt) {
			return alt, nil
		}
	}
	return n, nil
}

func (l *loader) definesType(n xml.Name) bool {
	if l.complex[n] != nil || l.simple[n] != nil {
		return true
	}
	_, builtin := builtinKinds[n.Local]
	return n.Space == XSD && builtin
}

var builtinKinds = map[string]Kind{
	"string": KindString, "normalizedString": KindString, "token": KindString, "anyURI": KindString,
	"QName": KindString, "NCName": KindString, "Name": KindString, "ID": KindString, "IDREF": KindString,
	"IDREFS": KindString, "ENTITY": KindString, "ENTITIES": KindString, "NMTOKENS": KindString, "NOTATION": KindString,
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

// builtinWhiteSpace is the whiteSpace facet of the built-in string types
// that have one other than preserve.
var builtinWhiteSpace = map[string]string{
	"normalizedString": "replace",
	"token":            "collapse", "language": "collapse", "NMTOKEN": "collapse", "NMTOKENS": "collapse", "Name": "collapse",
	"NCName": "collapse", "ID": "collapse", "IDREF": "collapse", "IDREFS": "collapse", "ENTITY": "collapse", "ENTITIES": "collapse",
	"QName": "collapse", "anyURI": "collapse",
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
		if err := l.fillComplex(t, c.sd, c.el); err != nil {
			delete(l.resolved, name)
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
		t, err := l.simpleType(s.sd, s.el)
		if err != nil {
			return nil, err
		}
		t.Name = name
		l.resolved[name] = t
		return t, nil
	}
	if k, ok := builtinKinds[name.Local]; ok && name.Space == XSD {
		return &Type{Name: name, Kind: k, XSDName: name.Local, WhiteSpace: builtinWhiteSpace[name.Local], MinLen: -1, MaxLen: -1}, nil
	}
	if t, ok := catalogType(name); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%s: type {%s}%s is not defined by any schema", ctx, name.Space, name.Local)
}

// typeAttr resolves the type= of el.
func (l *loader) typeAttr(sd *schemaDoc, el *etree.Element, raw, ctx string) (*Type, error) {
	n, err := l.typeName(sd, el, raw)
	if err != nil {
		return nil, err
	}
	return l.typeByName(n, ctx)
}

// simpleType reads an xs:simpleType: a restriction (of a named base or an
// inline one) with its facets, a list (Type.List: its items' type; the
// value travels as its lexical form) or a union (its lexical form).
func (l *loader) simpleType(sd *schemaDoc, st *etree.Element) (*Type, error) {
	if list := xsdChild(st, "list"); list != nil {
		var item *Type
		var err error
		if it := list.SelectAttrValue("itemType", ""); it != "" {
			item, err = l.typeAttr(sd, list, it, "list itemType")
		} else if inline := xsdChild(list, "simpleType"); inline != nil {
			item, err = l.simpleType(sd, inline)
		}
		if err != nil {
			return nil, err
		}
		if item != nil && item.Kind == KindStruct {
			item = nil
		}
		return &Type{Kind: KindString, XSDName: "string", List: item, WhiteSpace: "collapse", MinLen: -1, MaxLen: -1}, nil
	}
	r := xsdChild(st, "restriction")
	if r == nil {
		// union: carried as its lexical form
		return &Type{Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}, nil
	}
	var base *Type
	var err error
	if b := r.SelectAttrValue("base", ""); b != "" {
		base, err = l.typeAttr(sd, r, b, "restriction base")
	} else if inline := xsdChild(r, "simpleType"); inline != nil {
		base, err = l.simpleType(sd, inline)
	} else {
		base = &Type{Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}
	}
	if err != nil {
		return nil, err
	}
	t := *base
	t.Name = xml.Name{}
	restrictFacets(&t, r)
	return &t, nil
}

// restrictFacets applies a restriction's facets to t: enumerations,
// patterns (several are alternatives), lengths. A pattern Go's regexp
// cannot read is not enforced.
func restrictFacets(t *Type, r *etree.Element) {
	var enum, patterns []string
	for _, f := range xsdChildren(r) {
		v := f.SelectAttrValue("value", "")
		switch f.Tag {
		case "enumeration":
			enum = append(enum, v)
		case "pattern":
			patterns = append(patterns, "(?:"+v+")")
		case "minLength":
			t.MinLen = atoiOr(v, t.MinLen)
		case "maxLength":
			t.MaxLen = atoiOr(v, t.MaxLen)
		case "length":
			t.MinLen, t.MaxLen = atoiOr(v, -1), atoiOr(v, -1)
		case "minInclusive", "maxInclusive", "minExclusive", "maxExclusive":
			r := Range{}
			if t.Range != nil {
				r = *t.Range
			}
			v = strings.TrimSpace(v)
			switch f.Tag {
			case "minInclusive":
				r.MinInclusive = v
			case "maxInclusive":
				r.MaxInclusive = v
			case "minExclusive":
				r.MinExclusive = v
			case "maxExclusive":
				r.MaxExclusive = v
			}
			t.Range = &r
		case "totalDigits", "fractionDigits":
			d := Digits{}
			if t.Digits != nil {
				d = *t.Digits
			}
			n := atoiOr(strings.TrimSpace(v), -1)
			if n < 0 {
				continue
			}
			if f.Tag == "totalDigits" {
				d.Total = n
			} else {
				d.Fraction, d.FractionSet = n, true
			}
			t.Digits = &d
		case "whiteSpace":
			if v == "preserve" {
				v = ""
			}
			t.WhiteSpace = v
		}
	}
	if len(enum) > 0 || t.Enum != nil {
		t.Enum = enum
	}
	if len(patterns) > 0 {
		if re, err := regexp.Compile("^(?:" + strings.Join(patterns, "|") + ")$"); err == nil {
			t.Pattern = re
		}
	}
}

// fillComplex reads a complex type's content and attributes into t.
func (l *loader) fillComplex(t *Type, sd *schemaDoc, ct *etree.Element) error {
	t.Abstract = ct.SelectAttrValue("abstract", "") == "true"
	if err := l.fillContent(t, sd, ct); err != nil {
		return err
	}
	if t.Kind != KindStruct {
		return nil
	}
	for _, a := range t.Attrs {
		a.Member = a.Name.Local
		if t.Field(a.Name.Local) != nil || a.Name.Local == TextMember {
			a.Member = "@" + a.Name.Local
		}
	}
	return nil
}

// fillContent reads a complex type's content model: simple content (a
// base type's text, with attributes), the elements of a complexContent
// extension after those of the type it extends, a restriction's own, or
// the type's particles.
func (l *loader) fillContent(t *Type, sd *schemaDoc, ct *etree.Element) error {
	if sc := xsdChild(ct, "simpleContent"); sc != nil {
		return l.simpleContent(t, sd, ct, sc)
	}
	holder := ct // where the particles and attributes are
	if cc := xsdChild(ct, "complexContent"); cc != nil {
		der := xsdChild(cc, "extension", "restriction")
		if der == nil {
			return nil
		}
		if a, ok := soapArrayOf(ct); ok && t.Name.Local == "" {
			// An anonymous SOAP-ENC array (an element's own type).
			arr, err := l.arrayType(xml.Name{}, a)
			if err != nil {
				return err
			}
			*t = *arr
			return nil
		}
		bn, err := l.typeName(sd, der, der.SelectAttrValue("base", ""))
		if err != nil {
			return err
		}
		base, err := l.typeByName(bn, "complexContent base")
		if err != nil {
			return err
		}
		if base.Kind == KindStruct {
			t.Base = base
			if t.Name.Local != "" {
				base.Derived = append(base.Derived, t)
			}
			if der.Tag == "extension" {
				t.Fields = append(t.Fields, base.Fields...)
				t.Attrs = append(t.Attrs, copyAttrs(base.Attrs)...)
				t.Any = base.Any
			}
		}
		holder = der
	}
	for _, p := range xsdChildren(holder) {
		switch p.Tag {
		case "sequence", "choice", "all", "group":
			if err := l.particle(t, sd, p, particleCtx{}, map[xml.Name]bool{}); err != nil {
				return err
			}
		}
	}
	attrs, err := l.attributes(sd, holder, map[xml.Name]bool{})
	if err != nil {
		return err
	}
	if holder != ct { // attributes may also stand on the type itself
		own, err := l.attributes(sd, ct, map[xml.Name]bool{})
		if err != nil {
			return err
		}
		attrs = append(attrs, own...)
	}
	t.Attrs = append(t.Attrs, attrs...)
	return nil
}

// simpleContent reads a complex type of simple content: a base's text with
// attributes (a PayPal amount with its currencyID), or, with no
// attribute anywhere, the base's kind itself.
func (l *loader) simpleContent(t *Type, sd *schemaDoc, ct, sc *etree.Element) error {
	der := xsdChild(sc, "extension", "restriction")
	if der == nil {
		return nil
	}
	base, err := l.typeAttr(sd, der, der.SelectAttrValue("base", ""), "simpleContent base")
	if err != nil {
		return err
	}
	attrs, err := l.attributes(sd, der, map[xml.Name]bool{})
	if err != nil {
		return err
	}
	own, err := l.attributes(sd, ct, map[xml.Name]bool{})
	if err != nil {
		return err
	}
	attrs = append(attrs, own...)
	text := base
	if base.Text != nil {
		text = base.Text
	}
	if der.Tag == "restriction" {
		cp := *text
		cp.Name = xml.Name{}
		restrictFacets(&cp, der)
		text = &cp
	}
	if base.Text == nil && len(attrs) == 0 && len(base.Attrs) == 0 {
		// Text only: the type is its (restricted) base's kind.
		t.Kind, t.XSDName, t.Enum, t.Pattern, t.MinLen, t.MaxLen, t.List = text.Kind, text.XSDName, text.Enum, text.Pattern, text.MinLen, text.MaxLen, text.List
		return nil
	}
	t.Kind, t.Text = KindStruct, text
	t.Attrs = append(append([]*Attribute{}, copyAttrs(base.Attrs)...), attrs...)
	return nil
}

// attributes resolves the attributes declared in holder (a complex type,
// an extension or restriction, an attribute group), attribute group
// references in place: a named simple type or an inline one (anything
// else is carried as a string), a reference to a global attribute with its
// type (xml:lang and other catalog attributes as strings); prohibited ones
// are left out.
func (l *loader) attributes(sd *schemaDoc, holder *etree.Element, seen map[xml.Name]bool) ([]*Attribute, error) {
	var out []*Attribute
	for _, a := range xsdChildren(holder) {
		switch a.Tag {
		case "attributeGroup":
			ref := a.SelectAttrValue("ref", "")
			if ref == "" {
				continue
			}
			gn, err := l.schemaQName(sd, a, ref)
			if err != nil {
				return nil, err
			}
			g := l.attrGroups[gn]
			if g == nil || seen[gn] {
				continue // a catalog group (xml:specialAttrs), undefined, or one that holds itself
			}
			seen[gn] = true
			more, err := l.attributes(g.sd, g.el, seen)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		case "attribute":
			attr, err := l.attribute(sd, a)
			if err != nil {
				return nil, err
			}
			if attr != nil {
				out = append(out, attr)
			}
		}
	}
	return out, nil
}

func (l *loader) attribute(sd *schemaDoc, a *etree.Element) (*Attribute, error) {
	if a.SelectAttrValue("use", "") == "prohibited" {
		return nil, nil
	}
	attr := &Attribute{Required: a.SelectAttrValue("use", "") == "required", Type: &Type{Kind: KindString, XSDName: "string", MinLen: -1, MaxLen: -1}}
	decl, declSD := a, sd
	if ref := a.SelectAttrValue("ref", ""); ref != "" {
		rn, err := l.schemaQName(sd, a, ref)
		if err != nil {
			return nil, err
		}
		attr.Name = rn
		g := l.globalAttrs[rn]
		if g == nil {
			return attr, nil // xml:lang, a catalog attribute, or undefined: a string
		}
		decl, declSD = g.el, g.sd
	} else {
		name := a.SelectAttrValue("name", "")
		if name == "" {
			return nil, nil
		}
		attr.Name = xml.Name{Local: name}
		if form := a.SelectAttrValue("form", ""); form == "qualified" || form == "" && sd.attrQualified {
			attr.Name.Space = sd.tns
		}
	}
	switch {
	case decl.SelectAttrValue("type", "") != "":
		at, err := l.typeAttr(declSD, decl, decl.SelectAttrValue("type", ""), "attribute "+attr.Name.Local)
		if err != nil {
			return nil, err
		}
		if at.Kind != KindStruct && at.Kind != KindArray && at.Kind != KindAny {
			attr.Type = at
		}
	case xsdChild(decl, "simpleType") != nil:
		at, err := l.simpleType(declSD, xsdChild(decl, "simpleType"))
		if err != nil {
			return nil, err
		}
		attr.Type = at
	}
	return attr, nil
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

// occurs reads minOccurs and maxOccurs (-1: unbounded).
func occurs(el *etree.Element) (lo, hi int) {
	lo = atoiOr(el.SelectAttrValue("minOccurs", ""), 1)
	switch m := el.SelectAttrValue("maxOccurs", ""); m {
	case "unbounded":
		hi = -1
	default:
		hi = atoiOr(m, 1)
	}
	return lo, hi
}

// particleCtx is what the model groups around a particle make of it.
type particleCtx struct {
	choice, branch int  // the choice (and its alternative) the particle is in
	optional       bool // a group around it may be absent
	repeated       bool // a group around it may repeat
	group          int  // the outermost repeated group's number (Element.Group)
}

// particle flattens one particle of a content model into t's fields. A
// choice numbers its alternatives (Element.Branch), so that fields of two
// alternatives are not both present; a choice inside an alternative, or
// one that repeats, only makes its elements optional. A model group with
// maxOccurs > 1 makes its elements repeated (their interleaving is not
// kept). A group reference is read where it stands.
func (l *loader) particle(t *Type, sd *schemaDoc, p *etree.Element, ctx particleCtx, groups map[xml.Name]bool) error {
	lo, hi := occurs(p)
	if lo == 0 {
		ctx.optional = true
	}
	switch p.Tag {
	case "element":
		return l.addField(t, sd, p, lo, hi, ctx)
	case "any":
		t.Any = true
		return nil
	}
	if hi != 1 {
		ctx.repeated = true
		if ctx.group == 0 {
			ctx.group = l.nextChoice()
		}
	}
	switch p.Tag {
	case "sequence", "all":
		for _, c := range xsdChildren(p) {
			if err := l.particle(t, sd, c, ctx, groups); err != nil {
				return err
			}
		}
	case "choice":
		inner := ctx
		inner.optional = true
		fresh := ctx.choice == 0 && !ctx.repeated
		if fresh {
			inner.choice = l.nextChoice()
		}
		for i, c := range xsdChildren(p) {
			if fresh {
				inner.branch = i + 1
			}
			if err := l.particle(t, sd, c, inner, groups); err != nil {
				return err
			}
		}
	case "group":
		ref := p.SelectAttrValue("ref", "")
		if ref == "" {
			return nil
		}
		gn, err := l.schemaQName(sd, p, ref)
		if err != nil {
			return err
		}
		gn = redefinedName(sd, p, gn)
		g := l.groups[gn]
		if g == nil {
			return fmt.Errorf("group ref %q is not defined by any schema", ref)
		}
		if groups[gn] {
			return nil // a group that holds itself: nothing more to add
		}
		groups[gn] = true
		defer delete(groups, gn)
		for _, c := range xsdChildren(g.el) {
			if err := l.particle(t, g.sd, c, ctx, groups); err != nil {
				return err
			}
		}
	}
	return nil
}

// nextChoice numbers a choice, or a repeated model group, of a schema:
// its elements share the number.
func (l *loader) nextChoice() int {
	l.choices++
	return l.choices
}

// addField adds an element particle to t's fields, as the groups around
// it shape it. An element that heads a substitution group is the choice
// of the elements that may stand for it (and itself, unless abstract).
func (l *loader) addField(t *Type, sd *schemaDoc, p *etree.Element, lo, hi int, ctx particleCtx) error {
	alts := []*Element{}
	if ref := p.SelectAttrValue("ref", ""); ref != "" {
		rn, err := l.schemaQName(sd, p, ref)
		if err != nil {
			return err
		}
		if members := l.substitutionMembers(rn, map[xml.Name]bool{}); len(members) > 0 {
			if g := l.elements[rn]; g != nil && g.el.SelectAttrValue("abstract", "") != "true" {
				members = append([]xml.Name{rn}, members...)
			}
			for _, m := range members {
				g := l.elements[m]
				el, err := l.element(g.sd, g.el, true)
				if err != nil {
					return err
				}
				cp := *el
				cp.Min, cp.Max, cp.Doc = lo, hi, documentation(p)
				if m != rn {
					cp.Head = rn.Local
				}
				alts = append(alts, &cp)
			}
			if ctx.choice == 0 && !ctx.repeated && hi == 1 && len(alts) > 1 {
				ctx.choice = l.nextChoice()
				for i, a := range alts {
					a.Choice, a.Branch, a.Min = ctx.choice, i+1, 0
				}
				ctx.choice = 0 // numbered here
			}
		}
	}
	if len(alts) == 0 {
		el, err := l.element(sd, p, false)
		if err != nil {
			return err
		}
		alts = append(alts, el)
	}
	for _, el := range alts {
		if ctx.optional || ctx.repeated || ctx.choice != 0 {
			cp := *el
			if ctx.optional {
				cp.Min = 0
			}
			if ctx.repeated {
				cp.Max = -1
			}
			if ctx.choice != 0 {
				cp.Choice, cp.Branch = ctx.choice, ctx.branch
			}
			cp.Group = ctx.group
			el = &cp
		}
		if t.Field(el.Name.Local) != nil && el.Name.Local != "" {
			continue // a name the content model repeats: one field holds it
		}
		t.Fields = append(t.Fields, el)
	}
	return nil
}

// substitutionMembers are the global elements that may stand for head
// (directly, or for one that may), in schema order.
func (l *loader) substitutionMembers(head xml.Name, seen map[xml.Name]bool) []xml.Name {
	var out []xml.Name
	for _, m := range l.substitutes[head] {
		if seen[m] {
			continue
		}
		seen[m] = true
		if g := l.elements[m]; g != nil && g.el.SelectAttrValue("abstract", "") != "true" {
			out = append(out, m)
		}
		out = append(out, l.substitutionMembers(m, seen)...)
	}
	return out
}

// element resolves a schema element; global is true for a top-level one.
func (l *loader) element(sd *schemaDoc, e *etree.Element, global bool) (*Element, error) {
	if done := l.resolving[e]; done != nil {
		return done, nil
	}
	lo, hi := occurs(e)
	el := &Element{Min: lo, Max: hi, Nillable: e.SelectAttrValue("nillable", "") == "true", Doc: documentation(e)}
	if global {
		el.Min, el.Max = 1, 1
	}
	if ref := e.SelectAttrValue("ref", ""); ref != "" {
		rn, err := l.schemaQName(sd, e, ref)
		if err != nil {
			return nil, err
		}
		g := l.elements[rn]
		if g == nil && (catalogNamespaces[rn.Space] || rn.Space == XSD) {
			// An element of a catalog schema (wsa:EndpointReference,
			// wsse:Security), or XML Schema's own (an ADO.NET DataSet's
			// inline xs:schema): carried as it comes.
			el.Name, el.Type = rn, &Type{Name: rn, Kind: KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}
			return el, nil
		}
		if g == nil {
			return nil, fmt.Errorf("element ref %q is not defined by any schema", ref)
		}
		if l.inRef[e] {
			return nil, fmt.Errorf("element ref %q refers to itself", ref)
		}
		l.inRef[e] = true
		defer delete(l.inRef, e)
		target, err := l.element(g.sd, g.el, true)
		if err != nil {
			return nil, err
		}
		el.Name, el.Type, el.Nillable = target.Name, target.Type, target.Nillable || el.Nillable
		if el.Doc == "" {
			el.Doc = target.Doc
		}
		return el, nil
	}
	name := e.SelectAttrValue("name", "")
	if form := e.SelectAttrValue("form", ""); global || form == "qualified" || form == "" && sd.qualified {
		el.Name = xml.Name{Space: sd.tns, Local: name}
	} else {
		el.Name = xml.Name{Local: name}
	}
	l.resolving[e] = el
	var err error
	switch {
	case e.SelectAttrValue("type", "") != "":
		el.Type, err = l.typeAttr(sd, e, e.SelectAttrValue("type", ""), "element "+name)
	case xsdChild(e, "complexType") != nil:
		el.Type = &Type{Kind: KindStruct, MinLen: -1, MaxLen: -1}
		err = l.fillComplex(el.Type, sd, xsdChild(e, "complexType"))
	case xsdChild(e, "simpleType") != nil:
		el.Type, err = l.simpleType(sd, xsdChild(e, "simpleType"))
	case global && e.SelectAttrValue("substitutionGroup", "") != "":
		// A member of a substitution group without a type has its head's.
		var hn xml.Name
		if hn, err = l.schemaQName(sd, e, e.SelectAttrValue("substitutionGroup", "")); err == nil {
			if g := l.elements[hn]; g != nil && g.el != e {
				var head *Element
				if head, err = l.element(g.sd, g.el, true); err == nil {
					el.Type = head.Type
				}
			}
		}
	}
	if err == nil && el.Type == nil {
		el.Type = &Type{Kind: KindAny, XSDName: "anyType", MinLen: -1, MaxLen: -1}
	}
	if err != nil {
		delete(l.resolving, e)
		return nil, err
	}
	return el, nil
}

// soapArrayOf reads a SOAP-ENC array type, as rpc/encoded WSDLs (Axis 1,
// SOAP::Lite, PHP, .NET remoting) define them:
//
//	<complexType name="ArrayOf_xsd_string"><complexContent>
//	  <restriction base="soapenc:Array">
//	    <attribute ref="soapenc:arrayType" wsdl:arrayType="xsd:string[]"/>
//	</restriction></complexContent></complexType>
//
// or with a sequence of one repeated element instead of the attribute.
func soapArrayOf(ct *etree.Element) (soapArray, bool) {
	cc := xsdChild(ct, "complexContent")
	if cc == nil {
		return soapArray{}, false
	}
	r := xsdChild(cc, "restriction")
	if r == nil || localName(r.SelectAttrValue("base", "")) != "Array" {
		return soapArray{}, false
	}
	if space, _ := resolvePrefix(r, r.SelectAttrValue("base", "")); space != NSSOAPENC && space != "" {
		return soapArray{}, false
	}
	var item string
	for _, a := range r.FindElements(".//attribute") {
		for _, at := range a.Attr {
			if at.Key == "arrayType" && at.NamespaceURI() == NSWSDL {
				item = at.Value
			}
		}
	}
	if item == "" {
		if e := r.FindElement(".//element"); e != nil {
			item = e.SelectAttrValue("type", "") + "[]"
		}
	}
	if item == "" || item == "[]" {
		item = "xsd:anyType[]"
	}
	base, dims, _ := strings.Cut(item, "[")
	arr := soapArray{dims: strings.Count("["+dims, "[")}
	space, local := resolvePrefix(ct, base)
	arr.item = xml.Name{Space: space, Local: local}
	return arr, true
}
