package certpool

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned is a CA certificate, as PEM; negative: with its serial number
// made negative after signing (x509 will not sign one, some CAs did), as a
// Samba DC's self-made certificate can be.
func selfSigned(t *testing.T, negative bool) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x7a), Subject: pkix.Name{CommonName: "dc.example.org"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if negative {
		// The serial is the first INTEGER 0x7a of the DER (the version
		// before it is 2): setting its top bit makes it negative.
		i := bytes.Index(der, []byte{0x02, 0x01, 0x7a})
		if i < 0 {
			t.Fatal("serial not found")
		}
		der[i+2] = 0xfa
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good, negative := selfSigned(t, false), selfSigned(t, true)
	for _, tc := range []struct {
		name    string
		content []byte
		wantErr string // "" for success
	}{
		{"one certificate", good, ""},
		{"a bad one beside a good one is skipped", append(append([]byte{}, negative...), good...), ""},
		{"only a negative serial", negative, "negative serial number (a Samba AD DC"},
		{"no PEM at all", []byte("not a certificate\n"), "holds no PEM certificate"},
		{"a key, no certificate", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".pem")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			pool, err := Load(path)
			switch {
			case tc.wantErr == "" && (err != nil || pool == nil):
				t.Fatalf("Load: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Load: %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("a missing file read")
	}
}

// TestCertificates: the strict reading tls.client_ca_file uses refuses a
// bundle with one certificate that does not parse, naming it.
func TestCertificates(t *testing.T) {
	dir := t.TempDir()
	good, negative := selfSigned(t, false), selfSigned(t, true)
	write := func(name string, content []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if certs, err := Certificates(write("two.pem", append(append([]byte{}, good...), good...))); err != nil || len(certs) != 2 {
		t.Errorf("two good certificates: %d, %v", len(certs), err)
	}
	if _, err := Certificates(write("mixed.pem", append(append([]byte{}, good...), negative...))); err == nil || !strings.Contains(err.Error(), "certificate 2: ") {
		t.Errorf("a bad certificate beside a good one: %v, want it named", err)
	}
	if _, err := Certificates(write("none.pem", []byte("nothing\n"))); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("no certificate: %v", err)
	}
}
