package upstream

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

func TestBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	b := &breaker{threshold: 2, cooldown: time.Second, now: func() time.Time { return now }}
	for i := 0; i < 2; i++ {
		ok, trial := b.allow()
		if !ok || trial {
			t.Fatal("closed breaker refused")
		}
		b.record(false, trial)
	}
	if ok, _ := b.allow(); ok || b.state() != StateOpen {
		t.Fatal("open breaker let a call through")
	}
	now = now.Add(time.Second)
	ok, trial := b.allow()
	if !ok || !trial || b.state() != StateHalfOpen {
		t.Fatal("no trial after the cooldown")
	}
	if ok, _ := b.allow(); ok {
		t.Fatal("a second call during the trial")
	}
	b.record(false, true) // the trial failed: open again
	if ok, _ := b.allow(); ok {
		t.Fatal("failed trial did not reopen")
	}
	now = now.Add(time.Second)
	ok, trial = b.allow()
	b.record(true, trial)
	if b.state() != StateClosed {
		t.Fatal("successful trial did not close")
	}
}

func TestSignatureAndVerify(t *testing.T) {
	secret := []byte("k")
	now := time.Unix(1_800_000_000, 0)
	r := httptest.NewRequest(http.MethodPost, "/billing/Ping", nil)
	r.Header.Set(HeaderUser, "alice")
	r.Header.Set(HeaderGroups, "staff,admins")
	r.Header.Set(HeaderTimestamp, "1800000000")
	r.Header.Set(HeaderSignature, Signature(secret, "POST", "/billing/Ping", "alice", "staff,admins", now.Unix()))
	user, groups, err := Verify(r, secret, time.Minute, now)
	if err != nil || user != "alice" || strings.Join(groups, "|") != "staff|admins" {
		t.Fatalf("%s %v %v", user, groups, err)
	}
	for name, edit := range map[string]func(*http.Request){
		"user":      func(r *http.Request) { r.Header.Set(HeaderUser, "mallory") },
		"groups":    func(r *http.Request) { r.Header.Set(HeaderGroups, "admins") },
		"path":      func(r *http.Request) { r.URL.Path = "/billing/Invoice" },
		"timestamp": func(r *http.Request) { r.Header.Set(HeaderTimestamp, "1800000001") },
	} {
		c := r.Clone(r.Context())
		edit(c)
		if _, _, err := Verify(c, secret, time.Minute, now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s accepted", name)
		}
	}
	if _, _, err := Verify(r, secret, time.Minute, now.Add(2*time.Minute)); !errors.Is(err, ErrBadSignature) {
		t.Error("a stale signature accepted")
	}
}

func TestJSONBySchema(t *testing.T) {
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	out := def.Operation("MyReservations").Output
	got, err := fromJSON(out, map[string]any{"reservation": []any{map[string]any{
		"id": "R-1", "sku": "A-1", "quantity": jsonNumber("3"), "reservedAt": "2026-11-27T05:06:07Z", "other": true,
	}}, "unknown": 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gateway.CheckOutput(out, got); err != nil {
		t.Fatalf("JSON by schema does not pass the output check: %v (%#v)", err, got)
	}
	if _, err := fromJSON(out, map[string]any{"reservation": []any{map[string]any{"quantity": "three"}}}); err == nil {
		t.Error("a string for an int was accepted")
	}
	js := toJSON(gateway.Struct{{Name: "at", Value: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, {Name: "b", Value: []byte("hi")}}).(map[string]any)
	if js["at"] != "2026-01-02T03:04:05Z" || js["b"] != "aGk=" {
		t.Errorf("toJSON: %v", js)
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }

func TestConfigValidate(t *testing.T) {
	ops := []string{"Ping"}
	cases := []struct {
		cfg Config
		key string
	}{
		{Config{Kind: "ftp", URL: "http://x"}, "b.kind"},
		{Config{Kind: KindSOAP, URL: "ftp://x"}, "b.url"},
		{Config{Kind: KindXMLRPC, URL: "http://x", Params: "named"}, "b.params"},
		{Config{Kind: KindSOAP, URL: "http://x", Methods: map[string]string{"Ping": "p"}}, "methods and params are for kind xmlrpc"},
		{Config{Kind: KindHTTPJSON, URL: "http://x", Idempotent: []string{"Pong"}}, "b.idempotent"},
		{Config{Kind: KindHTTPJSON, URL: "http://x", IdentitySecret: "a", SecretFile: "f"}, "b.identity_secret"},
	}
	for _, c := range cases {
		if err := c.cfg.Validate("b", ops); err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%+v: %v", c.cfg, err)
		}
	}
	if err := (Config{Kind: KindHTTPJSON, URL: "https://x/api", Idempotent: ops}).Validate("b", ops); err != nil {
		t.Error(err)
	}
}
