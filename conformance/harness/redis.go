package harness

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Redis is a redis-server of the test's own, on a loopback port.
type Redis struct {
	URL  string
	port int
	dir  string
	cmd  *exec.Cmd
}

// StartRedis runs Debian's redis-server on a free port, with append-only
// persistence so that a restart keeps the data (as a production Redis
// would), until the test ends. It fails the test when redis-server is
// not installed.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is not installed (make test installs it): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &Redis{port: port, dir: t.TempDir(), URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// Start (re)starts the server on its port with its data.
func (r *Redis) Start() error {
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no")
	r.cmd.Stdout, r.cmd.Stderr = nil, os.Stderr
	if err := r.cmd.Start(); err != nil {
		return err
	}
	go func(c *exec.Cmd) { _ = c.Wait() }(r.cmd)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), 100*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
	}
	return fmt.Errorf("redis-server did not listen on %d", r.port)
}

// Stop kills the server and waits for the port to close.
func (r *Redis) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), 50*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
}

// StoreEnv is the environment that runs a gateway on the store the suite
// was asked for: GATEWAY_TEST_STORE=redis starts a Redis for the test and
// points the gateway at it; anything else leaves the memory store.
func StoreEnv(t testing.TB) []string {
	t.Helper()
	if os.Getenv("GATEWAY_TEST_STORE") != "redis" {
		return nil
	}
	r := StartRedis(t)
	return []string{"GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL=" + r.URL}
}
