package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"gateway/conformance/harness"
	"gateway/gateway"
)

// formatZero is a session as the gateway stored it before the stored
// format was numbered: the core's struct marshalled with its Go field
// names.
const formatZero = `{"TokenHash":"h0","Identity":{"Username":"bob","DN":"uid=bob,ou=people,dc=example,dc=org","DisplayName":"Bob Builder","Groups":["staff"]},` +
	`"Client":{"ID":"c0","Protocol":"xmlrpc","Remote":"10.0.0.9","UserAgent":"Python-xmlrpc/3.11","AttachedAt":"2026-11-30T08:00:00Z"},` +
	`"CreatedAt":"2026-11-30T08:00:00Z","LastSeen":"2026-11-30T08:05:00Z","IdleExpiry":"2099-11-30T08:20:00Z","Deadline":"2099-11-30T20:00:00Z"}`

// TestDecodeFormatZero: a session written by the previous format reads
// into the same session.
func TestDecodeFormatZero(t *testing.T) {
	s, err := decodeSession([]byte(formatZero))
	if err != nil {
		t.Fatal(err)
	}
	if s.TokenHash != "h0" || s.Identity.Username != "bob" || s.Identity.Groups[0] != "staff" || s.Identity.DisplayName != "Bob Builder" ||
		s.Client.ID != "c0" || s.Client.UserAgent != "Python-xmlrpc/3.11" || s.Deadline.Year() != 2099 {
		t.Errorf("format 0 read as %+v", s)
	}
	// And what is written now names its format and its fields in the
	// stored schema's words.
	data, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["v"] != float64(formatVersion) || raw["client"].(map[string]any)["id"] != "c0" || raw["identity"].(map[string]any)["username"] != "bob" {
		t.Errorf("stored as %s", data)
	}
}

// TestFormatZeroInRedis: a session a node of the previous release stored
// is found, listed and removed (detached exactly once) by this release's
// scripts, which read either format's names: a rolling upgrade loses no
// session.
func TestFormatZeroInRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: needs redis-server")
	}
	rdb := harness.StartRedis(t).Client(t)
	ctx := context.Background()
	idle, deadline := time.Date(2099, 11, 30, 8, 20, 0, 0, time.UTC), time.Date(2099, 11, 30, 20, 0, 0, 0, time.UTC)
	// As the previous release's Create wrote it: every key under {gw}, no
	// pointers.
	if err := createScript.Run(ctx, rdb, []string{"{gw}:exp"},
		"{gw}:", formatZero, ms(idle), ms(deadline), ms(deadline.Add(redisGrace)), "h0", "c0", "bob").Err(); err != nil {
		t.Fatal(err)
	}
	st := NewStore(rdb)
	mine, err := st.ByUser(ctx, "bob")
	if err != nil || len(mine) != 1 || mine[0].Client.ID != "c0" {
		t.Fatalf("ByUser: %v %+v", err, mine)
	}
	s, reason, err := st.Touch(ctx, "h0", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), 15*time.Minute)
	if err != nil || reason != "" || s.Identity.Username != "bob" {
		t.Fatalf("Touch: %v %q %+v", err, reason, s)
	}
	gone, err := st.Remove(ctx, "c0")
	if err != nil || gone.Client.ID != "c0" {
		t.Fatalf("Remove: %v %+v", err, gone)
	}
	if _, err := st.Remove(ctx, "c0"); err != gateway.ErrNoSession {
		t.Errorf("a second Remove: %v, want ErrNoSession", err)
	}
	if n, _ := rdb.Exists(ctx, "{gw}:id:c0").Result(); n != 0 {
		t.Error("the client's index outlived it: the script did not read format 0's names")
	}
	if n, _ := rdb.SCard(ctx, "{gw}:u:bob").Result(); n != 0 {
		t.Error("the user's index still lists the client")
	}
}

// TestOldestBeyond: under the cap a login's eviction check is one SCARD
// (no script reads the user's sessions); past it the oldest are named,
// oldest first.
func TestOldestBeyond(t *testing.T) {
	rdb := harness.StartRedis(t).Client(t)
	scripts := &scriptCounter{}
	rdb.AddHook(scripts)
	ctx := context.Background()
	st := NewStore(rdb)
	t0 := time.Date(2099, 11, 30, 9, 0, 0, 0, time.UTC)         // live in Redis's clock too
	for i, id := range []string{"c3", "c1", "c4", "c2", "c5"} { // created in the order of their numbers
		at := t0.Add(time.Duration(id[1]-'0') * time.Minute)
		s := &gateway.Session{TokenHash: fmt.Sprintf("h%d", i), Identity: gateway.Identity{Username: "carol"}, Client: gateway.ClientInfo{ID: id},
			CreatedAt: at, LastSeen: at, IdleExpiry: at.Add(time.Hour), Deadline: at.Add(2 * time.Hour)}
		if err := st.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	before := scripts.n.Load()
	if ids, err := st.OldestBeyond(ctx, "carol", 5); err != nil || ids != nil {
		t.Errorf("at the cap: %v %v", ids, err)
	}
	if n := scripts.n.Load() - before; n != 0 {
		t.Errorf("at the cap the check ran %d scripts, want none (one SCARD)", n)
	}
	if ids, err := st.OldestBeyond(ctx, "carol", 3); err != nil || !slices.Equal(ids, []string{"c1", "c2"}) {
		t.Errorf("past the cap: %v %v, want [c1 c2]", ids, err)
	}
}
