package identity_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
)

// sambaDC is an Active Directory domain controller: Debian's Samba,
// provisioned by the test (samba-tool domain provision) into a folder of
// its own and run with its LDAP service only, on 127.0.0.1:389 and 636.
type sambaDC struct {
	conf string // its smb.conf
	ca   string // the CA of its self-made LDAPS certificate
}

func startSambaDC(t *testing.T) *sambaDC {
	t.Helper()
	for _, cmd := range []string{"samba", "samba-tool"} {
		if _, err := exec.LookPath(cmd); err != nil {
			if _, err := exec.LookPath("/usr/sbin/" + cmd); err != nil {
				t.Fatalf("%s is not installed (make test installs samba, samba-ad-dc, samba-ad-provision)", cmd)
			}
		}
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:636", time.Second); err == nil {
		c.Close()
		t.Fatal("127.0.0.1:636 is taken: the domain controller needs it")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("samba-tool", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("samba-tool %v: %v\n%s", args, err, out)
		}
	}
	// The DC's LDAPS certificate comes from a CA of the test's (the one
	// Samba makes itself may have a negative serial number, which Go's
	// x509 refuses to parse).
	ca := newCA(t, "domain CA")
	server := ca.issue(t, certOpts{cn: "dc1.gateway.test", server: true})
	run("domain", "provision", "--realm=GATEWAY.TEST", "--domain=GW", "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307",
		"--adminpass=Adm1n-pass!", "--targetdir="+dir, "--host-name=dc1",
		"--option=interfaces=lo", "--option=bind interfaces only=yes", "--option=server services = ldap",
		"--option=pid directory = "+dir, // not /run/samba: a DC of the machine's own is not ours
		"--option=tls enabled = yes", "--option=tls keyfile = "+server.keyFile, "--option=tls certfile = "+server.certFile,
		"--option=tls cafile = "+ca.caFile(t))
	dc := &sambaDC{conf: filepath.Join(dir, "etc", "smb.conf"), ca: ca.caFile(t)}
	c := "--configfile=" + dc.conf
	run("user", "create", "alice", "Wonder-1x", "--given-name=Alice", "--surname=Liddell", c)
	run("user", "create", "bob", "Builder-1x", c)
	run("user", "create", "carol", "Carol-1x", c)
	run("user", "disable", "carol", c)
	run("user", "create", "erin", "Erin-1x", "--must-change-at-next-login", c)
	run("user", "create", "frank", "Frank-1x", c)
	run("user", "setexpiry", "frank", "--days=0", c)
	run("user", "create", "gina", "Gina-1x", c)
	// Two wrong passwords lock an account (for 30 minutes).
	run("domain", "passwordsettings", "set", "--account-lockout-threshold=2", "--account-lockout-duration=30", "--reset-account-lockout-after=30", c)
	run("user", "create", "zed", "Zed-pass-1x", c)
	for _, g := range []string{"g1", "g2", "g3", "g4", "g5"} {
		run("group", "add", g, c)
		run("group", "addmembers", g, "zed", c)
	}
	run("group", "add", "staff", c)
	run("group", "add", "devs", c)
	run("group", "add", "admins-of-devs", c)
	run("group", "addmembers", "staff", "bob,devs", c)
	run("group", "addmembers", "devs", "alice", c)
	run("group", "addmembers", "admins-of-devs", "staff", c) // staff -> admins-of-devs: a chain of three
	cmd := exec.Command("samba", "-i", "-M", "single", "--configfile="+dc.conf)
	logPath := filepath.Join(dir, "samba.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("the domain controller's log:\n%s", out)
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
	})
	// Ready when LDAPS answers.
	for i := 0; ; i++ {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			out, _ := os.ReadFile(logPath)
			t.Fatalf("the domain controller exited: %v\n%s", err, out)
		default:
		}
		if c, err := net.Dial("tcp", "127.0.0.1:636"); err == nil {
			c.Close()
			break
		}
		if i > 120 {
			t.Fatal("the domain controller did not start")
		}
		time.Sleep(250 * time.Millisecond)
	}
	return dc
}

