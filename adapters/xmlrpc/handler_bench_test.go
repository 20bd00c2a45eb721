package xmlrpc_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"gateway/adapters/xmlrpc"
	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/internal/handlerbench"
	"gateway/wsdl"
)

type anyone struct{}

func (anyone) Authenticate(_ context.Context, c gateway.Credentials) (gateway.Identity, error) {
	return gateway.Identity{Username: c.Username, Groups: []string{"staff"}}, nil
}

// BenchmarkHandlerGetItem is one whole XML-RPC call in process: decode,
// session lookup, checks, the inventory, encode (scenario 1 without the
// network).
func BenchmarkHandlerGetItem(b *testing.B) {
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		b.Fatal(err)
	}
	reg, _ := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: def, AllowGroups: []string{"staff"}, Impl: inventory.New()})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := gateway.New(anyone{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, log, gateway.Config{})
	token, _, err := core.Login(context.Background(), gateway.Credentials{Username: "alice", Password: "x"}, gateway.ClientInfo{Protocol: "xmlrpc"})
	if err != nil {
		b.Fatal(err)
	}
	h := xmlrpc.New(core, xmlrpc.Options{Log: log})
	body := []byte(`<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`)
	handlerbench.Run(b, h, http.MethodPost, "/xmlrpc", body, map[string]string{"Content-Type": "text/xml", "X-Gateway-Session": token}, "Widget")
}
