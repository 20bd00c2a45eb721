package jsonapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestResponsesMatchTheDocument: every answer of a set of calls (results,
// faults, session calls) is valid against the OpenAPI document the gateway
// publishes for it, and so is every request.
func TestResponsesMatchTheDocument(t *testing.T) {
	srv := server(t, "../../conformance/wsdls/iso20022-payments.wsdl", "../../conformance/wsdls/hl7v3-choices.wsdl")
	resp, err := http.Get(srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromIoReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	// The validator does look at bodies: an item whose stock is a string
	// is refused.
	req, _ := http.NewRequest("POST", srv.URL+"/api/inventory/GetItem", strings.NewReader(`{"sku":"A-1"}`))
	req.Header.Set("Content-Type", "application/json")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	bad := &openapi3filter.ResponseValidationInput{RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"item":{"sku":"A-1","stock":"many"}}`))}
	if err := openapi3filter.ValidateResponse(t.Context(), bad); err == nil {
		t.Fatal("a wrong answer passed the validator: the test would prove nothing")
	}
	auth := basic("bob", "builder")
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/inventory/GetItem", `{"sku":"A-1"}`},
		{"POST", "/api/inventory/ListItems", `{}`},
		{"POST", "/api/inventory/Reserve", `{"sku":"A-1","quantity":2}`},
		{"POST", "/api/inventory/MyReservations", `{}`},
		{"POST", "/api/inventory/GetItem", `{"sku":"Z-9"}`},
		{"POST", "/api/inventory/Reserve", `{"sku":"A-1","quantity":"x"}`},
		{"POST", "/api/hl7v3-choices/PRPA_IN201305", `{"patient":{"id":"P-1"},"act":{"code":"A","observationCode":["bp"],"observationValue":["120.5"]}}`},
		{"POST", "/api/iso20022-payments/Initiate", `{"CstmrCdtTrfInitn":{"MsgId":"M1","CreDtTm":"2026-11-30T10:00:00Z","ReqdExctnDt":"2026-12-01","Dbtr":{},"CdtTrfTxInf":[{"EndToEndId":"E","InstdAmt":{"_value":"12.50","Ccy":"EUR"},"Cdtr":{},"CdtrAcct":"DE89370400440532013000"}]}}`},
		{"GET", "/api/session/whoami", ``},
		{"GET", "/api/session/events?since=0&wait=0", ``},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set(auth[0], auth[1])
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: no route in the document: %v", c.method, c.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if c.body != "" && !strings.Contains(c.body, `"x"`) {
			if err := openapi3filter.ValidateRequest(t.Context(), in); err != nil {
				t.Errorf("%s %s: the request does not match the document: %v", c.method, c.path, err)
			}
			req.Body = io.NopCloser(strings.NewReader(c.body))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(body))}
		if err := openapi3filter.ValidateResponse(t.Context(), out); err != nil {
			t.Errorf("%s %s: %d %s\ndoes not match the document: %v", c.method, c.path, resp.StatusCode, body, err)
		}
	}
}
