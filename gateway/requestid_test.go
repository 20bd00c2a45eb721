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

// TestReusableRequestContext: SetRequestID sets the ID of a reusable
// context, request after request, as contexts derived from it see it; it
// refuses a context from WithRequestID (which never changes), one derived
// from a reusable one, and one without an ID.
func TestReusableRequestContext(t *testing.T) {
	type otherKey struct{}
	parent := context.WithValue(context.Background(), otherKey{}, "kept")
	reusable := ReusableRequestContext(parent)
	if got := RequestID(reusable); got != "" {
		t.Errorf("a new reusable context has ID %q", got)
	}
	derived := context.WithValue(reusable, otherKey{}, "inner")
	for _, id := range []string{"req-1", "req-2"} {
		if !SetRequestID(reusable, id) {
			t.Fatal("SetRequestID refused a reusable context")
		}
		if got := RequestID(reusable); got != id {
			t.Errorf("ID %q, want %q", got, id)
		}
		if got := RequestID(derived); got != id {
			t.Errorf("derived: ID %q, want %q", got, id)
		}
	}
	if got, _ := reusable.Value(otherKey{}).(string); got != "kept" {
		t.Errorf("the parent's value: %q", got)
	}
	fixed := WithRequestID(parent, "fixed")
	for name, ctx := range map[string]context.Context{"WithRequestID's": fixed, "derived": derived, "plain": parent} {
		if SetRequestID(ctx, "changed") {
			t.Errorf("SetRequestID took a %s context", name)
		}
	}
	if got := RequestID(fixed); got != "fixed" {
		t.Errorf("WithRequestID's ID became %q", got)
	}
}
