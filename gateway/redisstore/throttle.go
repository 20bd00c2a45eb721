package redisstore

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"

	"gateway/gateway"
)

// Throttle is the gateway.Throttle of nodes that share Redis: one count per
// key for the whole cluster, each a key that Redis drops when its window
// ends, so Redis's memory is bounded by the failures of one window.
//
//	{gw}:t:u:<canonical username>  failures in the window (expires with it)
//	{gw}:t:a:<address>             the same per address
type Throttle struct{ rdb redis.UniversalClient }

// NewThrottle counts in rdb.
func NewThrottle(rdb redis.UniversalClient) *Throttle { return &Throttle{rdb: rdb} }

var _ gateway.Throttle = (*Throttle)(nil)

func throttleUserKey(user string) string { return "{gw}:t:u:" + gateway.CanonicalUsername(user) }

// failLua counts one failure; the first failure of a window sets its end.
var failLua = redis.NewScript(`
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 1`)

// Blocked implements gateway.Throttle.
func (t *Throttle) Blocked(ctx context.Context, user, addr string) (bool, error) {
	vals, err := t.rdb.MGet(ctx, throttleUserKey(user), "{gw}:t:a:"+addr).Result()
	if err != nil {
		return false, err
	}
	n := func(v any) int {
		s, _ := v.(string)
		i, _ := strconv.Atoi(s)
		return i
	}
	return n(vals[0]) >= gateway.MaxFailsPerUser || n(vals[1]) >= gateway.MaxFailsPerAddr, nil
}

// Failed implements gateway.Throttle.
func (t *Throttle) Failed(ctx context.Context, user, addr string) error {
	return failLua.Run(ctx, t.rdb, []string{throttleUserKey(user), "{gw}:t:a:" + addr}, gateway.ThrottleWindow.Milliseconds()).Err()
}

// Succeeded implements gateway.Throttle.
func (t *Throttle) Succeeded(ctx context.Context, user string) error {
	return t.rdb.Del(ctx, throttleUserKey(user)).Err()
}
