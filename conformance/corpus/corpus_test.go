// Package corpus_test serves WSDLs shaped like the enterprise WSDL
// families of conformance/wsdls through the built gateway, each behind an
// upstream that answers in the WSDL's own style, and calls them with real
// clients.
package corpus_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gateway/conformance/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// serve runs an upstream on a loopback port for the test and returns its
// address.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// axisUpstream answers as an Apache Axis 1 rpc/encoded service does: the
// response wrapper holds references, the values stand in multiRef
// elements after it.
type axisUpstream struct {
	mu   sync.Mutex
	seen []string
}

const axisEnvelope = `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`

func (u *axisUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	body := string(b)
	u.mu.Lock()
	u.seen = append(u.seen, body)
	u.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	enc := ` soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:corpus:axis:catalog" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"`
	var out strings.Builder
	out.WriteString(axisEnvelope)
	switch {
	case strings.Contains(body, "findProducts"):
		q, _ := strconv.Atoi(field("limit", body))
		query := field("query", body)
		fmt.Fprintf(&out, `<ns1:findProductsResponse%s><findProductsReturn xsi:type="soapenc:Array" soapenc:arrayType="ns2:Product[%d]" xmlns:ns2="http://model.catalog.corpus">`, enc, q)
		for i := range q {
			fmt.Fprintf(&out, `<item href="#id%d"/>`, i)
		}
		out.WriteString(`</findProductsReturn></ns1:findProductsResponse>`)
		for i := range q {
			fmt.Fprintf(&out, `<multiRef id="id%d" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="ns3:Product" xmlns:ns3="http://model.catalog.corpus" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><code xsi:type="soapenc:string">%s-%d</code><price href="#p%d"/><tags xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[2]"><item xsi:type="xsd:string">%s</item><item xsi:type="xsd:string">%d</item></tags></multiRef>`, i, query, i+1, i, query, i+1)
			fmt.Fprintf(&out, `<multiRef id="p%d" soapenc:root="0" xsi:type="xsd:double" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">%g</multiRef>`, i, 10.5*float64(i+1))
		}
	case strings.Contains(body, "getMatrix"):
		n, _ := strconv.Atoi(field("size", body))
		fmt.Fprintf(&out, `<ns1:getMatrixResponse%s><getMatrixReturn xsi:type="soapenc:Array" soapenc:arrayType="xsd:int[][%d]">`, enc, n)
		for i := range n {
			fmt.Fprintf(&out, `<item href="#row%d"/>`, i)
		}
		out.WriteString(`</getMatrixReturn></ns1:getMatrixResponse>`)
		for i := range n {
			fmt.Fprintf(&out, `<multiRef id="row%d" xsi:type="soapenc:Array" soapenc:arrayType="xsd:int[%d]" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">`, i, n)
			for j := range n {
				v := 0
				if i == j {
					v = 1
				}
				fmt.Fprintf(&out, `<item>%d</item>`, v)
			}
			out.WriteString(`</multiRef>`)
		}
	default: // echoProduct: the product back, its price doubled
		price, _ := strconv.ParseFloat(field("price", body), 64)
		tags := ""
		n := 0
		for _, m := range regexp.MustCompile(`<item[^>]*>([^<]*)</item>`).FindAllStringSubmatch(body, -1) {
			tags += `<item xsi:type="xsd:string">` + m[1] + `</item>`
			n++
		}
		fmt.Fprintf(&out, `<ns1:echoProductResponse%s><echoProductReturn href="#id0"/></ns1:echoProductResponse><multiRef id="id0" soapenc:root="0" xsi:type="ns2:Product" xmlns:ns2="http://model.catalog.corpus" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><code xsi:type="soapenc:string">%s</code><price xsi:type="xsd:double">%g</price><tags xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[%d]">%s</tags></multiRef>`,
			enc, field("code", body), price*2, n, tags)
	}
	out.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	io.WriteString(w, out.String())
}

