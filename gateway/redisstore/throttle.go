package redisstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// Throttle is the gateway.Throttle of nodes that share Redis: one count per
// key for the whole cluster, each a key that Redis drops when its window
// ends, so Redis's memory is bounded by the failures of one window.
//
//	{gw:XX}:t:u:<canonical username>  failures in the window (expires with it), in the user's shard
//	{gw:YY}:t:a:<address>             the same per address, sharded by address
//
// The two are in different slots of a Cluster: they are read and counted
// in one pipeline (one round trip per master), not in one command.
type Throttle struct{ rdb redis.UniversalClient }

// NewThrottle counts in rdb.
func NewThrottle(rdb redis.UniversalClient) *Throttle { return &Throttle{rdb: rdb} }

var _ gateway.Throttle = (*Throttle)(nil)

// failLua counts one failure; the first failure of a window sets its end.
var failLua = redis.NewScript(`
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`)

// Blocked implements gateway.Throttle.
func (t *Throttle) Blocked(ctx context.Context, user, addr string) (bool, error) {
	pipe := t.rdb.Pipeline()
	byUser, byAddr := pipe.Get(ctx, throttleUserKey(user)), pipe.Get(ctx, throttleAddrKey(addr))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return false, err
	}
	n := func(c *redis.StringCmd) int {
		i, _ := strconv.Atoi(c.Val())
		return i
	}
	return n(byUser) >= gateway.MaxFailsPerUser || n(byAddr) >= gateway.MaxFailsPerAddr, nil
}

// Failed implements gateway.Throttle.
func (t *Throttle) Failed(ctx context.Context, user, addr string) error {
	window := gateway.ThrottleWindow.Milliseconds()
	if err := failLua.Run(ctx, t.rdb, []string{throttleUserKey(user)}, window).Err(); err != nil {
		return err
	}
	return failLua.Run(ctx, t.rdb, []string{throttleAddrKey(addr)}, window).Err()
}

// Succeeded implements gateway.Throttle.
func (t *Throttle) Succeeded(ctx context.Context, user string) error {
	return t.rdb.Del(ctx, throttleUserKey(user)).Err()
}
