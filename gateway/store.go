package gateway

import (
	"context"
	"errors"
	"time"
)

// ErrNoSession is returned by a SessionStore for a token it does not hold.
var ErrNoSession = errors.New("no such session")

// SessionStore keeps sessions. Remove and the expiry methods hand a session
// back to exactly one caller, which is how detach happens exactly once even
// when a logout, the sweeper and a lookup race for the same session.
type SessionStore interface {
	// Create stores a new session.
	Create(ctx context.Context, s *Session) error
	// Touch finds the session by token hash and extends its idle expiry to
	// now+idle. A session found past its expiry is removed and returned with
	// its ExpiryReason set; only that caller sees it (others get ErrNoSession).
	// A live session may be returned as the store holds it, shared with
	// other callers: it must not be changed, and its LastSeen and IdleExpiry
	// may be those of an earlier touch (ByUser and All give them current).
	Touch(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (s *Session, expired DetachReason, err error)
	// Remove deletes the session with the client ID; nil, ErrNoSession if it is gone.
	Remove(ctx context.Context, clientID string) (*Session, error)
	// ByUser lists the live sessions of one user: the perspective's clients.
	ByUser(ctx context.Context, username string) ([]*Session, error)
	// All lists every live session (for admins and shutdown).
	All(ctx context.Context) ([]*Session, error)
	// Expire removes and returns every session past its expiry at now.
	Expire(ctx context.Context, now time.Time) ([]*Session, error)
}

// SharedStore is implemented by stores whose sessions belong to a cluster of
// nodes: a node's shutdown does not detach them, and the nodes' sweeps are
// coordinated by leases.
type SharedStore interface {
	SessionStore
	// Lease is asked before each sweep, renewing holder's lease for ttl;
	// false: this node does not sweep now. A store may give every node a
	// part of the sessions to sweep (redisstore shares its shards out).
	Lease(ctx context.Context, holder string, ttl time.Duration) (bool, error)
}

// overflowLister is implemented by stores that can name a user's oldest
// sessions past a cap without listing them all (the core's eviction at
// max_per_user asks it on every login).
type overflowLister interface {
	// OldestBeyond is the client IDs of the user's sessions other than
	// the newest keep, oldest first; nil when there are no more than keep.
	OldestBeyond(ctx context.Context, username string, keep int) ([]string, error)
}

// userCounter is implemented by stores that can count a user's sessions
// without copying them (the core asks at every detach whether the user's
// feed can go).
type userCounter interface {
	CountByUser(ctx context.Context, username string) (int, error)
}