// ewsUpstream answers as an EWS- or ASMX-style service with header parts:
// it reads the input headers and answers with an output header.
func ewsUpstream(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	body := string(b)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	var out string
	if strings.Contains(body, "Ping") {
		out = `<soap:Body><PingResponse xmlns="urn:corpus:ews:messages"><Caller>` + field("ApiKey", body) + `/` + field("OnBehalfOf", body) + `</Caller></PingResponse></soap:Body>`
	} else {
		out = `<soap:Header><t:ServerVersionInfo xmlns:t="urn:corpus:ews:types"><t:MajorVersion>15</t:MajorVersion><t:Build>15.1.2</t:Build></t:ServerVersionInfo></soap:Header>` +
			`<soap:Body><m:GetFolderResponse xmlns:m="urn:corpus:ews:messages"><m:DisplayName>Inbox of ` + field("PrimarySmtpAddress", body) + `</m:DisplayName><m:SeenBy>` + field("Version", body) + `</m:SeenBy></m:GetFolderResponse></soap:Body>`
	}
	io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">`+out+`</soap:Envelope>`)
}

// TestHeaderPartsEndToEnd: soap:header parts from zeep and from an XML-RPC
// _headers member reach the upstream; its output header comes back to
// both; a configured header value (an API key) is sent on the caller's
// behalf.
func TestHeaderPartsEndToEnd(t *testing.T) {
	addr := serve(t, http.HandlerFunc(ewsUpstream))
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`services:
  - name: exchange
    wsdl: conformance/wsdls/ews-headers.wsdl
    backend:
      kind: soap
      url: "http://%s/EWS/Exchange.asmx"
      headers: {AuthHeader: {ApiKey: k-123, OnBehalfOf: "{user}"}}
`, addr))
	if out := harness.RunScript(t, filepath.Join("clients", "zeep_headers.py"), gw.URL); !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
}

// TestRPCEncodedEndToEnd: an Axis 1-shaped rpc/encoded service through the
// gateway, called by suds, PHP's SoapClient, SOAP::Lite and Python's
// xmlrpc.client, behind an upstream that answers with multiRefs.
func TestRPCEncodedEndToEnd(t *testing.T) {
	up := &axisUpstream{}
	addr := serve(t, up)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`services:
  - name: catalog
    wsdl: conformance/wsdls/axis-rpc-encoded.wsdl
    backend: {kind: soap, url: "http://%s/axis/services/Catalog", timeout: 5s}
`, addr))
	if out := harness.RunScript(t, filepath.Join("clients", "encoded_suds.py"), gw.URL); !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
	for _, c := range []struct{ interp, script string }{{"php", "encoded_php.php"}, {"perl", "encoded_soaplite.pl"}} {
		bin, err := exec.LookPath(c.interp)
		if err != nil {
			t.Fatalf("%s is not installed (make test installs it): %v", c.interp, err)
		}
		out, err := exec.Command(bin, filepath.Join("clients", c.script), gw.URL).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "all checks passed") {
			t.Errorf("%s: %v\n%s", c.script, err, out)
		}
	}
	// The gateway called the upstream in rpc/encoded.
	up.mu.Lock()
	seen := strings.Join(up.seen, "\n")
	up.mu.Unlock()
	for _, want := range []string{`<m:findProducts xmlns:m="urn:corpus:axis:catalog" soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"`,
		`<query xsi:type="xsd:string">lamp</query><limit xsi:type="xsd:int">2</limit>`,
		`<tags xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[2]"><item xsi:type="xsd:string">x</item>`} {
		if !strings.Contains(seen, want) {
			t.Errorf("no upstream request held %s\n%s", want, seen)
		}
	}
}

// styleUpstream answers as a CXF rpc/literal endpoint (/orders) and a SAP
// document/literal bare one (/material) would: canned envelopes with values
// taken from the request by pattern, so that the gateway's own codec is on
// one side only. It records the request bodies it got.
type styleUpstream struct {
	mu   sync.Mutex
	seen []string
}

