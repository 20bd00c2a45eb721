package ldapauth

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
)

// The rules that map a client certificate to a directory entry
// (Config.CertRule). The certificate was verified by the TLS handshake
// against the client CAs; the rule says which entry it speaks for.
const (
	// CertSubjectCN: the subject's common name, as a username through the
	// user filter ((uid={username}) finds uid=alice for CN=alice).
	CertSubjectCN = "subject_cn"
	// CertSANEmail: the first e-mail address in the subjectAltName,
	// compared with the mail attribute (or CertAttr).
	CertSANEmail = "san_email"
	// CertSANUPN: the Microsoft user principal name in the subjectAltName
	// (an otherName), compared with userPrincipalName (or CertAttr), as
	// Active Directory's smart-card logon maps it.
	CertSANUPN = "san_upn"
	// CertExact: the subject's common name finds the entry through the user
	// filter, and the entry must hold this very certificate in
	// userCertificate (or CertAttr): a certificate the directory does not
	// list is refused even from a trusted CA. The bytes are compared here,
	// not by the directory's certificate matching rule, which directories
	// implement differently.
	CertExact = "certificate"
)

// upnOID is the otherName type of a Microsoft user principal name.
var upnOID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3}

// certAttr is the attribute a rule compares (CertAttr, or the rule's own).
func (c Config) certAttr() string {
	if c.CertAttr != "" {
		return c.CertAttr
	}
	switch c.CertRule {
	case CertSANEmail:
		return "mail"
	case CertSANUPN:
		return "userPrincipalName"
	case CertExact:
		return "userCertificate"
	}
	return ""
}

// certificateIdentity is the identity a verified client certificate
// speaks for: the entry its rule finds, and that entry's groups. No bind
// happens: the TLS handshake proved the key.
func (a *Authorizer) certificateIdentity(ctx context.Context, cert *x509.Certificate) (gateway.Identity, error) {
	var entry userEntry
	var err error
	switch a.cfg.CertRule {
	case "", CertSubjectCN, CertExact:
		cn := strings.TrimSpace(cert.Subject.CommonName)
		if cn == "" || len(cn) > maxUsernameLen {
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the client certificate has no usable subject common name")
		}
		entry, err = a.findUser(ctx, cn, a.certAttrs()...)
	case CertSANEmail:
		if len(cert.EmailAddresses) == 0 {
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the client certificate names no e-mail address")
		}
		entry, err = a.findBy(ctx, a.cfg.certAttr(), cert.EmailAddresses[0])
	case CertSANUPN:
		upn := certUPN(cert)
		if upn == "" {
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the client certificate names no user principal name")
		}
		entry, err = a.findBy(ctx, a.cfg.certAttr(), upn)
	default:
		return gateway.Identity{}, gateway.NewFault(gateway.FaultInternal, "ldap.certificate_map.rule %q", a.cfg.CertRule)
	}
	if err != nil {
		if f := gateway.AsFault(err); f.Kind == gateway.FaultUnauthenticated {
			a.log.Warn("ldap: no directory entry for a client certificate", "subject", cert.Subject.String(), "rule", a.cfg.CertRule)
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "no directory entry for this client certificate")
		}
		return gateway.Identity{}, err
	}
	if a.cfg.CertRule == CertExact && !holdsCertificate(entry.Entry, a.cfg.certAttr(), cert.Raw) {
		a.log.Warn("ldap: the directory entry does not hold the client certificate", "dn", entry.DN, "subject", cert.Subject.String())
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the directory does not list this client certificate")
	}
	return a.identityOf(ctx, entry.Entry, "")
}

// certAttrs are the attributes the certificate rule needs read beside the
// user's own.
func (a *Authorizer) certAttrs() []string {
	if a.cfg.CertRule == CertExact {
		attr := a.cfg.certAttr()
		return []string{attr, attr + ";binary"}
	}
	return nil
}

// holdsCertificate reports whether entry's attr (stored plain or with the
// ;binary option, as directories differ) holds der.
func holdsCertificate(entry *ldap.Entry, attr string, der []byte) bool {
	for _, a := range entry.Attributes {
		name, _, _ := strings.Cut(a.Name, ";")
		if !strings.EqualFold(name, attr) {
			continue
		}
		for _, v := range a.ByteValues {
			if bytes.Equal(v, der) {
				return true
			}
		}
	}
	return false
}

// findBy finds the one user entry under the user base whose attr equals
// value.
func (a *Authorizer) findBy(ctx context.Context, attr, value string) (userEntry, error) {
	filter := fmt.Sprintf("(%s=%s)", attr, ldap.EscapeFilter(value))
	return a.searchOne(ctx, filter, value)
}

// certUPN is the Microsoft UPN otherName of the certificate's
// subjectAltName, or "".
func certUPN(cert *x509.Certificate) string {
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 17}) {
			continue
		}
		var names asn1.RawValue
		if _, err := asn1.Unmarshal(ext.Value, &names); err != nil {
			return ""
		}
		rest := names.Bytes
		for len(rest) > 0 {
			var gn asn1.RawValue
			var err error
			if rest, err = asn1.Unmarshal(rest, &gn); err != nil {
				return ""
			}
			if gn.Class != asn1.ClassContextSpecific || gn.Tag != 0 { // otherName
				continue
			}
			var oid asn1.ObjectIdentifier
			inner, err := asn1.Unmarshal(gn.Bytes, &oid)
			if err != nil || !oid.Equal(upnOID) {
				continue
			}
			var wrapped asn1.RawValue // [0] EXPLICIT
			if _, err := asn1.Unmarshal(inner, &wrapped); err != nil {
				continue
			}
			var upn string
			if _, err := asn1.UnmarshalWithParams(wrapped.Bytes, &upn, "utf8"); err == nil {
				return upn
			}
		}
	}
	return ""
}

// LookupIdentity is the identity of the entry a username names, found
// through the user filter without a bind: for a credential another checker
// verified (an identity provider's token). No entry is Unauthenticated.
func (a *Authorizer) LookupIdentity(ctx context.Context, username string) (gateway.Identity, error) {
	username = strings.TrimSpace(username)
	if username == "" || len(username) > maxUsernameLen {
		return gateway.Identity{}, a.invalid
	}
	entry, err := a.findUser(ctx, username)
	if err != nil {
		return gateway.Identity{}, err
	}
	return a.identityOf(ctx, entry.Entry, username)
}
