package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"gateway/gateway"
	"gateway/internal/handlerbench"
)

// BenchmarkAppGetItem is one authenticated GetItem through the gateway's
// whole handler, as the binary serves it on its embedded defaults (request
// ID, mux, Prometheus metrics, the front end, the core, the demo inventory):
// the gateway's own per-request work, without net/http's connection serving
// and system calls. Its CPU and allocation profiles are what scenario 1, 2
// and 9 of make bench add above the ceiling.
func BenchmarkAppGetItem(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := build(context.Background(), defaultConfig(), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.close)
	token := func(protocol string) string {
		tok, _, err := a.core.Login(context.Background(), gateway.Credentials{Username: "alice", Password: "wonderland"},
			gateway.ClientInfo{Protocol: protocol})
		if err != nil {
			b.Fatal(err)
		}
		return tok
	}
	// The requests of make bench's scenarios 1, 2, 2b, 3 and 9 (the token in the
	// HTTP header, or SOAP's session header).
	getItem := `<methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`
	multicall := `<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>` +
		strings.Repeat(`<value><struct><member><name>methodName</name><value><string>inventory.GetItem</string></value></member><member><name>params</name><value><array><data><value><string>A-1</string></value></data></array></value></member></struct></value>`, 10) +
		`</data></array></value></param></params></methodCall>`
	cases := []struct {
		name, target, protocol string
		body                   func(token string) string
	}{
		{"xmlrpc", "/xmlrpc", "xmlrpc", func(string) string { return `<?xml version="1.0"?>` + getItem }},
		{"soap", "/soap/inventory", "soap", func(token string) string {
			return `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><gw:Session xmlns:gw="urn:gateway:session">` +
				token + `</gw:Session></soap:Header><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`
		}},
		{"soaplist", "/soap/inventory", "soap", func(token string) string { // scenario 2b: the multi-element answer
			return `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><gw:Session xmlns:gw="urn:gateway:session">` +
				token + `</gw:Session></soap:Header><soap:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></soap:Body></soap:Envelope>`
		}},
		{"json", "/api/inventory/GetItem", "json", func(string) string { return `{"sku":"A-1"}` }},
		{"multicall10", "/xmlrpc", "xmlrpc", func(string) string { return multicall }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			tok := token(c.protocol)
			body := c.body(tok)
			contentType := "text/xml"
			if strings.HasPrefix(body, "{") {
				contentType = "application/json"
			}
			headers := map[string]string{"Content-Type": contentType}
			if c.protocol != "soap" {
				headers["X-Gateway-Session"] = tok
			}
			handlerbench.Run(b, a.handler, http.MethodPost, c.target, []byte(body), headers, "Widget")
		})
	}
}
