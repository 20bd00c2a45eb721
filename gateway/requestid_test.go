package gateway

import (
	"context"
	"testing"
	"time"
)

// TestRequestIDThroughContexts: the ID is found through contexts derived
// from the request's (values, deadlines, cancels), the values and
// cancellation of the context it wraps still reach them, and a context
// without an ID has "".
func TestRequestIDThroughContexts(t *testing.T) {
	type otherKey struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "kept"))
	ctx := WithRequestID(parent, "req-1")
	derived, stop := context.WithTimeout(context.WithValue(ctx, otherKey{}, "inner"), time.Hour)
	defer stop()
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		id, other string
	}{
		{"the request's", ctx, "req-1", "kept"},
		{"derived", derived, "req-1", "inner"},
		{"without", parent, "", "kept"},
		{"nested", WithRequestID(ctx, "req-2"), "req-2", "kept"},
	} {
		if got := RequestID(tc.ctx); got != tc.id {
			t.Errorf("%s: request ID %q, want %q", tc.name, got, tc.id)
		}
		if got, _ := tc.ctx.Value(otherKey{}).(string); got != tc.other {
			t.Errorf("%s: other value %q, want %q", tc.name, got, tc.other)
		}
	}
	cancel()
	select {
	case <-derived.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the wrapped context did not reach a derived one")
	}
}
