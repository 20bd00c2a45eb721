package inventory_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/wsdl"
)

// call invokes an operation the way the core does, for a user.
type caller struct {
	svc *inventory.Service
	def *wsdl.Definition
}

func (c caller) do(user, op string, params gateway.Struct) (gateway.Struct, error) {
	p := gateway.NewPerspectiveForTest(gateway.Identity{Username: user})
	return c.svc.Invoke(context.Background(), &gateway.Call{Operation: c.def.Operation(op), Params: params, Perspective: p})
}

func newCaller(t *testing.T) caller {
	def, err := wsdl.Load("inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	return caller{inventory.New(), def}
}

func appName(err error) string {
	var f *gateway.Fault
	if errors.As(err, &f) && f.Kind == gateway.FaultApplication {
		return f.Name
	}
	return ""
}

func TestReserveAndCancel(t *testing.T) {
	c := newCaller(t)
	res, err := c.do("alice", "Reserve", gateway.Struct{{Name: "sku", Value: "B-2"}, {Name: "quantity", Value: int64(5)}})
	if err != nil {
		t.Fatal(err)
	}
	id := res[0].Value.(gateway.Struct).String("id")
	if _, err := c.do("bob", "Reserve", gateway.Struct{{Name: "sku", Value: "B-2"}, {Name: "quantity", Value: int64(1)}}); appName(err) != "OutOfStock" {
		t.Errorf("reserve beyond stock: %v", err)
	}
	if _, err := c.do("bob", "CancelReservation", gateway.Struct{{Name: "id", Value: id}}); appName(err) != "UnknownReservation" {
		t.Errorf("bob cancels alice's reservation: %v", err)
	}
	if _, err := c.do("alice", "CancelReservation", gateway.Struct{{Name: "id", Value: id}}); err != nil {
		t.Fatal(err)
	}
	item, _ := c.do("alice", "GetItem", gateway.Struct{{Name: "sku", Value: "B-2"}})
	if stock := item[0].Value.(gateway.Struct).Int("stock"); stock != 5 {
		t.Errorf("stock after cancel = %d", stock)
	}
	for _, q := range []int64{0, -1} {
		if _, err := c.do("alice", "Reserve", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: q}}); appName(err) != "InvalidQuantity" {
			t.Errorf("quantity %d: %v", q, err)
		}
	}
	if _, err := c.do("alice", "GetItem", gateway.Struct{{Name: "sku", Value: "Z-9"}}); appName(err) != "UnknownItem" {
		t.Errorf("Z-9: %v", err)
	}
}

func TestConcurrentReservationsNeverOversell(t *testing.T) {
	c := newCaller(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.do("bob", "Reserve", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}}); err == nil {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if granted != 40 {
		t.Errorf("granted %d reservations of a stock of 40", granted)
	}
	mine, _ := c.do("bob", "MyReservations", nil)
	if n := len(mine[0].Value.([]any)); n != 40 {
		t.Errorf("bob has %d reservations", n)
	}
}
