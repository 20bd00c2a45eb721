// Package inventory is the demo service: a small stock of items that users
// reserve. Its contract is inventory.wsdl beside this file; reservations
// belong to the caller's perspective, so a reservation made over XML-RPC is
// seen over SOAP and in the portal.
package inventory

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/hooklift/gowsdl/soap"

	"gateway/examples/inventory/invsoap"
	"gateway/gateway"
	"gateway/gateway/xmlbind"
	"gateway/wsdl"
)

// WSDLPath is the contract, relative to the repository root.
const WSDLPath = "examples/inventory/inventory.wsdl"

// contract is the WSDL built into the binary, so that the demo runs from
// any folder with nothing beside it.
//
//go:embed inventory.wsdl
var contract embed.FS

// Definition is the inventory's WSDL, as built into the binary.
func Definition() (*wsdl.Definition, error) {
	return wsdl.LoadFS(contract, "inventory.wsdl")
}

// product is a catalogue entry; the catalogue is fixed, the stock is not.
type product struct {
	sku, name string
	stock     int64 // initial stock
	price     float64
}

var catalogue = []product{
	{"A-1", "Widget", 40, 2.50},
	{"B-2", "Gadget", 5, 19.99},
	{"C-3", "Gizmo", 0, 7.25},
}

func find(sku string) (product, bool) {
	for _, p := range catalogue {
		if p.sku == sku {
			return p, true
		}
	}
	return product{}, false
}

type reservation struct {
	id, sku, owner string
	quantity       int64
	at             time.Time
}

// store keeps the stock and the reservations: in memory for one node, in
// Redis for several (so that every node agrees, and stock never goes below
// zero whichever nodes the reservations come through).
type store interface {
	stock(ctx context.Context) (map[string]int64, error)
	// stockOf is one item's stock: GetItem is the hot call, and reads one
	// field, not the whole table.
	stockOf(ctx context.Context, sku string) (int64, error)
	// reserve takes quantity of sku for owner; it returns the stock left
	// over (ok false: not enough, with the stock available).
	reserve(ctx context.Context, owner, sku string, quantity int64, at time.Time) (r reservation, available int64, ok bool, err error)
	mine(ctx context.Context, owner string) ([]reservation, error)
	// cancel removes owner's reservation id and restores its stock; false
	// when there is no such reservation of owner's.
	cancel(ctx context.Context, owner, id string) (bool, error)
}

// Service is the inventory.
type Service struct {
	now   func() time.Time
	store store
}

// New returns the inventory with the contract's three items, in memory.
// Its methods are the operations of inventory.wsdl, on the types gowsdl
// generated from it (package invsoap): register it with xmlbind.Methods,
// or with Implementation, which binds the same methods without reflection
// on the call's path (what the gateway serves).
func New() *Service { return &Service{now: time.Now, store: newMemoryStore()} }

// Implementation is the service bound to def's operations by
// xmlbind.Operations: each method called directly, as its typed function.
func (s *Service) Implementation(def *wsdl.Definition) (gateway.Implementation, error) {
	return xmlbind.Operations(def, nil,
		xmlbind.FuncNoInput("ListItems", s.ListItems),
		xmlbind.Func("GetItem", s.GetItem),
		xmlbind.Func("Reserve", s.Reserve),
		xmlbind.FuncNoInput("MyReservations", s.MyReservations),
		xmlbind.Func("CancelReservation", s.CancelReservation),
	)
}

