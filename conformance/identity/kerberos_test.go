package identity_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
)

// kdc is an MIT Kerberos KDC (Debian's krb5-kdc) with a realm made by the
// test: users bob and carol, and the gateway's service principal
// HTTP/localhost in a keytab.
type kdc struct {
	dir, conf, keytab string
}

func startKDC(t *testing.T) *kdc {
	t.Helper()
	for _, cmd := range []string{"krb5kdc", "kdb5_util", "kadmin.local", "kinit"} {
		if _, err := exec.LookPath(cmd); err != nil {
			if _, err := exec.LookPath("/usr/sbin/" + cmd); err != nil {
				t.Fatalf("%s is not installed (make test installs krb5-kdc, krb5-admin-server, krb5-user)", cmd)
			}
		}
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	k := &kdc{dir: dir, conf: filepath.Join(dir, "krb5.conf"), keytab: filepath.Join(dir, "gateway.keytab")}
	write(t, k.conf, []byte(fmt.Sprintf(`[libdefaults]
  default_realm = GATEWAY.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  udp_preference_limit = 1
[realms]
  GATEWAY.TEST = {
    kdc = 127.0.0.1:%d
  }
[domain_realm]
  localhost = GATEWAY.TEST
`, port)))
	write(t, filepath.Join(dir, "kdc.conf"), []byte(fmt.Sprintf(`[kdcdefaults]
  kdc_ports = %[1]d
  kdc_tcp_ports = %[1]d
[realms]
  GATEWAY.TEST = {
    database_name = %[2]s/principal
    key_stash_file = %[2]s/stash
    acl_file = %[2]s/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
`, port, dir)))
	write(t, filepath.Join(dir, "kadm5.acl"), nil)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(sbin(name), args...)
		cmd.Env = k.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("kdb5_util", "create", "-s", "-r", "GATEWAY.TEST", "-P", "master-of-the-test")
	run("kadmin.local", "-q", "addprinc -pw builder bob")
	run("kadmin.local", "-q", "addprinc -pw carol-krb carol")
	run("kadmin.local", "-q", "addprinc -pw nobody-pw mallory")
	run("kadmin.local", "-q", "addprinc -randkey HTTP/localhost")
	run("kadmin.local", "-q", "ktadd -k "+k.keytab+" HTTP/localhost")
	cmd := exec.Command(sbin("krb5kdc"), "-n")
	cmd.Env = k.env()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatal("the KDC did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return k
}

func sbin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return "/usr/sbin/" + name
}

func (k *kdc) env(extra ...string) []string {
	return append(append(os.Environ(), "KRB5_CONFIG="+k.conf, "KRB5_KDC_PROFILE="+filepath.Join(k.dir, "kdc.conf")), extra...)
}

// kinit gets user's ticket-granting ticket into a cache of its own and
// returns the cache's environment for the client programs.
func (k *kdc) kinit(t *testing.T, user, password string) []string {
	t.Helper()
	env := k.env("KRB5CCNAME=FILE:" + filepath.Join(k.dir, "cc-"+user))
	cmd := exec.Command("kinit", user)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit %s: %v\n%s", user, err, out)
	}
	return env
}

