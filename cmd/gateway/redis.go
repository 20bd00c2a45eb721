package main

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisOptions reads session.redis_url:
//
//	redis://[user:password@]host:port[/db]                      one server
//	rediss://...                                                 the same over TLS
//	redis://host1:26379,host2:26379[/db]?master_name=mymaster    Sentinel
//	redis://host1:7000,host2:7000?cluster=true                   Cluster
//
// and gives the options of a go-redis UniversalClient, which serves all three.
func redisOptions(raw string) (*redis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, fmt.Errorf("session.redis_url: %q is not a redis:// or rediss:// URL", raw)
	}
	// Several hosts are not a valid URL host, so the authority is split by hand.
	authority, pathQuery, _ := strings.Cut(rest, "/")
	query := ""
	if i := strings.IndexByte(authority, '?'); i >= 0 {
		authority, query = authority[:i], authority[i+1:]
	} else if p, q, found := strings.Cut(pathQuery, "?"); found {
		pathQuery, query = p, q
	}
	opts := &redis.UniversalOptions{}
	if userinfo, hosts, found := strings.Cut(authority, "@"); found {
		authority = hosts
		user, pass, hasPass := strings.Cut(userinfo, ":")
		if !hasPass {
			user, pass = "", user
		}
		opts.Username, _ = url.PathUnescape(user)
		opts.Password, _ = url.PathUnescape(pass)
	}
	for _, h := range strings.Split(authority, ",") {
		if h = strings.TrimSpace(h); h != "" {
			opts.Addrs = append(opts.Addrs, h)
		}
	}
	if len(opts.Addrs) == 0 {
		return nil, fmt.Errorf("session.redis_url: %q names no host", raw)
	}
	if db := strings.Trim(pathQuery, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil {
			return nil, fmt.Errorf("session.redis_url: database %q is not a number", db)
		}
		opts.DB = n
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("session.redis_url: %w", err)
	}
	opts.MasterName = q.Get("master_name")
	opts.IsClusterMode = q.Get("cluster") == "true"
	if scheme == "rediss" {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return opts, nil
}

// clusterStateReload is how stale a Cluster client's map of slots to
// masters may grow before it is read again. go-redis's default is a minute,
// and a client learns of a failover only from that reload or a MOVED
// answer, which a dead master never sends: with the default, the calls of
// the failed master's users would fail for up to a minute after its
// replica took over. Reading the map costs one CLUSTER SLOTS.
const clusterStateReload = 2 * time.Second

// newRedisClient is the client opts describe; a Cluster client reloads its
// map of slots every clusterStateReload.
func newRedisClient(opts *redis.UniversalOptions) redis.UniversalClient {
	if opts.IsClusterMode || (len(opts.Addrs) > 1 && opts.MasterName == "") {
		co := opts.Cluster()
		co.ClusterStateReloadInterval = clusterStateReload
		return redis.NewClusterClient(co)
	}
	return redis.NewUniversalClient(opts)
}
