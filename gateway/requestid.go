package gateway

import (
	"context"
	"log/slog"
)

type requestIDKey struct{}

// requestContext carries a request's ID: one allocation, where
// context.WithValue would take two (its context and the string boxed as
// its value). Its Value for requestIDKey is the context itself, a pointer
// that needs no boxing.
type requestContext struct {
	context.Context
	id string
}

func (c *requestContext) Value(key any) any {
	if key == (requestIDKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// WithRequestID is ctx carrying the ID of the request being served.
func WithRequestID(ctx context.Context, id string) context.Context {
	return &requestContext{ctx, id}
}

// RequestID is the ID of the request ctx serves, or "".
func RequestID(ctx context.Context) string {
	if c, ok := ctx.Value(requestIDKey{}).(*requestContext); ok {
		return c.id
	}
	return ""
}

// LogHandler adds request_id to every record logged with a request's
// context, so that every line of one call can be found together.
type LogHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LogHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }
