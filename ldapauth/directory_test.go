package ldapauth_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
	"gateway/ldapauth"
)

// generatedLDIF is a directory of n users (uid userN, password pass-N, mail
// userN@example.org) and groups: every user in "everyone", each tenth in
// "tenth", each hundredth in "hundredth" (written with spaces in the member
// DNs, as some exports do).
func generatedLDIF(n int) []byte {
	var b strings.Builder
	b.WriteString("dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n")
	b.WriteString("dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n")
	b.WriteString("dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "dn: uid=user%d,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: user%d\ncn: User %d\nsn: %d\nmail: user%d@example.org\nuserPassword: pass-%d\n\n", i, i, i, i, i, i)
	}
	for _, g := range []struct {
		name   string
		every  int
		spaced bool
	}{{"everyone", 1, false}, {"tenth", 10, false}, {"hundredth", 100, true}} {
		fmt.Fprintf(&b, "dn: cn=%s,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: %s\n", g.name, g.name)
		for i := 0; i < n; i += g.every {
			if g.spaced {
				fmt.Fprintf(&b, "member: UID=user%d, ou=People, dc=Example, dc=org\n", i)
			} else {
				fmt.Fprintf(&b, "member: uid=user%d,ou=people,dc=example,dc=org\n", i)
			}
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// TestDirectorySearch checks what the embedded directory answers, through
// go-ldap, for filters its indexes serve (equality alone, in an AND, in an
// OR of equalities, DN values written differently) and filters they cannot
// (substrings, presence, NOT, an OR with a substring part), with scopes.
func TestDirectorySearch(t *testing.T) {
	d, err := ldapauth.StartDirectory(generatedLDIF(300), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	conn, err := ldap.DialURL(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	people, groups := "ou=people,dc=example,dc=org", "ou=groups,dc=example,dc=org"
	user := func(i int) string { return fmt.Sprintf("uid=user%d,%s", i, people) }
	for _, tc := range []struct {
		name, base, filter string
		scope              int
		want               []string // DNs in load order; nil with wantCount
		wantCount          int
	}{
		{"equality", people, "(uid=user7)", ldap.ScopeWholeSubtree, []string{user(7)}, 0},
		{"equality, any case", people, "(UID=USER7)", ldap.ScopeWholeSubtree, []string{user(7)}, 0},
		{"equality, no entry", people, "(uid=nobody)", ldap.ScopeWholeSubtree, []string{}, 0},
		{"equality outside the base", groups, "(uid=user7)", ldap.ScopeWholeSubtree, []string{}, 0},
		{"and with a presence part", people, "(&(objectClass=inetOrgPerson)(mail=user12@example.org)(cn=*))", ldap.ScopeWholeSubtree, []string{user(12)}, 0},
		{"and whose parts disagree", people, "(&(uid=user1)(mail=user2@example.org))", ldap.ScopeWholeSubtree, []string{}, 0},
		{"or of equalities, in load order", people, "(|(uid=user250)(mail=user3@example.org)(uid=user3))", ldap.ScopeWholeSubtree, []string{user(3), user(250)}, 0},
		{"or with a substring part", people, "(|(uid=user25)(cn=User 29*))", ldap.ScopeWholeSubtree, []string{user(25), user(29), user(290), user(291), user(292), user(293), user(294), user(295), user(296), user(297), user(298), user(299)}, 0},
		{"not", people, "(&(objectClass=inetOrgPerson)(!(uid=user0)))", ldap.ScopeWholeSubtree, nil, 299},
		{"substring alone", people, "(uid=user1*)", ldap.ScopeWholeSubtree, nil, 111},
		{"member by DN", groups, "(member=" + user(20) + ")", ldap.ScopeWholeSubtree, []string{"cn=everyone," + groups, "cn=tenth," + groups}, 0},
		{"member by DN written otherwise", groups, "(member=uid=USER200, ou=people,dc=example,dc=org)", ldap.ScopeWholeSubtree, []string{"cn=everyone," + groups, "cn=tenth," + groups, "cn=hundredth," + groups}, 0},
		{"one level", "dc=example,dc=org", "(objectClass=organizationalUnit)", ldap.ScopeSingleLevel, []string{people, groups}, 0},
		{"base object", user(5), "(objectClass=*)", ldap.ScopeBaseObject, []string{user(5)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := conn.Search(ldap.NewSearchRequest(tc.base, tc.scope, ldap.NeverDerefAliases, 0, 0, false, tc.filter, []string{"1.1"}, nil))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Entries {
				got = append(got, strings.ToLower(e.DN))
			}
			if tc.want == nil {
				if len(got) != tc.wantCount {
					t.Fatalf("%d entries, want %d", len(got), tc.wantCount)
				}
				return
			}
			want := []string{}
			for _, dn := range tc.want {
				want = append(want, strings.ToLower(dn))
			}
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	// A bind finds its entry however the DN is written; a wrong password
	// and an unknown DN fail alike.
	for _, b := range []struct {
		dn, password string
		ok           bool
	}{{user(42), "pass-42", true}, {"UID=user42, OU=people, DC=example, DC=org", "pass-42", true}, {user(42), "pass-41", false}, {"uid=ghost," + people, "pass-42", false}} {
		if err := conn.Bind(b.dn, b.password); (err == nil) != b.ok {
			t.Errorf("bind %q: %v, want success %v", b.dn, err, b.ok)
		}
	}
}

func TestDirectoryRefusesADuplicateDN(t *testing.T) {
	ldif := "dn: dc=example,dc=org\ndc: example\n\ndn: uid=a,dc=example,dc=org\nuid: a\n\ndn: UID=a, dc=example,dc=org\nuid: a\n"
	if _, err := ldapauth.StartDirectory([]byte(ldif), quiet); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("got %v, want the duplicate named", err)
	}
}

// BenchmarkDirectoryLoad is the start of the embedded directory on a
// 100,000-user LDIF (issue 14's bound: under 10 s).
func BenchmarkDirectoryLoad(b *testing.B) {
	ldif := generatedLDIF(100_000)
	b.SetBytes(int64(len(ldif)))
	for b.Loop() {
		d, err := ldapauth.StartDirectory(ldif, quiet)
		if err != nil {
			b.Fatal(err)
		}
		_ = d.Stop()
	}
}

// BenchmarkDirectoryLogin is a login (search, bind, group search) through
// the LDAP authorizer against the embedded directory with 3 users and with
// 100,000: the index makes them cost the same (issue 14: at least 0.8).
// The group cache is off so every login searches its groups.
func BenchmarkDirectoryLogin(b *testing.B) {
	for _, n := range []int{3, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			d, err := ldapauth.StartDirectory(generatedLDIF(n), quiet)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Stop()
			cfg := d.AuthorizerConfig(ldapauth.Config{UserFilter: "(uid={username})", GroupAttr: "cn", Timeout: 5 * time.Second, PoolSize: 4})
			if err := cfg.Validate(); err != nil {
				b.Fatal(err)
			}
			a := ldapauth.New(cfg, quiet)
			defer a.Close()
			ctx := context.Background()
			creds := gateway.Credentials{Username: "user2", Password: "pass-2"}
			if id, err := a.Authenticate(ctx, creds); err != nil || len(id.Groups) == 0 {
				b.Fatalf("login: %v %v", id, err)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Authenticate(ctx, creds); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
