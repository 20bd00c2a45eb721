package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-ldap/ldap/v3"

	"gateway/ldapauth"
	"gateway/ldapauth/slapdtest"
)

// logins are scenario 4's figures: the gateway with its defaults (a
// returning user's entry remembered: a login is one bind), the gateway
// with ldap.entry_cache_ttl: 0 (every login searches, then binds), and the
// raw go-ldap search-then-bind loop.
type logins struct{ cached, searched, raw result }

// loginScenario is scenario 4: session.login through the gateway against a
// real slapd (wrk, 32 connections), on its defaults and with every login
// searched, beside a raw go-ldap search-then-bind loop of 32 goroutines
// against the same slapd; the three take turns, runs times.
func loginScenario(ctx context.Context, work, bin string, d time.Duration, runs int) (logins, error) {
	slapd, err := slapdtest.Launch(filepath.Join(work, "slapd"), ldapauth.DemoLDIF, nil)
	if err != nil {
		return logins{}, err
	}
	defer slapd.Stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops both gateways
	start := func(name, extra string) (pid int, url, debugURL string) {
		cfg := filepath.Join(work, name+".yaml")
		os.WriteFile(cfg, []byte(fmt.Sprintf("ldap:\n  urls: [%q]\n  user_base: \"ou=people,dc=example,dc=org\"\n  group_base: \"ou=groups,dc=example,dc=org\"\n  pool_size: 32\n%s", slapd.URL, extra)), 0o644)
		port, debugPort := freePort(), freePort()
		cmd := exec.CommandContext(ctx, bin, "-config", cfg, "-debug-addr", fmt.Sprintf("127.0.0.1:%d", debugPort))
		cmd.Env = append(os.Environ(), "GATEWAY_LISTEN=127.0.0.1:"+strconv.Itoa(port))
		startAndWait(cmd, port, "gateway on slapd, "+name)
		context.AfterFunc(ctx, func() { cmd.Process.Kill() })
		return cmd.Process.Pid, fmt.Sprintf("http://127.0.0.1:%d/xmlrpc", port), fmt.Sprintf("http://127.0.0.1:%d", debugPort)
	}
	cachedPID, cachedURL, debugURL := start("ldap-cached", "")
	searchedPID, searchedURL, _ := start("ldap-searched", "  entry_cache_ttl: 0s\n")
	body := `<methodCall><methodName>session.login</methodName><params><param><value>bob</value></param><param><value>builder</value></param></params></methodCall>`
	// CPU per login: slapd's, and the front end's (the gateway, or this
	// process for the raw loop), from /proc.
	measure := func(pid int, run func() result) result {
		s0, g0 := cpuTime([]int{slapd.Pid()}), cpuTime([]int{pid})
		r := run()
		if n := time.Duration(r.rps * d.Seconds()); n > 0 {
			r.slapdPerLogin, r.cpuPerReq = (cpuTime([]int{slapd.Pid()})-s0)/n, (cpuTime([]int{pid})-g0)/n
		}
		return r
	}
	var cached, searched, raws []result
	for i := 0; i < runs; i++ {
		cached = append(cached, measure(cachedPID, func() result { return wrk(work, cachedURL, body, "", d) }))
		searched = append(searched, measure(searchedPID, func() result { return wrk(work, searchedURL, body, "", d) }))
		raws = append(raws, measure(os.Getpid(), func() result { return rawLoop(slapd.URL, d) }))
	}
	// Where a login's CPU goes in the gateway (on its defaults).
	if _, err := profileGateway(work, bin, debugURL, cachedURL, body, "", max(d+3*time.Second, 8*time.Second), "bench/profile-login.txt"); err != nil {
		return logins{}, fmt.Errorf("profile the logins: %w", err)
	}
	return logins{median(cached), median(searched), median(raws)}, nil
}

func median(rs []result) result { return medianBy(rs, func(r result) float64 { return r.rps }) }

// medianBy is the run of rs whose rate is the median (the upper one of an
// even count).
func medianBy[R any](rs []R, rate func(R) float64) R {
	best := append([]R(nil), rs...)
	for i := 1; i < len(best); i++ {
		for j := i; j > 0 && rate(best[j]) < rate(best[j-1]); j-- {
			best[j], best[j-1] = best[j-1], best[j]
		}
	}
	return best[len(best)/2]
}

// rawLoop is the floor of a login: 32 goroutines, each on its own
// connection, search for the user's entry, then bind as it.
func rawLoop(url string, d time.Duration) result {
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			search, err := ldap.DialURL(url)
			if err != nil {
				return
			}
			defer search.Close()
			bind, err := ldap.DialURL(url)
			if err != nil {
				return
			}
			defer bind.Close()
			for time.Now().Before(deadline) {
				res, err := search.Search(ldap.NewSearchRequest("ou=people,dc=example,dc=org", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
					2, 0, false, "(uid="+ldap.EscapeFilter("bob")+")", []string{"cn"}, nil))
				if err != nil || len(res.Entries) != 1 {
					return
				}
				if bind.Bind(res.Entries[0].DN, "builder") != nil {
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return result{rps: float64(n.Load()) / d.Seconds()}
}
