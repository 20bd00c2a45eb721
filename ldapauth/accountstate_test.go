package ldapauth_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
	"gateway/ldapauth"
	"gateway/ldapauth/slapdtest"
)

// suffixLDIF is the suffix with its people and groups.
const suffixLDIF = `
dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=org
objectClass: organizationalUnit
ou: groups
`

// ppolicyData is a directory with OpenLDAP's password policy: a default
// policy (expiry after an hour, lockout, change after reset), users in
// each state, and nested groups with a cycle.
const ppolicyData = suffixLDIF + `
dn: ou=policies,dc=example,dc=org
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,dc=example,dc=org
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMaxAge: 3600
pwdLockout: TRUE
pwdMaxFailure: 3
pwdMustChange: TRUE
pwdAllowUserChange: TRUE

dn: uid=fresh,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: fresh
cn: Fresh
sn: Fresh
userPassword: fresh-pass

dn: uid=old,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: old
cn: Old
sn: Old
userPassword: old-pass
pwdChangedTime: 20200101000000Z

dn: uid=locked,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: locked
cn: Locked
sn: Locked
userPassword: locked-pass
pwdAccountLockedTime: 000001010000Z

dn: uid=reset,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: reset
cn: Reset
sn: Reset
userPassword: reset-pass
pwdReset: TRUE

dn: cn=devs,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: devs
member: uid=fresh,ou=people,dc=example,dc=org

dn: cn=staff,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: staff
member: cn=devs,ou=groups,dc=example,dc=org

dn: cn=everyone,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: everyone
member: cn=staff,ou=groups,dc=example,dc=org

dn: cn=loop-a,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: loop-a
member: cn=everyone,ou=groups,dc=example,dc=org
member: cn=loop-b,ou=groups,dc=example,dc=org

dn: cn=loop-b,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: loop-b
member: cn=loop-a,ou=groups,dc=example,dc=org
`

// TestAccountStatesWithPPolicy: slapd's password policy overlay tells an
// expired password, a locked account and a reset password apart from a
// wrong password; nested groups are walked through a cycle, each once.
func TestAccountStatesWithPPolicy(t *testing.T) {
	slapd := slapdtest.StartWith(t, []byte(ppolicyData), slapdtest.Options{PPolicy: true})
	cfg := baseConfig()
	cfg.URLs = []string{slapd.URL}
	cfg.NestedGroups = true
	a := ldapauth.New(cfg, quiet)
	defer a.Close()
	for _, c := range []struct {
		user, password string
		kind           gateway.FaultKind
		msg            string
	}{
		{"old", "old-pass", gateway.FaultPasswordExpired, "expired"},
		{"locked", "locked-pass", gateway.FaultAccountDisabled, "locked"},
		{"reset", "reset-pass", gateway.FaultPasswordExpired, "changed after its reset"},
		{"old", "wrong", gateway.FaultUnauthenticated, "invalid username or password"},
	} {
		_, err := a.Authenticate(t.Context(), gateway.Credentials{Username: c.user, Password: c.password})
		if f := gateway.AsFault(err); err == nil || f.Kind != c.kind || !strings.Contains(f.Message, c.msg) {
			t.Errorf("%s/%s: %v, want %v (%s)", c.user, c.password, err, c.kind, c.msg)
		}
	}
	// The reset password is changed by the user (RFC 3062, as the user),
	// then works; the expired one cannot be (no grace binds).
	if err := a.ChangePassword(t.Context(), "reset", "wrong", "reset-new-pass"); gateway.AsFault(err).Kind != gateway.FaultUnauthenticated {
		t.Errorf("a change with a wrong current password: %v", err)
	}
	if err := a.ChangePassword(t.Context(), "reset", "reset-pass", "reset-new-pass"); err != nil {
		t.Fatalf("change a reset password: %v", err)
	}
	if _, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "reset", Password: "reset-new-pass"}); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := a.ChangePassword(t.Context(), "old", "old-pass", "old-new-pass"); gateway.AsFault(err).Kind != gateway.FaultAccountDisabled {
		t.Errorf("change an expired password without grace binds: %v", err)
	}
	id, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "fresh", Password: "fresh-pass"})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(id.Groups)
	if strings.Join(id.Groups, ",") != "devs,everyone,loop-a,loop-b,staff" {
		t.Errorf("nested groups through a cycle: %v", id.Groups)
	}
}

