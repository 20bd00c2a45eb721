package gateway

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryStore is the single-node SessionStore.
//
// Touch, the call path's one visit, takes no lock and, in steady state,
// writes nothing that other calls read: it finds the session in a
// concurrent map (sync.Map, whose reads share no counter), checks its
// expiry and moves its idle expiry with atomic loads and stores, and hands
// back the session as created, without a copy (see SessionStore.Touch: its
// LastSeen and IdleExpiry are not kept up to date there; listings carry
// them). A busy session's touches are coalesced: its idle expiry moves
// only when it is at least touchGrain behind the call, so that the calls
// of one session on many cores do not take turns writing one cache line.
// Only a touch that finds its session expired takes the table's write
// lock, to remove it; every change of the tables is made under that lock.
//
// A call whose touch races with the sweeper's removal of the same session
// at its idle expiry may be served while the session is detached: the
// call came at the session's last instant, and the detach is still made
// once.
type MemoryStore struct {
	mu     sync.RWMutex
	byHash sync.Map // token hash -> *memSession; changed under mu's write lock
	byID   map[string]*memSession
	byUser map[string]map[string]*memSession // username -> client ID -> session
}

// touchGrain is the least step by which Touch moves a session's idle
// expiry and last-seen time.
const touchGrain = time.Millisecond

// memSession is one stored session: s is never written after Create; the
// times of its last touch are the entry's, in Unix nanoseconds.
type memSession struct {
	s          *Session
	lastSeen   atomic.Int64
	idleExpiry atomic.Int64
}

func newMemSession(s *Session) *memSession {
	e := &memSession{s: s}
	e.lastSeen.Store(s.LastSeen.UnixNano())
	e.idleExpiry.Store(s.IdleExpiry.UnixNano())
	return e
}

// current is the session with its times as they are (a copy).
func (e *memSession) current() *Session {
	cp := *e.s
	cp.LastSeen, cp.IdleExpiry = time.Unix(0, e.lastSeen.Load()), time.Unix(0, e.idleExpiry.Load())
	return &cp
}

// expiryReason is Session.ExpiryReason with the entry's times.
func (e *memSession) expiryReason(now time.Time) DetachReason {
	return expiryReason(now, time.Unix(0, e.idleExpiry.Load()), e.s.Deadline)
}

var _ SessionStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		byID:   make(map[string]*memSession),
		byUser: make(map[string]map[string]*memSession),
	}
}

// Create implements SessionStore.
func (m *MemoryStore) Create(_ context.Context, s *Session) error {
	cp := *s // the caller's session stays the caller's
	e := newMemSession(&cp)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byHash.Store(s.TokenHash, e)
	m.byID[s.Client.ID] = e
	u := m.byUser[s.Identity.Username]
	if u == nil {
		u = make(map[string]*memSession)
		m.byUser[s.Identity.Username] = u
	}
	u[s.Client.ID] = e
	return nil
}

// Touch implements SessionStore.
func (m *MemoryStore) Touch(_ context.Context, tokenHash string, now time.Time, idle time.Duration) (*Session, DetachReason, error) {
	v, ok := m.byHash.Load(tokenHash)
	if !ok {
		return nil, "", ErrNoSession
	}
	e := v.(*memSession)
	if e.expiryReason(now) == "" {
		if n := now.UnixNano(); n-e.lastSeen.Load() >= int64(touchGrain) {
			e.idleExpiry.Store(now.Add(idle).UnixNano())
			e.lastSeen.Store(n)
		}
		return e.s, "", nil
	}
	// Expired: removed under the write lock by whichever caller gets there
	// first; the others find it gone.
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, _ := m.byHash.Load(tokenHash); v != e {
		return nil, "", ErrNoSession
	}
	m.removeLocked(e.s)
	return e.current(), e.expiryReason(now), nil
}

// Remove implements SessionStore.
func (m *MemoryStore) Remove(_ context.Context, clientID string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.byID[clientID]
	if e == nil {
		return nil, ErrNoSession
	}
	m.removeLocked(e.s)
	return e.current(), nil
}

func (m *MemoryStore) removeLocked(s *Session) {
	m.byHash.Delete(s.TokenHash)
	delete(m.byID, s.Client.ID)
	if u := m.byUser[s.Identity.Username]; u != nil {
		delete(u, s.Client.ID)
		if len(u) == 0 {
			delete(m.byUser, s.Identity.Username)
		}
	}
}

// CountByUser implements userCounter.
func (m *MemoryStore) CountByUser(_ context.Context, username string) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byUser[username]), nil
}

// OldestBeyond implements overflowLister: the client IDs of the user's
// oldest sessions past the newest keep, found without copying them (a
// user at the cap who logs in again evicts one on every login).
func (m *MemoryStore) OldestBeyond(_ context.Context, username string, keep int) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	u := m.byUser[username]
	if len(u) <= keep {
		return nil, nil
	}
	if len(u) == keep+1 { // the usual case, one login past the cap: the oldest, without sorting
		var oldest *memSession
		for _, e := range u {
			if oldest == nil || e.s.CreatedAt.Before(oldest.s.CreatedAt) {
				oldest = e
			}
		}
		return []string{oldest.s.Client.ID}, nil
	}
	all := make([]*Session, 0, len(u))
	for _, e := range u {
		all = append(all, e.s) // read only for their CreatedAt and client ID, never written
	}
	return OldestIDs(all, keep), nil
}

// ByUser implements SessionStore.
func (m *MemoryStore) ByUser(_ context.Context, username string) ([]*Session, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Session, 0, len(m.byUser[username]))
	for _, e := range m.byUser[username] {
		out = append(out, e.current())
	}
	return out, nil
}

// All implements SessionStore.
func (m *MemoryStore) All(_ context.Context) ([]*Session, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Session, 0, len(m.byID))
	for _, e := range m.byID {
		out = append(out, e.current())
	}
	return out, nil
}

// Expire implements SessionStore.
func (m *MemoryStore) Expire(_ context.Context, now time.Time) ([]*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Session
	for _, e := range m.byID {
		if e.expiryReason(now) != "" {
			m.removeLocked(e.s)
			out = append(out, e.current())
		}
	}
	return out, nil
}
