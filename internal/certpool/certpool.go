// Package certpool reads the CA bundles of the configuration (ldap.ca_file,
// oidc.ca_file, a backend's ca_file, tls.client_ca_file) and says what is wrong with one that
// gives no certificate, where crypto/x509's AppendCertsFromPEM skips a
// certificate it cannot parse without a word.
package certpool

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Load reads the PEM certificates in path. Certificates that do not parse
// are skipped, as AppendCertsFromPEM does, unless none is left: then the
// error names why the first one failed.
func Load(path string) (*x509.CertPool, error) {
	certs, bad, err := read(path)
	switch {
	case err != nil:
		return nil, err
	case len(certs) == 0 && bad != nil:
		return nil, fmt.Errorf("%s: no usable certificate: %w", path, bad)
	case len(certs) == 0:
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// Certificates reads every PEM certificate in path, strictly: one that does
// not parse is an error, naming it and why (tls.client_ca_file, whose CAs
// also check the CRLs' signatures).
func Certificates(path string) ([]*x509.Certificate, error) {
	certs, bad, err := read(path)
	switch {
	case err != nil:
		return nil, err
	case bad != nil:
		return nil, bad
	case len(certs) == 0:
		return nil, errors.New("no PEM certificate in it")
	}
	return certs, nil
}

// read parses the CERTIFICATE blocks of path: those that parse, and why the
// first that did not failed.
func read(path string) (certs []*x509.Certificate, bad, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	n := 0
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return certs, bad, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		n++
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			if bad == nil {
				bad = fmt.Errorf("certificate %d: %w%s", n, err, hint(err))
			}
			continue
		}
		certs = append(certs, cert)
	}
}

// hint explains the refusal operators meet most: the self-made LDAPS
// certificate of a Samba AD DC may have a negative serial number, which Go
// refuses since 1.23.
func hint(err error) string {
	if strings.Contains(err.Error(), "negative serial number") {
		return " (a Samba AD DC's self-made certificate can have one: give the directory a certificate from your CA, or start the gateway with GODEBUG=x509negativeserial=1)"
	}
	return ""
}
