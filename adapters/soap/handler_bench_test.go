package soap

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	inventorysvc "gateway/examples/inventory"
	"gateway/gateway"
	"gateway/internal/handlerbench"
)

type anyone struct{}

func (anyone) Authenticate(_ context.Context, c gateway.Credentials) (gateway.Identity, error) {
	return gateway.Identity{Username: c.Username, Groups: []string{"staff"}}, nil
}

// BenchmarkHandlerGetItem is one whole SOAP 1.1 call in process: decode,
// session header, checks, the inventory, encode (scenario 2 without the
// network).
func BenchmarkHandlerGetItem(b *testing.B) {
	reg, err := gateway.NewRegistry(&gateway.Service{Name: "inventory", Definition: inventory(b), AllowGroups: []string{"staff"}, Impl: inventorysvc.New()})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := gateway.New(anyone{}, gateway.NewMemoryStore(), gateway.NewMemoryEventLog(0), reg, log, gateway.Config{})
	token, _, err := core.Login(context.Background(), gateway.Credentials{Username: "alice", Password: "x"}, gateway.ClientInfo{Protocol: "soap"})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(core, Options{Log: log})
	if err != nil {
		b.Fatal(err)
	}
	body := strings.Replace(string(getItemEnvelope), "bJ3xq1d0wS8pQmX6yZ2vN4cT7kL9hF5gR0aE8uI1oP3", token, 1)
	handlerbench.Run(b, h, http.MethodPost, "/soap/inventory", []byte(body), map[string]string{"Content-Type": "text/xml"}, "Widget")
}