var field = func(name, body string) string {
	m := regexp.MustCompile(`<(?:\w+:)?` + name + `(?:\s[^>]*)?>([^<]*)</`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (u *styleUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	body := string(b)
	u.mu.Lock()
	u.seen = append(u.seen, r.URL.Path+" "+body)
	u.mu.Unlock()
	ns := "http://schemas.xmlsoap.org/soap/envelope/"
	if strings.Contains(r.Header.Get("Content-Type"), "soap+xml") {
		ns = "http://www.w3.org/2003/05/soap-envelope"
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	}
	var out string
	switch {
	case strings.Contains(body, "Gruss"):
		out = `<GrussResponse xmlns="urn:corpus:legacy:kunden"><text>Guten Tag, ` + field("anrede", body) + ` ` + field("name", body) + `!</text></GrussResponse>`
	case strings.Contains(body, "Convert"):
		a, _ := strconv.ParseFloat(field("amount", body), 64)
		out = fmt.Sprintf(`<ConvertResponse xmlns="http://corpus.example/asmx/"><ConvertResult>%g</ConvertResult></ConvertResponse>`, a*2)
	case strings.Contains(body, "urn:corpus:vendor:tickets"):
		out = `<t:OpenResponse xmlns:t="urn:corpus:vendor:tickets"><t:ticket>T-` + field("title", body) + `</t:ticket><t:replyTo>urn:reply</t:replyTo></t:OpenResponse>`
	case strings.Contains(body, "placeOrder"):
		q, _ := strconv.Atoi(field("quantity", body))
		tags := ""
		for _, m := range regexp.MustCompile(`<tag>([^<]*)</tag>`).FindAllStringSubmatch(body, -1) {
			tags += "<tag>" + m[1] + "</tag>"
		}
		out = fmt.Sprintf(`<ns2:placeOrderResponse xmlns:ns2="urn:corpus:cxf:orders"><receipt><id>%s</id><quantity>%d</quantity><note>for %s</note>%s</receipt><total>%d</total></ns2:placeOrderResponse>`,
			field("id", body), q, field("customer", body), tags, q*10)
	case strings.Contains(body, ":ping") || strings.Contains(body, "<ping"):
		out = `<ns2:pingResponse xmlns:ns2="urn:corpus:cxf:orders"><alive>true</alive></ns2:pingResponse>`
	case strings.Contains(body, "<id>"):
		out = `<t:Receipt xmlns:t="urn:corpus:cxf:orders:types"><orderId>` + field("id", body) + `</orderId><accepted>true</accepted></t:Receipt>`
	case strings.Contains(body, "urn:corpus:sforce") && strings.Contains(body, "create"):
		var results strings.Builder
		for _, m := range regexp.MustCompile(`xsi:type="d:(\w+)"[^>]*>(?:<n:fieldsToNull[^>]*/>)?(?:<n:Id[^>]*/>)?<n:(?:Name|LastName)[^>]*>([^<]*)<`).FindAllStringSubmatch(body, -1) {
			prefix := map[string]string{"Account": "001", "Contact": "003"}[m[1]]
			results.WriteString(`<result><id>` + prefix + `-` + m[1] + `-` + m[2] + `</id><success>true</success></result>`)
		}
		out = `<createResponse xmlns="urn:corpus:sforce">` + results.String() + `</createResponse>`
	case strings.Contains(body, "urn:corpus:sforce"):
		out = `<queryResponse xmlns="urn:corpus:sforce" xmlns:sf="urn:corpus:sforce:sobject" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<records xsi:type="sf:Account"><sf:Id>001-1</sf:Id><sf:Name>Umbrella</sf:Name><sf:AnnualRevenue>1.5</sf:AnnualRevenue></records>` +
			`<records xsi:type="sf:Contact"><sf:Id>003-1</sf:Id><sf:LastName>Roe</sf:LastName></records></queryResponse>`
	case strings.Contains(body, "DoPayment"):
		cur := regexp.MustCompile(`currencyID="([A-Z]+)"`).FindStringSubmatch(body)
		if cur == nil || !strings.Contains(body, `version="`) {
			out = `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>no currency or version attribute</faultstring></soapenv:Fault>`
			break
		}
		out = `<DoPaymentResponse xmlns="urn:corpus:paypal:api" status="settled"><Ack>Success</Ack><Charged currencyID="` + cur[1] + `">` + field("OrderTotal", body) +
			`</Charged><Fee currencyID="` + cur[1] + `">0.30</Fee></DoPaymentResponse>`
	case strings.Contains(body, ">LAX<"):
		// An answer that breaks the schema: an unknown element, a repeated
		// one, a material number over its maxLength of 18.
		out = `<Stock xmlns="urn:corpus:sap:material"><MaterialID>M-1234567890-123456789</MaterialID><MaterialID>again</MaterialID><Plant>LAX</Plant><Extra><Deep>1</Deep></Extra><Available>3</Available></Stock>`
	case strings.Contains(body, "Plant"):
		out = fmt.Sprintf(`<Stock xmlns="urn:corpus:sap:material"><MaterialID>%s</MaterialID><Plant>%s</Plant><Available>%d</Available></Stock>`,
			field("MaterialID", body), field("Plant", body), len(field("Plant", body)))
	case strings.Contains(body, "MaterialID"):
		out = fmt.Sprintf(`<count>%s</count>`, strings.TrimPrefix(field("MaterialID", body), "M-"))
	default: // GetTime: an empty Body
		out = `<sap:ServerTime xmlns:sap="urn:corpus:sap:material">2026-11-30T10:00:00Z</sap:ServerTime>`
	}
	io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="`+ns+`"><soapenv:Body>`+out+`</soapenv:Body></soapenv:Envelope>`)
}

// TestCorpusEndToEnd: the corpus's WSDLs of every style, encoding and
// shape are served through one gateway, each behind an upstream of its
// style, and called by zeep and Python's xmlrpc.client.
func TestCorpusEndToEnd(t *testing.T) {
	up := &styleUpstream{}
	addr := serve(t, up)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`services:
  - name: orders
    wsdl: conformance/wsdls/cxf-rpc-literal.wsdl
    allow_groups: [staff]
    backend: {kind: soap, url: "http://%[1]s/orders", timeout: 5s}
  - name: material
    wsdl: conformance/wsdls/sap-bare.wsdl
    allow_groups: [staff]
    backend: {kind: soap, url: "http://%[1]s/material", timeout: 5s}
  - name: kunden
    wsdl: conformance/wsdls/legacy-latin1.wsdl
    backend: {kind: soap, url: "http://%[1]s/kunden", timeout: 5s}
  - name: rates
    wsdl: conformance/wsdls/asmx-utf16.wsdl
    backend: {kind: soap, url: "http://%[1]s/rates", timeout: 5s}
  - name: tickets
    wsdl: conformance/wsdls/vendor-no-service.wsdl
    backend: {kind: soap, url: "http://%[1]s/tickets", timeout: 5s}
  - name: payments
    wsdl: conformance/wsdls/paypal-amounts.wsdl
    backend: {kind: soap, url: "http://%[1]s/payments", timeout: 5s}
  - name: sforce
    wsdl: conformance/wsdls/salesforce-sobjects.wsdl
    backend: {kind: soap, url: "http://%[1]s/sforce", timeout: 5s}
  - {name: onvif, wsdl: conformance/wsdls/onvif/device.wsdl, backend: {kind: soap, url: "http://%[1]s/onvif"}}
  - {name: wcf, wsdl: conformance/wsdls/wcf/service.wsdl, backend: {kind: soap, url: "http://%[1]s/wcf"}}
  - {name: mantis, wsdl: conformance/wsdls/mantis-nusoap.wsdl, backend: {kind: soap, url: "http://%[1]s/mantis"}}
  - {name: stockquote, wsdl: conformance/wsdls/w3c-stockquote.wsdl, backend: {kind: soap, url: "http://%[1]s/quote"}}
  - {name: axis, wsdl: conformance/wsdls/axis-rpc-encoded.wsdl, backend: {kind: soap, url: "http://%[1]s/axis"}}
  - {name: ews, wsdl: conformance/wsdls/ews-headers.wsdl, backend: {kind: soap, url: "http://%[1]s/ews"}}
  - {name: ec2, wsdl: conformance/wsdls/ec2-groups.wsdl, backend: {kind: soap, url: "http://%[1]s/ec2"}}
`, addr))
	for _, script := range []string{"zeep_styles.py", "zeep_attrs.py", "zeep_sforce.py"} {
		if out := harness.RunScript(t, filepath.Join("clients", script), gw.URL); !strings.Contains(out, "all checks passed") {
			t.Fatal(out)
		}
	}
	// The gateway called each upstream in its own style.
	up.mu.Lock()
	seen := strings.Join(up.seen, "\n")
	up.mu.Unlock()
	for _, want := range []string{
		`<m:placeOrder xmlns:m="urn:corpus:cxf:orders"><customer>ACME</customer><order><id>O-1</id><quantity>3</quantity><note>rush</note><tag>a</tag><tag>b</tag></order></m:placeOrder>`,
		`<m:ping xmlns:m="urn:corpus:cxf:orders"></m:ping>`,
		`<soap:Body><id>O-9</id></soap:Body>`,
		`<soap:Body><n:MaterialID xmlns:n="urn:corpus:sap:material">M-100</n:MaterialID><n:Plant xmlns:n="urn:corpus:sap:material">1000</n:Plant></soap:Body>`,
		`<soap:Body></soap:Body>`,
		// xs:decimal keeps every digit, from zeep's Decimal and from an XML-RPC string.
		`<m:price>12345678901234567890.123456789</m:price>`,
		`<m:price>0.1000000000000000055511151231257827</m:price>`,
	} {
		if !strings.Contains(seen, want) {
			t.Errorf("no upstream request held %s\n%s", want, seen)
		}
	}
	// gSOAP's wsdl2h reads every published WSDL, and finds no address but
	// the gateway's.
	wsdl2h, err := exec.LookPath("wsdl2h")
	if err != nil {
		t.Fatalf("wsdl2h is not installed (make test installs gsoap): %v", err)
	}
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatalf("php is not installed (make test installs it): %v", err)
	}
	if out, err := exec.Command(php, filepath.Join("clients", "corpus_php.php"), gw.URL).CombinedOutput(); err != nil || !strings.Contains(string(out), "all checks passed") {
		t.Errorf("corpus_php.php: %v\n%s", err, out)
	}
	all := []string{"orders", "material", "kunden", "rates", "tickets", "payments", "sforce", "onvif", "wcf", "mantis", "stockquote", "axis", "ews", "ec2"}
	if out := harness.RunScript(t, filepath.Join("clients", "zeep_load.py"), append([]string{gw.URL}, all...)...); !strings.Contains(out, "zeep loads every") {
		t.Fatal(out)
	}
	for _, svc := range all {
		header := filepath.Join(t.TempDir(), svc+".h")
		out, err := exec.Command(wsdl2h, "-o", header, gw.URL+"/soap/"+svc+"?wsdl").CombinedOutput()
		if err != nil || strings.Contains(string(out), "Error") {
			t.Errorf("wsdl2h %s: %v\n%s", svc, err, out)
			continue
		}
		h, _ := os.ReadFile(header)
		if regexp.MustCompile(`internal\.example|cxf\.example:|sap\.example:`).Match(h) || !strings.Contains(string(h), gw.URL+"/soap/"+svc) {
			t.Errorf("wsdl2h %s: the endpoint is not (only) the gateway's", svc)
		}
	}
	if !strings.Contains(gw.Logs(), `MaterialHttpGet`) {
		t.Error("the HTTP binding passed over was not logged")
	}
}

// TestStrictInLenientOut: an upstream answer with an unknown element, a
// repeated one and a value over its maxLength is passed on (logged and
// counted) by default, and is -32005 with strict_responses; a request that
// breaks the same facet is always refused.
func TestStrictInLenientOut(t *testing.T) {
	up := &styleUpstream{}
	addr := serve(t, up)
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`services:
  - name: material
    wsdl: conformance/wsdls/sap-bare.wsdl
    backend: {kind: soap, url: "http://%[1]s/material", timeout: 5s}
  - name: strict
    wsdl: conformance/wsdls/sap-bare.wsdl
    backend: {kind: soap, url: "http://%[1]s/material", timeout: 5s, strict_responses: true}
`, addr))
	call := func(method, material string) string {
		body := `<?xml version="1.0"?><methodCall><methodName>` + method + `</methodName><params><param><value>` + material + `</value></param><param><value>LAX</value></param></params></methodCall>`
		req, _ := http.NewRequest(http.MethodPost, gw.URL+"/xmlrpc", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		req.SetBasicAuth("bob", "builder")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	got := call("material.GetStock", "M-1")
	if !strings.Contains(got, "<string>M-1234567890-123456789</string>") || !strings.Contains(got, "<int>3</int>") || strings.Contains(got, "Extra") {
		t.Errorf("lenient: %s", got)
	}
	if !gw.WaitLog("upstream answer deviates from the WSDL", 5*time.Second) || !strings.Contains(gw.Logs(), "Extra") {
		t.Error("the deviations were not logged")
	}
	resp, err := http.Get(gw.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(m), `gateway_upstream_response_deviations_total{service="material"} 1`) {
		t.Errorf("not counted:\n%s", regexp.MustCompile(`(?m)^gateway_upstream_response.*$`).FindAllString(string(m), -1))
	}
	if got := call("strict.GetStock", "M-1"); !strings.Contains(got, "<int>-32005</int>") {
		t.Errorf("strict_responses: %s", got)
	}
	if got := call("material.GetStock", "M-1234567890-123456789"); !strings.Contains(got, "<int>-32602</int>") || !strings.Contains(got, "18") {
		t.Errorf("a request over maxLength: %s", got)
	}
}
