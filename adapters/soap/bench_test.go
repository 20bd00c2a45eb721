package soap

import (
	"testing"

	"gateway/gateway"
)

var getItemEnvelope = []byte(`<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><gw:Session xmlns:gw="urn:gateway:session">bJ3xq1d0wS8pQmX6yZ2vN4cT7kL9hF5gR0aE8uI1oP3</gw:Session></soap:Header><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`)

func BenchmarkDecodeGetItem(b *testing.B) {
	def := inventory(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(getItemEnvelope)))
	d := &decoder{} // reused, as the handler's pool does
	known := namespacesOf(def)
	for b.Loop() {
		if err := d.reset(getItemEnvelope, 64, known); err != nil {
			b.Fatal(err)
		}
		if _, err := d.request(V11, def); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeGetItem(b *testing.B) {
	def := inventory(b)
	out := def.Operation("GetItem").Output
	v := gateway.Struct{{Name: "item", Value: gateway.Struct{
		{Name: "sku", Value: "A-1"}, {Name: "name", Value: "Widget"}, {Name: "stock", Value: int64(40)}, {Name: "price", Value: 2.5},
	}}}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = appendResponse(buf[:0], V11, out, v, ""); err != nil {
			b.Fatal(err)
		}
	}
}
