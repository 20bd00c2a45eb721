package main

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"gateway/adapters/upstream"
	"gateway/gateway"
)

// reload re-reads the configuration file and puts its services (WSDLs,
// upstreams, groups) and directory settings in place, without dropping a
// session: everything is loaded and checked first, and a configuration
// that fails is refused with the running one kept. Settings that only a
// restart can change (listen, TLS, the session store, limits, the
// embedded directory) are named in the log and otherwise left as they
// are. A built-in service named as before keeps its implementation (the
// demo inventory keeps its stock and reservations).
func (a *app) reload(ctx context.Context) (string, error) {
	a.reloading.Lock()
	defer a.reloading.Unlock()
	cfg, notes, err := loadConfig(a.cfgPath, a.getenv)
	if err == nil {
		err = cfg.validate()
	}
	if err != nil {
		return "", fmt.Errorf("configuration refused, the running one kept: %w", err)
	}
	for _, n := range notes {
		a.log.Warn("configuration: " + n)
	}
	services, err := loadServices(ctx, cfg, a.deps, a.log, true)
	if err != nil {
		return "", fmt.Errorf("configuration refused, the running one kept: %w", err)
	}
	running := a.core.Services()
	for i, svc := range services {
		if old := running.Service(svc.Name); old != nil && cfg.Services[i].Builtin != "" && a.builtinOf(svc.Name) == cfg.Services[i].Builtin {
			svc.Impl = old.Impl
		}
	}
	registry, err := gateway.NewRegistry(services...)
	if err != nil {
		return "", fmt.Errorf("configuration refused, the running one kept: %w", err)
	}
	commitSOAP, err := a.soap.Reload(registry)
	if err != nil {
		return "", fmt.Errorf("configuration refused, the running one kept: %w", err)
	}
	restart := restartOnly(a.cfg, cfg)
	var auth gateway.Authorizer
	if len(cfg.LDAP.URLs) > 0 && len(a.cfg.LDAP.URLs) > 0 && !reflect.DeepEqual(cfg.LDAP, a.cfg.LDAP) {
		next := a.authorizer().Successor(cfg.LDAP.authorizerConfig(), a.log)
		auth = a.checkers(next)
		defer func() { a.auth.Swap(next).Close() }()
	} else if !reflect.DeepEqual(cfg.LDAP, a.cfg.LDAP) || cfg.Directory != a.cfg.Directory {
		restart = append(restart, "ldap / directory (between the embedded directory and a real one)")
		cfg.LDAP, cfg.Directory = a.cfg.LDAP, a.cfg.Directory
	}
	commitSOAP()
	a.core.Reconfigure(registry, auth)
	// What only a restart changes stays as it runs.
	cfg.Listen, cfg.TLS, cfg.Session, cfg.Limits, cfg.MetricsListen = a.cfg.Listen, a.cfg.TLS, a.cfg.Session, a.cfg.Limits, a.cfg.MetricsListen
	cfg.HTTPEngine = a.cfg.HTTPEngine
	cfg.TrustedProxies, cfg.PublicURL, cfg.AuthChallenge = a.cfg.TrustedProxies, a.cfg.PublicURL, a.cfg.AuthChallenge
	a.cfg = cfg
	names := make([]string, 0, len(services))
	for _, svc := range services {
		names = append(names, svc.Name)
	}
	summary := fmt.Sprintf("reloaded: services %s", strings.Join(names, ", "))
	if auth != nil {
		summary += "; directory settings replaced"
	}
	if len(restart) > 0 {
		summary += "; a restart is needed for: " + strings.Join(restart, ", ")
	}
	a.log.Info("configuration reloaded", "services", strings.Join(names, ","), "directory_replaced", auth != nil, "restart_needed_for", strings.Join(restart, ","))
	return summary, nil
}

// builtinOf is the builtin a running service was configured with, or "".
func (a *app) builtinOf(name string) string {
	for _, sc := range a.cfg.Services {
		if sc.Name == name {
			return sc.Builtin
		}
	}
	return ""
}

// restartOnly names the settings that differ between running and next
// that a reload does not change.
func restartOnly(running, next Config) []string {
	var out []string
	for key, same := range map[string]bool{
		"listen":          running.Listen == next.Listen,
		"http_engine":     running.HTTPEngine == next.HTTPEngine,
		"tls":             reflect.DeepEqual(running.TLS, next.TLS),
		"portal":          running.Portal == next.Portal,
		"identity_tokens": reflect.DeepEqual(running.IdentityTokens, next.IdentityTokens),
		"oidc":            reflect.DeepEqual(running.OIDC, next.OIDC),
		"kerberos":        reflect.DeepEqual(running.Kerberos, next.Kerberos),
		"session":         running.Session == next.Session,
		"limits":          running.Limits == next.Limits,
		"metrics_listen":  running.MetricsListen == next.MetricsListen,
		"trusted_proxies": slices.Equal(running.TrustedProxies, next.TrustedProxies),
		"public_url":      running.PublicURL == next.PublicURL,
		"auth_challenge":  running.AuthChallenge == next.AuthChallenge,
	} {
		if !same {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// upstreamCollector reports each upstream backend's breaker and the
// deviations of its answers, for the services in service at each scrape
// (a reload may change them).
type upstreamCollector struct{ core *gateway.Core }

var (
	breakerDesc = prometheus.NewDesc("gateway_upstream_breaker_open",
		"1 while the service's upstream circuit breaker is open or half-open.", []string{"service"}, nil)
	deviationsDesc = prometheus.NewDesc("gateway_upstream_response_deviations_total",
		"Upstream answers passed on although they break the WSDL's schema (see strict_responses).", []string{"service"}, nil)
)

func (c upstreamCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- breakerDesc
	ch <- deviationsDesc
}

func (c upstreamCollector) Collect(ch chan<- prometheus.Metric) {
	for _, svc := range c.core.Services().Services() {
		b, ok := svc.Impl.(*upstream.Backend)
		if !ok {
			continue
		}
		open := 1.0
		if b.State() == upstream.StateClosed {
			open = 0
		}
		ch <- prometheus.MustNewConstMetric(breakerDesc, prometheus.GaugeValue, open, svc.Name)
		ch <- prometheus.MustNewConstMetric(deviationsDesc, prometheus.CounterValue, float64(b.Deviations()), svc.Name)
	}
}
