package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"gateway/internal/certpool"
)

// The values of tls.client_auth.
const (
	clientAuthOptional = "optional" // a certificate is checked if given (the default with client_ca_file)
	clientAuthRequire  = "require"  // the handshake fails without one
)

// serverTLS is the listener's TLS configuration: TLS 1.2 at least and,
// with tls.client_ca_file, client certificates verified against those CAs
// and the CRLs of tls.client_crl_files. A verified certificate is a
// credential on every front end (the directory entry it speaks for is the
// authorizer's to find); notes are what the operator should read at start
// (a CRL past its next update).
func (t TLSConfig) serverTLS() (*tls.Config, Notes, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.ClientCAFile == "" {
		return cfg, nil, nil
	}
	cas, err := certpool.Certificates(t.ClientCAFile)
	if err != nil {
		return nil, nil, fmt.Errorf("tls.client_ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	for _, ca := range cas {
		pool.AddCert(ca)
	}
	var notes Notes
	revoked := map[string]bool{} // issuer's raw subject + serial
	for _, path := range t.ClientCRLFiles {
		crl, err := readCRL(path)
		if err != nil {
			return nil, nil, fmt.Errorf("tls.client_crl_files: %s: %w", path, err)
		}
		// A CRL counts only if one of the client CAs signed it.
		i := slices.IndexFunc(cas, func(ca *x509.Certificate) bool { return crl.CheckSignatureFrom(ca) == nil })
		if i < 0 {
			return nil, nil, fmt.Errorf("tls.client_crl_files: %s: not signed by any CA of tls.client_ca_file", path)
		}
		if !crl.NextUpdate.IsZero() && time.Now().After(crl.NextUpdate) {
			notes = append(notes, fmt.Sprintf("tls.client_crl_files: %s is past its next update (%s): still used; fetch a fresh one", path, crl.NextUpdate.Format(time.RFC3339)))
		}
		for _, e := range crl.RevokedCertificateEntries {
			revoked[string(cas[i].RawSubject)+"/"+e.SerialNumber.String()] = true
		}
	}
	cfg.ClientCAs = pool
	cfg.ClientAuth = tls.VerifyClientCertIfGiven
	if t.ClientAuth == clientAuthRequire {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	if len(revoked) > 0 {
		// Every certificate of every verified chain but the root is looked
		// up in its issuer's CRL: a revoked one fails the handshake.
		cfg.VerifyPeerCertificate = func(_ [][]byte, chains [][]*x509.Certificate) error {
			for _, chain := range chains {
				for k := 0; k+1 < len(chain); k++ {
					if revoked[string(chain[k+1].RawSubject)+"/"+chain[k].SerialNumber.String()] {
						return fmt.Errorf("the client certificate %q (serial %s) is revoked", chain[k].Subject.String(), chain[k].SerialNumber)
					}
				}
			}
			return nil
		}
	}
	return cfg, notes, nil
}

func (t TLSConfig) validate() error {
	if (t.CertFile == "") != (t.KeyFile == "") {
		return errors.New("tls: cert_file and key_file go together")
	}
	switch t.ClientAuth {
	case "", clientAuthOptional, clientAuthRequire:
	default:
		return fmt.Errorf("tls.client_auth: %q is not optional or require", t.ClientAuth)
	}
	if t.ClientCAFile == "" && (t.ClientAuth != "" || len(t.ClientCRLFiles) > 0 || len(t.ClientCertPaths) > 0) {
		return errors.New("tls.client_auth, client_crl_files and client_cert_paths need tls.client_ca_file")
	}
	if t.ClientCAFile != "" && t.CertFile == "" {
		return errors.New("tls.client_ca_file: client certificates need TLS (tls.cert_file and key_file)")
	}
	for _, p := range t.ClientCertPaths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("tls.client_cert_paths: %q is not a path (it starts with /)", p)
		}
	}
	if t.ClientCAFile != "" {
		if _, _, err := t.serverTLS(); err != nil {
			return err
		}
	}
	return nil
}

// requireClientCert refuses, with 403, a request under one of paths that
// came without a verified client certificate: tls.client_auth optional
// for the listener, required where the operator says.
func requireClientCert(paths []string, next http.Handler) http.Handler {
	if len(paths) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			for _, p := range paths {
				if strings.HasPrefix(r.URL.Path, p) {
					http.Error(w, "forbidden: a client certificate is required here", http.StatusForbidden)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// readCRL reads a CRL in PEM ("X509 CRL") or DER.
func readCRL(path string) (*x509.RevocationList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	return x509.ParseRevocationList(data)
}
