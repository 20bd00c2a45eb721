package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

func inventory(t testing.TB) *wsdl.Definition {
	t.Helper()
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	return def
}

const ns11 = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">`

func TestDecodeRequest(t *testing.T) {
	def := inventory(t)
	body := ns11 + `<s:Header>
	  <gw:Session xmlns:gw="urn:gateway:session"> tok </gw:Session>
	  <wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing" s:mustUnderstand="1">x</wsa:Action>
	  <o:Other xmlns:o="urn:o">ignored: not mustUnderstand</o:Other>
	</s:Header><s:Body><!-- c --><m:Reserve xmlns:m="urn:gateway:examples:inventory">
	  <m:quantity> 3 </m:quantity><m:sku>A-1</m:sku></m:Reserve></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 64)
	if err != nil {
		t.Fatal(err)
	}
	if req.SessionToken != "tok" || req.Operation.Name != "Reserve" {
		t.Fatalf("%+v", req)
	}
	if req.Params[0].Name != "sku" || req.Params.Int("quantity") != 3 {
		t.Errorf("params in schema order with typed values: %#v", req.Params)
	}
}

func TestDecodeSecurityHeader(t *testing.T) {
	def := inventory(t)
	body := ns11 + `<s:Header><wsse:Security xmlns:wsse="` + NSWSSE + `" xmlns:wsu="` + NSWSU + `">
	  <wsu:Timestamp><wsu:Created>2026-01-01T00:00:00Z</wsu:Created><wsu:Expires>2026-01-01T00:05:00Z</wsu:Expires></wsu:Timestamp>
	  <wsse:UsernameToken><wsse:Username>bob</wsse:Username>
	  <wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">builder</wsse:Password>
	  <wsse:Nonce>bm9uY2U=</wsse:Nonce></wsse:UsernameToken></wsse:Security></s:Header>
	  <s:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></s:Body></s:Envelope>`
	req, err := Decode(strings.NewReader(body), V11, def, 64)
	if err != nil {
		t.Fatal(err)
	}
	ut := req.UsernameToken
	if ut == nil || ut.Username != "bob" || ut.Password != "builder" || ut.Nonce != "bm9uY2U=" || ut.Created != "2026-01-01T00:00:00Z" || ut.TimestampExpires == "" {
		t.Fatalf("%+v", ut)
	}
	cache := newNonceCache()
	now := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	if creds, err := cache.checkUsernameToken(ut, now); err != nil || creds.Password != "builder" {
		t.Fatalf("valid token: %v", err)
	}
	if _, err := cache.checkUsernameToken(ut, now); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Error("replayed nonce accepted")
	}
	if _, err := cache.checkUsernameToken(ut, now.Add(11*time.Minute)); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Error("stale Created accepted")
	}
	// Once the window has passed the nonce is forgotten, and the cache is bounded.
	fresh := *ut
	fresh.Created, fresh.TimestampExpires = "", ""
	if _, err := cache.checkUsernameToken(&fresh, now.Add(20*time.Minute)); err != nil {
		t.Errorf("nonce after the window: %v", err)
	}
	if len(cache.seen) != 1 {
		t.Errorf("cache holds %d nonces", len(cache.seen))
	}
}

func TestDecodeRefuses(t *testing.T) {
	def := inventory(t)
	wrap := func(s string) string { return ns11 + `<s:Body>` + s + `</s:Body></s:Envelope>` }
	cases := []struct {
		name, body string
		kind       gateway.FaultKind
		soapCode   string
		msg        string
	}{
		{"not xml", "nope", gateway.FaultParse, "", "text outside"},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + wrap(""), gateway.FaultParse, "", "DOCTYPE"},
		{"wrong version", `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`, gateway.FaultInvalidRequest, "VersionMismatch", ""},
		{"not an envelope", `<x/>`, gateway.FaultInvalidRequest, "", "not a SOAP Envelope"},
		{"empty body", wrap(""), gateway.FaultInvalidRequest, "", "empty"},
		{"unknown operation", wrap(`<m:X xmlns:m="urn:gateway:examples:inventory"/>`), gateway.FaultNoSuchMethod, "", "{urn:gateway:examples:inventory}X"},
		{"bad int", wrap(`<m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:quantity>1.5</m:quantity></m:Reserve>`), gateway.FaultInvalidParams, "", "Reserve.quantity"},
		{"repeated single", wrap(`<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:sku>B</m:sku></m:GetItem>`), gateway.FaultInvalidParams, "", "more than once"},
		{"unknown child", wrap(`<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:x/></m:GetItem>`), gateway.FaultInvalidParams, "", "<x>"},
		{"child in a scalar", wrap(`<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku><b/></m:sku></m:GetItem>`), gateway.FaultInvalidParams, "", "child"},
		{"two bodies", wrap(`<m:ListItems xmlns:m="urn:gateway:examples:inventory"/><m:ListItems xmlns:m="urn:gateway:examples:inventory"/>`), gateway.FaultInvalidRequest, "", "unexpected"},
		{"mustUnderstand", ns11 + `<s:Header><x:H xmlns:x="urn:x" s:mustUnderstand="true"/></s:Header><s:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></s:Body></s:Envelope>`, gateway.FaultInvalidRequest, "MustUnderstand", "{urn:x}H"},
		{"truncated", ns11 + `<s:Body>`, gateway.FaultParse, "", "end of document"},
		{"unknown encoding refused", `<?xml version="1.0" encoding="EBCDIC-US"?>` + wrap(""), gateway.FaultParse, "", "encoding"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(c.body), V11, def, 64)
			var fe *faultError
			if !errors.As(err, &fe) {
				t.Fatalf("want a faultError, got %v", err)
			}
			if fe.fault.Kind != c.kind || fe.soapCode != c.soapCode || !strings.Contains(fe.fault.Message, c.msg) {
				t.Errorf("got %v %q %q", fe.fault.Kind, fe.soapCode, fe.fault.Message)
			}
		})
	}
}

func TestEncodeResponseAndFaults(t *testing.T) {
	def := inventory(t)
	op := def.Operation("ListItems")
	result := gateway.Struct{{Name: "item", Value: []any{
		gateway.Struct{{Name: "sku", Value: "A&1"}, {Name: "name", Value: "W<"}, {Name: "stock", Value: int64(0)}, {Name: "price", Value: int64(3)}},
	}}}
	out, err := appendResponse(nil, V12, op.Output, result, "")
	if err != nil {
		t.Fatal(err)
	}
	want := `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><m:ListItemsResponse xmlns:m="urn:gateway:examples:inventory">` +
		`<m:item><m:sku>A&amp;1</m:sku><m:name>W&lt;</m:name><m:stock>0</m:stock><m:price>3</m:price></m:item></m:ListItemsResponse></soap:Body></soap:Envelope>`
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("got\n%s\nwant suffix\n%s", out, want)
	}
	// The response parses back through the decoder's own value rules.
	var env struct {
		Body struct {
			Resp struct {
				Items []struct {
					Sku   string  `xml:"sku"`
					Stock int     `xml:"stock"`
					Price float64 `xml:"price"`
				} `xml:"item"`
			} `xml:"ListItemsResponse"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(out, &env); err != nil || env.Body.Resp.Items[0].Sku != "A&1" {
		t.Fatalf("%v %+v", err, env)
	}
	if _, err := appendResponse(nil, V11, def.Operation("GetItem").Output, gateway.Struct{}, ""); err == nil {
		t.Error("a missing required element was encoded")
	}

	f := gateway.AppFault("UnknownItem", "no item Z", gateway.Struct{{Name: "sku", Value: "Z"}, {Name: "message", Value: "m"}})
	f11 := appendFault(nil, V11, f, "", nil, def.Operation("GetItem"), nil)
	for _, w := range []string{"<faultcode>soap:Server</faultcode>", "<faultstring>UnknownItem: no item Z</faultstring>", `<detail><m:UnknownItem xmlns:m="urn:gateway:examples:inventory"><m:sku>Z</m:sku>`} {
		if !bytes.Contains(f11, []byte(w)) {
			t.Errorf("1.1 fault lacks %s:\n%s", w, f11)
		}
	}
	f12 := appendFault(nil, V12, gateway.NewFault(gateway.FaultForbidden, "no"), "", nil, nil, nil)
	for _, w := range []string{"<soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>gw:Forbidden</soap:Value>", `<soap:Text xml:lang="en">no</soap:Text>`} {
		if !bytes.Contains(f12, []byte(w)) {
			t.Errorf("1.2 fault lacks %s:\n%s", w, f12)
		}
	}
	for _, fault := range [][]byte{f11, f12} {
		if err := xml.Unmarshal(fault, new(struct{})); err != nil {
			t.Errorf("fault is not well-formed: %v", err)
		}
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	def := inventory(f)
	for _, s := range []string{
		ns11 + `<s:Header><gw:Session xmlns:gw="urn:gateway:session">t</gw:Session></s:Header><s:Body><m:Reserve xmlns:m="urn:gateway:examples:inventory"><m:sku>A</m:sku><m:quantity>1</m:quantity></m:Reserve></s:Body></s:Envelope>`,
		ns11 + `<s:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></s:Body></s:Envelope>`,
		ns11 + `<s:Body><GetItem xmlns="urn:gateway:examples:inventory"><sku xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></GetItem></s:Body></s:Envelope>`,
		// hostile start tags: many declarations shadowing each other, repeated attributes, split text
		ns11 + `<s:Header><h:x xmlns:a="urn:1" xmlns:b="urn:2" xmlns:c="urn:3" xmlns:d="urn:4" xmlns:e="urn:5" xmlns:f="urn:6" xmlns:g="urn:7" xmlns:h="urn:8" xmlns:i="urn:9" a:v="1" i:v="2"><h:y xmlns:a="urn:2" a:v="3" b:v="4"/></h:x></s:Header><s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A<!---->-<?p?>1<![CDATA[]]></m:sku></m:GetItem></s:Body></s:Envelope>`,
		ns11 + `<s:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory" xmlns:n="urn:gateway:examples:inventory" m:a="1" n:a="2"/></s:Body></s:Envelope>`,
	} {
		f.Add([]byte(s))
	}
	reused, known := &decoder{}, namespacesOf(def) // as the handler's pool reuses them
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := Decode(bytes.NewReader(data), V11, def, 32)
		again, err2 := reused.reset(data, 32, known), error(nil)
		var req2 *Request
		if again == nil {
			req2, err2 = reused.request(V11, def)
		} else {
			err2 = again
		}
		defer reused.release() // after the comparison: req2 may be the decoder's own
		if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(req, req2) {
			t.Fatalf("a reused decoder disagrees with a new one:\n%v %#v\n%v %#v", err, req, err2, req2)
		}
		if err != nil {
			var fe *faultError
			if !errors.As(err, &fe) {
				t.Fatalf("error that is not a fault: %v", err)
			}
			_ = appendFault(nil, V11, fe.fault, fe.soapCode, fe.headers, nil, nil)
			return
		}
		if req.Operation == nil || req.Params == nil {
			t.Fatal("decoded without an operation or params")
		}
	})
}

