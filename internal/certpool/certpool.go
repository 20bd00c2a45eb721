// Package certpool reads the CA bundles of the configuration (ldap.ca_file,
// oidc.ca_file, a backend's ca_file) and says what is wrong with one that
// gives no certificate, where crypto/x509's AppendCertsFromPEM skips a
// certificate it cannot parse without a word.
package certpool

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// Load reads the PEM certificates in path. Certificates that do not parse
// are skipped, as AppendCertsFromPEM does, unless none is left: then the
// error names why the first one failed.
func Load(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	added, blocks := 0, 0
	var firstErr error
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		blocks++
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("certificate %d: %w%s", blocks, err, hint(err))
			}
			continue
		}
		pool.AddCert(cert)
		added++
	}
	switch {
	case added > 0:
		return pool, nil
	case firstErr != nil:
		return nil, fmt.Errorf("%s: no usable certificate: %w", path, firstErr)
	}
	return nil, fmt.Errorf("%s holds no PEM certificate", path)
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
