// Package inventory is the demo service: a small stock of items that users
// reserve. Its contract is inventory.wsdl beside this file; reservations
// belong to the caller's perspective, so a reservation made over XML-RPC is
// seen over SOAP and in the portal.
package inventory

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"gateway/gateway"
)

// WSDLPath is the contract, relative to the repository root.
const WSDLPath = "examples/inventory/inventory.wsdl"

type item struct {
	sku, name string
	stock     int64
	price     float64
}

type reservation struct {
	id, sku, owner string
	quantity       int64
	at             time.Time
}

// Service is the in-memory inventory.
type Service struct {
	now          func() time.Time
	mu           sync.Mutex
	items        map[string]*item
	order        []string // SKUs in catalogue order
	reservations map[string]*reservation
	nextID       int
}

// New returns the inventory with the contract's three items.
func New() *Service {
	s := &Service{now: time.Now, items: make(map[string]*item), reservations: make(map[string]*reservation)}
	for _, it := range []item{
		{"A-1", "Widget", 40, 2.50},
		{"B-2", "Gadget", 5, 19.99},
		{"C-3", "Gizmo", 0, 7.25},
	} {
		s.items[it.sku] = &it
		s.order = append(s.order, it.sku)
	}
	return s
}

// Invoke implements gateway.Implementation.
func (s *Service) Invoke(_ context.Context, call *gateway.Call) (gateway.Struct, error) {
	owner := call.Perspective.Name()
	p := call.Params
	s.mu.Lock()
	defer s.mu.Unlock()
	switch call.Operation.Name {
	case "ListItems":
		list := make([]any, 0, len(s.order))
		for _, sku := range s.order {
			list = append(list, s.items[sku].value())
		}
		return gateway.Struct{{Name: "item", Value: list}}, nil
	case "GetItem":
		it, err := s.item(p.String("sku"))
		if err != nil {
			return nil, err
		}
		return gateway.Struct{{Name: "item", Value: it.value()}}, nil
	case "Reserve":
		return s.reserve(owner, p.String("sku"), p.Int("quantity"))
	case "MyReservations":
		var mine []*reservation
		for _, r := range s.reservations {
			if r.owner == owner {
				mine = append(mine, r)
			}
		}
		sort.Slice(mine, func(i, j int) bool {
			return mine[i].at.Before(mine[j].at) || mine[i].at.Equal(mine[j].at) && mine[i].id < mine[j].id
		})
		list := make([]any, len(mine))
		for i, r := range mine {
			list[i] = r.value()
		}
		return gateway.Struct{{Name: "reservation", Value: list}}, nil
	case "CancelReservation":
		id := p.String("id")
		r := s.reservations[id]
		if r == nil || r.owner != owner { // another user's reservation is not yours to know of
			return nil, gateway.AppFault("UnknownReservation", fmt.Sprintf("no reservation %s", id),
				gateway.Struct{{Name: "id", Value: id}, {Name: "message", Value: "no such reservation"}})
		}
		delete(s.reservations, id)
		s.items[r.sku].stock += r.quantity
		return gateway.Struct{{Name: "cancelled", Value: true}}, nil
	}
	return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "inventory has no operation %s", call.Operation.Name)
}

func (s *Service) item(sku string) (*item, error) {
	it := s.items[sku]
	if it == nil {
		return nil, gateway.AppFault("UnknownItem", fmt.Sprintf("no item %s", sku),
			gateway.Struct{{Name: "sku", Value: sku}, {Name: "message", Value: "no such item"}})
	}
	return it, nil
}

func (s *Service) reserve(owner, sku string, quantity int64) (gateway.Struct, error) {
	if quantity <= 0 {
		return nil, gateway.AppFault("InvalidQuantity", fmt.Sprintf("quantity must be positive, got %d", quantity),
			gateway.Struct{{Name: "quantity", Value: quantity}, {Name: "message", Value: "quantity must be positive"}})
	}
	it, err := s.item(sku)
	if err != nil {
		return nil, err
	}
	if it.stock < quantity {
		return nil, gateway.AppFault("OutOfStock", fmt.Sprintf("%s: %d requested, %d available", sku, quantity, it.stock),
			gateway.Struct{{Name: "sku", Value: sku}, {Name: "requested", Value: quantity},
				{Name: "available", Value: it.stock}, {Name: "message", Value: "not enough stock"}})
	}
	it.stock -= quantity
	s.nextID++
	r := &reservation{id: fmt.Sprintf("R-%d", s.nextID), sku: sku, owner: owner, quantity: quantity, at: s.now().UTC().Truncate(time.Second)}
	s.reservations[r.id] = r
	return gateway.Struct{{Name: "reservation", Value: r.value()}}, nil
}

func (it *item) value() gateway.Struct {
	return gateway.Struct{{Name: "sku", Value: it.sku}, {Name: "name", Value: it.name},
		{Name: "stock", Value: it.stock}, {Name: "price", Value: it.price}}
}

func (r *reservation) value() gateway.Struct {
	return gateway.Struct{{Name: "id", Value: r.id}, {Name: "sku", Value: r.sku},
		{Name: "quantity", Value: r.quantity}, {Name: "reservedAt", Value: r.at}}
}
