package xmlrpc

import (
	"math"
	"reflect"
	"testing"
	"time"

	"gateway/gateway"
)

// plainOrScanned decodes data both ways: by the plain reader (ok false when
// it gave up) and by the scanner alone.
func plainOrScanned(t *testing.T, sc *scanner, data []byte) (plainM string, plainP []any, ok bool, scanM string, scanP []any, scanErr error) {
	t.Helper()
	if err := sc.x.Reset(data, 32, false); err != nil {
		return "", nil, false, "", nil, scanFault(err)
	}
	plainM, plainP, ok = sc.plainCall()
	if err := sc.x.Reset(data, 32, false); err != nil {
		t.Fatalf("a second Reset failed: %v", err)
	}
	scanM, scanP, scanErr = sc.scanCall()
	return
}

// TestPlainCall: the calls real clients write are read by the plain
// reader, and read as the scanner reads them; what it does not read
// itself it leaves to the scanner, whose answer (a value or a fault) is
// what decodeCall gives.
func TestPlainCall(t *testing.T) {
	sc := &scanner{}
	for _, c := range []struct {
		name  string
		call  string
		plain bool // read by the plain reader
	}{
		{"Python xmlrpc.client", "<?xml version='1.0'?>\n<methodCall>\n<methodName>inventory.GetItem</methodName>\n<params>\n<param>\n<value><string>A-1</string></value>\n</param>\n<param>\n<value><int>7</int></value>\n</param>\n</params>\n</methodCall>\n", true},
		{"Python, allow_none and a struct", "<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n<param>\n<value><struct>\n<member>\n<name>a</name>\n<value><nil/></value>\n</member>\n<member>\n<name>b</name>\n<value><array><data>\n<value><boolean>1</boolean></value>\n<value><double>1.5</double></value>\n</data></array></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodCall>\n", true},
		{"kolo/xmlrpc", `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>inventory.ListItems</methodName><params><param><value><struct><member><name>limit</name><value><int>10</int></value></member></struct></value></param></params></methodCall>`, true},
		{"untyped value, Unicode text, no params", "<methodCall><methodName> m </methodName><params><param><value> grüße ☃ </value></param></params></methodCall>", true},
		{"no params element", "<methodCall><methodName>system.listMethods</methodName></methodCall>", true},
		{"CRLF between tags", "<methodCall>\r\n<methodName>m</methodName>\r\n</methodCall>\r\n", true},
		{"dateTime and base64", "<methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>20261201T10:00:00</dateTime.iso8601></value></param><param><value><base64>aGk=</base64></value></param></params></methodCall>", true},
		{"an empty string and base64 written as tags that close themselves", "<methodCall><methodName>m</methodName><params><param><value><string/></value></param><param><value><base64 /></value></param></params></methodCall>", true},
		// Left to the scanner: the same answer, by the longer way.
		{"an empty int", "<methodCall><methodName>m</methodName><params><param><value><int/></value></param></params></methodCall>", false},
		{"an empty struct written as a tag that closes itself", "<methodCall><methodName>m</methodName><params><param><value><struct/></value></param></params></methodCall>", false},
		{"a reference", "<methodCall><methodName>m</methodName><params><param><value>a &amp; b</value></param></params></methodCall>", false},
		{"CDATA", "<methodCall><methodName>m</methodName><params><param><value><![CDATA[<x>]]></value></param></params></methodCall>", false},
		{"a comment", "<methodCall><!-- c --><methodName>m</methodName></methodCall>", false},
		{"an attribute", "<methodCall><methodName a='1'>m</methodName></methodCall>", false},
		{"a carriage return in text", "<methodCall><methodName>m</methodName><params><param><value>a\r\nb</value></param></params></methodCall>", false},
		{"an empty value", "<methodCall><methodName>m</methodName><params><param><value/></param></params></methodCall>", false},
		{"member value before name", "<methodCall><methodName>m</methodName><params><param><value><struct><member><value>1</value><name>a</name></member></struct></value></param></params></methodCall>", false},
		{"space in an end tag", "<methodCall><methodName>m</methodName ></methodCall>", false},
		{"a bad int", "<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>", false},
		{"an empty method name", "<methodCall><methodName> </methodName></methodCall>", false},
		{"text beside a type", "<methodCall><methodName>m</methodName><params><param><value>x<int>1</int></value></param></params></methodCall>", false},
		{"content after the call", "<methodCall><methodName>m</methodName></methodCall><x/>", false},
		{"a control character", "<methodCall><methodName>m</methodName><params><param><value>\x01</value></param></params></methodCall>", false},
		{"invalid UTF-8", "<methodCall><methodName>m</methodName><params><param><value>\xff</value></param></params></methodCall>", false},
		{"an unknown type", "<methodCall><methodName>m</methodName><params><param><value><float>1</float></value></param></params></methodCall>", false},
		{"unterminated", "<methodCall><methodName>m</methodName><params><param><value>abc", false},
		{"Latin-1 declared", "<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>m</methodName><params><param><value>caf\xe9</value></param></params></methodCall>", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			pm, pp, ok, sm, sp, serr := plainOrScanned(t, sc, []byte(c.call))
			if ok != c.plain {
				t.Fatalf("read by the plain reader: %v, want %v", ok, c.plain)
			}
			if ok && (serr != nil || pm != sm || !reflect.DeepEqual(pp, sp)) {
				t.Fatalf("plain %q %#v; scanner %q %#v %v", pm, pp, sm, sp, serr)
			}
			m, p, err := sc.decodeCall([]byte(c.call), 32)
			if m != sm || !reflect.DeepEqual(p, sp) || (err == nil) != (serr == nil) || err != nil && err.Error() != serr.Error() {
				t.Fatalf("decodeCall %q %#v %v; scanner %q %#v %v", m, p, err, sm, sp, serr)
			}
		})
	}
	t.Run("depth", func(t *testing.T) {
		// methodCall, params, param, value, array, data, value, nil: 8 deep.
		call := []byte("<methodCall><methodName>m</methodName><params><param><value><array><data><value><nil/></value></data></array></value></param></params></methodCall>")
		for _, max := range []int{7, 8} {
			if err := sc.x.Reset(call, max, false); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := sc.plainCall(); ok != (max == 8) {
				t.Errorf("max depth %d: plain %v", max, ok)
			}
			if _, _, err := sc.decodeCall(call, max); (err == nil) != (max == 8) {
				t.Errorf("max depth %d: %v", max, err)
			}
		}
	})
}

