// Package ldapauth is the LDAP authorizer (search, then bind as the user)
// and the embedded directory the gateway runs on by default. It knows
// nothing of HTTP.
package ldapauth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"gateway/internal/certpool"
)

// Config is the directory the authorizer speaks to (the contract's ldap: keys).
type Config struct {
	URLs               []string // tried in order; the next on failure
	StartTLS           bool     // upgrade ldap:// connections
	CAFile             string   // PEM CAs for LDAPS and StartTLS; system roots when empty
	InsecureSkipVerify bool     // for tests against self-signed directories only
	ServerName         string   // TLS name to verify; the URL's host when empty
	BindDN             string   // service account for searches; anonymous when empty
	BindPassword       string   //
	UserBase           string   // subtree searched for users
	UserFilter         string   // e.g. (uid={username}) or (sAMAccountName={username})
	// LoginAttr is the entry's attribute whose value, as the directory
	// holds it, becomes the username (the perspective's key, the name sent
	// upstream): never what the user typed, which a directory may match
	// through case and compatibility folding (ａｌｉｃｅ finds uid=alice).
	// Empty: the attribute compared with {username} in UserFilter.
	LoginAttr   string
	GroupBase   string        // subtree searched for groups; the parent of UserBase when empty
	GroupFilter string        // e.g. (member={dn}); empty: the user entry's memberOf values
	GroupAttr   string        // the group attribute reported as its name, e.g. cn
	Timeout     time.Duration // dial and per-request timeout
	PoolSize    int           // connections kept per pool
	// GroupCacheTTL is how long a user's groups from the group search are
	// reused by later logins (the bind still checks the password every
	// time); 0 searches at every login.
	GroupCacheTTL time.Duration
	// EntryCacheTTL is how long the entry a user's name found (its DN,
	// display name and memberOf) is reused by later logins with the same
	// name, which then cost the directory one bind instead of a search and
	// a bind. The bind still checks the password, and the directory's
	// refusal of a locked or disabled account, every time; a refused bind
	// searches afresh, so a renamed entry is found again at once. What
	// lags, by at most the TTL: the entry's attributes, and a user filter
	// that has stopped matching the entry. 0 searches at every login.
	EntryCacheTTL time.Duration
	// CertRule maps a verified client certificate to a user entry:
	// CertSubjectCN (the default), CertSANEmail, CertSANUPN or CertExact;
	// CertAttr is the attribute compared (the rule's own when empty).
	CertRule string
	CertAttr string
	// NestedGroups also reports the groups of the user's groups (and so
	// on, to a bound), by running the group filter again for each group's
	// DN: for directories without Active Directory's in-chain matching
	// rule (with AD, write it in the group filter instead:
	// (member:1.2.840.113556.1.4.1941:={dn})).
	NestedGroups bool
	// NetBIOSDomain lets users sign in as DOMAIN\user: the prefix is
	// removed before the search (another domain's prefix is refused).
	NetBIOSDomain string
	// FollowReferrals follows the continuation references of a user search
	// (one hop); by default they are not followed (referral.go).
	FollowReferrals bool
	// RangeStep asks for memberOf in ranges of this many values (range
	// retrieval, ranges.go); 0 asks for it whole, and still follows the
	// ranges a server answers with on its own (AD past 1,500).
	RangeStep int
}

// The defaults of the directory settings (the configuration reference
// names these).
const (
	DefaultUserFilter  = "(uid={username})"
	DefaultGroupFilter = "(member={dn})"
	DefaultGroupAttr   = "cn"
	DefaultTimeout     = 5 * time.Second
	DefaultPoolSize    = 8
)

// withDefaults fills the contract's defaults.
func (c Config) withDefaults() Config {
	if c.UserFilter == "" {
		c.UserFilter = DefaultUserFilter
	}
	if c.LoginAttr == "" {
		c.LoginAttr = loginAttrOf(c.UserFilter)
	}
	if c.GroupAttr == "" {
		c.GroupAttr = DefaultGroupAttr
	}
	if c.GroupBase == "" {
		c.GroupBase = parentDN(c.UserBase)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.PoolSize <= 0 {
		c.PoolSize = DefaultPoolSize
	}
	return c
}

// loginAttrOf is the attribute a user filter compares with {username}:
// uid in (uid={username}), sAMAccountName in
// (&(objectClass=user)(sAMAccountName={username})); the first one when
// the filter tries several, "" when it names none.
func loginAttrOf(filter string) string {
	i := strings.Index(filter, "={username}")
	if i < 0 {
		return ""
	}
	j := i
	for j > 0 && (filter[j-1] == '-' || filter[j-1] == ';' || filter[j-1] == '.' ||
		'a' <= filter[j-1]|0x20 && filter[j-1]|0x20 <= 'z' || '0' <= filter[j-1] && filter[j-1] <= '9') {
		j--
	}
	return filter[j:i]
}

// parentDN drops the first RDN: ou=people,dc=example,dc=org -> dc=example,dc=org.
func parentDN(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) < 2 {
		return dn
	}
	parent := &ldap.DN{RDNs: parsed.RDNs[1:]}
	return parent.String()
}

// Validate checks the configuration; errors name the key at fault.
func (c Config) Validate() error {
	if len(c.URLs) == 0 {
		return errors.New("ldap.urls: at least one URL")
	}
	for _, u := range c.URLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "ldap" && p.Scheme != "ldaps") || p.Host == "" {
			return fmt.Errorf("ldap.urls: %q is not an ldap:// or ldaps:// URL", u)
		}
		if p.Scheme == "ldaps" && c.StartTLS {
			return fmt.Errorf("ldap.start_tls: cannot be used with the ldaps:// URL %q", u)
		}
	}
	if c.UserBase == "" {
		return errors.New("ldap.user_base: required with ldap.urls")
	}
	if !strings.Contains(c.UserFilter, "{username}") && c.UserFilter != "" {
		return errors.New("ldap.user_filter: must contain {username}")
	}
	for key, f := range map[string]string{"ldap.user_filter": c.UserFilter, "ldap.group_filter": c.GroupFilter} {
		if f == "" {
			continue
		}
		probe := strings.NewReplacer("{username}", "x", "{dn}", "x").Replace(f)
		if _, err := ldap.CompileFilter(probe); err != nil {
			return fmt.Errorf("%s: %q is not a valid LDAP filter: %v", key, f, err)
		}
	}
	switch c.CertRule {
	case "", CertSubjectCN, CertSANEmail, CertSANUPN, CertExact:
	default:
		return fmt.Errorf("ldap.certificate_map.rule: %q is not subject_cn, san_email, san_upn or certificate", c.CertRule)
	}
	if c.BindDN != "" && c.BindPassword == "" {
		return errors.New("ldap.bind_password: required with ldap.bind_dn")
	}
	if c.CAFile != "" {
		if _, err := c.tlsConfig(""); err != nil {
			return fmt.Errorf("ldap.ca_file: %w", err)
		}
	}
	return nil
}

func (c Config) tlsConfig(host string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify, ServerName: host}
	if c.ServerName != "" {
		cfg.ServerName = c.ServerName
	}
	if c.CAFile != "" {
		pool, err := certpool.Load(c.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
