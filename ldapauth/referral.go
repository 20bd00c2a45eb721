package ldapauth

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
)

// Referrals. A directory may hold part of its tree on another server and
// answer a subtree search with a continuation reference to it (OpenLDAP's
// referral objects, AD's other domains). By default the gateway does not
// follow them: users there are unknown, and only the configured servers
// are ever contacted. With ldap.referrals: follow, a user search follows
// each reference one hop (a reference found there is not followed again),
// with the configured TLS settings and service account, and the user's
// bind goes to the server that holds the entry. A group search follows its
// references the same way (a group of the partners' subtree held on their
// server still counts); the groups' own memberOf and the nested-group walk
// read the configured directory.

// onServer runs op on a connection to server (a referral's), or on the
// pooled connections to the configured directory when server is "".
func (a *Authorizer) onServer(ctx context.Context, server string, p *pool, op func(*ldap.Conn) error) error {
	if server == "" {
		return a.withConn(ctx, p, op)
	}
	c, err := p.dialOne(ctx, server)
	if err != nil {
		return unavailable(fmt.Errorf("%s: %w", server, err))
	}
	defer c.Close()
	return op(c)
}

// searchReferral runs the user search where a continuation reference
// points (ldap://host:port/base-dn??sub), and returns what it found there.
func (a *Authorizer) searchReferral(ctx context.Context, ref, filter string, attrs []string) ([]userEntry, error) {
	server, res, err := a.searchReferred(ctx, ref, func(c *ldap.Conn, base string) (*ldap.SearchResult, error) {
		return c.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			2, timeLimit(ctx, a.cfg.Timeout), false, filter, attrs, nil))
	})
	if err != nil {
		return nil, err
	}
	out := make([]userEntry, 0, len(res.Entries))
	for _, e := range res.Entries {
		out = append(out, userEntry{Entry: e, origin: server})
	}
	return out, nil
}

// searchReferred runs search on the server a continuation reference names,
// from its base DN. A referred subtree that the server does not hold gives
// an empty result.
func (a *Authorizer) searchReferred(ctx context.Context, ref string, search func(c *ldap.Conn, base string) (*ldap.SearchResult, error)) (server string, res *ldap.SearchResult, err error) {
	server, base, err := parseReferral(ref)
	if err != nil {
		return "", nil, err
	}
	err = a.onServer(ctx, server, a.search, func(c *ldap.Conn) error {
		var err error
		res, err = search(c, base)
		return err
	})
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return server, &ldap.SearchResult{}, nil
	}
	return server, res, err
}

// parseReferral splits an LDAP URL referral into its server and base DN.
func parseReferral(ref string) (server, base string, err error) {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		return "", "", fmt.Errorf("a referral that is not an LDAP URL: %q", ref)
	}
	base, err = url.PathUnescape(strings.TrimPrefix(u.Path, "/"))
	if err != nil || base == "" {
		return "", "", fmt.Errorf("a referral without a base DN: %q", ref)
	}
	return u.Scheme + "://" + u.Host, base, nil
}

// groupsReferred follows the referrals of a group search (ldap.referrals:
// follow) one hop, each a paged search of the referred subtree.
func (a *Authorizer) groupsReferred(ctx context.Context, refs []string, filter string) ([]*ldap.Entry, error) {
	var out []*ldap.Entry
	for _, ref := range refs {
		_, res, err := a.searchReferred(ctx, ref, func(c *ldap.Conn, base string) (*ldap.SearchResult, error) {
			return c.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
				0, timeLimit(ctx, a.cfg.Timeout), false, filter, []string{a.cfg.GroupAttr}, nil), groupPageSize)
		})
		if err != nil {
			a.log.Warn("ldap: a group search's referral could not be followed", "referral", ref, "err", err)
			return nil, gateway.WrapFault(gateway.FaultUnavailable, err, "directory unavailable")
		}
		out = append(out, res.Entries...)
	}
	return out, nil
}
