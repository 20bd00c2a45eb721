// Package soak_test drives the built gateway with SOAK_CALLS calls (100,000
// by default; `make soak` runs 1,000,000) from 64 connections, XML-RPC and
// SOAP mixed, with logins, logouts and idle expiries among them, and checks:
// zero errors, RSS and goroutines flat between the first quarter and the
// end, and every attach matched by exactly one detach.
package soak_test

import (
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gateway/conformance/harness"
)

const xmlGetItem = `<methodCall><methodName>inventory.GetItem</methodName><params><param><value>A-1</value></param></params></methodCall>`

func soapGetItem(token string) string {
	return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><gw:Session xmlns:gw="urn:gateway:session">` + token +
		`</gw:Session></s:Header><s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></s:Body></s:Envelope>`
}

var tokenRE = regexp.MustCompile(`(?:<name>token</name><value><string>|<m:token>)([A-Za-z0-9_-]{43})`)

func do(c *http.Client, url, ctype, token, body string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("X-Gateway-Session", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func goroutines(t *testing.T, base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^go_goroutines (\d+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no go_goroutines in /metrics")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestMain(m *testing.M) { harness.Main(m) }

func TestSoak(t *testing.T) {
	total := int64(100_000)
	if v := os.Getenv("SOAK_CALLS"); v != "" {
		total, _ = strconv.ParseInt(v, 10, 64)
	}
	gw := harness.Start(t, harness.Binary(t), "session: {idle_timeout: 2s}\n")
	x, s := gw.URL+"/xmlrpc", gw.URL+"/soap/inventory"
	users := [][2]string{{"alice", "wonderland"}, {"bob", "builder"}}

	var calls, errs, logins atomic.Int64
	var errMu sync.Mutex
	var firstErrs []string
	fail := func(format string, args ...any) {
		if errs.Add(1) <= 5 {
			errMu.Lock()
			firstErrs = append(firstErrs, fmt.Sprintf(format, args...))
			errMu.Unlock()
		}
	}
	var warmRSS int64
	var warmG int
	var warmOnce sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}, Timeout: 30 * time.Second}
			for calls.Load() < total {
				u := users[r.Intn(2)]
				body, err := do(client, x, "text/xml", "", fmt.Sprintf(`<methodCall><methodName>session.login</methodName><params><param><value>%s</value></param><param><value>%s</value></param></params></methodCall>`, u[0], u[1]))
				m := tokenRE.FindStringSubmatch(body)
				if err != nil || m == nil {
					fail("login: %v %.200s", err, body)
					continue
				}
				logins.Add(1)
				token := m[1]
				for n := 50 + r.Intn(100); n > 0 && calls.Load() < total; n-- {
					var body string
					var err error
					if n%2 == 0 {
						body, err = do(client, x, "text/xml", token, xmlGetItem)
					} else {
						body, err = do(client, s, "text/xml", token, soapGetItem(token))
					}
					if err != nil || !strings.Contains(body, "Widget") {
						fail("call: %v %.200s", err, body)
					}
					if c := calls.Add(1); c == total/4 {
						warmOnce.Do(func() { warmRSS, warmG = gw.RSS(t), goroutines(t, gw.URL) })
					}
				}
				if r.Intn(10) < 7 { // most log out; the rest are left to idle out
					if body, err := do(client, x, "text/xml", token, `<methodCall><methodName>session.logout</methodName></methodCall>`); err != nil || !strings.Contains(body, "<boolean>1</boolean>") {
						fail("logout: %v %.200s", err, body)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	took := time.Since(start)
	endRSS, endG := gw.RSS(t), goroutines(t, gw.URL)
	t.Logf("%d calls and %d logins in %v (%.0f calls/s), %d errors", calls.Load(), logins.Load(), took.Round(time.Millisecond), float64(calls.Load())/took.Seconds(), errs.Load())
	t.Logf("RSS %d MB at a quarter, %d MB at the end; goroutines %d and %d", warmRSS>>20, endRSS>>20, warmG, endG)
	if errs.Load() > 0 {
		t.Errorf("%d errors, first: %v", errs.Load(), firstErrs)
	}
	if endRSS > warmRSS+warmRSS/10+16<<20 {
		t.Errorf("RSS grew from %d to %d MB", warmRSS>>20, endRSS>>20)
	}
	if endG > warmG+warmG/10+10 {
		t.Errorf("goroutines grew from %d to %d", warmG, endG)
	}
	// Every session has ended (logged out or idled out): each client
	// attached once and detached once.
	time.Sleep(3 * time.Second)
	attach := map[string]int{}
	detach := map[string]int{}
	for _, line := range strings.Split(gw.Logs(), "\n") {
		m := regexp.MustCompile(`audit=(attach|detach) user=\S+ client=(\S+)`).FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] == "attach" {
			attach[m[2]]++
		} else {
			detach[m[2]]++
		}
	}
	if int64(len(attach)) != logins.Load() {
		t.Errorf("%d attaches for %d logins", len(attach), logins.Load())
	}
	bad := 0
	for id, n := range attach {
		if n != 1 || detach[id] != 1 {
			bad++
		}
	}
	if bad > 0 || len(detach) != len(attach) {
		t.Errorf("%d clients without exactly one attach and one detach (%d attached, %d detached)", bad, len(attach), len(detach))
	}
}
