package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"gateway/ldapauth"
)

// checkRow is one line of -check-config's table.
type checkRow struct {
	what, target, result string
	failed               bool
}

// probeTimeout bounds each network probe of -check-config.
const probeTimeout = 5 * time.Second

// checkConfig is -check-config: every service's WSDL is loaded and, unless
// probe is off, the directory, Redis and every upstream are reached once.
// It prints what it found as a table and returns the exit status: 0 all
// good, 2 a configuration that cannot start, 1 one that can but something
// it needs does not answer now.
func checkConfig(cfg Config, probe bool, stdout, stderr io.Writer) int {
	ctx := context.Background()
	var rows []checkRow
	status := 0
	add := func(r checkRow, failStatus int) {
		rows = append(rows, r)
		if r.failed {
			status = max(status, failStatus)
		}
	}
	for i, sc := range cfg.Services {
		key := fmt.Sprintf("services[%d]", i)
		source := sc.WSDL
		switch {
		case source == "" && sc.Builtin != "":
			source = "built-in (" + sc.Builtin + ")"
		case source == "":
			source = sc.Backend.URL + "?wsdl"
		}
		def, err := serviceDefinition(ctx, key, sc, probe)
		switch {
		case err != nil:
			var fetchErr *upstreamWSDLError
			add(checkRow{"service " + sc.Name, source, err.Error(), true}, map[bool]int{true: 1, false: 2}[errors.As(err, &fetchErr)])
		case def == nil:
			add(checkRow{"service " + sc.Name, source, "not fetched (-offline)", false}, 0)
		default:
			add(checkRow{"service " + sc.Name, source, fmt.Sprintf("ok: %d operations", len(def.Operations)), false}, 0)
		}
		if sc.Backend != nil && probe {
			add(probeUpstream(ctx, sc), 1)
		}
	}
	switch {
	case len(cfg.LDAP.URLs) == 0 && cfg.Directory.LDIF == "":
		add(checkRow{"directory", "built-in demo (alice, bob, carol)", "ok: NOT for production", false}, 0)
	case len(cfg.LDAP.URLs) == 0:
		ldif, err := os.ReadFile(cfg.Directory.LDIF)
		var d *ldapauth.Directory
		if err == nil {
			d, err = ldapauth.StartDirectory(ldif, slog.New(slog.DiscardHandler))
		}
		if err != nil {
			add(checkRow{"directory", cfg.Directory.LDIF, err.Error(), true}, 2)
		} else {
			_ = d.Stop()
			add(checkRow{"directory", cfg.Directory.LDIF, "ok: embedded", false}, 0)
		}
	case !probe:
		for _, u := range cfg.LDAP.URLs {
			add(checkRow{"directory", u, "not probed (-offline)", false}, 0)
		}
	default:
		a := ldapauth.New(cfg.LDAP.authorizerConfig(), slog.New(slog.DiscardHandler))
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		for _, st := range a.Probe(pctx) {
			r := checkRow{"directory", st.URL, "ok", false}
			if cfg.LDAP.BindDN != "" {
				r.result = "ok: bound as " + cfg.LDAP.BindDN
			}
			if st.Err != nil {
				r.result, r.failed = st.Cause+": "+st.Err.Error(), true
			}
			add(r, 1)
		}
		if err := a.Ready(pctx); err != nil {
			add(checkRow{"user base", cfg.LDAP.UserBase, ldapauth.Cause(err) + ": " + err.Error(), true}, 1)
		} else {
			add(checkRow{"user base", cfg.LDAP.UserBase, "ok: found", false}, 0)
		}
		cancel()
		a.Close()
	}
	if cfg.Session.Store == "redis" && probe {
		opts, _ := redisOptions(cfg.Session.RedisURL)
		c := redis.NewUniversalClient(opts)
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		err := c.Ping(pctx).Err()
		cancel()
		_ = c.Close()
		r := checkRow{"sessions", "redis " + fmt.Sprint(opts.Addrs), "ok", false}
		if err != nil {
			r.result, r.failed = err.Error(), true
		}
		add(r, 1)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHAT\tWHERE\tFOUND")
	for _, r := range rows {
		mark := ""
		if r.failed {
			mark = "FAILED "
		}
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", r.what, r.target, mark, r.result)
	}
	_ = tw.Flush()
	for _, r := range rows {
		if r.failed {
			fmt.Fprintf(stderr, "gateway: %s (%s): %s\n", r.what, r.target, r.result)
		}
	}
	switch status {
	case 0:
		fmt.Fprintln(stdout, "configuration ok")
	case 1:
		fmt.Fprintln(stderr, "gateway: the configuration is valid, but something it needs does not answer (see FAILED above)")
	default:
		fmt.Fprintln(stderr, "gateway: configuration: it cannot start (see FAILED above)")
	}
	return status
}

// probeUpstream makes one request to a service's upstream: any HTTP answer
// means it is reachable.
func probeUpstream(ctx context.Context, sc ServiceConfig) checkRow {
	r := checkRow{what: "upstream " + sc.Name, target: sc.Backend.URL}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sc.Backend.URL, nil)
	if err != nil {
		r.result, r.failed = err.Error(), true
		return r
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.result, r.failed = "unreachable: "+err.Error(), true
		return r
	}
	resp.Body.Close()
	r.result = fmt.Sprintf("ok: answers (HTTP %d to a GET)", resp.StatusCode)
	return r
}
