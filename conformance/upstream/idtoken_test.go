package upstream_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gateway/conformance/harness"
)

// TestIdentityTokenUpstream: an upstream that trusts no header checks
// each call's identity token with PyJWT against the gateway's JWKS; a
// token for another audience is refused by it; keys from files rotate by
// putting the new one first; the JWKS holds no private key.
func TestIdentityTokenUpstream(t *testing.T) {
	const issuer = "https://gateway.test"
	// start runs a gateway with these key files (none: a made key) and
	// the upstream, which checks tokens against that gateway's JWKS.
	start := func(keys ...string) (*harness.Gateway, []jwk) {
		t.Helper()
		port := freePort(t)
		files := ""
		if len(keys) > 0 {
			files = ", key_files: [" + strings.Join(keys, ", ") + "]"
		}
		gw := harness.Start(t, binary(t), fmt.Sprintf(`identity_tokens: {issuer: %q%s}
services:
  - name: billing
    wsdl: conformance/upstream/testdata/billing.wsdl
    backend: {kind: http-json, url: "http://127.0.0.1:%d/billing", identity_token: true, identity_audience: "urn:billing"}
  - name: elsewhere
    wsdl: conformance/upstream/testdata/billing.wsdl
    backend: {kind: http-json, url: "http://127.0.0.1:%d/billing", identity_token: true, identity_audience: "urn:not-billing"}
`, issuer, files, port, port))
		pythonServerAt(t, "jwt_upstream.py", port, gw.URL+"/.well-known/jwks.json", issuer, "urn:billing")
		return gw, keySet(t, gw.URL)
	}
	invoice := func(gw *harness.Gateway, service string) (string, error) {
		var inv struct {
			IssuedBy string `xmlrpc:"issuedBy"`
		}
		err := kolo(t, gw.URL, "bob", "builder").Call(service+".Invoice", map[string]any{"customer": "c1", "amount": 12.5}, &inv)
		return inv.IssuedBy, err
	}

	gw, jwks := start()
	by, err := invoice(gw, "billing")
	if err != nil || len(jwks) != 1 || by != "bob [staff] "+jwks[0].Kid[:8] {
		t.Fatalf("a made key: the upstream found %q (%v); the JWKS %+v", by, err, jwks)
	}
	if _, err := invoice(gw, "elsewhere"); err == nil {
		t.Fatal("a token for another audience was accepted by the upstream")
	}
	gw.Stop(t)

	// Keys from files: the first signs, every one is published; rotating
	// is putting the new key first.
	dir := t.TempDir()
	oldKey, newKey := ecKeyFile(t, dir, "old.pem"), ecKeyFile(t, dir, "new.pem")
	gw, before := start(oldKey)
	by, err = invoice(gw, "billing")
	if err != nil || len(before) != 1 || by != "bob [staff] "+before[0].Kid[:8] {
		t.Fatalf("one key file: %q (%v); the JWKS %+v", by, err, before)
	}
	gw.Stop(t)
	gw, after := start(newKey, oldKey)
	by, err = invoice(gw, "billing")
	if err != nil || len(after) != 2 || after[1].Kid != before[0].Kid || after[0].Kid == before[0].Kid || by != "bob [staff] "+after[0].Kid[:8] {
		t.Fatalf("rotated: %q (%v); the JWKS before %+v, after %+v", by, err, before, after)
	}
}

type jwk struct {
	Kid, Kty, Alg, Use, Crv string
	D                       string `json:"d"`
}

// keySet reads the gateway's JWKS and fails the test if a key in it has
// private material.
func keySet(t *testing.T, base string) []jwk {
	t.Helper()
	resp, err := http.Get(base + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct{ Keys []jwk }
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || resp.Header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("the JWKS: %v %s", err, resp.Header.Get("Content-Type"))
	}
	for _, k := range set.Keys {
		if k.D != "" {
			t.Fatal("the JWKS publishes a private key")
		}
		if k.Kid == "" || k.Alg != "ES256" || k.Use != "sig" || k.Kty != "EC" {
			t.Errorf("a key: %+v", k)
		}
	}
	return set.Keys
}

func ecKeyFile(t *testing.T, dir, name string) string {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(k)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
