package redisstore

import (
	"fmt"
	"hash/fnv"

	"gateway/gateway"
)

// The keys are sharded by perspective. A user's sessions, their indexes,
// the user's event feed and login throttle share one hash tag, {gw:XX},
// where XX is one of 256 shards picked by a hash of the username: in a
// Redis Cluster every key of one user lands in one slot (so each Lua
// script stays atomic on one master) and the users spread over all
// masters. Two pointers, without hash tag so that they spread by
// themselves, lead from what a call carries to the shard:
//
//	gw:tok:<tokenHash>  the session's shard prefix ("{gw:XX}:")
//	gw:cid:<clientID>   the same
//
// Keys of the previous layout, all under the one tag {gw}, are still read
// (see store.go): they are the shard with prefix legacyPrefix.
const (
	shardCount   = 256
	legacyPrefix = "{gw}:"
)

var shardPrefixes = func() [shardCount]string {
	var p [shardCount]string
	for i := range p {
		p[i] = fmt.Sprintf("{gw:%02x}:", i)
	}
	return p
}()

// KeyPrefix is the prefix of every key of username's perspective.
func KeyPrefix(username string) string { return shardPrefixes[shardOf(username)] }

func shardOf(s string) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() % shardCount)
}

func tokenPointer(tokenHash string) string { return "gw:tok:" + tokenHash }
func clientPointer(clientID string) string { return "gw:cid:" + clientID }

// throttleUserKey is in the user's shard, by the canonical name the
// throttle counts.
func throttleUserKey(user string) string {
	c := gateway.CanonicalUsername(user)
	return KeyPrefix(c) + "t:u:" + c
}

// throttleAddrKey spreads addresses over the shards too.
func throttleAddrKey(addr string) string { return shardPrefixes[shardOf(addr)] + "t:a:" + addr }
