package inventory

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// memoryStore is the single-node store.
type memoryStore struct {
	mu           sync.Mutex
	stockBySKU   map[string]int64
	reservations map[string]reservation
	nextID       int
}

func newMemoryStore() *memoryStore {
	m := &memoryStore{stockBySKU: map[string]int64{}, reservations: map[string]reservation{}}
	for _, p := range catalogue {
		m.stockBySKU[p.sku] = p.stock
	}
	return m
}

func (m *memoryStore) stockOf(_ context.Context, sku string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stockBySKU[sku], nil
}

func (m *memoryStore) stock(context.Context) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]int64, len(m.stockBySKU))
	for k, v := range m.stockBySKU {
		out[k] = v
	}
	return out, nil
}

func (m *memoryStore) reserve(_ context.Context, owner, sku string, quantity int64, at time.Time) (reservation, int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stockBySKU[sku] < quantity {
		return reservation{}, m.stockBySKU[sku], false, nil
	}
	m.stockBySKU[sku] -= quantity
	m.nextID++
	r := reservation{id: fmt.Sprintf("R-%d", m.nextID), sku: sku, owner: owner, quantity: quantity, at: at}
	m.reservations[r.id] = r
	return r, m.stockBySKU[sku], true, nil
}

func (m *memoryStore) mine(_ context.Context, owner string) ([]reservation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []reservation
	for _, r := range m.reservations {
		if r.owner == owner {
			out = append(out, r)
		}
	}
	sortReservations(out)
	return out, nil
}

func sortReservations(rs []reservation) {
	sort.Slice(rs, func(i, j int) bool {
		return rs[i].at.Before(rs[j].at) || rs[i].at.Equal(rs[j].at) && idNumber(rs[i].id) < idNumber(rs[j].id)
	})
}

func idNumber(id string) int {
	n := 0
	fmt.Sscanf(id, "R-%d", &n)
	return n
}

func (m *memoryStore) cancel(_ context.Context, owner, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.reservations[id]
	if !ok || r.owner != owner {
		return false, nil
	}
	delete(m.reservations, id)
	m.stockBySKU[r.sku] += r.quantity
	return true, nil
}
