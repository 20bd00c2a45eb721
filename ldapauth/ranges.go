package ldapauth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Range retrieval (Active Directory's, also Samba's): a multi-valued
// attribute with more values than the server's MaxValRange (1,500 on AD)
// comes back as "memberOf;range=0-1499", and the rest must be asked for
// ("memberOf;range=1500-*") until a range ends with "*". With RangeStep
// set, the gateway asks in ranges of that size from the start.

// memberOfAttr is how memberOf is asked for in a search.
func (a *Authorizer) memberOfAttr() string {
	if a.cfg.RangeStep > 0 {
		return fmt.Sprintf("memberOf;range=0-%d", a.cfg.RangeStep-1)
	}
	return "memberOf"
}

// allValues is attr of entry, whole: the values the search returned and,
// when they were a range, the rest, fetched from the entry range by range.
func (a *Authorizer) allValues(ctx context.Context, entry *ldap.Entry, attr string) ([]string, error) {
	var values []string
	next := -1
	for _, at := range entry.Attributes {
		name, opt, _ := strings.Cut(at.Name, ";")
		if !strings.EqualFold(name, attr) {
			continue
		}
		high, ranged := rangeEnd(opt)
		if !ranged {
			return at.Values, nil
		}
		values = append(values, at.Values...)
		if high < 0 {
			return values, nil
		}
		next = high + 1
	}
	for rounds := 0; next >= 0; rounds++ {
		if rounds > 10_000 {
			return nil, fmt.Errorf("ldap: %s of %s: no end to its ranges", attr, entry.DN)
		}
		end := "*"
		if a.cfg.RangeStep > 0 {
			end = strconv.Itoa(next + a.cfg.RangeStep - 1)
		}
		var res *ldap.SearchResult
		err := a.withConn(ctx, a.search, func(c *ldap.Conn) error {
			var err error
			res, err = c.Search(ldap.NewSearchRequest(entry.DN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
				timeLimit(ctx, a.cfg.Timeout), false, "(objectClass=*)", []string{fmt.Sprintf("%s;range=%d-%s", attr, next, end)}, nil))
			return err
		})
		if err != nil {
			return nil, classify(err)
		}
		next = -1
		if len(res.Entries) == 1 {
			for _, at := range res.Entries[0].Attributes {
				name, opt, _ := strings.Cut(at.Name, ";")
				if !strings.EqualFold(name, attr) {
					continue
				}
				values = append(values, at.Values...)
				if high, ranged := rangeEnd(opt); ranged && high >= 0 && len(at.Values) > 0 {
					next = high + 1
				}
			}
		}
	}
	return values, nil
}

// rangeEnd reads an attribute option "range=LOW-HIGH": HIGH, or -1 for
// "*" (the last range); ranged is false for an attribute without one.
func rangeEnd(option string) (high int, ranged bool) {
	r, ok := strings.CutPrefix(strings.ToLower(option), "range=")
	if !ok {
		return 0, false
	}
	_, h, ok := strings.Cut(r, "-")
	if !ok || h == "*" {
		return -1, true
	}
	n, err := strconv.Atoi(h)
	if err != nil {
		return -1, true
	}
	return n, true
}
