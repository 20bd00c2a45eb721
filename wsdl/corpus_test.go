package wsdl_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gateway/wsdl"
)

// corpusWSDLs are the corpus's WSDLs: every .wsdl under conformance/wsdls
// but the halves that other WSDLs import.
func corpusWSDLs(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("../conformance/wsdls", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".wsdl") && !strings.HasSuffix(p, "wcf/contract.wsdl") {
			out = append(out, p)
		}
		return err
	})
	if err != nil || len(out) < 30 {
		t.Fatalf("%d corpus WSDLs: %v", len(out), err)
	}
	return out
}

// TestCorpusLoadsAndPublishes: every corpus WSDL loads, has operations
// whose wrappers resolve, and publishes with no trace of its upstream.
func TestCorpusLoadsAndPublishes(t *testing.T) {
	for _, path := range corpusWSDLs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			def, err := wsdl.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range def.Operations {
				if op.Input == nil || op.Input.Type == nil {
					t.Errorf("%s: no input", op.Name)
				}
			}
			pub, err := wsdl.Publish(def)
			if err != nil {
				t.Fatal(err)
			}
			text := string(pub.WSDL("https://gw.example/soap/x"))
			if strings.Contains(text, "internal.example") {
				t.Errorf("the published WSDL names the upstream's host")
			}
			for n := 1; ; n++ {
				doc, ok := pub.Import("xsd", n, "https://gw.example/soap/x")
				if !ok {
					if doc, ok = pub.Import("wsdl", n, "https://gw.example/soap/x"); !ok {
						break
					}
				}
				if strings.Contains(string(doc), "internal.example") {
					t.Errorf("import %d names the upstream's host", n)
				}
			}
		})
	}
}

// TestCorpusShapes: what the later corpus entries add.
func TestCorpusShapes(t *testing.T) {
	onvif, err := wsdl.Load("../conformance/wsdls/onvif/device.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	if !onvif.SOAP12Only || onvif.Operation("GetSystemDateAndTime").Output.Field("SystemDateAndTime").Field("UTCDateTime").Type.Kind != wsdl.KindDateTime {
		t.Errorf("ONVIF: SOAP 1.2 only %v, a chameleon include's type", onvif.SOAP12Only)
	}
	wcf, err := wsdl.Load("../conformance/wsdls/wcf/service.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	get := wcf.Operation("GetOrder")
	if get == nil || get.Output.Field("GetOrderResult").Field("Lines").Field("string") == nil || get.Output.Field("GetOrderResult").Field("Reference").Type.Pattern == nil || get.Fault("NotFoundFault") == nil {
		t.Errorf("WCF: %+v", get)
	}
	mantis, err := wsdl.Load("../conformance/wsdls/mantis-nusoap.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	issues := mantis.Operation("mc_project_get_issues")
	if ret := issues.Output.Field("return"); ret == nil || ret.Type.Kind != wsdl.KindArray || ret.Type.Item.Name.Local != "IssueData" || !issues.Input.Encoded {
		t.Errorf("NuSOAP: %+v", issues.Output.Field("return"))
	}
	quote, err := wsdl.Load("../conformance/wsdls/w3c-stockquote.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	if f := quote.Operation("GetLastTradePrice").Output.Field("price"); f == nil || f.Type.Kind != wsdl.KindDouble {
		t.Errorf("W3C: %+v", f)
	}
}
