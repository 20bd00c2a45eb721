package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gateway/adapters/upstream"
	"gateway/gateway"
	"gateway/ldapauth"
)

// configKeys lists every key path of the configuration, as the
// configuration reference writes them: session.idle_timeout,
// services[].backend.breaker.cooldown.
func configKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Duration(0)):
			out = append(out, configKeys(ft, path+".")...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, configKeys(ft.Elem(), path+"[].")...)
		default:
			out = append(out, path)
		}
	}
	return out
}

// TestConfigurationReference: docs/configuration.md's reference names
// every key the configuration reads, and no key it does not: the
// reference cannot drift from the code.
func TestConfigurationReference(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	// Reference rows: | `key` | type | default | meaning |
	row := regexp.MustCompile("(?m)^\\| `([a-z_\\[\\].]+)` \\|")
	var documented []string
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1])
	}
	// The defaults the reference states are the code's own.
	cells := regexp.MustCompile("(?m)^\\| `([a-z_\\[\\].]+)` \\| [^|]* \\| ([^|]*) \\|")
	stated := map[string]string{}
	for _, m := range cells.FindAllStringSubmatch(string(doc), -1) {
		stated[m[1]] = m[2]
	}
	d := defaultConfig()
	for key, want := range map[string]string{
		"listen":                              d.Listen,
		"http_engine":                         d.HTTPEngine,
		"session.idle_timeout":                shortDuration(gateway.DefaultIdleTimeout),
		"session.absolute_timeout":            shortDuration(gateway.DefaultAbsoluteTimeout),
		"session.max_per_user":                fmt.Sprint(gateway.DefaultMaxSessionsPerUser),
		"session.redis_cache":                 fmt.Sprint(d.Session.RedisCache),
		"ldap.user_filter":                    ldapauth.DefaultUserFilter,
		"ldap.group_filter":                   ldapauth.DefaultGroupFilter,
		"ldap.group_attr":                     ldapauth.DefaultGroupAttr,
		"ldap.timeout":                        shortDuration(ldapauth.DefaultTimeout),
		"ldap.pool_size":                      fmt.Sprint(ldapauth.DefaultPoolSize),
		"ldap.group_cache_ttl":                shortDuration(DefaultGroupCacheTTL),
		"ldap.entry_cache_ttl":                shortDuration(DefaultEntryCacheTTL),
		"services[].backend.timeout":          shortDuration(upstream.DefaultTimeout),
		"services[].backend.max_in_flight":    fmt.Sprint(upstream.DefaultMaxInFlight),
		"services[].backend.retries":          fmt.Sprint(upstream.DefaultRetries),
		"services[].backend.breaker.failures": fmt.Sprint(upstream.DefaultBreakerFailures),
		"services[].backend.breaker.cooldown": shortDuration(upstream.DefaultBreakerCooldown),
		"services[].backend.params":           upstream.DefaultParams,
		"limits.max_body_bytes":               fmt.Sprint(d.Limits.MaxBodyBytes),
		"limits.max_depth":                    fmt.Sprint(d.Limits.MaxDepth),
		"limits.max_multicall":                fmt.Sprint(d.Limits.MaxMulticall),
		"limits.max_attributes":               fmt.Sprint(d.Limits.MaxAttributes),
		"limits.max_namespaces":               fmt.Sprint(d.Limits.MaxNamespaces),
		"limits.throttle_keys":                fmt.Sprint(d.Limits.ThrottleKeys),
	} {
		found := false
		for _, form := range strings.Split(want, "|") {
			found = found || strings.Contains(stated[key], "`"+form+"`")
		}
		if !found {
			t.Errorf("docs/configuration.md: %s's default is %q, the code's is %s", key, stated[key], want)
		}
	}
	keys := configKeys(reflect.TypeOf(Config{}), "")
	for _, k := range keys {
		if !slices.Contains(documented, k) {
			t.Errorf("docs/configuration.md does not document %s", k)
		}
	}
	for _, k := range documented {
		if !slices.Contains(keys, k) {
			t.Errorf("docs/configuration.md documents %s, which the configuration does not read", k)
		}
	}
}

// TestDocsConfigurations: every YAML block of the docs is a configuration
// the gateway reads (known keys, values of the right kind).
func TestDocsConfigurations(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	fence := regexp.MustCompile("(?m)^```yaml[ \t]*\n((?s:.*?))^```")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fence.FindAllSubmatch(data, -1) {
			n++
			cfg := defaultConfig()
			if err := decodeConfig(m[1], &cfg); err != nil {
				t.Errorf("%s: a YAML block the gateway does not read: %v\n%s", f, err, m[1])
			}
		}
	}
	if n < 4 {
		t.Errorf("only %d YAML blocks found", n)
	}
}

// shortDuration writes a duration as the reference may: 12h, 15m, 90s
// (every whole form, separated by |).
func shortDuration(d time.Duration) string {
	var forms []string
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d%u.unit == 0 {
			forms = append(forms, fmt.Sprintf("%d%s", d/u.unit, u.name))
		}
	}
	return strings.Join(forms, "|")
}
