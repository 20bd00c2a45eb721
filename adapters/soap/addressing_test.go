package soap

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	inventorysvc "gateway/examples/inventory"
	"gateway/gateway"
	"gateway/gateway/gatewaytest"
	"gateway/gateway/xmlbind"
)

// TestAddressing: WS-Addressing in both its versions, on answers and
// faults, and what is refused.
func TestAddressing(t *testing.T) {
	def := inventory(t)
	core := gatewaytest.New(t, gatewaytest.Users{"bob": {Password: "pw", Groups: []string{"staff"}}},
		&gateway.Service{Name: "inventory", Definition: def, Impl: xmlbind.MustMethods(def, inventorysvc.New())})
	h, err := New(core, Options{})
	if err != nil {
		t.Fatal(err)
	}
	call := func(ns, headers, body string) (int, string) {
		env := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="` + ns + `"><s:Header>` + headers +
			`</s:Header><s:Body><m:` + body + `</s:Body></s:Envelope>`
		req := httptest.NewRequest(http.MethodPost, "/soap/inventory", strings.NewReader(env))
		req.Header.Set("Content-Type", "text/xml")
		req.SetBasicAuth("bob", "pw")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out, _ := io.ReadAll(rec.Body)
		return rec.Code, string(out)
	}
	const getItem = `GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem>`
	const unknown = `GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>Z-9</m:sku></m:GetItem>`
	for _, c := range []struct {
		name, ns, headers, body string
		status                  int
		want, not               []string
	}{
		{"1.0 answer", NSWSA, `<wsa:Action>urn:gateway:examples:inventory:InventoryPortType:GetItemRequest</wsa:Action><wsa:MessageID>urn:uuid:m1</wsa:MessageID>`, getItem, 200,
			[]string{`>urn:gateway:examples:inventory:InventoryPortType:GetItemResponse</wsa:Action>`, `<wsa:RelatesTo xmlns:wsa="` + NSWSA + `">urn:uuid:m1</wsa:RelatesTo>`,
				`>` + NSWSA + `/anonymous</wsa:To>`, `Widget`}, nil},
		{"2004/08 answer", NSWSA2004, `<wsa:MessageID>uuid:m2</wsa:MessageID><wsa:ReplyTo><wsa:Address>` + NSWSA2004 + `/role/anonymous</wsa:Address></wsa:ReplyTo>`, getItem, 200,
			[]string{`<wsa:RelatesTo xmlns:wsa="` + NSWSA2004 + `">uuid:m2</wsa:RelatesTo>`, `>` + NSWSA2004 + `/role/anonymous</wsa:To>`}, nil},
		{"a fault", NSWSA, `<wsa:MessageID>urn:uuid:m3</wsa:MessageID>`, unknown, 500,
			[]string{`>` + NSWSA + `/fault</wsa:Action>`, `>urn:uuid:m3</wsa:RelatesTo>`, `UnknownItem`}, nil},
		{"ReplyTo none is anonymous enough", NSWSA, `<wsa:ReplyTo><wsa:Address>` + NSWSA + `/none</wsa:Address></wsa:ReplyTo>`, getItem, 200, []string{`Widget`}, nil},
		{"ReplyTo elsewhere", NSWSA, `<wsa:MessageID>urn:uuid:m4</wsa:MessageID><wsa:ReplyTo><wsa:Address>http://elsewhere.example/</wsa:Address></wsa:ReplyTo>`, getItem, 500,
			[]string{`only the anonymous address`, `>urn:uuid:m4</wsa:RelatesTo>`}, []string{`Widget`}},
		{"FaultTo elsewhere", NSWSA, `<wsa:FaultTo><wsa:Address>http://elsewhere.example/</wsa:Address></wsa:FaultTo>`, getItem, 500, []string{`only the anonymous address`}, nil},
		{"an action naming another operation", NSWSA, `<wsa:Action>urn:gateway:examples:inventory/Reserve</wsa:Action>`, getItem, 500,
			[]string{`names operation Reserve but the body is GetItem`}, nil},
		{"an unknown action passes", NSWSA, `<wsa:Action>http://client.example/whatever</wsa:Action>`, getItem, 200, []string{`Widget`}, nil},
		{"no addressing, no addressed answer", NSWSA, ``, getItem, 200, []string{`Widget`}, []string{`RelatesTo`, `wsa:Action`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, out := call(c.ns, c.headers, c.body)
			if status != c.status {
				t.Fatalf("status %d: %s", status, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %s in\n%s", w, out)
				}
			}
			for _, n := range c.not {
				if strings.Contains(out, n) {
					t.Errorf("%s in\n%s", n, out)
				}
			}
		})
	}
}
