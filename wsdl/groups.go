package wsdl

import (
	"encoding/xml"

	"github.com/beevik/etree"
	"github.com/hooklift/gowsdl"
)

// Model groups (xs:group) and where complex types refer to them, which
// gowsdl's model does not read: Amazon EC2's WSDL, and many generated from
// large schemas, build their types from groups.

// schemaGroup is a named model group of a schema, or a named attribute
// group (attrs).
type schemaGroup struct {
	tns   string
	g     gowsdl.XSDGroup
	attrs []*gowsdl.XSDAttribute
}

// attributeGroupXML reads an xs:attributeGroup's attributes.
type attributeGroupXML struct {
	Attributes []*gowsdl.XSDAttribute `xml:"attribute"`
}

// groupUse is a complex type, named or the anonymous type of a global
// element, that refers to groups.
type groupUse struct {
	typeName    xml.Name // the complex type's name, or
	elementName xml.Name // the global element whose anonymous type it is
	refs        []string // the groups' QNames as written
	at          []int    // where each group's elements go: after this many of the type's own
	scope       *etree.Element
	attrRefs    []string // the attribute groups' QNames as written
}

// readGroups finds a document's named model groups and attribute groups,
// and the complex types that refer to them.
func readGroups(doc *etree.Document) (groups, attrGroups map[xml.Name]*schemaGroup, uses []groupUse) {
	groups, attrGroups = map[xml.Name]*schemaGroup{}, map[xml.Name]*schemaGroup{}
	for _, s := range doc.FindElements("//schema") {
		if s.NamespaceURI() != XSD {
			continue
		}
		tns := s.SelectAttrValue("targetNamespace", "")
		for _, g := range s.ChildElements() {
			if g.Tag == "attributeGroup" && g.SelectAttrValue("name", "") != "" {
				sub := etree.NewDocument()
				sub.SetRoot(g.Copy())
				raw, err := sub.WriteToBytes()
				var ag attributeGroupXML
				if err == nil && xml.Unmarshal(raw, &ag) == nil {
					attrGroups[xml.Name{Space: tns, Local: g.SelectAttrValue("name", "")}] = &schemaGroup{tns: tns, attrs: ag.Attributes}
				}
				continue
			}
			if g.Tag != "group" || g.SelectAttrValue("name", "") == "" {
				continue
			}
			sub := etree.NewDocument()
			sub.SetRoot(g.Copy())
			raw, err := sub.WriteToBytes()
			if err != nil {
				continue
			}
			sg := &schemaGroup{tns: tns}
			if xml.Unmarshal(raw, &sg.g) == nil {
				groups[xml.Name{Space: tns, Local: g.SelectAttrValue("name", "")}] = sg
			}
		}
		for _, c := range s.ChildElements() {
			var use groupUse
			var ct *etree.Element
			switch {
			case c.Tag == "complexType" && c.SelectAttrValue("name", "") != "":
				use.typeName, ct = xml.Name{Space: tns, Local: c.SelectAttrValue("name", "")}, c
			case c.Tag == "element" && c.SelectAttrValue("name", "") != "":
				use.elementName, ct = xml.Name{Space: tns, Local: c.SelectAttrValue("name", "")}, c.SelectElement("complexType")
			}
			if ct == nil {
				continue
			}
			for _, r := range ct.FindElements(".//group") {
				if ref := r.SelectAttrValue("ref", ""); ref != "" {
					before := 0
					if p := r.Parent(); p != nil {
						for _, sib := range p.ChildElements() {
							if sib == r {
								break
							}
							if sib.Tag == "element" {
								before++
							}
						}
					}
					use.refs, use.at = append(use.refs, ref), append(use.at, before)
					use.scope = r
				}
			}
			for _, r := range ct.FindElements(".//attributeGroup") {
				if ref := r.SelectAttrValue("ref", ""); ref != "" {
					use.attrRefs = append(use.attrRefs, ref)
					use.scope = r
				}
			}
			if len(use.refs) > 0 || len(use.attrRefs) > 0 {
				uses = append(uses, use)
			}
		}
	}
	return groups, attrGroups, uses
}

// groupAttributes resolves the attributes of the attribute groups a type
// refers to.
func (l *loader) groupAttributes(sd *schemaDoc, use groupUse) ([]*Attribute, error) {
	var out []*Attribute
	for _, ref := range use.attrRefs {
		space, local := resolvePrefix(use.scope, ref)
		g := l.attrGroups[xml.Name{Space: space, Local: local}]
		if g == nil {
			continue // a catalog group (xml:specialAttrs) or undefined: nothing more to read
		}
		gsd := &schemaDoc{path: sd.path, s: &gowsdl.XSDSchema{TargetNamespace: g.tns, Xmlns: sd.s.Xmlns}}
		attrs, err := l.attributes(gsd, g.attrs)
		if err != nil {
			return nil, err
		}
		out = append(out, attrs...)
	}
	return out, nil
}

// groupFields puts the elements of the groups t refers to (found by its
// name, or its element's) among t's own, where the references stand, each
// optional when the group is a choice.
func (l *loader) groupFields(t *Type, sd *schemaDoc, use groupUse, seen map[xml.Name]bool) error {
	own := t.Fields
	t.Fields = nil
	taken := 0
	for k, ref := range use.refs {
		// The type's own elements that come before the group, then its.
		if at := min(use.at[k], len(own)); at > taken {
			t.Fields = append(t.Fields, own[taken:at]...)
			taken = at
		}
		scope := use.scope
		space, local := resolvePrefix(scope, ref)
		name := xml.Name{Space: space, Local: local}
		g := l.groups[name]
		if g == nil || seen[name] {
			continue // undefined, or a group that holds itself: nothing more to add
		}
		seen[name] = true
		gsd := &schemaDoc{path: sd.path, s: &gowsdl.XSDSchema{TargetNamespace: g.tns, Xmlns: sd.s.Xmlns, ElementFormDefault: sd.s.ElementFormDefault}}
		for i := range g.g.Sequence {
			if err := l.addField(t, gsd, &g.g.Sequence[i], 0); err != nil {
				return err
			}
		}
		for i := range g.g.All {
			if err := l.addField(t, gsd, &g.g.All[i], 0); err != nil {
				return err
			}
		}
		choice := l.nextChoice()
		for i := range g.g.Choice {
			if err := l.addField(t, gsd, &g.g.Choice[i], choice); err != nil {
				return err
			}
		}
	}
	t.Fields = append(t.Fields, own[taken:]...)
	return nil
}
