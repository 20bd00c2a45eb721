package inventory_test

import (
	"errors"
	"sync"
	"testing"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/gateway/gatewaytest"
	"gateway/gateway/xmlbind"
	"gateway/wsdl"
)

// caller invokes the inventory's operations the way the core does, for a
// user: through a real core (gatewaytest).
type caller struct {
	t    *testing.T
	core *gateway.Core
}

func (c caller) do(user, op string, params gateway.Struct) (gateway.Struct, error) {
	return gatewaytest.Call(c.t, c.core, user, "inventory", op, params)
}

func newCaller(t *testing.T) caller {
	def, err := wsdl.Load("inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	users := gatewaytest.Users{}
	for _, u := range []string{"alice", "bob", "carol"} {
		users[u] = gatewaytest.User{Password: u + "-pw"}
	}
	return caller{t, gatewaytest.New(t, users, &gateway.Service{Name: "inventory", Definition: def, Impl: xmlbind.MustMethods(def, inventory.New())})}
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