// TestKerberos: curl --negotiate (MIT GSS-API) with bob's ticket reaches
// the JSON and XML-RPC front ends as the directory's bob; the calls of
// one principal share a session; a principal the directory does not know
// is refused; an authenticator sent twice is refused as a replay.
func TestKerberos(t *testing.T) {
	k := startKDC(t)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf("kerberos: {keytab: %s}\nauth_challenge: {xmlrpc: true, soap: true}\n", k.keytab))
	// The service principal is HTTP/localhost: call the gateway by that name.
	base := strings.Replace(gw.URL, "127.0.0.1", "localhost", 1)
	env := k.kinit(t, "bob", "builder")
	curl := func(env []string, args ...string) (string, error) {
		cmd := exec.Command("curl", append([]string{"-sS", "--negotiate", "-u", ":"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := curl(env, "-H", "Content-Type: application/json", "-d", `{"sku":"A-1"}`, base+"/api/inventory/GetItem")
	if err != nil || !strings.Contains(out, "Widget") {
		t.Fatalf("JSON by Kerberos: %v\n%s\n%s", err, out, gw.Logs())
	}
	out, err = curl(env, "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, base+"/xmlrpc")
	if err != nil || !strings.Contains(out, "<string>bob</string>") || !strings.Contains(out, "<string>uid=bob,ou=people,dc=example,dc=org</string>") {
		t.Fatalf("XML-RPC by Kerberos: %v\n%s", err, out)
	}
	out, _ = curl(env, "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, base+"/xmlrpc")
	if soap, err := curl(env, "-H", "Content-Type: text/xml", "-H", `SOAPAction: "urn:gateway:examples:inventory/GetItem"`, "-d", soapGetItem, base+"/soap/inventory"); err != nil || !strings.Contains(soap, "Widget") {
		t.Fatalf("SOAP by Kerberos: %v\n%s", err, soap)
	}
	if n := strings.Count(gw.Logs(), "audit=login_success user=bob auth=negotiate"); n != 3 {
		t.Errorf("%d Kerberos logins for four calls on three front ends, want 3 (one session per front end)\n%s", n, out)
	}
	// mallory has a ticket but no directory entry.
	out, _ = curl(k.kinit(t, "mallory", "nobody-pw"), "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, base+"/xmlrpc")
	if !strings.Contains(out, "no directory entry for the principal mallory@GATEWAY.TEST") {
		t.Errorf("a principal with no entry: %s", out)
	}
	// A replay: the same Authorization header, captured, sent again.
	verbose, err := curl(env, "-v", "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, base+"/xmlrpc")
	if err != nil {
		t.Fatal(err)
	}
	if replay, err := replayNegotiate(t, verbose, base+"/xmlrpc"); err != nil || !strings.Contains(replay, "<int>-32001</int>") || !strings.Contains(replay, "replay") {
		t.Errorf("a replayed authenticator: %v %s", err, replay)
	}
}

// replayNegotiate sends the Authorization: Negotiate header that curl -v
// shows it sent (in verbose) again, to url, and returns the answer.
func replayNegotiate(t *testing.T, verbose, url string) (string, error) {
	t.Helper()
	_, rest, ok := strings.Cut(verbose, "> Authorization: Negotiate ")
	if !ok {
		t.Fatalf("curl sent no Negotiate header:\n%s", verbose)
	}
	header, _, _ := strings.Cut(rest, "\n")
	_, answer, err := post(&http.Client{Timeout: 10 * time.Second}, url, "text/xml", xmlrpcWhoAmI, "Authorization", "Negotiate "+strings.TrimSpace(header))
	return answer, err
}

// TestKerberosReplayAcrossNodes: two gateways sharing Redis. An
// authenticator captured on its way to one node and sent to the other is
// refused as a replay there too (gokrb5's own replay cache is per process;
// the nodes share theirs in Redis).
func TestKerberosReplayAcrossNodes(t *testing.T) {
	k := startKDC(t)
	r := harness.StartRedis(t)
	config := fmt.Sprintf("kerberos: {keytab: %s}\nauth_challenge: {xmlrpc: true, soap: true}\n", k.keytab)
	env := []string{"GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL=" + r.URL}
	a, b := harness.Start(t, harness.Binary(t), config, env...), harness.Start(t, harness.Binary(t), config, env...)
	baseA := strings.Replace(a.URL, "127.0.0.1", "localhost", 1)
	baseB := strings.Replace(b.URL, "127.0.0.1", "localhost", 1)
	cmd := exec.Command("curl", "-sS", "-v", "--negotiate", "-u", ":", "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, baseA+"/xmlrpc")
	cmd.Env = k.kinit(t, "bob", "builder")
	verbose, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(verbose), "<string>bob</string>") {
		t.Fatalf("bob on node A: %v\n%s", err, verbose)
	}
	if replay, err := replayNegotiate(t, string(verbose), baseB+"/xmlrpc"); err != nil || !strings.Contains(replay, "<int>-32001</int>") || !strings.Contains(replay, "replay") {
		t.Errorf("the authenticator node A took, sent to node B: %v %s", err, replay)
	}
	// A fresh ticket's authenticator still works on B.
	cmd = exec.Command("curl", "-sS", "--negotiate", "-u", ":", "-H", "Content-Type: text/xml", "-d", xmlrpcWhoAmI, baseB+"/xmlrpc")
	cmd.Env = k.kinit(t, "bob", "builder")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "<string>bob</string>") {
		t.Errorf("bob's own call on node B: %v\n%s", err, out)
	}
}