func TestDecodeResponse(t *testing.T) {
	def := inventory(t)
	op := def.Operation("GetItem")
	item := gateway.Struct{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "name", Value: "W"}, {Name: "stock", Value: int64(3)}, {Name: "price", Value: 2.5}}}}
	for _, v := range []Version{V11, V12} {
		body, err := appendResponse(nil, v, op.Output, item, "tok")
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(bytes.NewReader(body), v, op, 0)
		if err != nil {
			t.Fatal(err)
		}
		st := got[0].Value.(gateway.Struct)
		if st.String("sku") != "A-1" || st.Int("stock") != 3 {
			t.Errorf("%v: %#v", v, got)
		}
		fault := appendFault(nil, v, gateway.AppFault("UnknownItem", "no item Z", gateway.Struct{{Name: "sku", Value: "Z"}, {Name: "message", Value: "m"}}), "", nil, op, nil)
		_, err = DecodeResponse(bytes.NewReader(fault), v, op, 0)
		var f *gateway.Fault
		if !errors.As(err, &f) || f.Name != "UnknownItem" || f.Message != "no item Z" || f.Detail.String("sku") != "Z" {
			t.Errorf("%v fault: %#v", v, err)
		}
	}
	if _, err := DecodeResponse(strings.NewReader(`<html>oops</html>`), V11, op, 0); err == nil {
		t.Error("garbage decoded")
	}
}
