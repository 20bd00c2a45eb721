// Package kerberosauth checks Kerberos tickets sent as SPNEGO
// (Authorization: Negotiate), as desktop clients on a Windows domain or a
// kinit'ed Unix session send them: the AP-REQ is decrypted with the
// service's keytab (gokrb5), its authenticator checked for clock skew and
// replay, and the client principal mapped to the directory entry of its
// name (the principal without its realm). It is the checker for
// gateway.AuthNegotiate credentials.
package kerberosauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"

	"gateway/gateway"
)

// Config names the service's key and which realms are trusted.
type Config struct {
	Keytab           string        // the service's keytab file (ktadd, or AD's ktpass)
	ServicePrincipal string        // e.g. HTTP/gateway.example.org; empty: any principal in the keytab
	Realms           []string      // client realms accepted; empty: the service principal's realm only
	MaxClockSkew     time.Duration // between the client's authenticator and this clock
}

// Directory finds the identity of a principal's username.
type Directory interface {
	LookupIdentity(ctx context.Context, username string) (gateway.Identity, error)
}

// ReplayCache remembers authenticators across the nodes of a cluster.
// gokrb5's own cache is the process's: without a shared one, an
// authenticator captured on its way to one node could be sent to another
// within the clock skew.
type ReplayCache interface {
	// FirstUse records key for ttl and says whether it was new.
	FirstUse(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Checker verifies SPNEGO tokens.
type Checker struct {
	cfg      Config
	dir      Directory
	log      *slog.Logger
	settings *service.Settings
	realms   []string
	replays  ReplayCache // nil: gokrb5's, in this process only
}

// ShareReplays makes the checker refuse an authenticator any node sharing
// rc has seen (set before the checker serves).
func (c *Checker) ShareReplays(rc ReplayCache) { c.replays = rc }

// replayKey names an authenticator as gokrb5's cache does: the service, the
// client and the authenticator's time to the microsecond.
func replayKey(apreq *messages.APReq) string {
	a := apreq.Authenticator
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s@%s\x00%d\x00%d", strings.Join(apreq.Ticket.SName.NameString, "/"),
		strings.Join(a.CName.NameString, "/"), a.CRealm, a.CTime.UnixNano(), a.Cusec)
	return hex.EncodeToString(h.Sum(nil))
}

// New loads the keytab.
func New(cfg Config, dir Directory, log *slog.Logger) (*Checker, error) {
	if dir == nil {
		return nil, errors.New("kerberos: a directory is needed (a ticket names a principal, not its groups)")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxClockSkew <= 0 {
		cfg.MaxClockSkew = 5 * time.Minute
	}
	kt, err := keytab.Load(cfg.Keytab)
	if err != nil {
		return nil, fmt.Errorf("kerberos.keytab: %w", err)
	}
	if len(kt.Entries) == 0 {
		return nil, errors.New("kerberos.keytab: no keys in it")
	}
	realms := cfg.Realms
	if len(realms) == 0 {
		realms = []string{kt.Entries[0].Principal.Realm}
	}
	opts := []func(*service.Settings){service.MaxClockSkew(cfg.MaxClockSkew), service.DecodePAC(false), service.Logger(nil)}
	if cfg.ServicePrincipal != "" {
		opts = append(opts, service.KeytabPrincipal(cfg.ServicePrincipal))
	}
	return &Checker{cfg: cfg, dir: dir, log: log, settings: service.NewSettings(kt, opts...), realms: realms}, nil
}

// Authenticate implements gateway.Authorizer for SPNEGO tokens.
func (c *Checker) Authenticate(ctx context.Context, creds gateway.Credentials) (gateway.Identity, error) {
	// SPNEGO's NegTokenInit wraps the Kerberos token; some clients send
	// the bare token (its GSS-API framing) instead.
	mech := creds.Negotiate
	var neg spnego.SPNEGOToken
	if neg.Unmarshal(mech) == nil && neg.Init && len(neg.NegTokenInit.MechTokenBytes) > 0 {
		mech = neg.NegTokenInit.MechTokenBytes
	}
	var krb spnego.KRB5Token
	if err := krb.Unmarshal(mech); err != nil || !krb.IsAPReq() {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the Negotiate token holds no Kerberos AP-REQ")
	}
	// The ticket is decrypted with the keytab, its authenticator checked
	// for clock skew and against gokrb5's replay cache.
	ok, id, err := service.VerifyAPREQ(&krb.APReq, c.settings)
	if !ok || err != nil || id == nil {
		msg := "refused"
		if err != nil {
			msg = err.Error()
		}
		c.log.Warn("kerberos: ticket refused", "reason", msg)
		if strings.Contains(strings.ToLower(msg), "replay") {
			msg = "its authenticator was already used (a replay)"
		}
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the Kerberos ticket is not valid: %s", msg)
	}
	if c.replays != nil {
		// The authenticator is decrypted now; one older than the skew is
		// refused by the check above, so twice the skew is long enough.
		first, err := c.replays.FirstUse(ctx, replayKey(&krb.APReq), 2*c.cfg.MaxClockSkew)
		if err != nil {
			return gateway.Identity{}, gateway.WrapFault(gateway.FaultUnavailable, err, "the shared replay cache is unavailable")
		}
		if !first {
			c.log.Warn("kerberos: ticket refused", "reason", "replay seen by another node")
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the Kerberos ticket is not valid: its authenticator was already used (a replay)")
		}
	}
	if !slices.ContainsFunc(c.realms, func(r string) bool { return strings.EqualFold(r, id.Domain()) }) {
		c.log.Warn("kerberos: a ticket from a realm not trusted", "realm", id.Domain())
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "tickets of realm %s are not accepted", id.Domain())
	}
	name := id.UserName()
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "the principal %s is a service, not a user", name)
	}
	ident, err := c.dir.LookupIdentity(ctx, name)
	if err != nil {
		if gateway.AsFault(err).Kind == gateway.FaultUnauthenticated {
			return gateway.Identity{}, gateway.NewFault(gateway.FaultUnauthenticated, "no directory entry for the principal %s@%s", name, id.Domain())
		}
		return gateway.Identity{}, err
	}
	return ident, nil
}
