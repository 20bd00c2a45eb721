package corpus_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gateway/conformance/harness"
)

// echoUpstream answers a document/literal request with the request
// itself, its wrapper renamed X -> XResponse (the later corpus entries'
// outputs have their inputs' content), so that every value a client sends
// through the gateway comes back through it: both codecs and the
// schema's constructs are crossed twice. Two entries whose outputs are
// not their inputs get answers of their own: the SharePoint-shaped
// service (its result is the CAML query's rows) and the gSOAP rpc/encoded
// one. It keeps each request as it came, headers included.
type echoUpstream struct {
	mu   sync.Mutex
	seen []string
}

var (
	soapHeader = regexp.MustCompile(`(?s)<soap:Header>.*?</soap:Header>`)
	bodyStart  = regexp.MustCompile(`<soap:Body><([\w.:-]+)`)
	camlValue  = regexp.MustCompile(`<Value Type="Text">([^<]*)</Value>`)
	statsItem  = regexp.MustCompile(`<item[^>]*>([^<]*)</item>`)
	statsArray = regexp.MustCompile(`(?s)<values .*?</values>`)
)

func (u *echoUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	body := string(b)
	u.mu.Lock()
	u.seen = append(u.seen, r.URL.Path+" "+body)
	u.mu.Unlock()
	w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	const env = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`
	switch r.URL.Path {
	case "/lists":
		title := ""
		if m := camlValue.FindStringSubmatch(body); m != nil {
			title = m[1]
		}
		fmt.Fprintf(w, `%s<GetListItemsResponse xmlns="http://corpus.example/sharepoint/soap/"><GetListItemsResult><listitems xmlns:z="#RowsetSchema"><z:row ows_Title="%s" ows_ID="1"/></listitems></GetListItemsResult></GetListItemsResponse></soap:Body></soap:Envelope>`, env, title)
		return
	case "/stats":
		sum, n := 0.0, 0
		for _, m := range statsItem.FindAllStringSubmatch(body, -1) {
			v, _ := strconv.ParseFloat(m[1], 64)
			sum, n = sum+v, n+1
		}
		label := `<label xsi:nil="true"/>`
		if l := field("label", body); l != "" {
			label = `<label xsi:type="xsd:string">` + strings.ToUpper(l) + `</label>`
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ns="urn:corpus:gsoap:stats" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><ns:summarizeResponse><summary xsi:type="ns:Summary"><count xsi:type="xsd:int">%d</count><mean xsi:type="xsd:double">%g</mean>%s</summary>%s</ns:summarizeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
			n, sum/float64(max(n, 1)), label, statsArray.FindString(body))
		return
	}
	body = soapHeader.ReplaceAllString(body, "")
	if m := bodyStart.FindStringSubmatchIndex(body); m != nil {
		name := body[m[2]:m[3]]
		if end := strings.LastIndex(body, "</"+name+">"); end >= 0 {
			body = body[:end] + "</" + name + "Response>" + body[end+len(name)+3:]
		}
		body = body[:m[3]] + "Response" + body[m[3]:]
	}
	io.WriteString(w, body)
}

// echoServices are the corpus entries TestCorpusEcho serves, by service
// name.
var echoServices = []struct{ name, wsdl string }{
	{"ogc", "ogc-features.wsdl"}, {"hl7", "hl7v3-choices.wsdl"}, {"ota", "ota-lists.wsdl"},
	{"metadata", "sforce-metadata.wsdl"}, {"pain", "iso20022-payments.wsdl"}, {"lists", "sharepoint-caml.wsdl"},
	{"netsuite", "netsuite/netsuite.wsdl"}, {"retailer", "ws-i-scm/wsdl/Retailer.wsdl"}, {"wcfws", "wcf-wshttp.wsdl"},
	{"ship", "ups/Ship.wsdl"}, {"workday", "workday-references.wsdl"}, {"stats", "gsoap-rpc-encoded.wsdl"},
	{"ebay", "ebay-abstract-base.wsdl"}, {"oagis", "oagis/SyncItemMaster.wsdl"}, {"dataset", "asmx-dataset.wsdl"}, {"axis2", "axis2-java2wsdl.wsdl"},
}

// TestCorpusEcho: the later corpus entries (substitution groups, abstract
// types, choices of sequences, repeated groups, lists, unions, redefine,
// imports across folders, one-way operations, header parts of many
// shapes) through one gateway: zeep and Python's xmlrpc.client send
// values that come back exact, and break the schema to be refused; suds
// calls the gSOAP-shaped rpc/encoded service; the upstream sees each
// request in the WSDL's own shape; zeep (where it reads the schema
// language used), gSOAP's wsdl2h and xmllint read every published WSDL.
func TestCorpusEcho(t *testing.T) {
	up := &echoUpstream{}
	addr := serve(t, up)
	var cfg strings.Builder
	cfg.WriteString("services:\n")
	for _, s := range echoServices {
		fmt.Fprintf(&cfg, "  - {name: %s, wsdl: conformance/wsdls/%s, backend: {kind: soap, url: \"http://%s/%s\", timeout: 5s}}\n", s.name, s.wsdl, addr, s.name)
	}
	gw := harness.Start(t, harness.Binary(t), cfg.String())
	if out := harness.RunScript(t, filepath.Join("clients", "zeep_echo.py"), gw.URL); !strings.Contains(out, "all checks passed") {
		t.Fatal(out)
	}
	up.mu.Lock()
	seen := strings.Join(up.seen, "\n")
	up.mu.Unlock()
	for _, want := range []string{
		// zeep sent the abstract head with xsi:type; the upstream gets the member element.
		`<m:featureMember><n:Road xmlns:n="urn:corpus:ogc:features" id="r1">`,
		`<n:posList xmlns:n="urn:corpus:ogc:features" srsDimension="2">1.5 2.25 3.0 4.0</n:posList>`,
		// a repeated sequence keeps its interleaving
		`<m:observationCode>a</m:observationCode><m:observationValue>1</m:observationValue><m:observationCode>b</m:observationCode><m:observationValue>2.50</m:observationValue>`,
		// zones kept, and their absence
		`<m:CreDtTm>2026-11-30T10:00:00+01:00</m:CreDtTm><m:ReqdExctnDt>2026-12-01</m:ReqdExctnDt>`,
		`<m:BirthDate>1970-01-01Z</m:BirthDate>`,
		`<m:InstdAmt Ccy="EUR">1234567890123.12345</m:InstdAmt>`,
		`<ProductNumber>123456789012345678901234</ProductNumber>`,
		`<m:ShipmentNotice xmlns:m="urn:corpus:ws-i:scm:retailer:po"><OrderNumber>O-77</OrderNumber></m:ShipmentNotice>`,
		`<n:Name xmlns:n="http://schemas.datacontract.org/2004/07/Corpus.Inventory" xsi:nil="true"`,
		`<m:ID a0:type="Employee_ID" xmlns:a0="urn:corpus:workday:bsvc">21001</m:ID>`,
		`<m:Annual_Salary>12345678901234567890.123456</m:Annual_Salary>`,
		`<m:As_Of_Entry_DateTime>2026-11-30T08:00:00</m:As_Of_Entry_DateTime>`,
		// header parts of every shape reach the upstream
		`<n:SessionHeader xmlns:n="urn:corpus:sforce:metadata"><n:sessionId xmlns:n="urn:corpus:sforce:metadata">00D!x</n:sessionId></n:SessionHeader>`,
		`<n:passport xmlns:n="urn:corpus:netsuite:messages"><n:email xmlns:n="urn:corpus:netsuite:messages">a@b.c</n:email>`,
		`<n:Username xmlns:n="urn:corpus:ups:security">u</n:Username>`,
		`<n:RequesterCredentials xmlns:n="urn:corpus:ebay:apis"><n:eBayAuthToken xmlns:n="urn:corpus:ebay:apis">tok</n:eBayAuthToken>`,
		// derived types sent with xsi:type where an abstract one is declared
		`xsi:type="d:ApexClass"`, `xsi:type="d:Customer"`,
		// CAML passed as raw XML
		`<Where><Eq><FieldRef Name="Title"/><Value Type="Text">Ship it</Value></Eq></Where>`,
		// rpc/encoded from suds
		`<values xsi:type="soapenc:Array" soapenc:arrayType="xsd:double[3]">`,
		// the redefined type's own element
		`<m:HazardClass>3</m:HazardClass>`,
	} {
		if !strings.Contains(seen, want) {
			t.Errorf("no upstream request held %s", want)
		}
	}
	if t.Failed() {
		t.Logf("the upstream saw:\n%s", seen)
	}
	checkPublished(t, gw.URL)
}

// checkPublished: wsdl2h reads every published WSDL of the echo services,
// each naming only the gateway's address, and xmllint finds each of the
// schemas they publish a valid XML Schema.
func checkPublished(t *testing.T, base string) {
	wsdl2h, err := exec.LookPath("wsdl2h")
	if err != nil {
		t.Fatalf("wsdl2h is not installed (make test installs gsoap): %v", err)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint is not installed (make test installs libxml2-utils): %v", err)
	}
	for _, s := range echoServices {
		header := filepath.Join(t.TempDir(), s.name+".h")
		out, err := exec.Command(wsdl2h, "-o", header, base+"/soap/"+s.name+"?wsdl").CombinedOutput()
		if err != nil || strings.Contains(string(out), "Error") {
			t.Errorf("wsdl2h %s: %v\n%s", s.name, err, out)
			continue
		}
		if h, _ := os.ReadFile(header); strings.Contains(string(h), "internal.example") || !strings.Contains(string(h), base+"/soap/"+s.name) {
			t.Errorf("wsdl2h %s: the endpoint is not (only) the gateway's", s.name)
		}
	}
	// The schemas the gateway publishes (the imported files, at ?xsd=N)
	// are XML Schemas that xmllint compiles, imports followed over HTTP.
	for _, s := range echoServices {
		for n := 1; ; n++ {
			url := fmt.Sprintf("%s/soap/%s?xsd=%d", base, s.name, n)
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				break
			}
			doc := filepath.Join(t.TempDir(), "empty.xml")
			os.WriteFile(doc, []byte(`<empty/>`), 0o644)
			out, _ := exec.Command(xmllint, "--noout", "--schema", url, doc).CombinedOutput()
			// The document is no instance of the schema: what matters is
			// that the schema compiled (xmllint says "fails to validate",
			// not "failed to compile" or a parser error).
			if strings.Contains(string(out), "failed to compile") || strings.Contains(string(out), "parser error") || strings.Contains(string(out), "Schemas parser error") {
				t.Errorf("xmllint %s: %s", url, out)
			}
		}
	}
}

// TestTypeScriptClient: a TypeScript client typed from the OpenAPI
// document the gateway generates (openapi-typescript), calling with
// openapi-fetch, compiled with tsc (strict) and run with node, calls the
// demo inventory, the session endpoints, and three corpus services behind
// the echoing SOAP upstream: a JSON caller reaches a SOAP service.
func TestTypeScriptClient(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is not installed (make test installs it): %v", err)
	}
	base, dir, validated := startForClients(t, filepath.Join("clients", "ts"), "package.json", "tsconfig.json", "client.ts")
	run(t, dir, npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
	run(t, dir, "npx", "openapi-typescript", "openapi.json", "-o", "api.d.ts")
	run(t, dir, "npx", "tsc", "-p", ".")
	if out := run(t, dir, "node", filepath.Join(dir, "dist", "client.js"), base); !strings.Contains(out, "all checks passed") {
		t.Fatalf("the TypeScript client:\n%s", out)
	}
	if n := validated(); n < 10 {
		t.Errorf("only %d exchanges were checked against the document", n)
	}
}

// TestGoClient: a Go client generated by oapi-codegen (the version its
// go.mod pins, run as a go tool) from the document the gateway serves
// calls every inventory operation, the session endpoints and the same
// three corpus services.
func TestGoClient(t *testing.T) {
	base, dir, validated := startForClients(t, filepath.Join("clients", "go"), "go.mod", "go.sum", "main.go", "body.go")
	run(t, dir, "go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "main", "-o", "api.gen.go", "openapi.json")
	run(t, dir, "go", "vet", ".")
	if out := run(t, dir, "go", "run", ".", base); !strings.Contains(out, "all checks passed") {
		t.Fatalf("the Go client:\n%s", out)
	}
	if n := validated(); n < 10 {
		t.Errorf("only %d exchanges were checked against the document", n)
	}
}

// startForClients starts the gateway with the inventory and three corpus
// services behind the echoing SOAP upstream, and copies a client's
// sources and the gateway's OpenAPI document (openapi.json) into a new
// folder, for a generator to make the client's types from. The client
// calls through a proxy that checks every exchange against the document:
// base is the proxy, and validated reports what it found.
func startForClients(t *testing.T, src string, files ...string) (base, dir string, validated func() int) {
	t.Helper()
	addr := serve(t, &echoUpstream{})
	gw := harness.Start(t, harness.Binary(t), fmt.Sprintf(`services:
  - {name: inventory, builtin: inventory}
  - {name: hl7, wsdl: conformance/wsdls/hl7v3-choices.wsdl, backend: {kind: soap, url: "http://%[1]s/hl7"}}
  - {name: pain, wsdl: conformance/wsdls/iso20022-payments.wsdl, backend: {kind: soap, url: "http://%[1]s/pain"}}
  - {name: metadata, wsdl: conformance/wsdls/sforce-metadata.wsdl, backend: {kind: soap, url: "http://%[1]s/metadata"}}
`, addr))
	dir = t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get(gw.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	base, validated = validatingProxy(t, gw.URL, doc)
	return base, dir, validated
}

// run runs a command in dir and returns its output, failing the test
// with that output if it fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}
