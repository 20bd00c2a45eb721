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
	id       string
	reusable bool // made by ReusableRequestContext: SetRequestID may change id
}

func (c *requestContext) Value(key any) any {
	if key == (requestIDKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// WithRequestID is ctx carrying the ID of the request being served.
func WithRequestID(ctx context.Context, id string) context.Context {
	return &requestContext{Context: ctx, id: id}
}

// ReusableRequestContext is a context under parent for request after
// request, whose ID SetRequestID sets at the start of each. An HTTP engine
// that reuses its request objects (adapters/fastserve) gives each of them
// one, once, so that the request-ID middleware need not derive a context
// per request, which costs a copy of the request (http.Request.WithContext)
// on every call. The price: work that outlives its request must not keep
// the request's context, nor one derived from it, or it would log under a
// later request's ID (the gateway's own code finishes with a request's
// context before it answers; docs/adding-a-service.md asks the same of a
// service).
func ReusableRequestContext(parent context.Context) context.Context {
	return &requestContext{Context: parent, reusable: true}
}

// SetRequestID makes id the request ID of ctx, when ctx is a context from
// ReusableRequestContext itself (not one derived from it), and reports
// whether it was one.
func SetRequestID(ctx context.Context, id string) bool {
	if c, ok := ctx.(*requestContext); ok && c.reusable {
		c.id = id
		return true
	}
	return false
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