// TestActiveDirectory: against a Samba AD DC, users sign in by
// sAMAccountName, user principal name or DOMAIN\user and meet one
// perspective; nested groups come through the in-chain matching rule; a
// disabled or expired account and a password that must be changed are
// refused with their own faults; a wrong password is the plain one.
func TestActiveDirectory(t *testing.T) {
	dc := startSambaDC(t)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`ldap:
  urls: [ldaps://127.0.0.1:636]
  ca_file: %s
  bind_dn: Administrator@gateway.test
  bind_password: Adm1n-pass!
  user_base: CN=Users,DC=gateway,DC=test
  user_filter: (&(objectClass=user)(|(sAMAccountName={username})(userPrincipalName={username})))
  login_attribute: sAMAccountName
  group_base: DC=gateway,DC=test
  group_filter: (&(objectClass=group)(member:1.2.840.113556.1.4.1941:={dn}))
  netbios_domain: GW
services:
  - {name: inventory, builtin: inventory, allow_groups: [admins-of-devs]}
`, dc.ca))
	c := &http.Client{Timeout: 20 * time.Second}
	login := func(user, password string) string {
		_, body, err := post(c, gw.URL+"/xmlrpc", "text/xml", fmt.Sprintf(`<methodCall><methodName>session.login</methodName><params><param><value>%s</value></param><param><value>%s</value></param></params></methodCall>`, user, password))
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	var tokens []string
	for _, name := range []string{"alice", "alice@gateway.test", `GW\alice`, `gw\ALICE`} {
		body := login(name, "Wonder-1x")
		tok := between(body, "<name>token</name><value><string>", "<")
		if tok == "" {
			t.Fatalf("alice as %q: %s\n%s", name, body, gw.Logs())
		}
		tokens = append(tokens, tok)
	}
	_, who, err := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcWhoAmI, "X-Gateway-Session", tokens[2])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<string>alice</string>", "<string>devs</string>", "<string>staff</string>", "<string>admins-of-devs</string>", "CN=Alice Liddell,CN=Users,DC=gateway,DC=test"} {
		if !strings.Contains(who, want) {
			t.Errorf("whoami lacks %s:\n%s", want, who)
		}
	}
	if n := strings.Count(who, "<name>protocol</name>"); n != 4 {
		t.Errorf("alice's four logins (three name forms) meet %d clients in one perspective, want 4", n)
	}
	// The group three levels up opens the service.
	if _, body, _ := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem, "X-Gateway-Session", tokens[0]); !strings.Contains(body, "Widget") {
		t.Errorf("a nested group's service: %s", body)
	}
	// gina mistypes her password twice: the DC locks her account, and
	// then even the right password is refused, as locked.
	login("gina", "typo-1")
	login("gina", "typo-2")
	for _, c := range []struct{ user, password, code, msg string }{
		{"gina", "Gina-1x", "-32004", "locked"},
		{"carol", "Carol-1x", "-32004", "disabled"},
		{"frank", "Frank-1x", "-32004", "expired"},
		{"erin", "Erin-1x", "-32002", "must be changed"},
		{"bob", "wrong", "-32001", "invalid username or password"},
		{`OTHER\alice`, "Wonder-1x", "-32001", "invalid username or password"},
	} {
		body := login(c.user, c.password)
		if !strings.Contains(body, "<int>"+c.code+"</int>") || !strings.Contains(body, c.msg) {
			t.Errorf("%s: want %s (%s), got %s", c.user, c.code, c.msg, body)
		}
	}
	// erin's password must be changed: the portal offers the form, AD takes
	// the change (unicodePwd), and she is signed in with the new one.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	browser.Get(gw.URL + "/portal/login") // the cookie check
	resp, err := browser.PostForm(gw.URL+"/portal/login", url.Values{"username": {"erin"}, "password": {"Erin-1x"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(page), `id="password-form"`) {
		t.Fatalf("erin at the portal: %d\n%s", resp.StatusCode, page)
	}
	resp, err = browser.PostForm(gw.URL+"/portal/password", url.Values{"username": {"erin"}, "old": {"Erin-1x"}, "new": {"Erin-New-2x"}, "confirm": {"Erin-New-2x"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `id="username">erin<`) {
		t.Fatalf("erin after changing her password: %d\n%s\n%s", resp.StatusCode, page, gw.Logs())
	}
	if body := login("erin", "Erin-New-2x"); !strings.Contains(body, "<name>token</name>") {
		t.Errorf("erin's new password over XML-RPC: %s", body)
	}
	// memberOf read in ranges of two (range retrieval): zed's five groups,
	// in three ranges.
	ranged := harness.Start(t, harness.Binary(t), fmt.Sprintf(`ldap:
  urls: [ldaps://127.0.0.1:636]
  ca_file: %s
  bind_dn: Administrator@gateway.test
  bind_password: Adm1n-pass!
  user_base: CN=Users,DC=gateway,DC=test
  user_filter: (&(objectClass=user)(sAMAccountName={username}))
  group_filter: ""
  range_step: 2
`, dc.ca))
	_, body, err := post(c, ranged.URL+"/xmlrpc", "text/xml", `<methodCall><methodName>session.login</methodName><params><param><value>zed</value></param><param><value>Zed-pass-1x</value></param></params></methodCall>`)
	if err != nil {
		t.Fatal(err)
	}
	_, who, _ = post(c, ranged.URL+"/xmlrpc", "text/xml", xmlrpcWhoAmI, "X-Gateway-Session", between(body, "<name>token</name><value><string>", "<"))
	for _, g := range []string{"g1", "g2", "g3", "g4", "g5"} {
		if !strings.Contains(who, "<string>"+g+"</string>") {
			t.Errorf("zed's groups read in ranges lack %s:\n%s\n%s", g, who, ranged.Logs())
		}
	}
	if strings.Contains(gw.Logs(), "Wonder-1x") || strings.Contains(gw.Logs(), "Adm1n-pass!") || strings.Contains(gw.Logs(), "Erin-New-2x") {
		t.Error("a password was logged")
	}
}
