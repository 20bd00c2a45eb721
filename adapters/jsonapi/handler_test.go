package jsonapi_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// do sends a request and returns the status, the Content-Type and the body.
func do(t *testing.T, method, url, contentType, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func basic(user, password string) []string {
	req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	req.SetBasicAuth(user, password)
	return []string{"Authorization", req.Header.Get("Authorization")}
}

// TestCallsAndProblems: operations answer JSON objects; every failure is a
// problem document with its status, its fault code and, for an
// application fault, the WSDL fault's name and detail.
func TestCallsAndProblems(t *testing.T) {
	srv := server(t, "../../conformance/wsdls/iso20022-payments.wsdl")
	api := srv.URL + "/api/"
	auth := basic("bob", "builder")
	for _, c := range []struct {
		name, method, path, contentType, body string
		header                                []string
		status                                int
		want                                  string
	}{
		{"a call", "POST", "inventory/GetItem", "application/json", `{"sku":"A-1"}`, auth, 200, `{"item":{"sku":"A-1","name":"Widget","stock":40,"price":"2.5"}}`},
		{"an application fault", "POST", "inventory/GetItem", "application/json", `{"sku":"Z-9"}`, auth, 422, `"code":-32500,"fault":"UnknownItem","faultDetail":{"sku":"Z-9","message":"no such item"}`},
		{"an unknown member", "POST", "inventory/GetItem", "application/json", `{"sku":"A-1","color":"red"}`, auth, 400, `"detail":"unknown parameter color","code":-32602`},
		{"a string for an int", "POST", "inventory/Reserve", "application/json", `{"sku":"A-1","quantity":"two"}`, auth, 400, `"type":"urn:gateway:problem:invalid-params"`},
		{"no credentials", "POST", "inventory/GetItem", "application/json", `{"sku":"A-1"}`, nil, 401, `"code":-32001`},
		{"a wrong password", "POST", "inventory/GetItem", "application/json", `{"sku":"A-1"}`, basic("bob", "nope"), 401, `"status":401`},
		{"no such operation", "POST", "inventory/Steal", "application/json", `{}`, auth, 404, `"code":-32601`},
		{"text/plain", "POST", "inventory/GetItem", "text/plain", `{"sku":"A-1"}`, auth, 415, `"status":415`},
		{"a member twice", "POST", "inventory/GetItem", "application/json", `{"sku":"A-1","sku":"B-2"}`, auth, 400, `appears twice`},
		{"invalid UTF-8", "POST", "inventory/GetItem", "application/json", "{\"sku\":\"A\xff\"}", auth, 400, `not valid UTF-8`},
		{"too deep", "POST", "inventory/GetItem", "application/json", strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100), auth, 400, `nested deeper than 64`},
		{"not an object", "POST", "inventory/GetItem", "application/json", `[1,2]`, auth, 400, `not a JSON object`},
		{"a huge number", "POST", "inventory/Reserve", "application/json", `{"sku":"A-1","quantity":1` + strings.Repeat("0", 5000) + `}`, auth, 400, `4096`},
		{"too large", "POST", "inventory/GetItem", "application/json", `{"sku":"` + strings.Repeat("a", 5<<20) + `"}`, auth, 413, ``},
		{"GET an operation", "GET", "inventory/GetItem", "", ``, auth, 405, `"status":405`},
		{"decimals and dates kept", "POST", "iso20022-payments/Initiate", "application/json",
			`{"CstmrCdtTrfInitn":{"MsgId":"M1","CreDtTm":"2026-11-30T10:00:00+01:00","ReqdExctnDt":"2026-12-01","Dbtr":{"Id":{"OrgId":{"BICOrBEI":"DEUTDEFF"}}},` +
				`"CdtTrfTxInf":[{"EndToEndId":"E1","InstdAmt":{"_value":"1234567890123.12345","Ccy":"EUR"},"Cdtr":{"Nm":"B"},"CdtrAcct":"DE89370400440532013000"}]}}`,
			auth, 200, `"CreDtTm":"2026-11-30T10:00:00+01:00","ReqdExctnDt":"2026-12-01"`},
		{"a choice's two alternatives", "POST", "iso20022-payments/Initiate", "application/json",
			`{"CstmrCdtTrfInitn":{"MsgId":"M1","CreDtTm":"2026-11-30T10:00:00Z","ReqdExctnDt":"2026-12-01","Dbtr":{"Id":{"OrgId":{"BICOrBEI":"DEUTDEFF"},"PrvtId":{"BirthDate":"1970-01-01","CityOfBirth":"x"}}},"CdtTrfTxInf":[{"EndToEndId":"E1","InstdAmt":{"_value":"1","Ccy":"EUR"},"Cdtr":{},"CdtrAcct":"DE89370400440532013000"}]}}`,
			auth, 400, `alternatives of a choice`},
	} {
		status, h, body := do(t, c.method, api+c.path, c.contentType, c.body, c.header...)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.name, status, body)
			continue
		}
		if status >= 400 && status != 413 && h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", c.name, h.Get("Content-Type"))
		}
		if status == 401 && !strings.Contains(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", c.name, h.Get("WWW-Authenticate"))
		}
		if got := h.Values("Cache-Control"); status != 413 && (len(got) != 1 || got[0] != "no-store") {
			t.Errorf("%s: Cache-Control %q, want one no-store", c.name, got)
		}
	}
	// The decimal comes back with every digit.
	_, _, body := do(t, "POST", api+"iso20022-payments/Initiate", "application/json",
		`{"CstmrCdtTrfInitn":{"MsgId":"M1","CreDtTm":"2026-11-30T10:00:00","ReqdExctnDt":"2026-12-01","Dbtr":{},"CdtTrfTxInf":[{"EndToEndId":"E1","InstdAmt":{"_value":"1234567890123.12345","Ccy":"EUR"},"Cdtr":{},"CdtrAcct":"DE89370400440532013000"}]}}`, auth...)
	if !strings.Contains(body, `"_value":"1234567890123.12345"`) || !strings.Contains(body, `"CreDtTm":"2026-11-30T10:00:00"`) {
		t.Errorf("exact values: %s", body)
	}
}

