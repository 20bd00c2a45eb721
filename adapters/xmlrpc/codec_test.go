package xmlrpc

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
)

func call(params string) string {
	return `<?xml version="1.0"?><methodCall><methodName>m.x</methodName><params>` + params + `</params></methodCall>`
}

func param(v string) string { return "<param><value>" + v + "</value></param>" }

func TestDecodeValues(t *testing.T) {
	when := time.Date(1998, 7, 17, 14, 8, 55, 0, time.UTC)
	cases := []struct {
		name string
		xml  string
		want any
	}{
		{"untyped string", "  hello <!-- c --> world ", "  hello  world "},
		{"string", "<string>a &amp; b &lt;c&gt;</string>", "a & b <c>"},
		{"empty string", "<string/>", ""},
		{"int", "<int>-42</int>", int64(-42)},
		{"i4", "<i4> 7 </i4>", int64(7)},
		{"i8", "<i8>9007199254740993</i8>", int64(9007199254740993)},
		{"namespaced i8", `<ex:i8 xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">5</ex:i8>`, int64(5)},
		{"boolean", "<boolean>1</boolean>", true},
		{"double", "<double>-2.5e3</double>", -2500.0},
		{"dateTime compact", "<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>", when},
		{"dateTime dashed zone", "<dateTime.iso8601>1998-07-17T16:08:55+02:00</dateTime.iso8601>", when},
		{"base64", "<base64>aGVs\nbG8=</base64>", []byte("hello")},
		{"nil", "<nil/>", nil},
		{"ex:nil", `<ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/>`, nil},
		{"struct", "<struct><member><name>a</name><value><int>1</int></value></member><member><value>x</value><name>b</name></member></struct>",
			gateway.Struct{{Name: "a", Value: int64(1)}, {Name: "b", Value: "x"}}},
		{"empty struct", "<struct></struct>", gateway.Struct{}},
		{"array", "<array><data><value><int>1</int></value><value>two</value><value><array><data/></array></value></data></array>",
			[]any{int64(1), "two", []any{}}},
		{"utf-8", "<string>héllo ☃</string>", "héllo ☃"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, params, err := DecodeCall(strings.NewReader(call(param(c.xml))), 0)
			if err != nil {
				t.Fatal(err)
			}
			if method != "m.x" || len(params) != 1 {
				t.Fatalf("method %q params %v", method, params)
			}
			got := params[0]
			if gt, ok := got.(time.Time); ok {
				if !gt.Equal(c.want.(time.Time)) {
					t.Errorf("got %v want %v", gt, c.want)
				}
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v want %#v", got, c.want)
			}
		})
	}
}

func TestDecodeLatin1(t *testing.T) {
	body := append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>m</methodName><params><param><value>caf`), 0xE9)
	body = append(body, []byte(`</value></param></params></methodCall>`)...)
	_, params, err := DecodeCall(bytes.NewReader(body), 0)
	if err != nil || params[0] != "café" {
		t.Fatalf("%v %v", params, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	deep := strings.Repeat("<value><array><data>", 40) + strings.Repeat("</data></array></value>", 40)
	cases := []struct {
		name string
		body string
		kind gateway.FaultKind
	}{
		{"not xml", "hello", gateway.FaultParse},
		{"truncated", "<methodCall><methodName>x</methodName><params>", gateway.FaultParse},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>`, gateway.FaultParse},
		{"external entity", `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>&e;</methodName></methodCall>`, gateway.FaultParse},
		{"nul byte", "<methodCall><methodName>a\x00b</methodName></methodCall>", gateway.FaultParse},
		{"invalid utf-8", "<methodCall><methodName>a\xffb</methodName></methodCall>", gateway.FaultParse},
		{"wrong root", "<methodResponse/>", gateway.FaultInvalidRequest},
		{"no method name", "<methodCall><methodName> </methodName></methodCall>", gateway.FaultInvalidRequest},
		{"bad int", call(param("<int>12x</int>")), gateway.FaultInvalidRequest},
		{"int overflow", call(param("<int>4294967296</int>")), gateway.FaultInvalidRequest},
		{"bad boolean", call(param("<boolean>yes</boolean>")), gateway.FaultInvalidRequest},
		{"bad date", call(param("<dateTime.iso8601>yesterday</dateTime.iso8601>")), gateway.FaultInvalidRequest},
		{"bad base64", call(param("<base64>!!</base64>")), gateway.FaultInvalidRequest},
		{"unknown type", call(param("<float>1</float>")), gateway.FaultInvalidRequest},
		{"member without value", call(param("<struct><member><name>a</name></member></struct>")), gateway.FaultInvalidRequest},
		{"array without data", call(param("<array><value/></array>")), gateway.FaultInvalidRequest},
		{"text beside type", call(param("x<int>1</int>")), gateway.FaultInvalidRequest},
		{"too deep", call("<param>" + deep + "</param>"), gateway.FaultInvalidRequest},
		{"trailing element", "<methodCall><methodName>x</methodName></methodCall><extra/>", gateway.FaultInvalidRequest},
		{"mismatched tags", "<methodCall><methodName>x</methodCall>", gateway.FaultParse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DecodeCall(strings.NewReader(c.body), 64)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a DecodeError, got %v", err)
			}
			if de.Kind != c.kind {
				t.Errorf("kind %v (%s), want %v", de.Kind, de.Msg, c.kind)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	v := gateway.Struct{
		{Name: "s", Value: "a<b>&c\r\x01\xff"},
		{Name: "small", Value: int64(5)},
		{Name: "big", Value: int64(1) << 40},
		{Name: "f", Value: 19.99},
		{Name: "ok", Value: false},
		{Name: "at", Value: time.Date(2026, 11, 27, 5, 6, 7, 0, time.UTC)},
		{Name: "bytes", Value: []byte{0, 1, 2}},
		{Name: "list", Value: []any{"x", nil, gateway.Struct{}}},
	}
	body, err := AppendResponse(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<int>5</int>", "<i8>1099511627776</i8>", "<double>19.99</double>", "<boolean>0</boolean>",
		"<dateTime.iso8601>20261127T05:06:07</dateTime.iso8601>", "<base64>AAEC</base64>", "<nil/>", "a&lt;b&gt;&amp;c&#xD;\uFFFD\uFFFD"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("response lacks %s:\n%s", want, body)
		}
	}
	// The response parses back as a value (reuse the call decoder on the same value markup).
	inner := body[bytes.Index(body, []byte("<param>")):bytes.LastIndex(body, []byte("</params>"))]
	_, params, err := DecodeCall(bytes.NewReader([]byte(call(string(inner)))), 0)
	if err != nil {
		t.Fatalf("own response does not parse: %v", err)
	}
	got := params[0].(gateway.Struct)
	if got.String("s") != "a<b>&c\r\uFFFD\uFFFD" || got.Int("big") != 1<<40 {
		t.Errorf("round trip: %#v", got)
	}
	fault := AppendFault(nil, CodeApplication, "UnknownItem: no item <Z-9>")
	if !bytes.Contains(fault, []byte("<int>-32500</int>")) || !bytes.Contains(fault, []byte("no item &lt;Z-9&gt;")) {
		t.Errorf("fault: %s", fault)
	}
}

