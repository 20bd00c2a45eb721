package handlerbench

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/wsdl"
)

// anyone lets every user in, as staff: the benchmarks measure a call, not
// a directory.
type anyone struct{}

func (anyone) Authenticate(_ context.Context, c gateway.Credentials) (gateway.Identity, error) {
	return gateway.Identity{Username: c.Username, Groups: []string{"staff"}}, nil
}

// Inventory is a core serving the demo inventory (its WSDL at wsdlPath),
// logging nowhere, with one session of alice's over protocol; it returns
// the core, the session's token and the logger for the handler.
func Inventory(b testing.TB, wsdlPath, protocol string) (*gateway.Core, string, *slog.Logger) {
	b.Helper()
	def, err := wsdl.Load(wsdlPath)
	if err != nil {
		b.Fatal(err)
	}
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: def, AllowGroups: []string{"staff"}, Impl: mustImplementation(b, def)})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := gateway.New(anyone{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, log, gateway.Config{})
	token, _, err := core.Login(context.Background(), gateway.Credentials{Username: "alice", Password: "x"}, gateway.ClientInfo{Protocol: protocol})
	if err != nil {
		b.Fatal(err)
	}
	return core, token, log
}

// mustImplementation is the inventory as the gateway serves it.
func mustImplementation(b testing.TB, def *wsdl.Definition) gateway.Implementation {
	impl, err := inventory.New().Implementation(def)
	if err != nil {
		b.Fatal(err)
	}
	return impl
}
