package xmlrpc

import (
	"testing"
	"time"

	"gateway/gateway"
)

var getItemCall = []byte(`<?xml version="1.0"?>
<methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`)

var itemResult = gateway.Struct{{Name: "item", Value: gateway.Struct{
	{Name: "sku", Value: "A-1"}, {Name: "name", Value: "Widget"}, {Name: "stock", Value: int64(40)}, {Name: "price", Value: 2.5},
}}}

func BenchmarkDecodeGetItem(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(getItemCall)))
	sc := &scanner{} // reused, as the handler's pool does
	for b.Loop() {
		if _, _, err := sc.decodeCall(getItemCall, 64); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeItem(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		var err error
		if buf, err = AppendResponse(buf[:0], itemResult); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeReservations100(b *testing.B) {
	list := make([]any, 100)
	for i := range list {
		list[i] = gateway.Struct{{Name: "id", Value: "R-1"}, {Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(3)}, {Name: "reservedAt", Value: time.Unix(0, 0)}}
	}
	v := gateway.Struct{{Name: "reservation", Value: list}}
	b.ReportAllocs()
	buf := make([]byte, 0, 64<<10)
	for b.Loop() {
		var err error
		if buf, err = AppendResponse(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}
