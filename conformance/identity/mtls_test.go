// Package identity_test checks the credential kinds beyond a password
// against their real counterparts, through the built binary: client
// certificates (mutual TLS) from a CA made by the test, with a CRL, mapped
// to the directory by each of the configurable rules, on every front end.
package identity_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// pki is the test's CA, the gateway's server certificate and the users'
// client certificates.
type pki struct {
	ca                                     *ca
	caFile, crlFile                        string
	server                                 issued
	alice, bob, revoked, expired, stranger issued
	foreign                                issued // from a CA the gateway does not trust
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	p := &pki{ca: newCA(t, "gateway test CA")}
	p.caFile = p.ca.caFile(t)
	p.server = p.ca.issue(t, certOpts{cn: "127.0.0.1", server: true})
	p.alice = p.ca.issue(t, certOpts{cn: "alice", email: "alice@example.org"})
	p.bob = p.ca.issue(t, certOpts{cn: "bob"})
	p.revoked = p.ca.issue(t, certOpts{cn: "alice"})
	p.expired = p.ca.issue(t, certOpts{cn: "alice", notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)})
	p.stranger = p.ca.issue(t, certOpts{cn: "mallory"})
	p.foreign = newCA(t, "someone else's CA").issue(t, certOpts{cn: "alice"})
	p.crlFile = p.ca.crlFile(t, p.revoked.cert)
	return p
}

// tlsYAML is the gateway's tls: section for p, with extra keys.
func (p *pki) tlsYAML(extra string) string {
	return fmt.Sprintf("tls: {cert_file: %s, key_file: %s, client_ca_file: %s, client_crl_files: [%s]%s}\n",
		p.server.certFile, p.server.keyFile, p.caFile, p.crlFile, extra)
}

// client is an HTTPS client that trusts the test CA and presents cert (none
// when nil).
func (p *pki) client(cert *issued) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(p.ca.cert)
	cfg := &tls.Config{RootCAs: roots}
	if cert != nil {
		// Always sent, even when the server's list of acceptable CAs does
		// not name its issuer (Go's client would otherwise send none).
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert.tls, nil }
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 20 * time.Second}
}

