package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) string { return "" }

func TestDefaultsAndOverrides(t *testing.T) {
	cfg, _, err := loadConfig("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.Session.IdleTimeout != 15*time.Minute || cfg.Session.AbsoluteTimeout != 12*time.Hour ||
		cfg.Session.Store != "memory" || len(cfg.Services) != 1 || cfg.Services[0].Name != "inventory" || cfg.Limits.MaxMulticall != 100 {
		t.Errorf("defaults: %+v", cfg)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GATEWAY_LISTEN": "127.0.0.1:9999", "GATEWAY_LDAP_URLS": "ldap://a:389, ldaps://b:636", "GATEWAY_SESSION_STORE": "redis", "GATEWAY_REDIS_URL": "redis://x"}
	p := writeConfig(t, "listen: 127.0.0.1:7000\nsession: {idle_timeout: 2m}\nldap: {user_base: 'ou=people,dc=x', group_filter: ''}\n")
	cfg, _, err = loadConfig(p, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9999" || strings.Join(cfg.LDAP.URLs, "|") != "ldap://a:389|ldaps://b:636" ||
		cfg.Session.Store != "redis" || cfg.Session.RedisURL != "redis://x" || cfg.Session.IdleTimeout != 2*time.Minute {
		t.Errorf("overrides: %+v", cfg)
	}
	if cfg.Session.AbsoluteTimeout != 12*time.Hour || len(cfg.Services) != 1 {
		t.Errorf("keys the file does not set keep their defaults: %+v", cfg)
	}
	if lc := cfg.LDAP.authorizerConfig(); lc.GroupFilter != "" {
		t.Errorf("an explicit empty group_filter selects memberOf, got %q", lc.GroupFilter)
	}
	if lc := defaultConfig().LDAP.authorizerConfig(); lc.GroupFilter != "(member={dn})" {
		t.Errorf("default group_filter %q", lc.GroupFilter)
	}
}

func TestCheckConfig(t *testing.T) {
	cases := []struct {
		name, yaml string
		code       int
		key        string
	}{
		{"empty file", "", 0, ""},
		{"good", "session: {idle_timeout: 1m, absolute_timeout: 1h}\nservices:\n  - {name: inventory, wsdl: examples/inventory/inventory.wsdl, builtin: inventory, allow_groups: [staff]}\n", 0, ""},
		{"unknown key", "sesion: {}\n", 2, "sesion"},
		{"bad duration", "session: {idle_timeout: soon}\n", 2, "soon"},
		{"bad listen", "listen: nowhere\n", 2, "listen"},
		{"bad engine", "http_engine: apache\n", 2, "http_engine"},
		{"net/http engine", "http_engine: net/http\n", 0, ""},
		{"bad proxy", "trusted_proxies: [10.0.0.1]\n", 2, "trusted_proxies"},
		{"absolute below idle", "session: {idle_timeout: 1h, absolute_timeout: 1m}\n", 2, "session.absolute_timeout"},
		{"bad store", "session: {store: disk}\n", 2, "session.store"},
		{"ldap without base", "ldap: {urls: ['ldap://127.0.0.1:1']}\n", 2, "ldap.user_base"},
		{"ldap bad url", "ldap: {urls: ['http://x'], user_base: 'dc=x'}\n", 2, "ldap.urls"},
		{"missing wsdl", "services:\n  - {name: s, wsdl: nope.wsdl, builtin: inventory}\n", 2, "services[0].wsdl"},
		{"unknown builtin", "services:\n  - {name: s, wsdl: examples/inventory/inventory.wsdl, builtin: nope}\n", 2, "services[0].builtin"},
		{"reserved name", "services:\n  - {name: session, wsdl: examples/inventory/inventory.wsdl, builtin: inventory}\n", 2, "services[0].name"},
		{"no implementation", "services:\n  - {name: s, wsdl: examples/inventory/inventory.wsdl}\n", 2, "services[0]"},
		{"zero limit", "limits: {max_body_bytes: 0, max_depth: 1, max_multicall: 1}\n", 2, "limits"},
		{"wsdl_auth without its certificate", "services:\n  - {name: s, wsdl: 'https://erp.example/ws?wsdl', backend: {kind: soap, url: 'https://erp.example/ws'}, wsdl_auth: {cert_file: /nonexistent.pem, key_file: /nonexistent.key}}\n", 2, "services[0].wsdl_auth.cert_file"},
		{"wsdl by URL", "services:\n  - {name: s, wsdl: 'https://erp.example/ws?wsdl', backend: {kind: soap, url: 'https://erp.example/ws'}, wsdl_auth: {username: u, password: p}}\n", 0, ""},
		{"negative session cap", "session: {max_per_user: -1}\n", 2, "session.max_per_user"},
		{"bad metrics_listen", "metrics_listen: nowhere\n", 2, "metrics_listen"},
	}
	wd, _ := os.Getwd()
	if err := os.Chdir("../.."); err != nil { // service WSDL paths are relative to the repository root
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"-check-config", "-offline", "-config", writeConfig(t, c.yaml)}, &stdout, &stderr, noEnv)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, stderr.String())
			}
			if c.key != "" && !strings.Contains(stderr.String(), c.key) {
				t.Errorf("message %q does not name %s", stderr.String(), c.key)
			}
		})
	}
}

