package gateway_test

import (
	"context"
	"testing"
	"time"

	"gateway/gateway"
)

func TestEventLogLongPoll(t *testing.T) {
	l := gateway.NewMemoryEventLog(4)
	ctx := context.Background()
	// Nothing yet: a poll with wait returns empty after the wait.
	evs, next, _ := l.Since(ctx, "u", 0, 10*time.Millisecond)
	if len(evs) != 0 || next != 0 {
		t.Fatalf("empty feed: %v %d", evs, next)
	}
	// A waiting poll is woken by the append, not by its timeout.
	got := make(chan []gateway.Event, 1)
	go func() {
		evs, _, _ := l.Since(ctx, "u", 0, 10*time.Second)
		got <- evs
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if _, err := l.Append(ctx, "u", gateway.Event{Kind: "attached"}); err != nil {
		t.Fatal(err)
	}
	select {
	case evs := <-got:
		if len(evs) != 1 || evs[0].Seq != 1 || evs[0].Kind != "attached" {
			t.Fatalf("woken with %v", evs)
		}
		if time.Since(start) > time.Second {
			t.Fatal("the poll was not woken by the event")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the poll was not woken")
	}
	// Other users' feeds are separate.
	if evs, _, _ := l.Since(ctx, "v", 0, 0); len(evs) != 0 {
		t.Fatalf("user v sees %v", evs)
	}
	// The feed is bounded: of 10 events only the last 4 are kept.
	for i := 0; i < 9; i++ {
		_, _ = l.Append(ctx, "u", gateway.Event{Kind: "x"})
	}
	evs, next, _ = l.Since(ctx, "u", 0, 0)
	if len(evs) != 4 || evs[0].Seq != 7 || evs[3].Seq != 10 || next != 10 {
		t.Fatalf("bounded feed: %d events from %d, next %d", len(evs), evs[0].Seq, next)
	}
	evs, next, _ = l.Since(ctx, "u", 9, 0)
	if len(evs) != 1 || evs[0].Seq != 10 || next != 10 {
		t.Fatalf("since 9: %v next %d", evs, next)
	}
	// A client from before a restart (since beyond the head) starts from now.
	evs, next, _ = l.Since(ctx, "u", 500, 0)
	if len(evs) != 0 || next != 10 {
		t.Fatalf("since 500: %v next %d", evs, next)
	}
	// A cancelled context ends the wait.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if evs, _, _ := l.Since(cctx, "u", 10, time.Minute); len(evs) != 0 {
		t.Fatal("cancelled poll returned events")
	}
}
