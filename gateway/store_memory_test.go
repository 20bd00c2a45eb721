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
	st := gateway.NewMemoryStore()
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	idle := time.Minute
	s := &gateway.Session{TokenHash: "h1", Identity: gateway.Identity{Username: "alice"}, Client: gateway.ClientInfo{ID: "c1"},
		CreatedAt: t0, LastSeen: t0, IdleExpiry: t0.Add(idle), Deadline: t0.Add(time.Hour)}
	if err := st.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
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
