package gateway

import (
	"context"
	"time"
)

// Event kinds raised by the gateway itself; services raise their own.
const (
	EventAttached = "attached"
	EventDetached = "detached"
)

// DetachReason says why a client left its perspective.
type DetachReason string

const (
	ReasonLogout          DetachReason = "logout"
	ReasonIdleTimeout     DetachReason = "idle"
	ReasonAbsoluteTimeout DetachReason = "expired"
	ReasonForced          DetachReason = "forced"
	ReasonShutdown        DetachReason = "shutdown"
	// ReasonEvicted: the user logged in once more with MaxSessionsPerUser
	// sessions live, and this, the oldest, made room.
	ReasonEvicted DetachReason = "evicted"
)

// Event is one entry of a perspective's feed.
type Event struct {
	Seq    uint64
	Kind   string
	Client ClientInfo
	At     time.Time
	Reason DetachReason // for detached
	Data   Struct       // for a service's own events
}

// EventLog keeps each perspective's bounded feed of events and wakes the
// long-polls waiting on it. The memory implementation serves one node; a
// shared one (Redis) lets every node see every event.
type EventLog interface {
	// Append gives ev the next sequence number of user's feed and stores it.
	Append(ctx context.Context, user string, ev Event) (Event, error)
	// Since returns user's events with Seq > since, waiting up to wait for
	// the first one; next is the Seq to pass as since on the following call.
	Since(ctx context.Context, user string, since uint64, wait time.Duration) (events []Event, next uint64, err error)
}

// FeedReleaser is implemented by event logs that hold a feed in this
// process: the core calls Release when the user's last session has gone
// and last was the feed's newest event, so that what a departed user
// leaves behind is nothing (a new login starts a new feed). An event
// appended in between keeps the feed.
type FeedReleaser interface {
	Release(user string, last uint64)
}