// TestEntryCacheKeepsAccountState: with the user's entry remembered, the
// password policy still sees every login: a wrong password counts one
// failure (two of them leave the account under pwdMaxFailure: 3), and an
// account locked after it was remembered is refused at once.
func TestEntryCacheKeepsAccountState(t *testing.T) {
	slapd := slapdtest.StartWith(t, []byte(ppolicyData), slapdtest.Options{PPolicy: true})
	cfg := baseConfig()
	cfg.URLs, cfg.EntryCacheTTL = []string{slapd.URL}, time.Hour
	a := ldapauth.New(cfg, quiet)
	defer a.Close()
	login := func(password string) error {
		_, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "fresh", Password: password})
		return err
	}
	if err := login("fresh-pass"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := login("wrong"); gateway.AsFault(err).Kind != gateway.FaultUnauthenticated {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	if err := login("fresh-pass"); err != nil {
		t.Fatalf("after two wrong passwords (the policy locks after three): %v", err)
	}
	admin := adminOf(t, slapd)
	lock := ldap.NewModifyRequest("uid=fresh,ou=people,dc=example,dc=org", nil)
	lock.Add("pwdAccountLockedTime", []string{"000001010000Z"})
	if err := admin.Modify(lock); err != nil {
		t.Fatal(err)
	}
	if err := login("fresh-pass"); gateway.AsFault(err).Kind != gateway.FaultAccountDisabled {
		t.Errorf("a login after the account was locked: %v, want %v", err, gateway.FaultAccountDisabled)
	}
}

// TestNestedGroupsByMemberOf: with OpenLDAP's memberof overlay and no
// group filter, the groups of groups come from each group's own memberOf,
// through a cycle, each once.
func TestNestedGroupsByMemberOf(t *testing.T) {
	base := suffixLDIF + `
dn: uid=fresh,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: fresh
cn: Fresh
sn: Fresh
userPassword: fresh-pass
`
	slapd := slapdtest.StartWith(t, []byte(base), slapdtest.Options{MemberOf: true})
	conn, err := ldap.DialURL(slapd.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Bind("cn=admin,dc=example,dc=org", "admin-secret"); err != nil {
		t.Fatal(err)
	}
	add := func(cn string, members ...string) {
		t.Helper()
		r := ldap.NewAddRequest("cn="+cn+",ou=groups,dc=example,dc=org", nil)
		r.Attribute("objectClass", []string{"groupOfNames"})
		r.Attribute("cn", []string{cn})
		r.Attribute("member", members)
		if err := conn.Add(r); err != nil {
			t.Fatalf("add %s: %v", cn, err)
		}
	}
	g := func(cn string) string { return "cn=" + cn + ",ou=groups,dc=example,dc=org" }
	add("devs", "uid=fresh,ou=people,dc=example,dc=org")
	add("staff", g("devs"))
	add("loop-b", g("staff"))
	add("loop-a", g("staff"), g("loop-b"))
	m := ldap.NewModifyRequest(g("loop-b"), nil)
	m.Replace("member", []string{g("loop-a")})
	if err := conn.Modify(m); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig()
	cfg.URLs = []string{slapd.URL}
	cfg.GroupFilter = "" // the entry's memberOf
	for _, nested := range []bool{false, true} {
		cfg.NestedGroups = nested
		a := ldapauth.New(cfg, quiet)
		id, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "fresh", Password: "fresh-pass"})
		a.Close()
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(id.Groups)
		want := "devs"
		if nested {
			want = "devs,loop-a,loop-b,staff"
		}
		if strings.Join(id.Groups, ",") != want {
			t.Errorf("nested=%v: %v, want %s", nested, id.Groups, want)
		}
	}
}

