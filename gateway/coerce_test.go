package gateway_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

func TestCheckInput(t *testing.T) {
	def, err := wsdl.Load("../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	reserve := def.Operation("Reserve").Input
	cases := []struct {
		name   string
		params gateway.Struct
		errHas string // "" for success
	}{
		{"valid", gateway.Struct{{Name: "quantity", Value: int64(2)}, {Name: "sku", Value: "A-1"}}, ""},
		{"missing", gateway.Struct{{Name: "sku", Value: "A-1"}}, "missing required parameter quantity"},
		{"nil for required", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: nil}}, "missing required parameter quantity"},
		{"unknown member", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}, {Name: "color", Value: "red"}}, "unknown parameter color"},
		{"string for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: "2"}}, "quantity: expected int, got string"},
		{"int for string", gateway.Struct{{Name: "sku", Value: int64(1)}, {Name: "quantity", Value: int64(1)}}, "sku: expected string, got int"},
		{"out of int range", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1) << 40}}, "out of range"},
		{"struct for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: gateway.Struct{}}}, "expected int, got struct"},
		{"date for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: time.Now()}}, "expected int, got dateTime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := gateway.CheckInput(reserve, c.params)
			if c.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				if out[0].Name != "sku" || out[1].Name != "quantity" {
					t.Errorf("not in schema order: %v", out)
				}
				return
			}
			if !errors.Is(err, gateway.ErrInvalidParams) || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("want InvalidParams %q, got %v", c.errHas, err)
			}
		})
	}
}