func FuzzDecodeCall(f *testing.F) {
	seeds := []string{
		call(param("<struct><member><name>a</name><value><array><data><value><i4>1</i4></value></data></array></value></member></struct>")),
		call(param("<base64>aGk=</base64>") + param("<dateTime.iso8601>20200101T00:00:00</dateTime.iso8601>")),
		call(param("<nil/>") + param("<double>1.5</double>") + param("<boolean>1</boolean>")),
		"<methodCall><methodName>x</methodName></methodCall>",
		`<!DOCTYPE a><methodCall/>`,
		call(param("a<!---->b<?p?>c<![CDATA[d]]>e")) + "",
		"<methodCall a='1' a='2'><methodName>x</methodName></methodCall>",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		method, params, err := DecodeCall(bytes.NewReader(data), 32)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error that is not a DecodeError: %v", err)
			}
			return
		}
		// Whatever decodes must encode.
		if _, err := AppendResponse(nil, params); err != nil && !strings.Contains(err.Error(), "no XML-RPC form") {
			t.Fatalf("decoded %q %v but cannot encode it: %v", method, params, err)
		}
	})
}

func TestClientSide(t *testing.T) {
	call, err := AppendCall(nil, "svc.Op", []any{"a&b", int64(7), gateway.Struct{{Name: "k", Value: true}}})
	if err != nil {
		t.Fatal(err)
	}
	method, params, err := DecodeCall(bytes.NewReader(call), 0)
	if err != nil || method != "svc.Op" || !reflect.DeepEqual(params, []any{"a&b", int64(7), gateway.Struct{{Name: "k", Value: true}}}) {
		t.Fatalf("%q %#v %v", method, params, err)
	}
	resp, _ := AppendResponse(nil, gateway.Struct{{Name: "x", Value: 1.5}})
	v, err := DecodeResponse(bytes.NewReader(resp), 0)
	if err != nil || !reflect.DeepEqual(v, gateway.Struct{{Name: "x", Value: 1.5}}) {
		t.Fatalf("%#v %v", v, err)
	}
	_, err = DecodeResponse(bytes.NewReader(AppendFault(nil, 42, "boom")), 0)
	var rf *ResponseFault
	if !errors.As(err, &rf) || rf.Code != 42 || rf.String != "boom" {
		t.Fatalf("fault: %v", err)
	}
	for _, bad := range []string{"<html/>", "<methodResponse><params></params></methodResponse>", "<methodResponse>"} {
		if _, err := DecodeResponse(strings.NewReader(bad), 0); err == nil || errors.As(err, &rf) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// TestExactValuesOnTheWire: a decimal goes as a <double> with every digit,
// an integer beyond i8 as a <string>, a dateTime without a zone as it
// came and one with an offset in UTC.
func TestExactValuesOnTheWire(t *testing.T) {
	noZone, _ := ParseDateTime("20261130T10:00:00")
	withZone, _ := time.Parse(time.RFC3339, "2026-11-30T10:00:00+02:00")
	out, err := AppendResponse(nil, gateway.Struct{
		{Name: "d", Value: gateway.Decimal("12345678901234567890.123456789")},
		{Name: "i", Value: gateway.BigInt("18446744073709551615")},
		{Name: "t", Value: noZone}, {Name: "z", Value: withZone},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<double>12345678901234567890.123456789</double>", "<string>18446744073709551615</string>",
		"<dateTime.iso8601>20261130T10:00:00</dateTime.iso8601>", "<dateTime.iso8601>20261130T08:00:00</dateTime.iso8601>"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("no %s in %s", w, out)
		}
	}
	if noZone.Location() != gateway.NoZone {
		t.Errorf("a dateTime.iso8601 without a zone read as %v", noZone.Location())
	}
}
