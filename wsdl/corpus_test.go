package wsdl_test

import (
	"fmt"
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

// TestCorpusSchemaModel: how the later corpus entries' constructs are
// modelled: substitution groups as choices of their members, choices of
// sequences as numbered alternatives, repeated groups, lists, redefine,
// abstract types, whiteSpace.
func TestCorpusSchemaModel(t *testing.T) {
	load := func(name string) *wsdl.Definition {
		def, err := wsdl.Load("../conformance/wsdls/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return def
	}
	member := load("ogc-features.wsdl").Operations[0].Input.Field("featureMember")
	var alts []string
	for _, f := range member.Type.Fields {
		alts = append(alts, fmt.Sprintf("%s/%d/%s", f.Name.Local, f.Branch, f.Head))
	}
	if got := strings.Join(alts, " "); got != "Road/1/AbstractFeature Bridge/2/AbstractFeature Building/3/AbstractFeature" || member.Type.Fields[0].Choice == 0 {
		t.Errorf("substitution members: %s", got)
	}
	if pos := member.Field("Road").Field("posList"); pos.Type.Text == nil || pos.Type.Text.List == nil || pos.Type.Text.List.Kind != wsdl.KindDouble {
		t.Errorf("posList: a list of doubles as simple content")
	}
	patient := load("hl7v3-choices.wsdl").Operations[0].Input.Field("patient")
	name, id, realm := patient.Field("name"), patient.Field("id"), patient.Field("realmCode")
	if name.Choice == 0 || name.Choice != id.Choice || name.Branch == id.Branch || patient.Field("birthTime").Branch != name.Branch || name.Min != 0 || realm == nil {
		t.Errorf("a choice of a sequence and an element: %+v %+v", name, id)
	}
	act := load("hl7v3-choices.wsdl").Operations[0].Input.Field("act")
	if code, value := act.Field("observationCode"), act.Field("observationValue"); code.Group == 0 || code.Group != value.Group || !code.Repeated() || act.Field("code").Group != 0 {
		t.Errorf("a repeated sequence: %+v %+v", code, value)
	}
	if item := load("oagis/SyncItemMaster.wsdl").Operations[0].Input.Field("DataArea").Field("ItemMaster"); item.Field("HazardClass") == nil || item.Field("ItemID") == nil {
		t.Errorf("xs:redefine: the redefined type lacks its own or its original's elements")
	}
	md := load("sforce-metadata.wsdl").Operations[0].Input.Field("metadata").Type
	if !md.Abstract || md.DerivedNamed("ApexClass") == nil || !md.DerivedNamed("MetadataWithContent").Abstract {
		t.Errorf("abstract Metadata: %+v", md)
	}
	if g := load("hl7v3-choices.wsdl").Operations[0].Input.Field("patient").Field("gender"); g.Type.WhiteSpace != "collapse" {
		t.Errorf("a restriction of xs:token collapses white space: %q", g.Type.WhiteSpace)
	}
}
