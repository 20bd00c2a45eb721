// Package soap_test drives the built gateway binary over loopback with real
// SOAP clients from Debian's packages: zeep, suds, PHP's SoapClient, Perl's
// SOAP::Lite, gSOAP's wsdl2h and xmllint, and raw HTTP for the SOAP-level
// faults.
package soap_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	gosoap "github.com/hooklift/gowsdl/soap"

	"gateway/conformance/harness"
	"gateway/examples/inventory/invsoap"
)

func TestMain(m *testing.M) { harness.Main(m) }

func binary(t *testing.T) string { return harness.Binary(t) }

func need(t *testing.T, cmd string) string {
	t.Helper()
	p, err := exec.LookPath(cmd)
	if err != nil {
		t.Fatalf("%s is not installed (make test installs it): %v", cmd, err)
	}
	return p
}

func runClient(t *testing.T, interpreter string, script string, url string) {
	t.Helper()
	out, err := exec.Command(interpreter, filepath.Join("clients", script), url).CombinedOutput()
	t.Log(string(out))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	if !strings.Contains(string(out), "all checks passed") {
		t.Fatalf("%s did not finish", script)
	}
}

func TestZeep(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	runClient(t, harness.Python(t), "zeep_client.py", gw.URL)
}

// TestZeepWSAddressing: zeep addresses its calls (from the published
// WSDL's actions, and with its WsAddressingPlugin) and reads addressed
// answers and faults over SOAP 1.1 and 1.2.
func TestZeepWSAddressing(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	runClient(t, harness.Python(t), "zeep_wsa.py", gw.URL)
}

func TestSuds(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	runClient(t, harness.Python(t), "suds_client.py", gw.URL)
}

func TestPHPSoapClient(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	runClient(t, need(t, "php"), "php_client.php", gw.URL)
}

func TestSOAPLite(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	runClient(t, need(t, "perl"), "soaplite_client.pl", gw.URL)
}

func get(t *testing.T, url string, header ...string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestGSOAPReadsPublishedWSDL(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	wsdl2h := need(t, "wsdl2h")
	for _, svc := range []string{"inventory", "session"} {
		dir := t.TempDir()
		cmd := exec.Command(wsdl2h, "-o", filepath.Join(dir, svc+".h"), gw.URL+"/soap/"+svc+"?wsdl")
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "Error") {
			t.Fatalf("wsdl2h %s: %v\n%s", svc, err, out)
		}
		header, err := os.ReadFile(filepath.Join(dir, svc+".h"))
		if err != nil || !bytes.Contains(header, []byte("Session")) {
			t.Errorf("wsdl2h output for %s lacks the Session header: %v", svc, err)
		}
	}
}

// TestPublishedWSDL checks the address rewrite, the SOAP 1.2 binding and
// the session header, and validates a request with xmllint against the
// published schema.
func TestPublishedWSDL(t *testing.T) {
	gw := harness.Start(t, binary(t), "public_url: \"\"\ntrusted_proxies: [127.0.0.0/8]\n")
	status, body := get(t, gw.URL+"/soap/inventory?wsdl")
	if status != 200 {
		t.Fatalf("?wsdl: %d", status)
	}
	for _, want := range []string{
		`<soap:address location="` + gw.URL + `/soap/inventory"/>`,
		`<soap12:address location="` + gw.URL + `/soap/inventory"/>`,
		`<wsdl:binding name="InventoryBinding12"`,
		`<soap12:header message="tns:GatewaySessionHeader" part="Session" use="literal"/>`,
		`<soap:header message="tns:GatewaySessionHeader" part="Session" use="literal"/>`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("published WSDL lacks %s", want)
		}
	}
	// Behind a trusted proxy the address follows X-Forwarded-*.
	_, proxied := get(t, gw.URL+"/soap/inventory?wsdl", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com")
	if !bytes.Contains(proxied, []byte(`location="https://api.example.com/soap/inventory"`)) {
		t.Error("X-Forwarded-Proto/Host from a trusted proxy not used")
	}

	// xmllint validates a Reserve body against the schema as published.
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil {
		t.Fatal(err)
	}
	var schema *etree.Element
	for _, s := range doc.FindElements("//types/schema") {
		if s.SelectAttrValue("targetNamespace", "") == "urn:gateway:examples:inventory" {
			schema = s.Copy()
		}
	}
	if schema == nil {
		t.Fatal("no inventory schema in the published WSDL")
	}
	for _, a := range doc.Root().Attr {
		if a.Space == "xmlns" && schema.SelectAttr("xmlns:"+a.Key) == nil {
			schema.CreateAttr("xmlns:"+a.Key, a.Value)
		}
	}
	xsd := etree.NewDocument()
	xsd.SetRoot(schema)
	dir := t.TempDir()
	if err := xsd.WriteToFile(filepath.Join(dir, "inventory.xsd")); err != nil {
		t.Fatal(err)
	}
	good := `<m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku><m:quantity>2</m:quantity></m:Reserve>`
	bad := `<m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku><m:quantity>two</m:quantity></m:Reserve>`
	xmllint := need(t, "xmllint")
	for name, body := range map[string]string{"good": good, "bad": bad} {
		path := filepath.Join(dir, name+".xml")
		os.WriteFile(path, []byte(body), 0o644)
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(dir, "inventory.xsd"), path).CombinedOutput()
		if (err == nil) != (name == "good") {
			t.Errorf("xmllint on the %s request: %v\n%s", name, err, out)
		}
	}
	if status, _ := get(t, gw.URL+"/soap/inventory"); status != http.StatusMethodNotAllowed {
		t.Errorf("GET without ?wsdl: %d", status)
	}
	if status, _ := get(t, gw.URL+"/soap/nosuch?wsdl"); status != http.StatusNotFound {
		t.Errorf("unknown service: %d", status)
	}
}