// FuzzPlainCallMatchesScanner: whatever the plain reader reads, the
// scanner reads too, to the same method and values.
func FuzzPlainCallMatchesScanner(f *testing.F) {
	for _, s := range []string{
		call(param("<struct><member><name>a</name><value><array><data><value><i4>1</i4></value></data></array></value></member></struct>")),
		call(param("<nil/>") + param("<double>1.5</double>") + param("<boolean>1</boolean>") + param("<base64>aGk=</base64>")),
		call(param(" x ") + param("<string> y </string>") + param("<dateTime.iso8601>20200101T00:00:00</dateTime.iso8601>")),
		"<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n</methodCall>\n",
		call(param("<string/>") + param("<base64 />") + param("<i4/>")),
	} {
		f.Add([]byte(s))
	}
	sc := &scanner{}
	f.Fuzz(func(t *testing.T, data []byte) {
		pm, pp, ok, sm, sp, serr := plainOrScanned(t, sc, data)
		if ok && (serr != nil || pm != sm || !reflect.DeepEqual(pp, sp)) {
			t.Fatalf("plain reader %q %#v; scanner %q %#v %v\n%q", pm, pp, sm, sp, serr, data)
		}
	})
}

// TestPutScannerDropsValues: a scanner goes back to the pool without the
// last call's parameters, even those of a call the plain reader gave up
// on after reading some.
func TestPutScannerDropsValues(t *testing.T) {
	h := &Handler{}
	sc := &scanner{}
	if _, _, err := sc.decodeCall([]byte(call(param("<string>kept?</string>")+param("<int>1</int>"))), 32); err != nil {
		t.Fatal(err)
	}
	// Read two parameters, then gave up: its values are past the length.
	if _, _, err := sc.decodeCall([]byte(call(param("a")+param("b")+param("&amp;"))), 32); err != nil {
		t.Fatal(err)
	}
	buf := sc.paramsBuf[:cap(sc.paramsBuf)]
	h.putScanner(sc)
	for i, v := range buf {
		if v != nil {
			t.Errorf("pooled scanner keeps parameter %d: %#v", i, v)
		}
	}
}

// TestValueWriterIsAppendValue: a result walked into the response writer
// is the response AppendResponse makes of its neutral value, byte for
// byte; a value XML-RPC cannot carry fails both.
func TestValueWriterIsAppendValue(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 4, 5, 0, time.FixedZone("x", 3600))
	noZone, _ := ParseDateTime("20261201T03:04:05")
	for i, st := range []gateway.Struct{
		{},
		{{Name: "item", Value: gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "name", Value: "<Widget & co>"},
			{Name: "price", Value: 12.5}, {Name: "stock", Value: int64(7)}, {Name: "big", Value: int64(1) << 40}}}},
		{{Name: "n", Value: nil}, {Name: "ok", Value: true}, {Name: "no", Value: false}, {Name: "i", Value: 3},
			{Name: "d", Value: gateway.Decimal("12345678901234567890.5")}, {Name: "b", Value: gateway.BigInt("18446744073709551615")},
			{Name: "t", Value: at}, {Name: "t0", Value: noZone}, {Name: "raw", Value: []byte{0, 1, 2}},
			{Name: "list", Value: []any{gateway.Struct{{Name: "x", Value: "1"}}, []any{}, "two", nil}}},
	} {
		want, err := AppendResponse(nil, st)
		if err != nil {
			t.Fatal(err)
		}
		var w valueWriter
		got, err := w.response([]byte("kept"), gateway.StructResult(st))
		if err != nil || string(got) != "kept"+string(want) {
			t.Errorf("%d: writer %v\n%s\nAppendResponse\n%s", i, err, got, want)
		}
	}
	bad := gateway.Struct{{Name: "x", Value: math.NaN()}}
	if _, err := AppendResponse(nil, bad); err == nil {
		t.Fatal("AppendResponse wrote a NaN")
	}
	var w valueWriter
	if out, err := w.response(nil, gateway.StructResult(bad)); err == nil {
		t.Fatalf("the writer wrote a NaN: %s", out)
	}
}
