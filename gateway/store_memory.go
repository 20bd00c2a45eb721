package gateway

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is the single-node SessionStore.
//
// Touch, the call path's one visit, shares the table with other touches:
// it holds the table's read lock and the session's own lock while it moves
// the session's idle expiry, and hands back the session as created, without
// a copy (see SessionStore.Touch: its LastSeen and IdleExpiry are not kept
// up to date there; listings carry them). Only a touch that finds its
// session expired takes the table's write lock, to remove it.
type MemoryStore struct {
	mu     sync.RWMutex
	byHash map[string]*memSession
	byID   map[string]*memSession
	byUser map[string]map[string]*memSession // username -> client ID -> session
}

// memSession is one stored session: s is never written after Create, the
// times of its last touch are the entry's, under its lock (or the table's
// write lock).
type memSession struct {
	s          *Session
	mu         sync.Mutex
	lastSeen   time.Time
	idleExpiry time.Time
}

// current is the session with its times as they are (a copy).
func (e *memSession) current() *Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.copyLocked()
}

// copyLocked is current with the entry's lock or the table's write lock
// held.
func (e *memSession) copyLocked() *Session {
	cp := *e.s
	cp.LastSeen, cp.IdleExpiry = e.lastSeen, e.idleExpiry
	return &cp
}

// expiryReason is Session.ExpiryReason with the entry's times (its lock
// or the table's write lock held).
func (e *memSession) expiryReason(now time.Time) DetachReason {
	return expiryReason(now, e.idleExpiry, e.s.Deadline)
}

var _ SessionStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		byHash: make(map[string]*memSession),
		byID:   make(map[string]*memSession),
		byUser: make(map[string]map[string]*memSession),
	}
}

// Create implements SessionStore.
func (m *MemoryStore) Create(_ context.Context, s *Session) error {
	cp := *s // the caller's session stays the caller's
	e := &memSession{s: &cp, lastSeen: s.LastSeen, idleExpiry: s.IdleExpiry}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byHash[s.TokenHash] = e
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
	m.mu.RLock()
	e := m.byHash[tokenHash]
	if e == nil {
		m.mu.RUnlock()
		return nil, "", ErrNoSession
	}
	e.mu.Lock()
	if e.expiryReason(now) == "" {
		e.lastSeen, e.idleExpiry = now, now.Add(idle)
		e.mu.Unlock()
		m.mu.RUnlock()
		return e.s, "", nil
	}
	e.mu.Unlock()
	m.mu.RUnlock()
	// Expired: removed under the write lock by whichever caller gets there
	// first; the others find it gone.
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byHash[tokenHash] != e {
		return nil, "", ErrNoSession
	}
	m.removeLocked(e.s)
	return e.copyLocked(), e.expiryReason(now), nil
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
	return e.copyLocked(), nil
}

func (m *MemoryStore) removeLocked(s *Session) {
	delete(m.byHash, s.TokenHash)
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
			out = append(out, e.copyLocked())
		}
	}
	return out, nil
}
