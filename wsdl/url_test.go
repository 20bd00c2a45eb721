package wsdl_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"gateway/wsdl"
)

// TestLoadURL: a WSDL served over HTTPS behind Basic auth and a client
// certificate loads with its relative schema import, and publishes with no
// trace of the upstream's host.
func TestLoadURL(t *testing.T) {
	wsdlText, err := os.ReadFile("../conformance/wsdls/cxf-rpc-literal.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	// The same service with its types in an imported schema.
	withImport := strings.Replace(string(wsdlText), `<wsdl:types>`, `<wsdl:types><xsd:schema targetNamespace="urn:corpus:cxf:orders:import"><xsd:import namespace="urn:corpus:cxf:extra" schemaLocation="types/extra.xsd"/></xsd:schema>`, 1)
	extra := `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:corpus:cxf:extra"><xs:element name="Unused" type="xs:string"/></xs:schema>`
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "svc" || p != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/ws/orders":
			w.Write([]byte(withImport))
		case "/ws/types/extra.xsd":
			w.Write([]byte(extra))
		default:
			http.NotFound(w, r)
		}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	// The test server's own certificate serves as the client's, too.
	client.Transport.(*http.Transport).TLSClientConfig.Certificates = srv.TLS.Certificates
	client.Transport.(*http.Transport).TLSClientConfig.RootCAs = x509.NewCertPool()
	client.Transport.(*http.Transport).TLSClientConfig.RootCAs.AddCert(srv.Certificate())

	if _, err := wsdl.LoadURL(context.Background(), srv.URL+"/ws/orders?wsdl", client, "svc", "wrong"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong password: %v", err)
	}
	def, err := wsdl.LoadURL(context.Background(), srv.URL+"/ws/orders?wsdl", client, "svc", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if def.Operation("placeOrder") == nil {
		t.Fatal("no placeOrder")
	}
	pub, err := wsdl.Publish(def)
	if err != nil {
		t.Fatal(err)
	}
	text := string(pub.WSDL("https://gw.example/soap/orders"))
	if strings.Contains(text, strings.TrimPrefix(srv.URL, "https://")) || strings.Contains(text, "cxf.example") || !strings.Contains(text, `schemaLocation="https://gw.example/soap/orders?xsd=1"`) {
		t.Errorf("published:\n%s", text)
	}
	if x, ok := pub.Import("xsd", 1, "https://gw.example/soap/orders"); !ok || !strings.Contains(string(x), "Unused") {
		t.Errorf("imported schema: %s", x)
	}
}
