package ldapauth

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// DemoLDIF is the built-in demo directory: alice, bob and carol.
//
//go:embed demo.ldif
var DemoLDIF []byte

// Directory is the embedded directory: an in-process LDAP server (gldap) on
// a loopback port, serving entries read from LDIF. The gateway reaches it
// with the same ldapauth code, over real LDAP, as it would a real directory.
// It is read-only and answers simple binds and searches.
//
// It is indexed so that a directory of a hundred thousand users serves a
// login as fast as one of three: entries by DN (binds, search bases), and
// equality indexes made on first use for each attribute a filter names
// (uid, mail, member, ...: whatever the configured filters ask for), so no
// attribute name is assumed and only the attributes searched cost memory.
type Directory struct {
	srv     *gldap.Server
	url     string
	suffix  string
	entries []*dirEntry
	byDN    map[string]*dirEntry // by dnKey
	log     *slog.Logger

	mu      sync.Mutex
	indexes map[string]*attrIndex // by lower-case attribute name
}

type dirEntry struct {
	*Entry
	dn  *ldap.DN
	pos int // in load order, which searches answer in
}

// attrIndex maps an attribute's normalized values to the entries that hold
// them, in load order. It is built once and only read after.
type attrIndex struct {
	once   sync.Once
	byNorm map[string][]*dirEntry
}

func (e *dirEntry) values(attr string) []string {
	if strings.EqualFold(attr, "userPassword") {
		return nil // never matched or returned
	}
	return e.Values(attr)
}

// StartDirectory serves ldif on a random loopback port until Stop.
func StartDirectory(ldif []byte, log *slog.Logger) (*Directory, error) {
	entries, err := ParseLDIF(ldif)
	if err != nil {
		return nil, err
	}
	d := &Directory{log: log, byDN: make(map[string]*dirEntry, len(entries)), indexes: map[string]*attrIndex{}}
	for i, e := range entries {
		dn, err := ldap.ParseDN(e.DN)
		if err != nil {
			return nil, fmt.Errorf("ldif: bad dn %q: %w", e.DN, err)
		}
		de := &dirEntry{Entry: e, dn: dn, pos: i}
		d.entries = append(d.entries, de)
		key := dnKey(dn)
		if _, dup := d.byDN[key]; dup {
			return nil, fmt.Errorf("ldif: dn %q appears twice", e.DN)
		}
		d.byDN[key] = de
	}
	d.suffix = entries[0].DN
	// Pick a free port, then let gldap listen on it; retry if another
	// process takes it in between.
	for attempt := 0; attempt < 5; attempt++ {
		if err = d.start(); err == nil {
			return d, nil
		}
	}
	return nil, err
}

func (d *Directory) start() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	srv, err := gldap.NewServer(gldap.WithLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})))
	if err != nil {
		return err
	}
	mux, err := gldap.NewMux()
	if err != nil {
		return err
	}
	_ = mux.Bind(d.bind)
	_ = mux.Search(d.search)
	_ = mux.DefaultRoute(d.unsupported)
	if err := srv.Router(mux); err != nil {
		return err
	}
	failed := make(chan error, 1)
	go func() { failed <- srv.Run(addr) }()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-failed:
			if err == nil {
				err = errors.New("directory stopped at start")
			}
			return err
		default:
		}
		if srv.Ready() {
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				d.srv, d.url = srv, "ldap://"+addr
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = srv.Stop()
	return errors.New("embedded directory did not start")
}

// URL is where the directory listens.
func (d *Directory) URL() string { return d.url }

// Stop closes the listener and waits (at most two seconds) for clients to
// hang up: gldap waits for every connection, and a client that keeps an
// idle connection open must not hold the gateway's shutdown.
func (d *Directory) Stop() error {
	done := make(chan error, 1)
	go func() { done <- d.srv.Stop() }()
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
		return errors.New("embedded directory: clients still connected at stop")
	}
}

func (d *Directory) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { _ = w.Write(resp) }()
	m, err := r.GetSimpleBindMessage()
	if err != nil || m.AuthChoice != gldap.SimpleAuthChoice {
		resp.SetResultCode(gldap.ResultAuthMethodNotSupported)
		return
	}
	if m.UserName == "" && m.Password == "" {
		resp.SetResultCode(gldap.ResultSuccess) // anonymous
		return
	}
	if m.Password == "" {
		resp.SetResultCode(gldap.ResultUnwillingToPerform) // RFC 4513 5.1.2: unauthenticated bind refused
		return
	}
	dn, err := ldap.ParseDN(m.UserName)
	if err != nil {
		return
	}
	if e := d.byDN[dnKey(dn)]; e != nil {
		for _, stored := range e.Values("userPassword") {
			if checkPassword(stored, string(m.Password)) {
				resp.SetResultCode(gldap.ResultSuccess)
				return
			}
		}
	}
}