const env11 = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">%s<soap:Body>%s</soap:Body></soap:Envelope>`
const env12 = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">%s<soap:Body>%s</soap:Body></soap:Envelope>`

func post(t *testing.T, url, ctype, action, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if action != "" {
		req.Header.Set("SOAPAction", action)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func login(t *testing.T, base string) string {
	_, body := post(t, base+"/soap/session", "text/xml", "", fmt.Sprintf(env11, "",
		`<Login xmlns="urn:gateway:session"><username>alice</username><password>wonderland</password></Login>`))
	start := strings.Index(body, "<m:token>")
	end := strings.Index(body, "</m:token>")
	if start < 0 || end < 0 {
		t.Fatalf("login: %s", body)
	}
	return body[start+len("<m:token>") : end]
}

func sessionHeader(token string) string {
	return `<soap:Header><gw:Session xmlns:gw="urn:gateway:session">` + token + `</gw:Session></soap:Header>`
}

func nonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func wsse(user, password, created, nonceValue, pwType string) string {
	return `<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>` +
		`<wsse:Username>` + user + `</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0` + pwType + `">` + password + `</wsse:Password>` +
		`<wsse:Nonce>` + nonceValue + `</wsse:Nonce><wsu:Created>` + created + `</wsu:Created></wsse:UsernameToken></wsse:Security></soap:Header>`
}

func TestSOAPFaultsOnTheWire(t *testing.T) {
	gw := harness.Start(t, binary(t), "limits: {max_body_bytes: 65536, max_depth: 32, max_multicall: 100}\n")
	url := gw.URL + "/soap/inventory"
	token := login(t, gw.URL)
	getItem := `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem>`
	now := time.Now().UTC().Format(time.RFC3339)
	replayed := nonce()
	deep := strings.Repeat("<x>", 40) + strings.Repeat("</x>", 40)
	cases := []struct {
		name, ctype, action, body string
		status                    int
		want                      []string
	}{
		{"1.1 success", "text/xml", `"urn:gateway:examples:inventory#GetItem"`, fmt.Sprintf(env11, sessionHeader(token), getItem), 200,
			[]string{`<m:GetItemResponse xmlns:m="urn:gateway:examples:inventory"><m:item><m:sku>A-1</m:sku>`}},
		{"1.2 success with action", `application/soap+xml; charset=utf-8; action="urn:gateway:examples:inventory#GetItem"`, "", fmt.Sprintf(env12, sessionHeader(token), getItem), 200,
			[]string{`xmlns:soap="http://www.w3.org/2003/05/soap-envelope"`, "<m:name>Widget</m:name>"}},
		{"xsi:type and an unqualified body are accepted", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token),
			`<GetItem xmlns="urn:gateway:examples:inventory" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><sku xsi:type="xsd:string">B-2</sku></GetItem>`), 200,
			[]string{"<m:name>Gadget</m:name>"}},
		{"action names another operation", "text/xml", `"urn:gateway:examples:inventory#Reserve"`, fmt.Sprintf(env11, sessionHeader(token), getItem), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "names operation Reserve"}},
		{"no session, 1.2 subcode", "application/soap+xml", "", fmt.Sprintf(env12, "", getItem), 500,
			[]string{"<soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>gw:Unauthenticated</soap:Value>"}},
		{"no session, 1.1 detail", "text/xml", "", fmt.Sprintf(env11, "", getItem), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "<gw:Unauthenticated/>"}},
		{"mustUnderstand header", "text/xml", "", fmt.Sprintf(env11, `<soap:Header><x:Tx xmlns:x="urn:other" soap:mustUnderstand="1">1</x:Tx></soap:Header>`, getItem), 500,
			[]string{"<faultcode>soap:MustUnderstand</faultcode>"}},
		{"mustUnderstand header 1.2", "application/soap+xml", "", fmt.Sprintf(env12, `<soap:Header><x:Tx xmlns:x="urn:other" soap:mustUnderstand="true">1</x:Tx></soap:Header>`, getItem), 500,
			[]string{"<soap:Value>soap:MustUnderstand</soap:Value>", "NotUnderstood"}},
		{"version mismatch", "text/xml", "", fmt.Sprintf(env12, "", getItem), 500, []string{"VersionMismatch"}},
		{"unknown body element", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token), `<m:Steal xmlns:m="urn:gateway:examples:inventory"/>`), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "Steal"}},
		{"bad int names the element", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token), `<m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku><m:quantity>two</m:quantity></m:Reserve>`), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "Reserve.quantity"}},
		{"missing element", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token), `<m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:Reserve>`), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "quantity"}},
		{"unexpected element", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token), `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku><m:color>red</m:color></m:GetItem>`), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "color"}},
		{"doctype refused", "text/xml", "", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + fmt.Sprintf(env11, "", getItem), 500,
			[]string{"<faultcode>soap:Client</faultcode>", "DOCTYPE"}},
		{"too deep", "text/xml", "", fmt.Sprintf(env11, "", `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>`+deep+`</m:sku></m:GetItem>`), 500,
			[]string{"<faultcode>soap:Client</faultcode>"}},
		{"application fault detail", "text/xml", "", fmt.Sprintf(env11, sessionHeader(token), `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>Z-9</m:sku></m:GetItem>`), 500,
			[]string{"<faultcode>soap:Server</faultcode>", "<faultstring>UnknownItem: no item Z-9</faultstring>", `<detail><m:UnknownItem xmlns:m="urn:gateway:examples:inventory"><m:sku>Z-9</m:sku>`}},
		{"wsse PasswordText", "text/xml", "", fmt.Sprintf(env11, wsse("bob", "builder", now, replayed, "#PasswordText"), getItem), 200, []string{"Widget"}},
		{"wsse nonce replayed", "text/xml", "", fmt.Sprintf(env11, wsse("bob", "builder", now, replayed, "#PasswordText"), getItem), 500, []string{"Nonce was already used"}},
		{"wsse stale Created", "text/xml", "", fmt.Sprintf(env11, wsse("bob", "builder", time.Now().Add(-10*time.Minute).UTC().Format(time.RFC3339), nonce(), "#PasswordText"), getItem), 500, []string{"Created"}},
		{"wsse digest", "text/xml", "", fmt.Sprintf(env11, wsse("bob", "x", now, nonce(), "#PasswordDigest"), getItem), 500, []string{"PasswordDigest"}},
		{"wrong content type", "application/json", "", "{}", 415, nil},
		{"not XML", "text/xml", "", "hello", 500, []string{"<faultcode>soap:Client</faultcode>"}},
	}
	for _, c := range cases {
		status, body := post(t, url, c.ctype, c.action, c.body)
		if status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, status, c.status, body)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: response lacks %s:\n%s", c.name, w, body)
			}
		}
		for _, leak := range []string{"goroutine", "passwd", "root:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: response leaks %q", c.name, leak)
			}
		}
	}
	big := fmt.Sprintf(env11, "", `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>`+strings.Repeat("x", 70000)+`</m:sku></m:GetItem>`)
	if status, _ := post(t, url, "text/xml", "", big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d", status)
	}
}

