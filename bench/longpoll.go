package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	nextRE   = regexp.MustCompile(`<name>next</name><value><int>(\d+)</int>`)
	eventsRE = regexp.MustCompile(`<name>kind</name><value><string>(attached|detached)</string>`)
)

// longPollLatency is scenario 5: waiters long-polls of one perspective wait
// on session.events; another client of the same user logs in (and out);
// the time from the login's answer to each waiter's event is measured.
// It returns p50 and p99 over every waiter and round.
func longPollLatency(base string, waiters, rounds int) (p50, p99 time.Duration, err error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: waiters + 16, MaxConnsPerHost: waiters + 16}, Timeout: 60 * time.Second}
	// arrival is when an answer's last byte was read, before this client
	// spends any time parsing it.
	var arrivalMu sync.Mutex
	arrival := map[string]time.Time{}
	rpc := func(token, body string) (string, error) {
		req, _ := http.NewRequest(http.MethodPost, base+"/xmlrpc", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		if token != "" {
			req.Header.Set("X-Gateway-Session", token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if token != "" {
			arrivalMu.Lock()
			arrival[token] = time.Now()
			arrivalMu.Unlock()
		}
		return string(b), err
	}
	loginBody := `<methodCall><methodName>session.login</methodName><params><param><value>bob</value></param><param><value>builder</value></param></params></methodCall>`
	tokens := make([]string, waiters)
	for i := range tokens {
		out, err := rpc("", loginBody)
		if err != nil {
			return 0, 0, err
		}
		m := regexp.MustCompile(`<name>token</name><value><string>([^<]+)`).FindStringSubmatch(out)
		if m == nil {
			return 0, 0, fmt.Errorf("login: %.200s", out)
		}
		tokens[i] = m[1]
	}
	// feed long-polls.
	feed := func(token string, since, wait int) (int, int, error) {
		out, err := rpc(token, fmt.Sprintf(`<methodCall><methodName>session.events</methodName><params><param><value><int>%d</int></value></param><param><value><int>%d</int></value></param></params></methodCall>`, since, wait))
		if err != nil {
			return 0, 0, err
		}
		m := nextRE.FindStringSubmatch(out)
		if m == nil {
			return 0, 0, fmt.Errorf("events: %.200s", out)
		}
		n, _ := strconv.Atoi(m[1])
		return n, len(eventsRE.FindAllString(out, -1)), nil
	}
	since, _, err := feed(tokens[0], 0, 0)
	if err != nil {
		return 0, 0, err
	}
	var samples []time.Duration
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		arrived := make([]time.Time, waiters)
		var errMu sync.Mutex
		var firstErr error
		for i := range tokens {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, n, err := feed(tokens[i], since, 20)
				arrivalMu.Lock()
				arrived[i] = arrival[tokens[i]]
				arrivalMu.Unlock()
				if err == nil && n == 0 {
					err = fmt.Errorf("a long-poll ended without the event")
				}
				if err != nil {
					errMu.Lock()
					firstErr = err
					errMu.Unlock()
				}
			}(i)
		}
		time.Sleep(500 * time.Millisecond) // every waiter is parked
		out, err := rpc("", loginBody)
		sent := time.Now()
		if err != nil {
			return 0, 0, err
		}
		wg.Wait()
		if firstErr != nil {
			return 0, 0, firstErr
		}
		for _, a := range arrived {
			samples = append(samples, max(a.Sub(sent), 0))
		}
		m := regexp.MustCompile(`<name>token</name><value><string>([^<]+)`).FindStringSubmatch(out)
		if m != nil {
			rpc(m[1], `<methodCall><methodName>session.logout</methodName></methodCall>`)
		}
		if since, _, err = feed(tokens[0], 0, 0); err != nil {
			return 0, 0, err
		}
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	return samples[len(samples)/2], samples[len(samples)*99/100], nil
}
