package ldapauth

import (
	"regexp"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
)

// adDataCode is the sub-code Active Directory (and Samba's AD DC) puts in
// an invalid-credentials bind error: "... AcceptSecurityContext error,
// data 532, v4563".
var adDataCode = regexp.MustCompile(`\bdata ([0-9a-fA-F]{3,4})\b`)

// accountState is the fault of a bind that the account's state refused,
// or that passed with a password that must be changed; nil when the
// state says nothing (a wrong password stays the plain invalid one, so as
// not to tell an attacker which accounts exist).
func accountState(bindErr error, policy *ldap.ControlBeheraPasswordPolicy) *gateway.Fault {
	if policy != nil {
		switch policy.Error {
		case 0: // passwordExpired
			return gateway.NewFault(gateway.FaultPasswordExpired, "the password has expired: change it")
		case 1: // accountLocked
			return gateway.NewFault(gateway.FaultAccountDisabled, "the account is locked")
		case 2: // changeAfterReset: the bind passed, but only to change it
			return gateway.NewFault(gateway.FaultPasswordExpired, "the password must be changed after its reset")
		}
	}
	if bindErr == nil || !ldap.IsErrorWithCode(bindErr, ldap.LDAPResultInvalidCredentials) {
		return nil
	}
	m := adDataCode.FindStringSubmatch(bindErr.Error())
	if m == nil {
		return nil
	}
	switch m[1] {
	case "532":
		return gateway.NewFault(gateway.FaultPasswordExpired, "the password has expired: change it")
	case "773":
		return gateway.NewFault(gateway.FaultPasswordExpired, "the password must be changed after its reset")
	case "533":
		return gateway.NewFault(gateway.FaultAccountDisabled, "the account is disabled")
	case "701":
		return gateway.NewFault(gateway.FaultAccountDisabled, "the account has expired")
	case "775":
		return gateway.NewFault(gateway.FaultAccountDisabled, "the account is locked")
	case "530", "531":
		return gateway.NewFault(gateway.FaultAccountDisabled, "the account may not sign in now or from here")
	}
	return nil // 52e and the rest: a wrong password
}