func post(c *http.Client, url, contentType, body string, header ...string) (*http.Response, string, error) {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

const (
	xmlrpcGetItem = `<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`
	xmlrpcWhoAmI  = `<?xml version="1.0"?><methodCall><methodName>session.whoami</methodName></methodCall>`
	soapGetItem   = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`
)

// TestClientCertificateOnEveryFrontEnd: a client certificate, and nothing
// else, signs alice in over XML-RPC, SOAP, JSON and the portal; all four
// clients meet her one perspective.
func TestClientCertificateOnEveryFrontEnd(t *testing.T) {
	p := newPKI(t)
	gw := harness.Start(t, harness.Binary(t), p.tlsYAML(""))
	c := p.client(&p.alice)

	if _, body, err := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("XML-RPC with a certificate: %v %s", err, body)
	}
	if _, body, err := post(c, gw.URL+"/soap/inventory", "text/xml; charset=utf-8", soapGetItem, "SOAPAction", `"urn:gateway:examples:inventory/GetItem"`); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("SOAP with a certificate: %v %s", err, body)
	}
	if resp, body, err := post(c, gw.URL+"/api/inventory/GetItem", "application/json", `{"sku":"A-1"}`); err != nil || resp.StatusCode != 200 || !strings.Contains(body, "Widget") {
		t.Fatalf("JSON with a certificate: %v %s", err, body)
	}
	resp, err := c.Get(gw.URL + "/portal/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `id="username">alice<`) || !strings.Contains(string(page), `id="signed-in-with">a client certificate<`) {
		t.Fatalf("the portal with a certificate: %d\n%s", resp.StatusCode, page)
	}
	// A second page is the same session: no new login.
	if resp, err := c.Get(gw.URL + "/portal/"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the portal again: %v", err)
	}

	// One perspective: whoami over JSON lists the four clients, each
	// signed in by the certificate.
	resp, err = c.Get(gw.URL + "/api/session/whoami")
	if err != nil {
		t.Fatal(err)
	}
	var who struct {
		Username string
		Groups   []string
		Clients  []struct{ Protocol string }
	}
	json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	protocols := map[string]bool{}
	for _, cl := range who.Clients {
		protocols[cl.Protocol] = true
	}
	if who.Username != "alice" || len(who.Clients) != 4 || !protocols["xmlrpc"] || !protocols["soap"] || !protocols["json"] || !protocols["portal"] {
		t.Fatalf("whoami: %+v", who)
	}
	if n := strings.Count(gw.Logs(), "audit=login_success user=alice auth=certificate"); n != 4 {
		t.Errorf("%d certificate logins logged, want 4 (one per front end)\n%s", n, gw.Logs())
	}

	// HTTP Basic wins over a machine's certificate: the call acts as bob.
	if _, body, err := post(c, gw.URL+"/xmlrpc", "text/xml", xmlrpcWhoAmI, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("bob:builder"))); err != nil ||
		!strings.Contains(body, "<string>bob</string>") {
		t.Fatalf("Basic beside a certificate: %v %s", err, body)
	}

	// A third-party client: curl with the certificate and key files.
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("curl is not installed (make test installs it): %v", err)
	}
	out, err := exec.Command(curl, "-sS", "--fail-with-body", "--cacert", p.caFile, "--cert", p.alice.certFile, "--key", p.alice.keyFile,
		"-H", "Content-Type: application/json", "-d", `{"sku":"B-2"}`, gw.URL+"/api/inventory/GetItem").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Gadget") {
		t.Fatalf("curl with a certificate: %v\n%s", err, out)
	}
}

// TestClientCertificateRefusals: a revoked, expired or foreign certificate
// fails the handshake; a trusted one for a name the directory does not
// know is refused with the Unauthenticated fault, and its subject is
// logged, no secret.
func TestClientCertificateRefusals(t *testing.T) {
	p := newPKI(t)
	gw := harness.Start(t, harness.Binary(t), p.tlsYAML(""))
	for name, cert := range map[string]*issued{"revoked": &p.revoked, "expired": &p.expired, "from an unknown CA": &p.foreign} {
		if _, _, err := post(p.client(cert), gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem); err == nil {
			t.Errorf("a %s certificate was accepted", name)
		}
	}
	_, body, err := post(p.client(&p.stranger), gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem)
	if err != nil || !strings.Contains(body, "<int>-32001</int>") || !strings.Contains(body, "no directory entry for this client certificate") {
		t.Fatalf("a certificate for no one: %v %s", err, body)
	}
	resp, _, err := post(p.client(&p.stranger), gw.URL+"/api/inventory/GetItem", "application/json", `{"sku":"A-1"}`)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("JSON, a certificate for no one: %v %v", err, resp)
	}
	if !strings.Contains(gw.Logs(), "CN=mallory") {
		t.Errorf("the refused certificate's subject is not logged")
	}
	// Without a certificate, a password still works (client_auth optional).
	if _, body, err := post(p.client(nil), gw.URL+"/xmlrpc", "text/xml", xmlrpcWhoAmI, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("bob:builder"))); err != nil ||
		!strings.Contains(body, "<string>bob</string>") {
		t.Fatalf("a password without a certificate: %v %s", err, body)
	}
}

// TestClientCertificateRequired: client_cert_paths require a certificate
// on some paths only; client_auth: require refuses the handshake without one.
func TestClientCertificateRequired(t *testing.T) {
	p := newPKI(t)
	gw := harness.Start(t, harness.Binary(t), p.tlsYAML(", client_cert_paths: [/soap/]"))
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("bob:builder"))
	if resp, _, err := post(p.client(nil), gw.URL+"/soap/inventory", "text/xml", soapGetItem, "Authorization", basic); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("SOAP without a certificate where one is required: %v %v", err, resp)
	}
	if _, body, err := post(p.client(nil), gw.URL+"/xmlrpc", "text/xml", xmlrpcGetItem, "Authorization", basic); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("XML-RPC without a certificate where none is required: %v %s", err, body)
	}
	if _, body, err := post(p.client(&p.bob), gw.URL+"/soap/inventory", "text/xml", soapGetItem); err != nil || !strings.Contains(body, "Widget") {
		t.Fatalf("SOAP with a certificate: %v %s", err, body)
	}

	strict := harness.Start(t, harness.Binary(t), p.tlsYAML(", client_auth: require"))
	if _, err := p.client(nil).Get(strict.URL + "/healthz"); err == nil {
		t.Fatal("client_auth: require let a client without a certificate through")
	}
	if resp, err := p.client(&p.bob).Get(strict.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("client_auth: require, with a certificate: %v", err)
	}
}

// TestCertificateMapRules: each rule of ldap.certificate_map finds its
// entry in a directory that holds e-mail addresses, user principal names
// and certificates.
func TestCertificateMapRules(t *testing.T) {
	p := newPKI(t)
	emailOnly := p.ca.issue(t, certOpts{cn: "B. Builder (laptop)", email: "bob@example.org"})
	smartCard := p.ca.issue(t, certOpts{cn: "Carol Danvers", upn: "carol@corp.example.org"})
	listed := p.ca.issue(t, certOpts{cn: "alice"})
	unlisted := p.ca.issue(t, certOpts{cn: "alice"}) // same name, a certificate the directory does not hold
	ldif := directoryLDIF(t, listed.cert)
	for _, c := range []struct {
		rule string
		cert issued
		want string // the username, or "" for a refusal
	}{
		{"san_email", emailOnly, "bob"},
		{"san_email", p.stranger, ""}, // no e-mail address in it
		{"san_upn", smartCard, "carol"},
		{"san_upn", p.alice, ""},
		{"certificate", listed, "alice"},
		{"certificate", unlisted, ""},
		{"subject_cn", p.bob, "bob"},
	} {
		t.Run(c.rule+"/"+c.cert.cert.Subject.CommonName, func(t *testing.T) {
			gw := harness.Start(t, harness.Binary(t), p.tlsYAML("")+fmt.Sprintf("directory: {ldif: %s}\nldap: {certificate_map: {rule: %s}}\n", ldif, c.rule))
			_, body, err := post(p.client(&c.cert), gw.URL+"/xmlrpc", "text/xml", xmlrpcWhoAmI)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if !strings.Contains(body, "<int>-32001</int>") {
					t.Fatalf("refusal expected: %s\n%s", body, gw.Logs())
				}
				return
			}
			if !strings.Contains(body, "<string>"+c.want+"</string>") {
				t.Fatalf("want %s: %s\n%s", c.want, body, gw.Logs())
			}
		})
	}
}

// directoryLDIF is the demo directory with carol's user principal name and
// alice's certificate in userCertificate;binary.
func directoryLDIF(t *testing.T, aliceCert *x509.Certificate) string {
	t.Helper()
	demo, err := os.ReadFile(filepath.Join(harness.Root(t), "ldapauth", "demo.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(demo), "mail: carol@example.org\n", "mail: carol@example.org\nuserPrincipalName: carol@corp.example.org\n", 1)
	s = strings.Replace(s, "mail: alice@example.org\n", "mail: alice@example.org\nuserCertificate;binary:: "+base64.StdEncoding.EncodeToString(aliceCert.Raw)+"\n", 1)
	path := filepath.Join(t.TempDir(), "directory.ldif")
	write(t, path, []byte(s))
	return path
}
