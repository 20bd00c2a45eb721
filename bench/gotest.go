package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

var memoryRE = regexp.MustCompile(`(Benchmark\w+Memory)\S*\s+\d+\s+\d+ ns/op\s+([\d.]+) (bytes/\w+)`)

// memoryScenario is scenario 6, from the gateway package's benchmarks: heap
// bytes per idle session over 100,000 sessions, and per attached client.
func memoryScenario() ([]string, error) {
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", "Memory$", "-benchtime", "1x", "./gateway").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench Memory: %w\n%s", err, out)
	}
	what := map[string]string{
		"BenchmarkIdleSessionMemory":    "6 heap per idle session, 100,000 sessions in the memory store",
		"BenchmarkAttachedClientMemory": "6 heap per attached client (session, perspective, event feed), 10,000 clients of 100 users",
		"BenchmarkDepartedUserMemory":   "6 heap left per user who has come and gone (failed login, login, per-call credentials, events, logout), 20,000 users",
	}
	var rows []string
	for _, m := range memoryRE.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		target := ""
		switch m[1] {
		case "BenchmarkIdleSessionMemory", "BenchmarkDepartedUserMemory":
			target = "target < 2048 bytes"
		}
		rows = append(rows, fmt.Sprintf("| %s | gateway | %.0f %s | | %s |", what[m[1]], v, m[3], target))
		fmt.Fprintf(os.Stderr, "6 %s: %.0f %s\n", m[1], v, m[3])
	}
	if len(rows) != len(what) { // a benchmark renamed or added without its row
		return nil, fmt.Errorf("memory benchmarks: no figures in\n%s", out)
	}
	return rows, nil
}

// codecScenario is scenario 7: ns, bytes and allocations per call of the
// XML-RPC and SOAP codecs, of their handlers, and of the gateway's whole
// handler in process (BenchmarkAppGetItem: request ID, mux, metrics, front
// end, core, inventory), written to path, and
// compared by benchstat with what path held before (the committed results of
// the previous run). It returns a Markdown section.
func codecScenario(work, path string) (string, error) {
	previous := filepath.Join(work, "codecs-previous.txt")
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return "", err
	}
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "6", "./adapters/xmlrpc", "./adapters/soap", "./cmd/gateway").Output()
	if err != nil {
		return "", fmt.Errorf("go test -bench codecs: %w\n%s", err, out)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", err
	}
	args := []string{"tool", "benchstat", "-table", ".config", "-row", ".fullname"}
	if old != nil {
		if err := os.WriteFile(previous, old, 0o644); err != nil {
			return "", err
		}
		args = append(args, "previous="+previous)
	}
	args = append(args, "now="+path)
	stat, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("benchstat: %w\n%s", err, stat)
	}
	fmt.Fprintf(os.Stderr, "7 codecs (benchstat against the previous %s):\n%s", path, stat)
	return "\n## 7 codecs and the whole handler in process: `go test -bench . -benchmem -count 6 ./adapters/xmlrpc ./adapters/soap ./cmd/gateway`, benchstat against the previous run\n\n```\n" + string(stat) + "```\n", nil
}

// startRedis starts a redis-server without persistence on a free loopback
// port for scenario 8, and returns its URL, its process and a stop function.
func startRedis(ctx context.Context, work string) (string, int, func()) {
	port := freePort()
	dir := filepath.Join(work, "redis")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	cmd := exec.CommandContext(ctx, "redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--protected-mode", "no")
	startAndWait(cmd, port, "redis-server")
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd.Process.Pid, func() { _ = cmd.Process.Kill() }
}
