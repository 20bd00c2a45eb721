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

	"github.com/hooklift/gowsdl/soap"

	"gateway/examples/inventory/invsoap"
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

// Invoke implements gateway.Implementation. Requests and responses are the
// gowsdl-generated types of inventory.wsdl (package invsoap).
func (s *Service) Invoke(_ context.Context, call *gateway.Call) (gateway.Struct, error) {
	owner := call.Perspective.Name()
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp any
	switch call.Operation.Name {
	case "ListItems":
		out := &invsoap.ListItemsResponse{Item: make([]*invsoap.Item, 0, len(s.order))}
		for _, sku := range s.order {
			out.Item = append(out.Item, s.items[sku].generated())
		}
		resp = out
	case "GetItem":
		var req invsoap.GetItem
		if err := gateway.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		it, err := s.item(req.Sku)
		if err != nil {
			return nil, err
		}
		resp = &invsoap.GetItemResponse{Item: it.generated()}
	case "Reserve":
		var req invsoap.Reserve
		if err := gateway.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		r, err := s.reserve(owner, req.Sku, int64(req.Quantity))
		if err != nil {
			return nil, err
		}
		resp = &invsoap.ReserveResponse{Reservation: r.generated()}
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
		out := &invsoap.MyReservationsResponse{Reservation: make([]*invsoap.Reservation, len(mine))}
		for i, r := range mine {
			out.Reservation[i] = r.generated()
		}
		resp = out
	case "CancelReservation":
		var req invsoap.CancelReservation
		if err := gateway.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		r := s.reservations[req.Id]
		if r == nil || r.owner != owner { // another user's reservation is not yours to know of
			return nil, fault("UnknownReservation", fmt.Sprintf("no reservation %s", req.Id),
				&invsoap.UnknownReservation{Id: req.Id, Message: "no such reservation"})
		}
		delete(s.reservations, req.Id)
		s.items[r.sku].stock += r.quantity
		resp = &invsoap.CancelReservationResponse{Cancelled: true}
	default:
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "inventory has no operation %s", call.Operation.Name)
	}
	return gateway.ValueOf(resp).(gateway.Struct), nil
}

// fault is a WSDL-declared fault whose detail is its generated element.
func fault(name, message string, detail any) error {
	return gateway.AppFault(name, message, gateway.ValueOf(detail).(gateway.Struct))
}

func (s *Service) item(sku string) (*item, error) {
	it := s.items[sku]
	if it == nil {
		return nil, fault("UnknownItem", fmt.Sprintf("no item %s", sku), &invsoap.UnknownItem{Sku: sku, Message: "no such item"})
	}
	return it, nil
}

func (s *Service) reserve(owner, sku string, quantity int64) (*reservation, error) {
	if quantity <= 0 {
		return nil, fault("InvalidQuantity", fmt.Sprintf("quantity must be positive, got %d", quantity),
			&invsoap.InvalidQuantity{Quantity: int32(quantity), Message: "quantity must be positive"})
	}
	it, err := s.item(sku)
	if err != nil {
		return nil, err
	}
	if it.stock < quantity {
		return nil, fault("OutOfStock", fmt.Sprintf("%s: %d requested, %d available", sku, quantity, it.stock),
			&invsoap.OutOfStock{Sku: sku, Requested: int32(quantity), Available: int32(it.stock), Message: "not enough stock"})
	}
	it.stock -= quantity
	s.nextID++
	r := &reservation{id: fmt.Sprintf("R-%d", s.nextID), sku: sku, owner: owner, quantity: quantity, at: s.now().UTC().Truncate(time.Second)}
	s.reservations[r.id] = r
	return r, nil
}

func (it *item) generated() *invsoap.Item {
	return &invsoap.Item{Sku: it.sku, Name: it.name, Stock: int32(it.stock), Price: it.price}
}

func (r *reservation) generated() *invsoap.Reservation {
	return &invsoap.Reservation{Id: r.id, Sku: r.sku, Quantity: int32(r.quantity), ReservedAt: soap.CreateXsdDateTime(r.at, true)}
}
