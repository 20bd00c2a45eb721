package harness

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a redis-server of the test's own, on a loopback port.
type Redis struct {
	URL     string
	port    int
	dir     string
	cmd     *exec.Cmd
	cluster bool
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
	args := []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"}
	if r.cluster {
		args = append(args, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
			// a replica takes over however long ago it last heard its
			// master (the default refuses after ten node timeouts of quiet)
			"--cluster-replica-validity-factor", "0")
	}
	r.cmd = exec.Command("redis-server", args...)
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

// RedisCluster is a Redis Cluster of the test's own: masters, each with
// its replicas, on loopback ports.
type RedisCluster struct {
	URL   string // redis://host:port,...?cluster=true, as session.redis_url takes it
	Nodes []*Redis
}

// StartRedisCluster runs masters*(1+replicas) redis-servers in cluster
// mode and joins them with redis-cli --cluster create (the slots spread
// evenly over the masters), waiting until the cluster says ok. A node
// that stops failing is noticed within a second (cluster-node-timeout),
// and its replica takes over.
func StartRedisCluster(t testing.TB, masters, replicas int) *RedisCluster {
	t.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed (make test installs it): %v", bin, err)
		}
	}
	c := &RedisCluster{}
	var addrs []string
	for range masters * (1 + replicas) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		r := &Redis{port: port, dir: t.TempDir(), URL: fmt.Sprintf("redis://127.0.0.1:%d", port), cluster: true}
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Stop)
		c.Nodes = append(c.Nodes, r)
		addrs = append(addrs, fmt.Sprintf("127.0.0.1:%d", port))
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, r := range c.Nodes {
		r.waitClusterOK(t)
	}
	c.URL = "redis://" + strings.Join(addrs, ",") + "?cluster=true"
	return c
}

func (r *Redis) waitClusterOK(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := exec.Command("redis-cli", "-p", strconv.Itoa(r.port), "cluster", "info").Output()
		if strings.Contains(string(out), "cluster_state:ok") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis cluster node %d: not ok after 30 s:\n%s", r.port, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Port is the server's port.
func (r *Redis) Port() int { return r.port }

// Client is a go-redis client of the server, closed when the test ends.
func (r *Redis) Client(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}
