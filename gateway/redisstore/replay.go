package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// ReplayCache is the cluster's memory of Kerberos authenticators
// (kerberosauth.ReplayCache): gw:krb:<hash> for the authenticator's
// lifetime, set only if absent, so of two nodes handed the same
// authenticator exactly one takes it. No hash tag: the keys spread over a
// Cluster by themselves.
type ReplayCache struct{ rdb redis.UniversalClient }

// NewReplayCache keeps the authenticators in rdb.
func NewReplayCache(rdb redis.UniversalClient) *ReplayCache { return &ReplayCache{rdb: rdb} }

// FirstUse records key for ttl; false if it was there already.
func (c *ReplayCache) FirstUse(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return c.rdb.SetNX(ctx, "gw:krb:"+key, 1, ttl).Result()
}
