package ldapauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/go-ldap/ldap/v3"
)

// pool keeps up to size connections, bound the same way (as the service
// account, anonymously, or not at all for the user-bind pool). A connection
// that the server closed is replaced on its next use.
type pool struct {
	cfg   Config
	bind  bool // bind as cfg.BindDN after dialing
	idle  chan *ldap.Conn
	slots chan struct{}
}

func newPool(cfg Config, bind bool) *pool {
	return &pool{cfg: cfg, bind: bind, idle: make(chan *ldap.Conn, cfg.PoolSize), slots: make(chan struct{}, cfg.PoolSize)}
}

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
		c.Close()
	} else {
		select {
		case p.idle <- c:
		default:
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
			return c, nil
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
			return nil, fmt.Errorf("StartTLS: %w", err)
		}
	}
	if p.bind && p.cfg.BindDN != "" {
		if err := c.Bind(p.cfg.BindDN, p.cfg.BindPassword); err != nil {
			c.Close()
			return nil, fmt.Errorf("service account bind: %w", err)
		}
	}
	return c, nil
}

// close closes the idle connections; connections in use close when put back.
func (p *pool) close() {
	for {
		select {
		case c := <-p.idle:
			c.Close()
		default:
			return
		}
	}
}