// TestLDAPCacheTTLs: ldap.group_cache_ttl and ldap.entry_cache_ttl reach
// the authorizer, each on its own, with their defaults when unset.
func TestLDAPCacheTTLs(t *testing.T) {
	type ttls struct{ groups, entries time.Duration }
	for _, tc := range []struct {
		yaml    string
		want    ttls
		wantErr string
	}{
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x'}\n", ttls{DefaultGroupCacheTTL, DefaultEntryCacheTTL}, ""},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', group_cache_ttl: 0s}\n", ttls{0, DefaultEntryCacheTTL}, ""},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', group_cache_ttl: 5m}\n", ttls{5 * time.Minute, DefaultEntryCacheTTL}, ""},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', entry_cache_ttl: 0s}\n", ttls{DefaultGroupCacheTTL, 0}, ""},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', entry_cache_ttl: 10s, group_cache_ttl: 2m}\n", ttls{2 * time.Minute, 10 * time.Second}, ""},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', group_cache_ttl: -1s}\n", ttls{}, "ldap.group_cache_ttl"},
		{"ldap: {urls: ['ldap://a'], user_base: 'ou=p,dc=x', entry_cache_ttl: -1s}\n", ttls{}, "ldap.entry_cache_ttl"},
	} {
		cfg, _, err := loadConfig(writeConfig(t, tc.yaml), noEnv)
		if err == nil {
			err = cfg.validate()
		}
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want one naming %s", tc.yaml, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		ac := cfg.LDAP.authorizerConfig()
		if got := (ttls{ac.GroupCacheTTL, ac.EntryCacheTTL}); got != tc.want {
			t.Errorf("%q: group and entry cache TTLs %v, want %v", tc.yaml, got, tc.want)
		}
	}
}

