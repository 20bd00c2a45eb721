package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// profileShares is where the gateway's CPU went while wrk drove one
// scenario: a CPU profile from its -debug-addr listener, written whole (as
// `go tool pprof -top` text) to outPath, and summed into shares.
type profileShares struct {
	gateway, syscalls, gc, httpServer float64 // fractions of the process's CPU samples
}

// profileGateway runs wrk against url for d while taking a CPU profile of
// the gateway binary bin through its profiler at debugURL.
func profileGateway(work, bin, debugURL, url, body, token string, d time.Duration, outPath string) (profileShares, error) {
	prof := work + "/cpu.pprof"
	return profileDuring(work, url, body, token, d, bin, prof, outPath, func(seconds int) error {
		resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", debugURL, seconds))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		f, err := os.Create(prof)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(f, resp.Body)
		return err
	})
}

// profileCeiling profiles this process (which serves the ceiling) the same way.
func profileCeiling(work, url, body string, d time.Duration, outPath string) (profileShares, error) {
	prof := work + "/ceiling.pprof"
	self, err := os.Executable()
	if err != nil {
		return profileShares{}, err
	}
	return profileDuring(work, url, body, "", d, self, prof, outPath, func(seconds int) error {
		f, err := os.Create(prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		time.Sleep(time.Duration(seconds) * time.Second)
		pprof.StopCPUProfile()
		return nil
	})
}

// profileDuring drives url with wrk for d and, from a second in, takes a
// profile with take (for d less 2 seconds) into prof, then summarizes it.
func profileDuring(work, url, body, token string, d time.Duration, bin, prof, outPath string, take func(seconds int) error) (profileShares, error) {
	var shares profileShares
	done := make(chan result, 1)
	go func() { done <- wrk(work, url, body, token, d) }()
	time.Sleep(time.Second) // past wrk's connection set-up
	err := take(int(d.Seconds()) - 2)
	<-done
	if err != nil {
		return shares, err
	}
	top, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount", "60", bin, prof).Output()
	if err != nil {
		return shares, fmt.Errorf("pprof: %w", err)
	}
	if err := os.WriteFile(outPath, top, 0o644); err != nil {
		return shares, err
	}
	for _, c := range []struct {
		share *float64
		focus string
	}{
		// The gateway's code is its handler (main.withRequestID wraps it)
		// and its packages, not the engine's bridge to it (fastserve).
		{&shares.gateway, `^(main\.withRequestID|gateway/(gateway|examples|adapters/(xmlrpc|soap|jsonapi|httpx|xmltext)))`},
		{&shares.syscalls, `^syscall\.(Syscall|RawSyscall)`},
		{&shares.gc, `^runtime\.(gcBgMarkWorker|gcAssistAlloc|bgsweep|bgscavenge)`},
		{&shares.httpServer, `^(net/http\.\(\*conn\)\.serve|github\.com/valyala/fasthttp\.\(\*Server\)\.serveConn)$`},
	} {
		if *c.share, err = focusShare(bin, prof, c.focus); err != nil {
			return shares, err
		}
	}
	return shares, nil
}

var cumRE = regexp.MustCompile(`(?m)^\s*\S+\s+\S+%\s+\S+%\s+\S+\s+([\d.]+)%`)

// focusShare is the share of the profile's samples under functions
// matching focus: the largest cumulative share pprof reports with that
// focus.
func focusShare(bin, prof, focus string) (float64, error) {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount", "5", "-focus", focus, bin, prof).Output()
	if err != nil {
		return 0, fmt.Errorf("pprof -focus %s: %w", focus, err)
	}
	best := 0.0
	for _, m := range cumRE.FindAllStringSubmatch(string(out), -1) {
		if v, _ := strconv.ParseFloat(m[1], 64); v > best {
			best = v
		}
	}
	return best / 100, nil
}

// row is the Markdown row of a profile's shares.
func (p profileShares) row(scenario, file string) string {
	link := strings.TrimPrefix(file, "bench/") // relative to results.md
	return fmt.Sprintf("| %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% | [%s](%s) |", scenario,
		100*p.httpServer, 100*p.gateway, 100*p.syscalls, 100*p.gc, link, link)
}