func (d *Directory) search(w *gldap.ResponseWriter, r *gldap.Request) {
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	defer func() { _ = w.Write(done) }()
	m, err := r.GetSearchMessage()
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		return
	}
	base, err := ldap.ParseDN(m.BaseDN)
	if err != nil {
		done.SetResultCode(gldap.ResultInvalidDNSyntax)
		return
	}
	filter, err := ldap.CompileFilter(m.Filter)
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		return
	}
	if !d.exists(base) {
		done.SetResultCode(gldap.ResultNoSuchObject)
		return
	}
	sent := int64(0)
	candidates, indexed := d.candidates(filter)
	if !indexed {
		candidates = d.entries
	}
	for _, e := range candidates {
		if !inScope(e.dn, base, m.Scope) {
			continue
		}
		ok, err := d.matchFilter(filter, e)
		if err != nil {
			done.SetResultCode(gldap.ResultUnwillingToPerform)
			return
		}
		if !ok {
			continue
		}
		if m.SizeLimit > 0 && sent >= m.SizeLimit {
			done.SetResultCode(gldap.ResultSizeLimitExceeded)
			return
		}
		_ = w.Write(r.NewSearchResponseEntry(e.DN, gldap.WithAttributes(selectAttrs(e, m.Attributes))))
		sent++
	}
}

func (d *Directory) exists(dn *ldap.DN) bool {
	if len(dn.RDNs) == 0 {
		return true // the root DSE
	}
	return d.byDN[dnKey(dn)] != nil
}

// candidates narrows a search to the entries an equality index says may
// match, in load order; the filter is still matched against each. It says
// false where the filter has no indexable part (a presence or substring
// filter alone, a NOT), and the search reads every entry.
func (d *Directory) candidates(p *ber.Packet) ([]*dirEntry, bool) {
	switch p.Tag {
	case ldap.FilterEqualityMatch:
		if len(p.Children) != 2 {
			return nil, false
		}
		attr := packetString(p.Children[0])
		return d.index(attr).byNorm[normValue(attr, packetString(p.Children[1]))], true
	case ldap.FilterAnd:
		// The smallest indexed part bounds the whole.
		var best []*dirEntry
		found := false
		for _, c := range p.Children {
			if set, ok := d.candidates(c); ok && (!found || len(set) < len(best)) {
				best, found = set, true
			}
		}
		return best, found
	case ldap.FilterOr:
		// Every part must be indexed, or any entry may match.
		var union []*dirEntry
		seen := map[*dirEntry]bool{}
		for _, c := range p.Children {
			set, ok := d.candidates(c)
			if !ok {
				return nil, false
			}
			for _, e := range set {
				if !seen[e] {
					seen[e] = true
					union = append(union, e)
				}
			}
		}
		slices.SortFunc(union, func(a, b *dirEntry) int { return a.pos - b.pos })
		return union, true
	}
	return nil, false
}

// holds says whether e has a value that normalizes to norm.
func (ix *attrIndex) holds(norm string, e *dirEntry) bool {
	_, found := slices.BinarySearchFunc(ix.byNorm[norm], e.pos, func(x *dirEntry, pos int) int { return x.pos - pos })
	return found
}

// index returns attr's equality index, building it on first use.
func (d *Directory) index(attr string) *attrIndex {
	name := strings.ToLower(attr)
	d.mu.Lock()
	ix := d.indexes[name]
	if ix == nil {
		ix = &attrIndex{}
		d.indexes[name] = ix
	}
	d.mu.Unlock()
	ix.once.Do(func() {
		ix.byNorm = map[string][]*dirEntry{}
		for _, e := range d.entries {
			for _, v := range e.values(attr) {
				k := normValue(attr, v)
				if l := ix.byNorm[k]; len(l) == 0 || l[len(l)-1] != e {
					ix.byNorm[k] = append(l, e)
				}
			}
		}
	})
	return ix
}

func inScope(dn, base *ldap.DN, scope gldap.Scope) bool {
	switch scope {
	case gldap.BaseObject:
		return dn.EqualFold(base)
	case gldap.SingleLevel:
		return len(dn.RDNs) == len(base.RDNs)+1 && base.AncestorOfFold(dn)
	}
	return dn.EqualFold(base) || base.AncestorOfFold(dn) || len(base.RDNs) == 0
}

// selectAttrs returns the requested attributes ("*" or none: all user
// attributes; "1.1": none). userPassword is never returned.
func selectAttrs(e *dirEntry, requested []string) map[string][]string {
	out := make(map[string][]string)
	all := len(requested) == 0
	for _, a := range requested {
		if a == "*" {
			all = true
		}
	}
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, "userPassword") {
			continue
		}
		if all || containsFold(requested, a.Name) {
			out[a.Name] = a.Values
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (d *Directory) unsupported(w *gldap.ResponseWriter, r *gldap.Request) {
	_ = w.Write(r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform), gldap.WithDiagnosticMessage("the embedded directory is read-only")))
}

// AuthorizerConfig points base at this directory: anonymous search from the
// suffix (unless user_base or group_base say otherwise), groups by member.
func (d *Directory) AuthorizerConfig(base Config) Config {
	base.URLs = []string{d.url}
	if base.UserBase == "" {
		base.UserBase = d.suffix
	}
	if base.GroupBase == "" {
		base.GroupBase = d.suffix
	}
	if base.GroupFilter == "" {
		base.GroupFilter = "(member={dn})"
	}
	base.StartTLS, base.CAFile, base.BindDN, base.BindPassword = false, "", "", ""
	return base
}