// TestConfigMistakesAreNamed: a mistake in the YAML is named by its key
// path and said in the operator's terms, with the closest known key for a
// typo.
func TestConfigMistakesAreNamed(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"session:\n  idel_timeout: 5m\n", `session.idel_timeout (line 2): "idel_timeout" is not a known key (did you mean "idle_timeout"?)`},
		{"session: {idle_timeout: five minutes}\n", `session.idle_timeout (line 1): "five minutes" is not a duration like 15m`},
		{"ldap: {urls: ldap://x}\n", `ldap.urls (line 1): a list is due here, like [ldap://x]`},
		{"limits: {max_depth: deep}\n", `limits.max_depth (line 1): "deep" is not a whole number`},
		{"services:\n  - name: s\n    backend: {kind: soap, url: 'http://x', timout: 5s}\n", `services[0].backend.timout (line 3): "timout" is not a known key (did you mean "timeout"?)`},
		{"lisen: 1.2.3.4:5\n", `lisen (line 1): "lisen" is not a known key (did you mean "listen"?)`},
	} {
		_, _, err := loadConfig(writeConfig(t, c.yaml), noEnv)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
	// Settings that read well but do not fit together.
	for _, c := range []struct{ yaml, want string }{
		{"session: {store: redis, redis_url: 'redis://x'}\nservices:\n  - name: s\n    wsdl: x.wsdl\n    backend: {kind: soap, url: 'http://x', identity_token: true}\n",
			`identity_tokens.key_files are needed`},
		{"tls: {client_ca_file: ca.pem}\n", `tls.client_ca_file: client certificates need TLS`},
		{"tls: {client_auth: always}\n", `tls.client_auth: "always" is not optional or require`},
		{"ldap: {urls: ['ldap://x'], user_base: 'dc=x', certificate_map: {rule: thumbprint}}\n", `ldap.certificate_map.rule: "thumbprint"`},
	} {
		cfg, _, err := loadConfig(writeConfig(t, c.yaml), noEnv)
		if err == nil {
			err = cfg.validate()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// TestCommandLine: -h is help (exit 0, the environment listed); a stray
// argument is an error that says how to give a configuration file.
func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-h"}, &stdout, &stderr, noEnv); code != 0 || !strings.Contains(stdout.String(), "GATEWAY_LDAP_URLS") || !strings.Contains(stdout.String(), "-check-config") {
		t.Errorf("-h: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"my.yaml"}, &stdout, &stderr, noEnv); code != 2 || !strings.Contains(stderr.String(), "-config my.yaml") {
		t.Errorf("a stray argument: exit %d: %s", code, stderr.String())
	}
}

// TestPathsBesideTheConfig: a configuration's files are read from its own
// folder, whatever the working directory.
func TestPathsBesideTheConfig(t *testing.T) {
	dir := t.TempDir()
	wsdlData, err := os.ReadFile("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "contracts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "contracts", "stock.wsdl"), wsdlData, 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(cfgPath, []byte("services:\n  - {name: stock, wsdl: contracts/stock.wsdl, builtin: inventory}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-check-config", "-offline", "-config", cfgPath}, &stdout, &stderr, noEnv); code != 0 || !strings.Contains(stdout.String(), "service stock") {
		t.Errorf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}

// TestCheckConfigProbes: -check-config reaches the directory and every
// upstream and says what it found: a dead directory by its URL and cause,
// an upstream that answers, one that does not; exit 1 when something does
// not answer.
func TestCheckConfigProbes(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) }))
	defer up.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	yaml := fmt.Sprintf(`ldap: {urls: ['ldap://%s'], user_base: 'ou=people,dc=example,dc=org', timeout: 1s}
services:
  - {name: alive, wsdl: examples/inventory/inventory.wsdl, backend: {kind: soap, url: '%s/ws'}}
  - {name: gone, wsdl: examples/inventory/inventory.wsdl, backend: {kind: soap, url: '%s/ws'}}
`, strings.TrimPrefix(deadURL, "http://"), up.URL, deadURL)
	wd, _ := os.Getwd()
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := run([]string{"-check-config", "-config", writeConfig(t, yaml)}, &stdout, &stderr, noEnv)
	out := stdout.String()
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s%s", code, out, stderr.String())
	}
	for _, want := range []string{"upstream alive", "ok: answers (HTTP 405", "upstream gone", "FAILED unreachable", "directory", "FAILED dial: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the table does not say %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "ldap://"+strings.TrimPrefix(deadURL, "http://")) {
		t.Errorf("the failure does not name the directory's URL: %s", stderr.String())
	}
}

// TestProductionBuild: -tags nodemo builds a binary with no demo inventory
// linked in.
func TestProductionBuild(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "nodemo", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(string(out), "gateway/examples/inventory") {
		t.Error("the production build links the demo inventory")
	}
	if out, err := exec.Command("go", "vet", "-tags", "nodemo", ".").CombinedOutput(); err != nil {
		t.Errorf("the production build does not build: %v\n%s", err, out)
	}
}
