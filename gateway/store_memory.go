package gateway

import (
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryStore is the single-node SessionStore.
type MemoryStore struct {
	mu     sync.RWMutex
	byHash map[string]*Session
	byID   map[string]*Session
	byUser map[string]map[string]*Session // username -> client ID -> session
}

var _ SessionStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		byHash: make(map[string]*Session),
		byID:   make(map[string]*Session),
		byUser: make(map[string]map[string]*Session),
	}
}

// Create implements SessionStore.
func (m *MemoryStore) Create(_ context.Context, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byHash[s.TokenHash] = s
	m.byID[s.Client.ID] = s
	u := m.byUser[s.Identity.Username]
	if u == nil {
		u = make(map[string]*Session)
		m.byUser[s.Identity.Username] = u
	}
	u[s.Client.ID] = s
	return nil
}

// Touch implements SessionStore.
func (m *MemoryStore) Touch(_ context.Context, tokenHash string, now time.Time, idle time.Duration) (*Session, DetachReason, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.byHash[tokenHash]
	if s == nil {
		return nil, "", ErrNoSession
	}
	if reason := s.ExpiryReason(now); reason != "" {
		m.removeLocked(s)
		return s, reason, nil
	}
	s.LastSeen = now
	s.IdleExpiry = now.Add(idle)
	cp := *s
	return &cp, "", nil
}

// Remove implements SessionStore.
func (m *MemoryStore) Remove(_ context.Context, clientID string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.byID[clientID]
	if s == nil {
		return nil, ErrNoSession
	}
	m.removeLocked(s)
	return s, nil
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
	type aged struct {
		id string
		at time.Time
	}
	all := make([]aged, 0, len(u))
	for id, s := range u {
		all = append(all, aged{id, s.CreatedAt})
	}
	slices.SortFunc(all, func(a, b aged) int { return a.at.Compare(b.at) })
	ids := make([]string, 0, len(all)-keep)
	for _, a := range all[:len(all)-keep] {
		ids = append(ids, a.id)
	}
	return ids, nil
}

// ByUser implements SessionStore.
func (m *MemoryStore) ByUser(_ context.Context, username string) ([]*Session, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Session, 0, len(m.byUser[username]))
	for _, s := range m.byUser[username] {
		cp := *s
		out = append(out, &cp)
	}
	return out, nil
}

// All implements SessionStore.
func (m *MemoryStore) All(_ context.Context) ([]*Session, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Session, 0, len(m.byID))
	for _, s := range m.byID {
		cp := *s
		out = append(out, &cp)
	}
	return out, nil
}

// Expire implements SessionStore.
func (m *MemoryStore) Expire(_ context.Context, now time.Time) ([]*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Session
	for _, s := range m.byID {
		if s.ExpiryReason(now) != "" {
			m.removeLocked(s)
			out = append(out, s)
		}
	}
	return out, nil
}
