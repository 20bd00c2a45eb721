// Package harness builds the gateway binary and runs it as a user would, for
// the conformance suites: a config file, a free loopback port, logs kept for
// the test to read, SIGTERM at the end.
package harness

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Root is the repository root (where go.mod is).
func Root(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// Build compiles ./cmd/gateway into dir and returns the binary's path.
func Build(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "gateway")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gateway")
	cmd.Dir = Root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Gateway is a running gateway process.
type Gateway struct {
	URL    string // http://127.0.0.1:PORT
	cmd    *exec.Cmd
	logs   *buffer
	stderr *stderrPipe
	done   chan struct{}
	exitAt error
}

type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) { b.mu.Lock(); defer b.mu.Unlock(); return b.b.Write(p) }
func (b *buffer) String() string              { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// stderrPipe carries the gateway's log to its buffer. The gateway writes a
// log line before it answers the call that caused it, but the line then
// sits in the pipe until the copier takes it: drain waits for that, so a
// test that reads the log after an answer finds the call's lines in it.
type stderrPipe struct {
	r       *os.File
	copying atomic.Bool // between a read's return and its bytes in the buffer
}

func (p *stderrPipe) copyTo(b *buffer) {
	buf := make([]byte, 64<<10)
	for {
		n, err := p.r.Read(buf)
		p.copying.Store(true)
		if n > 0 {
			_, _ = b.Write(buf[:n])
		}
		p.copying.Store(false)
		if err != nil {
			return
		}
	}
}

// drain waits (at most half a second) until the pipe holds no unread byte
// and the copier has written what it read, twice a millisecond apart (the
// copier may be between the read's return and its flag).
func (p *stderrPipe) drain() {
	unread := func() int {
		n := 0
		rc, err := p.r.SyscallConn()
		if err != nil {
			return 0
		}
		_ = rc.Control(func(fd uintptr) {
			if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
				n = 0
			}
		})
		return n
	}
	quiet := 0
	for deadline := time.Now().Add(500 * time.Millisecond); quiet < 2 && time.Now().Before(deadline); {
		if unread() == 0 && !p.copying.Load() {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(time.Millisecond)
	}
}

// Start runs bin from the repository root with configYAML, or with no
// -config at all (the embedded defaults) when configYAML is empty, on a free
// loopback port (GATEWAY_LISTEN), and waits until it listens.
func Start(t testing.TB, bin, configYAML string, env ...string) *Gateway {
	t.Helper()
	return start(t, bin, configYAML, nil, env)
}

// StartArgs is Start on the embedded defaults with extra command-line flags.
func StartArgs(t testing.TB, bin string, flags []string, env ...string) *Gateway {
	t.Helper()
	return start(t, bin, "", flags, env)
}

func start(t testing.TB, bin, configYAML string, flags, env []string) *Gateway {
	t.Helper()
	args := flags
	if configYAML != "" {
		cfgPath := filepath.Join(t.TempDir(), "gateway.yaml")
		if err := os.WriteFile(cfgPath, []byte(configYAML), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-config", cfgPath)
	}
	g := &Gateway{logs: &buffer{}, done: make(chan struct{})}
	g.cmd = exec.Command(bin, args...)
	g.cmd.Dir = Root(t)
	g.cmd.Env = append(append(append(os.Environ(), "GATEWAY_LISTEN=127.0.0.1:0"), StoreEnv(t)...), env...)
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	g.stderr = &stderrPipe{r: stderrR}
	g.cmd.Stderr = stderrW
	stdout, err := g.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stderrW.Close() // the child has its own copy
	go g.stderr.copyTo(g.logs)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(g.logs, line)
			if rest, ok := strings.CutPrefix(line, "gateway listening on "); ok {
				found <- strings.TrimSpace(rest)
			}
		}
	}()
	go func() { g.exitAt = g.cmd.Wait(); close(g.done) }()
	select {
	case g.URL = <-found:
	case <-g.done:
		t.Fatalf("gateway exited at start: %v\n%s", g.exitAt, g.logs)
	case <-time.After(30 * time.Second):
		_ = g.cmd.Process.Kill()
		t.Fatalf("gateway did not start within 30s\n%s", g.logs)
	}
	t.Cleanup(func() {
		g.Stop(t)
		if t.Failed() {
			t.Logf("gateway logs:\n%s", g.logs)
		}
	})
	return g
}

// WaitLog waits up to d for the output to contain substr.
func (g *Gateway) WaitLog(substr string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !strings.Contains(g.Logs(), substr) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// Logs is everything the gateway printed so far, including the log lines
// of every call already answered (see stderrPipe).
func (g *Gateway) Logs() string {
	g.stderr.drain()
	return g.logs.String()
}

// RSS is the process's resident memory in bytes, from /proc.
func (g *Gateway) RSS(t testing.TB) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", g.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("read RSS: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// Alive reports whether the process is still running.
func (g *Gateway) Alive() bool {
	select {
	case <-g.done:
		return false
	default:
		return true
	}
}

// Signal sends sig to the process.
func (g *Gateway) Signal(sig os.Signal) { _ = g.cmd.Process.Signal(sig) }

// Kill ends the process with SIGKILL, as a crash would.
func (g *Gateway) Kill() {
	_ = g.cmd.Process.Kill()
	<-g.done
}

// Stop sends SIGTERM and waits for a clean exit.
func (g *Gateway) Stop(t testing.TB) {
	select {
	case <-g.done:
		return
	default:
	}
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.done:
		if g.exitAt != nil {
			t.Errorf("gateway exit after SIGTERM: %v", g.exitAt)
		}
	case <-time.After(40 * time.Second):
		_ = g.cmd.Process.Kill()
		t.Errorf("gateway did not stop within 40s of SIGTERM")
	}
}

// Python is the interpreter with Debian's python3-* packages (twisted, zeep).
func Python(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("/usr/bin/python3 is not installed (make test installs python3 and python3-twisted)")
	return ""
}

// RunScript runs a Python client script with args and fails the test with
// its output if it fails.
func RunScript(t testing.TB, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(Python(t), append([]string{script}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(script), err, out)
	}
	return string(out)
}

// binaries builds the gateway once per test process for Binary.
type binaries struct {
	once sync.Once
	dir  string
	path string
}

var built binaries // one build per test binary, shared by its tests

// Binary is the gateway built once for the whole test process (into a
// temporary folder that Main removes).
func Binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "gateway-test")
		if err != nil {
			t.Fatal(err)
		}
		built.dir = dir
		built.path = Build(t, dir)
	})
	if built.path == "" {
		t.Fatal("the gateway binary did not build")
	}
	return built.path
}

// Main runs a suite's tests and removes the binary Binary built.
//
// Under -short the suite does not run at all: its tests drive the built
// binary with slapd, Redis, Chromium and real clients, which a machine
// with only Go lacks; without -short a missing one fails its test loudly.
func Main(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("-short: the conformance suites need slapd, Redis, Chromium and real clients (make test installs them); not run")
		os.Exit(0)
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
