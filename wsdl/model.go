// Package wsdl loads WSDL 1.1 documents and their XML Schemas (through
// gowsdl's model) into the operation and type model that every front end
// dispatches and type-checks with.
package wsdl

import (
	"encoding/xml"
	"regexp"
)

// Kind is the neutral kind an XSD type maps to.
type Kind int

const (
	KindString   Kind = iota // xsd:string and its kin, dates and times other than dateTime
	KindInt                  // xsd:int, short, byte and unsigned kin that fit in 32 bits
	KindLong                 // xsd:long, integer, unsignedInt and wider
	KindBool                 // xsd:boolean
	KindDouble               // xsd:double, float, decimal
	KindDateTime             // xsd:dateTime
	KindBase64               // xsd:base64Binary
	KindHex                  // xsd:hexBinary (bytes, hex on the SOAP wire)
	KindStruct               // a complex type with element content
	KindAny                  // xsd:anyType: whatever the caller sends
	KindArray                // a SOAP-ENC array (rpc/encoded): a list of Item
)

var kindNames = [...]string{"string", "int", "long", "boolean", "double", "dateTime", "base64", "hexBinary", "struct", "any", "array"}

func (k Kind) String() string { return kindNames[k] }

// XSD is the XML Schema namespace.
const XSD = "http://www.w3.org/2001/XMLSchema"

// Type is a resolved schema type.
type Type struct {
	Name    xml.Name // empty for an anonymous type
	Kind    Kind
	XSDName string     // the built-in type it derives from, e.g. "decimal"
	Fields  []*Element // KindStruct: child elements in schema order
	Item    *Type      // KindArray: the items' type (itself an array for an array of arrays)
	// Attrs are a complex type's attributes (KindStruct); Text, for a
	// complex type of simple content with attributes (a PayPal amount with
	// its currencyID), is the type of its text. Both travel as members of
	// the struct: each attribute under its Member name, the text as
	// TextMember.
	Attrs []*Attribute
	Text  *Type
	// Base is the type a complexContent extension extends; Derived the
	// named types that extend this one (directly), which a message may send
	// where this one is declared, saying so with xsi:type.
	Base    *Type
	Derived []*Type
	// Any marks open content (xs:any in the type's sequence): elements the
	// schema does not name are carried as raw XML, each a self-contained
	// document, in the AnyMember list.
	Any bool
	// Abstract marks a type no value may have: a message sends one of its
	// Derived types, saying which with xsi:type.
	Abstract bool
	// List is the items' type of an xs:list (the value travels as its
	// lexical form, items separated by spaces; each item is checked).
	List *Type
	// WhiteSpace is the whiteSpace facet: "replace" (tabs and line ends
	// are spaces) or "collapse" (and runs of spaces are one, none at the
	// ends), as xs:normalizedString and xs:token and their kin have it;
	// facets are checked on the value so normalized. "" is preserve.
	WhiteSpace string
	// Range holds the bounds facets (minInclusive and kin) of a number or
	// date type, Digits the totalDigits and fractionDigits of a decimal
	// one; nil when the schema sets none.
	Range   *Range
	Digits  *Digits
	Enum    []string // enumeration facet, if any
	Pattern *regexp.Regexp
	MinLen  int // -1 when not set
	MaxLen  int // -1 when not set
}

// Range is the bounds facets of a type, each the lexical form the schema
// wrote ("" when not set).
type Range struct {
	MinInclusive, MaxInclusive, MinExclusive, MaxExclusive string
}

// Digits is the digits facets of a decimal type (0 when not set).
type Digits struct {
	Total, Fraction int
	FractionSet     bool // fractionDigits="0" is a bound too
}

// Element is a schema element: a wrapper, a field or a fault.
type Element struct {
	Name     xml.Name // Space is "" for an unqualified local element
	Type     *Type
	Min      int
	Max      int // -1: unbounded
	Nillable bool
	Doc      string
	// Choice numbers the xs:choice the element belongs to (0: none), and
	// Branch the alternative of that choice it is in (1, 2, ...): of the
	// fields of a type that share a Choice, only those of one Branch may
	// be present (an alternative may be a sequence of several).
	Choice, Branch int
	// Group numbers the repeated model group (a sequence or choice with
	// maxOccurs > 1) the element is in, 0 for none: the SOAP encoder
	// writes such a group's fields occurrence by occurrence (a, b, a, b),
	// each field's list giving one item per occurrence.
	Group int
	// Head is, for an element that stands for another (a member of a
	// substitution group put where its head is referred to), the head's
	// local name.
	Head string
	// Encoded marks the wrapper of an rpc/encoded message: its values
	// travel with xsi:type, arrays as SOAP-ENC arrays, and may be
	// multi-referenced (href/id).
	Encoded bool
	// Bare marks a wrapper the gateway made up for a document/literal bare
	// message (no part, several parts, a part of simple type or typed by
	// type=): its fields are the SOAP Body's children and it is never on
	// the wire itself. Every other front end sees it as a wrapper.
	Bare bool
}