// ListItems is every item with its stock.
func (s *Service) ListItems(ctx context.Context, _ *gateway.Call) (*invsoap.ListItemsResponse, error) {
	stock, err := s.store.stock(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	out := &invsoap.ListItemsResponse{Item: make([]*invsoap.Item, 0, len(catalogue))}
	for _, p := range catalogue {
		out.Item = append(out.Item, generated(p, stock[p.sku]))
	}
	return out, nil
}

// GetItem is one item by its SKU.
func (s *Service) GetItem(ctx context.Context, _ *gateway.Call, req *invsoap.GetItem) (*invsoap.GetItemResponse, error) {
	p, ok := find(req.Sku)
	if !ok {
		return nil, unknownItem(req.Sku)
	}
	stock, err := s.store.stockOf(ctx, p.sku)
	if err != nil {
		return nil, unavailable(err)
	}
	return &invsoap.GetItemResponse{Item: generated(p, stock)}, nil
}

// Reserve reserves a quantity for the caller's perspective.
func (s *Service) Reserve(ctx context.Context, call *gateway.Call, req *invsoap.Reserve) (*invsoap.ReserveResponse, error) {
	r, err := s.reserve(ctx, call.Perspective.Name(), req.Sku, int64(req.Quantity))
	if err != nil {
		return nil, err
	}
	return &invsoap.ReserveResponse{Reservation: r.generated()}, nil
}

// MyReservations are the caller's reservations, whichever client made them.
func (s *Service) MyReservations(ctx context.Context, call *gateway.Call) (*invsoap.MyReservationsResponse, error) {
	mine, err := s.store.mine(ctx, call.Perspective.Name())
	if err != nil {
		return nil, unavailable(err)
	}
	out := &invsoap.MyReservationsResponse{Reservation: make([]*invsoap.Reservation, len(mine))}
	for i, r := range mine {
		out.Reservation[i] = r.generated()
	}
	return out, nil
}

// CancelReservation cancels one of the caller's reservations.
func (s *Service) CancelReservation(ctx context.Context, call *gateway.Call, req *invsoap.CancelReservation) (*invsoap.CancelReservationResponse, error) {
	found, err := s.store.cancel(ctx, call.Perspective.Name(), req.Id)
	if err != nil {
		return nil, unavailable(err)
	}
	if !found { // another user's reservation is not yours to know of
		return nil, fault("UnknownReservation", fmt.Sprintf("no reservation %s", req.Id),
			&invsoap.UnknownReservation{Id: req.Id, Message: "no such reservation"})
	}
	return &invsoap.CancelReservationResponse{Cancelled: true}, nil
}

func (s *Service) reserve(ctx context.Context, owner, sku string, quantity int64) (reservation, error) {
	if quantity <= 0 {
		return reservation{}, fault("InvalidQuantity", fmt.Sprintf("quantity must be positive, got %d", quantity),
			&invsoap.InvalidQuantity{Quantity: int32(quantity), Message: "quantity must be positive"})
	}
	if _, ok := find(sku); !ok {
		return reservation{}, unknownItem(sku)
	}
	r, available, ok, err := s.store.reserve(ctx, owner, sku, quantity, s.now().UTC().Truncate(time.Second))
	switch {
	case err != nil:
		return reservation{}, unavailable(err)
	case !ok:
		return reservation{}, fault("OutOfStock", fmt.Sprintf("%s: %d requested, %d available", sku, quantity, available),
			&invsoap.OutOfStock{Sku: sku, Requested: int32(quantity), Available: int32(available), Message: "not enough stock"})
	}
	return r, nil
}

// fault is a WSDL-declared fault whose detail is its generated element.
func fault(name, message string, detail any) error {
	return gateway.AppFault(name, message, xmlbind.ValueOf(detail).(gateway.Struct))
}

func unknownItem(sku string) error {
	return fault("UnknownItem", fmt.Sprintf("no item %s", sku), &invsoap.UnknownItem{Sku: sku, Message: "no such item"})
}

func unavailable(err error) error {
	return gateway.WrapFault(gateway.FaultUnavailable, err, "inventory store unavailable")
}

func generated(p product, stock int64) *invsoap.Item {
	return &invsoap.Item{Sku: p.sku, Name: p.name, Stock: int32(stock), Price: p.price}
}

func (r reservation) generated() *invsoap.Reservation {
	return &invsoap.Reservation{Id: r.id, Sku: r.sku, Quantity: int32(r.quantity), ReservedAt: soap.CreateXsdDateTime(r.at, true)}
}
