package gateway

import (
	"context"
	"slices"
	"time"
)

// Perspective is a user's presence in the gateway: one per identity, shared by
// every session of that user on every protocol and node. It holds no state of
// its own: its clients are the user's sessions in the SessionStore and its
// feed lives in the EventLog, so every node sees the same perspective.
type Perspective struct {
	core     *Core
	Identity Identity
}

// Name is the perspective's key: the identity's username.
func (p *Perspective) Name() string { return p.Identity.Username }

// Clients lists the clients attached now.
func (p *Perspective) Clients(ctx context.Context) ([]ClientInfo, error) {
	sessions, err := p.core.sessions.ByUser(ctx, p.Identity.Username)
	if err != nil {
		return nil, WrapFault(FaultUnavailable, err, "session store unavailable")
	}
	out := make([]ClientInfo, len(sessions))
	for i, s := range sessions {
		out[i] = s.Client
		out[i].LastSeen = s.LastSeen
	}
	sortClients(out)
	return out, nil
}

// Publish raises a service's own event on the perspective's feed.
func (p *Perspective) Publish(ctx context.Context, kind string, client ClientInfo, data Struct) error {
	_, err := p.core.events.Append(ctx, p.Identity.Username, Event{Kind: kind, Client: client, At: p.core.now(), Data: data})
	return err
}

// Events returns the feed after since, waiting up to wait for the first event.
func (p *Perspective) Events(ctx context.Context, since uint64, wait time.Duration) ([]Event, uint64, error) {
	if wait > MaxEventWait {
		wait = MaxEventWait
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(p.core.draining, cancel)
	defer stop()
	evs, next, err := p.core.events.Since(ctx, p.Identity.Username, since, wait)
	if err != nil {
		return nil, 0, WrapFault(FaultUnavailable, err, "event feed unavailable")
	}
	return evs, next, nil
}

// MaxEventWait caps a long-poll (the contract's 30 seconds).
const MaxEventWait = 30 * time.Second

func sortClients(cs []ClientInfo) {
	slices.SortFunc(cs, func(a, b ClientInfo) int { return a.AttachedAt.Compare(b.AttachedAt) })
}