// DerivedNamed is the type derived from t (at any depth) whose local name
// is name, or nil.
func (t *Type) DerivedNamed(name string) *Type {
	for _, d := range t.Derived {
		if d.Name.Local == name {
			return d
		}
		if found := d.DerivedNamed(name); found != nil {
			return found
		}
	}
	return nil
}

// AnyMember is the member that holds a type's open content (xs:any): a
// list of XML strings.
const AnyMember = "_any"

// TypeMember is the member of a struct that names the derived type its
// value is of (xsi:type), by local name: {"_type": "Account", ...}.
const TypeMember = "_type"

// Repeated reports whether the element may occur more than once (an array).
func (e *Element) Repeated() bool { return e.Max != 1 }

// Field returns the child element called local, or nil.
func (e *Element) Field(local string) *Element {
	if e.Type == nil {
		return nil
	}
	return e.Type.Field(local)
}

// Field returns the child element of t called local, or nil.
func (t *Type) Field(local string) *Element {
	for _, f := range t.Fields {
		if f.Name.Local == local {
			return f
		}
	}
	return nil
}

// Attribute is an attribute of a complex type.
type Attribute struct {
	Name     xml.Name // Space set for a qualified or referenced attribute (xml:lang)
	Type     *Type    // a simple type
	Required bool
	// Member is the attribute's name as a struct member: its local name,
	// or "@" and its local name when an element of the type has that name.
	Member string
}

// TextMember is the member that holds the text of a complex type of simple
// content with attributes.
const TextMember = "_value"

// Fault is a fault an operation declares.
type Fault struct {
	Name    string
	Element *Element
}

// Operation is one operation of a service. Its input and output are each
// one element whose children are the parameters, whatever the binding's
// style: document/literal wrapped as the WSDL has them; rpc/literal with
// the wrapper the style defines (named after the operation, in soap:body's
// namespace, its parts as children); document/literal bare with a Bare
// wrapper (see Element.Bare).
type Operation struct {
	Name   string
	Doc    string
	Style  string // StyleDocument or StyleRPC, as the binding (or the operation in it) says
	Action string // soapAction of the binding, if any
	// Addressing is what the binding says of WS-Addressing: "" (nothing),
	// AddressingOptional or AddressingRequired. InputAction and
	// OutputAction are the operation's WS-Addressing actions: the
	// portType's wsam:Action (or wsaw:Action), else the defaults.
	Addressing                string
	InputAction, OutputAction string
	Input                     *Element
	Output                    *Element
	Faults                    []*Fault
	// InputHeaders and OutputHeaders are the elements the binding puts in
	// the SOAP Header (soap:header parts), in binding order. Front ends
	// carry their values as the HeadersMember of the parameters and of
	// the result.
	InputHeaders, OutputHeaders []*Element
}

// HeadersMember is the member of an operation's parameters, and of its
// result, that holds the values of its declared SOAP headers, by element
// name: {"_headers": {"AuthHeader": {...}}}. It is not in the schema of
// the wrapper, and only SOAP puts it on the wire (in the Header).
const HeadersMember = "_headers"

// Fault returns the declared fault called name, or nil.
func (op *Operation) Fault(name string) *Fault {
	for _, f := range op.Faults {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Definition is one loaded WSDL.
type Definition struct {
	Name            string
	TargetNamespace string
	Path            string
	Operations      []*Operation
	SOAP12Only      bool // its SOAP bindings are all 1.2 (how to call it as an upstream)
	// Warnings are what the loader passed over (bindings that are not
	// SOAP): the caller logs them.
	Warnings []string
	byName   map[string]*Operation
	read     func(path string) ([]byte, error) // how Path and its imports were read
}

// Operation returns the operation called name, or nil.
func (d *Definition) Operation(name string) *Operation { return d.byName[name] }

// OperationByElement returns the operation whose input wrapper is the
// element called name. A wrapper in the wrong namespace (or none), as some
// hand-rolled clients send, still finds its operation when its local name
// is unambiguous.
func (d *Definition) OperationByElement(name xml.Name) *Operation {
	var byLocal *Operation
	n := 0
	for _, op := range d.Operations {
		if op.Input.Name == name {
			return op
		}
		if op.Input.Name.Local == name.Local {
			byLocal = op
			n++
		}
	}
	if n == 1 {
		return byLocal
	}
	return nil
}
