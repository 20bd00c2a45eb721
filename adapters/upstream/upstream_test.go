package upstream

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/gateway/gatewaytest"
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
	// A group whose name holds a comma is one group, never two.
	user, groups := EncodeUser("alice"), EncodeGroups([]string{"staff", "ops,admins"})
	if groups != "staff,ops%2Cadmins" {
		t.Fatalf("groups header %q", groups)
	}
	signed := func(body, nonce string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/billing/Ping", strings.NewReader(body))
		r.Header.Set(HeaderUser, user)
		r.Header.Set(HeaderGroups, groups)
		r.Header.Set(HeaderTimestamp, "1800000000")
		r.Header.Set(HeaderNonce, nonce)
		r.Header.Set(HeaderSignature, Signature(secret, "POST", "/billing/Ping", user, groups, now.Unix(), nonce, []byte(body)))
		return r
	}
	v := &Verifier{Secret: secret, Now: func() time.Time { return now }}
	r := signed(`{"a":1}`, "n1")
	c, err := v.Verify(r)
	if err != nil || c.User != "alice" || strings.Join(c.Groups, "|") != "staff|ops,admins" || slices.Contains(c.Groups, "admins") {
		t.Fatalf("%+v %v", c, err)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != `{"a":1}` {
		t.Errorf("the handler reads %q after Verify", b)
	}
	if _, err := v.Verify(signed(`{"a":1}`, "n1")); !errors.Is(err, ErrBadSignature) {
		t.Error("a replayed request accepted")
	}
	for name, edit := range map[string]func(*http.Request){
		"user":      func(r *http.Request) { r.Header.Set(HeaderUser, "mallory") },
		"groups":    func(r *http.Request) { r.Header.Set(HeaderGroups, "admins") },
		"path":      func(r *http.Request) { r.URL.Path = "/billing/Invoice" },
		"timestamp": func(r *http.Request) { r.Header.Set(HeaderTimestamp, "1800000001") },
		"nonce":     func(r *http.Request) { r.Header.Set(HeaderNonce, "other") },
		"body":      func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"a":2}`)) },
		"no nonce":  func(r *http.Request) { r.Header.Del(HeaderNonce) },
	} {
		c := signed(`{"a":1}`, "fresh-"+name)
		edit(c)
		if _, err := v.Verify(c); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s accepted", name)
		}
	}
	late := &Verifier{Secret: secret, Now: func() time.Time { return now.Add(2 * time.Minute) }}
	if _, err := late.Verify(signed("{}", "n2")); !errors.Is(err, ErrBadSignature) {
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

// TestRetries: an idempotent operation is retried retries times (1 when
// the key is absent); retries: 0 turns retrying off; others are tried once.
func TestRetries(t *testing.T) {
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	three, zero := 3, 0
	for _, c := range []struct {
		name    string
		retries *int
		op      string
		want    int
	}{
		{"absent: the default", nil, "ListItems", 1 + DefaultRetries},
		{"retries: 0", &zero, "ListItems", 1},
		{"retries: 3", &three, "ListItems", 4},
		{"not idempotent", &three, "Reserve", 1},
	} {
		b, err := New("inv", def, Config{Kind: KindHTTPJSON, URL: srv.URL, Idempotent: []string{"ListItems"}, Retries: c.retries,
			Breaker: BreakerConfig{Failures: 100}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		hits = 0
		params := gateway.Struct{}
		if c.op == "Reserve" {
			params = gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}}
		}
		_, err = b.Invoke(t.Context(), &gateway.Call{Operation: def.Operation(c.op), Params: params,
			Perspective: gatewaytest.Perspective(t, gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "pw"}}), "bob")})
		if err == nil || hits != c.want {
			t.Errorf("%s: %d attempts (%v), want %d", c.name, hits, err, c.want)
		}
	}
}

// TestAddressingRequiredUpstream: an upstream whose WSDL requires
// WS-Addressing (a WCF wsHttpBinding, by a policy) gets wsa:Action (the
// portType's explicit action), a MessageID, its own address as To and the
// anonymous ReplyTo; its addressed answer is read as any other.
func TestAddressingRequiredUpstream(t *testing.T) {
	def, err := wsdl.Load("../../conformance/wsdls/wcf-wshttp-only.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	op := def.Operation("GetQuote")
	if op.Addressing != wsdl.AddressingRequired || op.InputAction != "http://corpus.example/wcf/quotes/IQuotes/GetQuote" {
		t.Fatalf("the model: addressing %q, input action %q", op.Addressing, op.InputAction)
	}
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
		io.WriteString(w, `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>`+
			`<a:Action s:mustUnderstand="1">http://corpus.example/wcf/quotes/IQuotes/GetQuoteResponse</a:Action><a:RelatesTo>urn:uuid:x</a:RelatesTo></s:Header>`+
			`<s:Body><GetQuoteResponse xmlns="http://corpus.example/wcf/quotes"><GetQuoteResult>101.25</GetQuoteResult></GetQuoteResponse></s:Body></s:Envelope>`)
	}))
	defer srv.Close()
	b, err := New("quotes", def, Config{Kind: KindSOAP, URL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Invoke(t.Context(), &gateway.Call{Operation: op, Params: gateway.Struct{{Name: "symbol", Value: "ACME"}},
		Perspective: gatewaytest.Perspective(t, gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "pw"}}), "bob")})
	if err != nil {
		t.Fatalf("%v\nsent: %s", err, got)
	}
	for _, want := range []string{
		`<wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">http://corpus.example/wcf/quotes/IQuotes/GetQuote</wsa:Action>`,
		`<wsa:MessageID xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:uuid:`,
		`<wsa:To xmlns:wsa="http://www.w3.org/2005/08/addressing">` + srv.URL + `</wsa:To>`,
		`<wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the call lacks %s\n%s", want, got)
		}
	}
	if v, _ := res.Get("GetQuoteResult"); v != gateway.Decimal("101.25") {
		t.Errorf("the answer: %#v", res)
	}
	// The inventory's upstream does not use WS-Addressing: no wsa headers.
	inv, _ := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if inv.Operation("GetItem").Addressing != "" {
		t.Errorf("the inventory says addressing %q", inv.Operation("GetItem").Addressing)
	}
}
