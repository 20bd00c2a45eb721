package gateway_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gateway/gateway"
)

// TestMemoryStoreTouch: touches of a live session move its idle expiry
// (listings show it) while other touches and listings run; of the touches
// that find it expired, exactly one gets it back with the reason.
func TestMemoryStoreTouch(t *testing.T) {
	ctx := context.Background()
	t0, idle := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), time.Minute
	st := storeWithAlice(t, t0, idle)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 200 {
				at := t0.Add(time.Duration(i) * 100 * time.Millisecond) // every touch within 20 s of every other
				if got, reason, err := st.Touch(ctx, "h1", at, idle); err != nil || reason != "" || got.Client.ID != "c1" {
					t.Errorf("touch at %v: %v %q %v", at, got, reason, err)
					return
				}
				if _, err := st.ByUser(ctx, "alice"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	last := t0.Add(30 * time.Second)
	if _, _, err := st.Touch(ctx, "h1", last, idle); err != nil {
		t.Fatal(err)
	}
	listed, _ := st.ByUser(ctx, "alice")
	if len(listed) != 1 || !listed[0].LastSeen.Equal(last) || !listed[0].IdleExpiry.Equal(last.Add(idle)) {
		t.Fatalf("listed %+v, want last seen %v", listed, last)
	}
	expired := last.Add(idle)
	var mu sync.Mutex
	var reasons []gateway.DetachReason
	for range 8 {
		wg.Go(func() {
			got, reason, err := st.Touch(ctx, "h1", expired, idle)
			switch {
			case errors.Is(err, gateway.ErrNoSession):
			case err != nil:
				t.Error(err)
			default:
				if !got.IdleExpiry.Equal(expired) {
					t.Errorf("expired session's idle expiry %v, want %v", got.IdleExpiry, expired)
				}
				mu.Lock()
				reasons = append(reasons, reason)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(reasons) != 1 || reasons[0] != gateway.ReasonIdleTimeout {
		t.Fatalf("expired touches returned %v, want one idle timeout", reasons)
	}
	if all, _ := st.All(ctx); len(all) != 0 {
		t.Fatalf("left %d sessions", len(all))
	}
}

// TestMemoryStoreTouchCoalesced: a session touched again within a
// millisecond keeps the idle expiry of the touch before (the calls of a
// busy session do not all write it); a touch a millisecond later moves it.
func TestMemoryStoreTouchCoalesced(t *testing.T) {
	ctx := context.Background()
	t0, idle := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.Minute
	st := storeWithAlice(t, t0, idle)
	for _, c := range []struct {
		at, wantSeen time.Time
	}{
		{t0.Add(300 * time.Microsecond), t0},
		{t0.Add(999 * time.Microsecond), t0},
		{t0.Add(time.Millisecond), t0.Add(time.Millisecond)},
		{t0.Add(1500 * time.Microsecond), t0.Add(time.Millisecond)},
		{t0.Add(time.Second), t0.Add(time.Second)},
	} {
		if _, _, err := st.Touch(ctx, "h1", c.at, idle); err != nil {
			t.Fatal(err)
		}
		listed, _ := st.ByUser(ctx, "alice")
		if len(listed) != 1 || !listed[0].LastSeen.Equal(c.wantSeen) || !listed[0].IdleExpiry.Equal(c.wantSeen.Add(idle)) {
			t.Fatalf("touched at %v: listed %+v, want last seen %v", c.at, listed, c.wantSeen)
		}
	}
}

// storeWithAlice is a memory store with one session of alice's, token
// hash "h1", client "c1", created and last seen at t0.
func storeWithAlice(t *testing.T, t0 time.Time, idle time.Duration) *gateway.MemoryStore {
	t.Helper()
	st := gateway.NewMemoryStore()
	s := &gateway.Session{TokenHash: "h1", Identity: gateway.Identity{Username: "alice"}, Client: gateway.ClientInfo{ID: "c1"},
		CreatedAt: t0, LastSeen: t0, IdleExpiry: t0.Add(idle), Deadline: t0.Add(time.Hour)}
	if err := st.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return st
}