// sessionHeaderGo is the gw:Session header for gowsdl's client.
type sessionHeaderGo struct {
	XMLName xml.Name `xml:"urn:gateway:session Session"`
	Token   string   `xml:",chardata"`
}

// TestGowsdlClient calls the running gateway through the client gowsdl
// generated from inventory.wsdl (examples/inventory/invsoap).
func TestGowsdlClient(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	token := login(t, gw.URL)
	client := gosoap.NewClient(gw.URL + "/soap/inventory")
	client.AddHeader(sessionHeaderGo{Token: token})
	inv := invsoap.NewInventoryPortType(client)
	items, err := inv.ListItems(&invsoap.ListItems{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items.Item) != 3 || items.Item[2].Name != "Gizmo" || items.Item[1].Price != 19.99 {
		t.Fatalf("ListItems: %+v", items.Item)
	}
	got, err := inv.GetItem(&invsoap.GetItem{Sku: "A-1"})
	if err != nil || got.Item.Stock != 40 {
		t.Fatalf("GetItem: %+v %v", got, err)
	}
	res, err := inv.Reserve(&invsoap.Reserve{Sku: "A-1", Quantity: 3})
	if err != nil || res.Reservation.Quantity != 3 || res.Reservation.ReservedAt.ToGoTime().IsZero() {
		t.Fatalf("Reserve: %+v %v", res, err)
	}
	mine, err := inv.MyReservations(&invsoap.MyReservations{})
	if err != nil || len(mine.Reservation) != 1 || mine.Reservation[0].Id != res.Reservation.Id {
		t.Fatalf("MyReservations: %+v %v", mine, err)
	}
	cancelled, err := inv.CancelReservation(&invsoap.CancelReservation{Id: res.Reservation.Id})
	if err != nil || !cancelled.Cancelled {
		t.Fatalf("CancelReservation: %+v %v", cancelled, err)
	}
	// gowsdl v0.5.0's client reports any HTTP status >= 400 as an HTTPError
	// carrying the body, so a SOAP fault (HTTP 500, as SOAP 1.1 says) is read
	// from there.
	_, err = inv.GetItem(&invsoap.GetItem{Sku: "Z-9"})
	if code, msg := gowsdlFault(t, err); code != "soap:Server" || !strings.HasPrefix(msg, "UnknownItem") {
		t.Fatalf("GetItem Z-9: %s %s", code, msg)
	}
	for _, c := range []struct {
		call func() error
		name string
	}{
		{func() error { _, err := inv.Reserve(&invsoap.Reserve{Sku: "C-3", Quantity: 1}); return err }, "OutOfStock"},
		{func() error { _, err := inv.Reserve(&invsoap.Reserve{Sku: "A-1", Quantity: -1}); return err }, "InvalidQuantity"},
		{func() error { _, err := inv.CancelReservation(&invsoap.CancelReservation{Id: "R-0"}); return err }, "UnknownReservation"},
	} {
		if code, msg := gowsdlFault(t, c.call()); code != "soap:Server" || !strings.HasPrefix(msg, c.name) {
			t.Errorf("%s: %s %s", c.name, code, msg)
		}
	}
	carol := invsoap.NewInventoryPortType(gosoap.NewClient(gw.URL+"/soap/inventory", gosoap.WithBasicAuth("carol", "carol-pass")))
	_, err = carol.ListItems(&invsoap.ListItems{})
	if code, msg := gowsdlFault(t, err); code != "soap:Client" || !strings.Contains(msg, "may not use") {
		t.Errorf("carol: %s %s", code, msg)
	}
	anon := invsoap.NewInventoryPortType(gosoap.NewClient(gw.URL + "/soap/inventory"))
	_, err = anon.ListItems(&invsoap.ListItems{})
	if code, _ := gowsdlFault(t, err); code != "soap:Client" {
		t.Fatalf("no session: %s", code)
	}
	basic := invsoap.NewInventoryPortType(gosoap.NewClient(gw.URL+"/soap/inventory", gosoap.WithBasicAuth("bob", "builder")))
	if got, err := basic.GetItem(&invsoap.GetItem{Sku: "B-2"}); err != nil || got.Item.Name != "Gadget" {
		t.Fatalf("HTTP Basic: %+v %v", got, err)
	}
}

func gowsdlFault(t *testing.T, err error) (code, message string) {
	t.Helper()
	var he *gosoap.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusInternalServerError {
		t.Fatalf("want a SOAP fault in an HTTP 500, got %v", err)
	}
	var env struct {
		Body struct {
			Fault gosoap.SOAPFault `xml:"Fault"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(he.ResponseBody, &env); err != nil {
		t.Fatal(err)
	}
	return env.Body.Fault.Code, env.Body.Fault.String
}
