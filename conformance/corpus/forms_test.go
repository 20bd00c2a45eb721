package corpus_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gateway/conformance/harness"
)

// TestCorpusForms drives the portal's forms of the later corpus entries in
// headless Chromium: every service's form renders (a screenshot each, in
// the test's artifact directory); a recursive act is opened level by
// level, a choice's alternative picked, a derived type chosen for an
// abstract one, a substitution group's member picked, and each call's
// result comes back from the echoing upstream.
func TestCorpusForms(t *testing.T) {
	addr := serve(t, &echoUpstream{})
	var cfg strings.Builder
	cfg.WriteString("services:\n")
	for _, s := range echoServices {
		fmt.Fprintf(&cfg, "  - {name: %s, wsdl: conformance/wsdls/%s, backend: {kind: soap, url: \"http://%s/%s\", timeout: 5s}}\n", s.name, s.wsdl, addr, s.name)
	}
	gw := harness.Start(t, harness.Binary(t), cfg.String())
	ctx := harness.Browser(t, false)
	harness.SignIn(t, ctx, gw.URL, "bob", "builder")
	hardest := map[string]string{"retailer": "SubmitOrder"}
	ops := map[string]string{"ogc": "Insert", "hl7": "PRPA_IN201305", "ota": "OTA_HotelAvailRQ", "metadata": "createMetadata", "pain": "Initiate",
		"lists": "GetListItems", "netsuite": "add", "wcfws": "Update", "ship": "ProcessShipment", "workday": "Get_Workers", "stats": "summarize",
		"ebay": "AddFixedPriceItem", "oagis": "SyncItemMaster", "dataset": "Synchronize", "axis2": "update"}
	for k, v := range hardest {
		ops[k] = v
	}
	for _, s := range echoServices {
		harness.Do(t, ctx, "open the form of "+s.name,
			chromedp.Navigate(gw.URL+"/portal/op/"+s.name+"/"+ops[s.name]),
			chromedp.WaitVisible(chromedp.CSS("#opform")),
		)
		harness.Screenshot(t, ctx, "form-"+s.name)
	}
	click := func(op string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`button[value="` + op + `"]`))
	}
	result := func(what string) string {
		return harness.Value(t, ctx, "read the result of "+what, chromedp.Text(chromedp.CSS("#result")))
	}

	// HL7: a choice's second alternative, a recursive act two levels deep.
	harness.Do(t, ctx, "fill the HL7 form",
		chromedp.Navigate(gw.URL+"/portal/op/hl7/PRPA_IN201305"),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		chromedp.Click(chromedp.CSS(`input[type=radio][value="2"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-patient\.id`), "P-7"),
		click("open:act"),
		chromedp.WaitVisible(chromedp.CSS(`#f-act\.code`)),
		chromedp.SendKeys(chromedp.CSS(`#f-act\.code`), "OBS"),
		chromedp.SendKeys(chromedp.CSS(`#f-act\.observationCode`), "bp\nhr"),
		chromedp.SendKeys(chromedp.CSS(`#f-act\.observationValue`), "120.5\n61"),
		click("add:act.entryRelationship"),
		chromedp.WaitVisible(chromedp.CSS(`#f-act\.entryRelationship\[0\]\.typeCode`)),
		chromedp.SendKeys(chromedp.CSS(`#f-act\.entryRelationship\[0\]\.typeCode`), "COMP"),
		chromedp.SendKeys(chromedp.CSS(`#f-act\.entryRelationship\[0\]\.act\.code`), "INNER"),
	)
	harness.Screenshot(t, ctx, "hl7-filled")
	// The values typed survived the reshaping posts.
	if got := harness.Value(t, ctx, "read patient.id", chromedp.Value(chromedp.CSS(`#f-patient\.id`))); got != "P-7" {
		t.Errorf("patient.id after two reshapes: %q", got)
	}
	harness.Do(t, ctx, "call PRPA_IN201305", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#result")))
	harness.Screenshot(t, ctx, "hl7-result")
	if r := result("PRPA_IN201305"); !strings.Contains(r, "P-7") || !strings.Contains(r, "INNER") || !strings.Contains(r, "COMP") || !strings.Contains(r, "120.5") || strings.Contains(r, "birthTime") {
		t.Errorf("HL7 result: %q", r)
	}

	// Salesforce Metadata: a derived type picked for the abstract one.
	harness.Do(t, ctx, "fill the Metadata form",
		chromedp.Navigate(gw.URL+"/portal/op/metadata/createMetadata"),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		click("add:metadata"),
		chromedp.WaitVisible(chromedp.CSS(`#f-metadata\[0\]\._type`)),
		chromedp.SetValue(chromedp.CSS(`#f-metadata\[0\]\._type`), "CustomField"),
		click("type:metadata[0]"),
		chromedp.WaitVisible(chromedp.CSS(`#f-metadata\[0\]\.label`)),
		chromedp.SendKeys(chromedp.CSS(`#f-metadata\[0\]\.fullName`), "Account.Tier__c"),
		chromedp.SendKeys(chromedp.CSS(`#f-metadata\[0\]\.label`), "Tier"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	harness.Screenshot(t, ctx, "metadata-result")
	if r := result("createMetadata"); !strings.Contains(r, "CustomField") || !strings.Contains(r, "Tier") {
		t.Errorf("Metadata result: %q", r)
	}

	// OGC: a member of a substitution group picked, a row removed.
	harness.Do(t, ctx, "fill the OGC form",
		chromedp.Navigate(gw.URL+"/portal/op/ogc/Insert"),
		chromedp.WaitVisible(chromedp.CSS("#opform")),
		click("add:featureMember"),
		chromedp.WaitVisible(chromedp.CSS(`button[value="remove:featureMember[1]"]`)),
		click("remove:featureMember[1]"),
		chromedp.WaitNotPresent(chromedp.CSS(`button[value="remove:featureMember[1]"]`)),
		chromedp.Click(chromedp.CSS(`input[type=radio][value="3"]`)),
		click("open:featureMember[0].Building"),
		chromedp.WaitVisible(chromedp.CSS(`#f-featureMember\[0\]\.Building\.id`)),
		chromedp.SendKeys(chromedp.CSS(`#f-featureMember\[0\]\.Building\.id`), "b-9"),
		chromedp.SendKeys(chromedp.CSS(`#f-featureMember\[0\]\.Building\.name`), "Town hall"),
		chromedp.SendKeys(chromedp.CSS(`#f-featureMember\[0\]\.Building\.storeys`), "4"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	harness.Screenshot(t, ctx, "ogc-result")
	if r := result("Insert"); !strings.Contains(strings.ToLower(r), "building") || !strings.Contains(r, "Town hall") || !strings.Contains(r, "b-9") {
		t.Errorf("OGC result: %q", r)
	}
}
