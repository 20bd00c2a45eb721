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

var _ gateway.Implementation = (*Service)(nil)

// New returns the inventory with the contract's three items, in memory.
func New() *Service { return &Service{now: time.Now, store: newMemoryStore()} }

// Invoke implements gateway.Implementation. Requests and responses are the
// gowsdl-generated types of inventory.wsdl (package invsoap).
func (s *Service) Invoke(ctx context.Context, call *gateway.Call) (gateway.Struct, error) {
	owner := call.Perspective.Name()
	var resp any
	switch call.Operation.Name {
	case "ListItems":
		stock, err := s.store.stock(ctx)
		if err != nil {
			return nil, unavailable(err)
		}
		out := &invsoap.ListItemsResponse{Item: make([]*invsoap.Item, 0, len(catalogue))}
		for _, p := range catalogue {
			out.Item = append(out.Item, generated(p, stock[p.sku]))
		}
		resp = out
	case "GetItem":
		var req invsoap.GetItem
		if err := xmlbind.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		p, ok := find(req.Sku)
		if !ok {
			return nil, unknownItem(req.Sku)
		}
		stock, err := s.store.stockOf(ctx, p.sku)
		if err != nil {
			return nil, unavailable(err)
		}
		resp = &invsoap.GetItemResponse{Item: generated(p, stock)}
	case "Reserve":
		var req invsoap.Reserve
		if err := xmlbind.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		r, err := s.reserve(ctx, owner, req.Sku, int64(req.Quantity))
		if err != nil {
			return nil, err
		}
		resp = &invsoap.ReserveResponse{Reservation: r.generated()}
	case "MyReservations":
		mine, err := s.store.mine(ctx, owner)
		if err != nil {
			return nil, unavailable(err)
		}
		out := &invsoap.MyReservationsResponse{Reservation: make([]*invsoap.Reservation, len(mine))}
		for i, r := range mine {
			out.Reservation[i] = r.generated()
		}
		resp = out
	case "CancelReservation":
		var req invsoap.CancelReservation
		if err := xmlbind.Bind(call.Params, &req); err != nil {
			return nil, err
		}
		found, err := s.store.cancel(ctx, owner, req.Id)
		if err != nil {
			return nil, unavailable(err)
		}
		if !found { // another user's reservation is not yours to know of
			return nil, fault("UnknownReservation", fmt.Sprintf("no reservation %s", req.Id),
				&invsoap.UnknownReservation{Id: req.Id, Message: "no such reservation"})
		}
		resp = &invsoap.CancelReservationResponse{Cancelled: true}
	default:
		return nil, gateway.NewFault(gateway.FaultNoSuchMethod, "inventory has no operation %s", call.Operation.Name)
	}
	return xmlbind.ValueOf(resp).(gateway.Struct), nil
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
