//go:build !nodemo

package main

import (
	"context"

	"gateway/examples/inventory"
	"gateway/gateway"
	"gateway/wsdl"
)

// The demo: the inventory service, which the embedded defaults publish.
// Build with -tags nodemo for a binary without it (its defaults then
// publish nothing, and a configuration must name the services).
func init() {
	registerBuiltin("inventory", builtin{
		make: func(ctx context.Context, d deps, def *wsdl.Definition) (gateway.Implementation, error) {
			svc := inventory.New()
			if d.redis != nil {
				var err error
				if svc, err = inventory.NewRedis(ctx, d.redis); err != nil {
					return nil, err
				}
			}
			return svc.Implementation(def)
		},
		definition: inventory.Definition,
	})
	demoServices = []ServiceConfig{{Name: "inventory", Builtin: "inventory", AllowGroups: []string{"staff"}}}
}