// TestReferrals: a directory that holds ou=partners on another server
// answers a user search with a continuation reference; followed, the
// partner signs in (bound on the server that holds the entry); not
// followed (the default), the partner is unknown.
func TestReferrals(t *testing.T) {
	partners := slapdtest.Start(t, []byte(suffixLDIF+`
dn: ou=partners,dc=example,dc=org
objectClass: organizationalUnit
ou: partners

dn: uid=dave,ou=partners,dc=example,dc=org
objectClass: inetOrgPerson
uid: dave
cn: Dave
sn: Partner
userPassword: dave-pass

dn: cn=partner-desk,ou=partners,dc=example,dc=org
objectClass: groupOfNames
cn: partner-desk
member: uid=dave,ou=partners,dc=example,dc=org
member: uid=fresh,ou=people,dc=example,dc=org
`), nil)
	home := slapdtest.Start(t, []byte(suffixLDIF+`
dn: uid=fresh,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: fresh
cn: Fresh
sn: Fresh
userPassword: fresh-pass

dn: ou=partners,dc=example,dc=org
objectClass: referral
objectClass: extensibleObject
ou: partners
ref: `+partners.URL+`/ou=partners,dc=example,dc=org
`), nil)
	cfg := baseConfig()
	cfg.URLs = []string{home.URL}
	cfg.UserBase, cfg.GroupBase = "dc=example,dc=org", "dc=example,dc=org"
	for _, follow := range []bool{false, true} {
		cfg.FollowReferrals = follow
		a := ldapauth.New(cfg, quiet)
		_, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "dave", Password: "dave-pass"})
		if follow && err != nil || !follow && gateway.AsFault(err).Kind != gateway.FaultUnauthenticated {
			t.Errorf("follow=%v: dave: %v", follow, err)
		}
		if follow {
			if _, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "dave", Password: "wrong"}); gateway.AsFault(err).Kind != gateway.FaultUnauthenticated {
				t.Errorf("dave with a wrong password, bound on the partners' server: %v", err)
			}
		}
		// fresh, at home, is in a group the partners' server holds: the
		// group search's reference is followed too, or not at all.
		fresh, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "fresh", Password: "fresh-pass"})
		if err != nil {
			t.Errorf("follow=%v: a user at home: %v", follow, err)
		}
		if got := slices.Contains(fresh.Groups, "partner-desk"); got != follow {
			t.Errorf("follow=%v: fresh's groups %v", follow, fresh.Groups)
		}
		if follow {
			if dave, err := a.Authenticate(t.Context(), gateway.Credentials{Username: "dave", Password: "dave-pass"}); err != nil || !slices.Contains(dave.Groups, "partner-desk") {
				t.Errorf("dave's groups on the partners' server: %v %v", dave.Groups, err)
			}
		}
		a.Close()
	}
}

// TestOtherKindsRefused: a bearer or Kerberos token reaching the directory
// (no checker of its own configured) is refused by name, without a search.
func TestOtherKindsRefused(t *testing.T) {
	cfg := baseConfig()
	cfg.URLs = []string{"ldap://127.0.0.1:1"}
	a := ldapauth.New(cfg, quiet)
	defer a.Close()
	for _, c := range []gateway.Credentials{{Bearer: "a.b.c"}, {Negotiate: []byte{0x60}}} {
		_, err := a.Authenticate(t.Context(), c)
		if f := gateway.AsFault(err); f.Kind != gateway.FaultUnauthenticated || !strings.Contains(f.Message, "does not take "+c.Kind()) {
			t.Errorf("%s: %v", c.Kind(), err)
		}
	}
}