// TestSessionAndStream: login returns a token (and the cookie); the token
// works as Bearer and as X-Gateway-Session; the cookie alone works only for
// a JSON call from the gateway's own origin; whoami, the events long-poll
// and the event stream (resumed with Last-Event-ID) serve the perspective.
func TestSessionAndStream(t *testing.T) {
	srv := server(t)
	api := srv.URL + "/api/"
	status, h, body := do(t, "POST", api+"session/login", "application/json", `{"username":"bob","password":"builder"}`)
	var login struct{ Token, Username, Expires string }
	if status != 200 || json.Unmarshal([]byte(body), &login) != nil || login.Token == "" || login.Username != "bob" || !strings.Contains(h.Get("Set-Cookie"), "gw_session=") {
		t.Fatalf("login: %d %s", status, body)
	}
	cookie := "gw_session=" + login.Token
	for _, c := range []struct {
		name   string
		ct     string
		header []string
		status int
	}{
		{"Bearer", "application/json", []string{"Authorization", "Bearer " + login.Token}, 200},
		{"X-Gateway-Session", "application/json", []string{"X-Gateway-Session", login.Token}, 200},
		{"the cookie with JSON", "application/json", []string{"Cookie", cookie}, 200},
		{"the cookie with text/plain", "text/plain", []string{"Cookie", cookie}, 415},
		{"the cookie from another site", "application/json", []string{"Cookie", cookie, "Origin", "https://evil.example"}, 403},
		{"the cookie from another site (Sec-Fetch-Site)", "application/json", []string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site"}, 403},
	} {
		if status, _, body := do(t, "POST", api+"inventory/GetItem", c.ct, `{"sku":"A-1"}`, c.header...); status != c.status {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	bearer := []string{"Authorization", "Bearer " + login.Token}
	if status, _, body := do(t, "GET", api+"session/whoami", "", "", bearer...); status != 200 || !strings.Contains(body, `"username":"bob"`) || !strings.Contains(body, `"protocol":"json"`) {
		t.Errorf("whoami: %d %s", status, body)
	}
	_, _, body = do(t, "GET", api+"session/events?since=0&wait=0", "", "", bearer...)
	var evs struct {
		Next   int64
		Events []struct {
			Seq  int64
			Kind string
		}
	}
	if json.Unmarshal([]byte(body), &evs) != nil || len(evs.Events) == 0 || evs.Events[0].Kind != "attached" {
		t.Fatalf("events: %s", body)
	}
	// The stream from the first event on: a second login of bob's shows
	// up as it happens.
	req, _ := http.NewRequest("GET", api+"session/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	req.Header.Set("Last-Event-ID", "0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %s", resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	do(t, "POST", api+"session/login", "application/json", `{"username":"bob","password":"builder"}`)
	var ids, kinds []string
	deadline := time.After(10 * time.Second)
	for len(kinds) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended")
			}
			if id, ok := strings.CutPrefix(l, "id: "); ok {
				ids = append(ids, id)
			}
			if k, ok := strings.CutPrefix(l, "event: "); ok {
				kinds = append(kinds, k)
			}
		case <-deadline:
			t.Fatalf("events seen: %v %v", ids, kinds)
		}
	}
	if kinds[0] != "attached" || kinds[1] != "attached" || ids[0] == ids[1] {
		t.Errorf("stream: ids %v kinds %v", ids, kinds)
	}
	if status, h, _ := do(t, "POST", api+"session/logout", "application/json", ``, bearer...); status != 200 || !strings.Contains(h.Get("Set-Cookie"), "gw_session=;") && !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("logout: %d %v", status, h)
	}
	if status, _, _ := do(t, "GET", api+"session/whoami", "", "", bearer...); status != 401 {
		t.Errorf("whoami after logout: %d", status)
	}
}
