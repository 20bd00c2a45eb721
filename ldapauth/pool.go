package ldapauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-ldap/ldap/v3"
)

// pool keeps up to size connections, bound the same way (as the service
// account, anonymously, or not at all for the user-bind pool). A connection
// that the server closed is replaced on its next use.
type pool struct {
	cfg    Config
	bind   bool // bind as cfg.BindDN after dialing
	idle   chan *ldap.Conn
	slots  chan struct{}
	health *health
	urls   sync.Map // *ldap.Conn -> the URL it was dialled to, for health
}

// used records the outcome of a request on c: a failure on the wire is
// its URL's failure, a success after one its return.
func (p *pool) used(c *ldap.Conn, err error, broken bool) {
	if p.health == nil {
		return
	}
	u, ok := p.urls.Load(c)
	if !ok {
		return
	}
	switch {
	case broken:
		p.health.saw(u.(string), err)
	case err == nil:
		p.health.fine(u.(string))
	}
}

func newPool(cfg Config, bind bool, h *health) *pool {
	return &pool{cfg: cfg, bind: bind, idle: make(chan *ldap.Conn, cfg.PoolSize), slots: make(chan struct{}, cfg.PoolSize), health: h}
}

// health is what the authorizer last found of each directory URL, so that
// a failure is logged once, with its URL and cause, when a URL goes down
// (or fails another way), and once more when it is back: not once per
// login while it stays down.
type health struct {
	log   *slog.Logger
	mu    sync.Mutex
	state map[string]string // URL -> "" (up) or the cause it failed with
	down  atomic.Int32      // URLs whose state is a failure: 0 keeps fine() off the lock
}

func newHealth(log *slog.Logger) *health {
	return &health{log: log, state: map[string]string{}}
}

// saw records the outcome of one dial of url.
func (h *health) saw(url string, err error) {
	cause := ""
	if err != nil {
		cause = Cause(err)
	}
	h.mu.Lock()
	before, known := h.state[url]
	h.state[url] = cause
	switch {
	case before == "" && cause != "":
		h.down.Add(1)
	case before != "" && cause == "":
		h.down.Add(-1)
	}
	h.mu.Unlock()
	switch {
	case cause != "" && (before != cause):
		h.log.Error("directory unavailable", "url", url, "cause", cause, "err", err)
	case cause == "" && known && before != "":
		h.log.Info("directory reachable again", "url", url)
	}
}

// fine records that url answered: logged only when it had failed.
func (h *health) fine(url string) {
	if h.down.Load() == 0 {
		return
	}
	h.mu.Lock()
	before := h.state[url]
	if before != "" {
		h.state[url] = ""
		h.down.Add(-1)
	}
	h.mu.Unlock()
	if before != "" {
		h.log.Info("directory reachable again", "url", url)
	}
}

// Cause names what failed in a directory error: "timeout", "dial" (the
// connection), "tls" (the handshake or StartTLS, certificates included),
// "bind" (the service account's credentials) or "ldap" (the directory
// answered with an error).
func Cause(err error) string {
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, errServiceBind):
		return "bind"
	case errors.Is(err, errStartTLS) || errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		strings.Contains(err.Error(), "tls:"):
		return "tls"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "timed out"):
		return "timeout"
	case errors.As(err, &ne) || ldap.IsErrorAnyOf(err, ldap.ErrorNetwork, ldap.LDAPResultConnectError, ldap.LDAPResultServerDown):
		return "dial"
	}
	return "ldap"
}

var (
	errStartTLS    = errors.New("StartTLS")
	errServiceBind = errors.New("service account bind")
)

// get returns a live connection, waiting for a free slot until ctx ends.
func (p *pool) get(ctx context.Context) (*ldap.Conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, unavailable(ctx.Err())
	}
	for {
		select {
		case c := <-p.idle:
			if c.IsClosing() {
				p.urls.Delete(c)
				c.Close()
				continue
			}
			return c, nil
		default:
		}
		c, err := p.dial(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		return c, nil
	}
}

// put returns c to the pool, or closes it when it failed on the wire.
func (p *pool) put(c *ldap.Conn, broken bool) {
	if broken || c.IsClosing() {
		p.urls.Delete(c)
		c.Close()
	} else {
		select {
		case p.idle <- c:
		default:
			p.urls.Delete(c)
			c.Close()
		}
	}
	<-p.slots
}

// dial tries each URL in order and returns the first connection that is up
// (and, for the search pool, bound).
func (p *pool) dial(ctx context.Context) (*ldap.Conn, error) {
	var errs []error
	for _, raw := range p.cfg.URLs {
		if ctx.Err() != nil {
			break
		}
		c, err := p.dialOne(ctx, raw)
		if err == nil {
			p.urls.Store(c, raw)
			return c, nil
		}
		if p.health != nil {
			p.health.saw(raw, err)
		}
		errs = append(errs, fmt.Errorf("%s: %w", raw, err))
	}
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return nil, unavailable(errors.Join(errs...))
}

func (p *pool) dialOne(ctx context.Context, raw string) (*ldap.Conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := p.cfg.tlsConfig(u.Hostname())
	if err != nil {
		return nil, err
	}
	timeout := requestTimeout(ctx, p.cfg.Timeout)
	c, err := ldap.DialURL(raw, ldap.DialWithDialer(&net.Dialer{Timeout: timeout}), ldap.DialWithTLSConfig(tlsCfg))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(timeout)
	if p.cfg.StartTLS && u.Scheme == "ldap" {
		if err := c.StartTLS(tlsCfg); err != nil {
			c.Close()
			return nil, fmt.Errorf("%w: %w", errStartTLS, err)
		}
	}
	if p.bind && p.cfg.BindDN != "" {
		if err := c.Bind(p.cfg.BindDN, p.cfg.BindPassword); err != nil {
			c.Close()
			return nil, fmt.Errorf("%w: %w", errServiceBind, err)
		}
	}
	return c, nil
}

// close closes the idle connections; connections in use close when put back.
func (p *pool) close() {
	for {
		select {
		case c := <-p.idle:
			p.urls.Delete(c)
			c.Close()
		default:
			return
		}
	}
}
