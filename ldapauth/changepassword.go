package ldapauth

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"gateway/gateway"
)

// adCapability is LDAP_CAP_ACTIVE_DIRECTORY_OID in a root DSE's
// supportedCapabilities: Active Directory, or Samba's AD DC.
const adCapability = "1.2.840.113556.1.4.800"

// ChangePassword implements gateway.PasswordChanger: the user's current
// password for a new one. On Active Directory, by AD's own change (a
// modify that deletes the old unicodePwd and adds the new, which the DC
// verifies against the old; it needs LDAPS or StartTLS), made by the
// service account because a user whose password expired cannot bind; on
// other directories, by the Password Modify extended operation (RFC 3062)
// as the user, whose bind a password policy still lets through to change
// a reset password.
func (a *Authorizer) ChangePassword(ctx context.Context, username, oldPassword, newPassword string) error {
	username, ok := a.withoutDomain(strings.TrimSpace(username))
	if !ok || username == "" || oldPassword == "" || len(username) > maxUsernameLen {
		return a.invalid
	}
	if newPassword == "" || len(newPassword) > 1024 {
		return gateway.NewFault(gateway.FaultInvalidParams, "the new password is empty or too long")
	}
	entry, err := a.findUser(ctx, username)
	if err != nil {
		return err
	}
	ad, err := a.activeDirectory(ctx)
	if err != nil {
		return err
	}
	if ad {
		err = a.withConn(ctx, a.search, func(c *ldap.Conn) error {
			m := ldap.NewModifyRequest(entry.DN, nil)
			m.Delete("unicodePwd", []string{unicodePwd(oldPassword)})
			m.Add("unicodePwd", []string{unicodePwd(newPassword)})
			return c.Modify(m)
		})
	} else {
		err = a.onServer(ctx, entry.origin, a.binds, func(c *ldap.Conn) error {
			res, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: entry.DN, Password: oldPassword,
				Controls: []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}})
			if err != nil {
				var policy *ldap.ControlBeheraPasswordPolicy
				if res != nil {
					policy, _ = ldap.FindControl(res.Controls, ldap.ControlTypeBeheraPasswordPolicy).(*ldap.ControlBeheraPasswordPolicy)
				}
				if f := accountState(err, policy); f != nil && f.Kind == gateway.FaultPasswordExpired {
					return gateway.NewFault(gateway.FaultAccountDisabled, "the password has expired and the directory allows no more binds: ask your administrator to reset it")
				}
				return err
			}
			_, err = c.PasswordModify(ldap.NewPasswordModifyRequest("", oldPassword, newPassword))
			return err
		})
	}
	if err == nil {
		return nil
	}
	if f, ok := err.(*gateway.Fault); ok {
		return f
	}
	switch {
	case ldap.IsErrorAnyOf(err, ldap.LDAPResultConstraintViolation, ldap.LDAPResultUnwillingToPerform) && !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials):
		// Too short, too simple, used before, or (AD) the old password
		// was wrong: the directory does not say which safely.
		a.log.Warn("ldap: password change refused", "dn", entry.DN, "err", err)
		return gateway.NewFault(gateway.FaultInvalidParams, "the directory refused the change: check the current password, and that the new one meets the password policy (length, complexity, history)")
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials):
		return a.invalid
	}
	return classify(err)
}

// activeDirectory reports whether the directory is Active Directory (or
// Samba's AD DC), by its root DSE.
func (a *Authorizer) activeDirectory(ctx context.Context) (bool, error) {
	var caps []string
	err := a.withConn(ctx, a.search, func(c *ldap.Conn) error {
		res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, timeLimit(ctx, a.cfg.Timeout),
			false, "(objectClass=*)", []string{"supportedCapabilities"}, nil))
		if err == nil && len(res.Entries) == 1 {
			caps = res.Entries[0].GetAttributeValues("supportedCapabilities")
		}
		return err
	})
	if err != nil {
		return false, classify(err)
	}
	return slices.Contains(caps, adCapability), nil
}

// unicodePwd is a password as AD's unicodePwd takes it: quoted, UTF-16LE.
func unicodePwd(password string) string {
	u := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}
