package ldapauth

import (
	"fmt"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// matchFilter evaluates a compiled search filter (go-ldap's parser does the
// syntax and unescaping) against an entry. Matching is case-insensitive, as
// caseIgnoreMatch is for the attributes a directory of people uses, and
// DN-valued attributes compare as DNs. Equality is answered by the
// attribute's index (a group of 100,000 members is not read value by value
// on every group search).
func (d *Directory) matchFilter(p *ber.Packet, e *dirEntry) (bool, error) {
	switch p.Tag {
	case ldap.FilterAnd:
		for _, c := range p.Children {
			if ok, err := d.matchFilter(c, e); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case ldap.FilterOr:
		for _, c := range p.Children {
			if ok, err := d.matchFilter(c, e); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case ldap.FilterNot:
		if len(p.Children) != 1 {
			return false, fmt.Errorf("malformed not filter")
		}
		ok, err := d.matchFilter(p.Children[0], e)
		return !ok, err
	case ldap.FilterPresent:
		attr := packetString(p)
		if strings.EqualFold(attr, "objectClass") {
			return true, nil
		}
		return len(e.values(attr)) > 0, nil
	case ldap.FilterEqualityMatch, ldap.FilterApproxMatch:
		if len(p.Children) != 2 {
			return false, fmt.Errorf("malformed equality filter")
		}
		attr := packetString(p.Children[0])
		return d.index(attr).holds(normValue(attr, packetString(p.Children[1])), e), nil
	case ldap.FilterSubstrings:
		if len(p.Children) != 2 {
			return false, fmt.Errorf("malformed substrings filter")
		}
		attr := packetString(p.Children[0])
		for _, v := range e.values(attr) {
			if matchSubstrings(strings.ToLower(v), p.Children[1].Children) {
				return true, nil
			}
		}
		return false, nil
	case ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual:
		if len(p.Children) != 2 {
			return false, fmt.Errorf("malformed ordering filter")
		}
		attr, bound := packetString(p.Children[0]), strings.ToLower(packetString(p.Children[1]))
		for _, v := range e.values(attr) {
			c := strings.Compare(strings.ToLower(v), bound)
			if (p.Tag == ldap.FilterGreaterOrEqual && c >= 0) || (p.Tag == ldap.FilterLessOrEqual && c <= 0) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("filter type %d is not supported", p.Tag)
}

func matchSubstrings(v string, parts []*ber.Packet) bool {
	pos := 0
	for i, part := range parts {
		s := strings.ToLower(packetString(part))
		switch part.Tag {
		case ldap.FilterSubstringsInitial:
			if !strings.HasPrefix(v, s) {
				return false
			}
			pos = len(s)
		case ldap.FilterSubstringsAny:
			idx := strings.Index(v[pos:], s)
			if idx < 0 {
				return false
			}
			pos += idx + len(s)
		case ldap.FilterSubstringsFinal:
			if i != len(parts)-1 || len(v)-pos < len(s) || !strings.HasSuffix(v, s) {
				return false
			}
		}
	}
	return true
}

func packetString(p *ber.Packet) string {
	if s, ok := p.Value.(string); ok {
		return s
	}
	if p.Data != nil {
		return p.Data.String()
	}
	return ""
}

// dnAttrs hold DNs and compare as such.
var dnAttrs = map[string]bool{"member": true, "uniquemember": true, "memberof": true, "manager": true, "owner": true}

func normValue(attr, v string) string {
	if dnAttrs[strings.ToLower(attr)] {
		return normDN(v)
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// normDN is a DN in a form that compares equal for equal DNs.
func normDN(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(dn))
	}
	return dnKey(parsed)
}

// dnKey is a parsed DN in the form that compares equal for equal DNs: the
// directory's index by DN and DN-valued attributes' values alike.
func dnKey(dn *ldap.DN) string { return strings.ToLower(dn.String()) }
