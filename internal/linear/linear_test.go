package linear_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gateway/adapters/soap"
	"gateway/adapters/xmlrpc"
	"gateway/wsdl"
)

// shape builds a hostile document of about n bytes for one decoder.
type shape struct {
	name  string
	soap  bool // for soap.Decode (with the inventory WSDL), else xmlrpc.DecodeCall
	build func(n int) []byte
}

// fill repeats unit between head and tail until the document is about n bytes.
func fill(n int, head, unit, tail string) []byte {
	var b bytes.Buffer
	b.Grow(n + len(unit))
	b.WriteString(head)
	for b.Len()+len(unit)+len(tail) <= n {
		b.WriteString(unit)
	}
	b.WriteString(tail)
	return b.Bytes()
}

const (
	rpcHead  = `<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value>`
	rpcTail  = `</value></param></params></methodCall>`
	soapHead = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">`
	getItem  = `<m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>`
	soapTail = `</m:sku></m:GetItem></s:Body></s:Envelope>`
)

// manyDecls is one start tag with max declarations and attributes of
// prefixes declared further out: the shape that was quadratic in SOAP.
func manyDecls(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<h%d:x", i)
	for j := range 60 {
		fmt.Fprintf(&b, ` xmlns:p%d="urn:%d"`, j, j)
	}
	for j := range 190 {
		fmt.Fprintf(&b, ` o%d:a%d="v"`, j%8, j)
	}
	fmt.Fprintf(&b, ` xmlns:h%d="urn:h"/>`, i)
	return b.String()
}

func shapes() []shape {
	outer := soapHead[:len(soapHead)-1]
	for j := range 8 {
		outer += fmt.Sprintf(` xmlns:o%d="urn:o%d"`, j, j)
	}
	outer += ">"
	deepRPC := strings.Repeat("<value><array><data>", 18) + "<value>x</value>" + strings.Repeat("</data></array></value>", 18)
	var deepNS strings.Builder
	for j := range 60 {
		fmt.Fprintf(&deepNS, `<d%d xmlns:q%d="urn:%d" xmlns:r="urn:r%d" r:a="1" q0:b="2">`, j, j, j, j)
	}
	for j := 59; j >= 0; j-- {
		fmt.Fprintf(&deepNS, "</d%d>", j)
	}
	return []shape{
		{"xmlrpc/text split by comments", false, func(n int) []byte { return fill(n, rpcHead, "a<!---->", rpcTail) }},
		{"xmlrpc/text split by PIs", false, func(n int) []byte { return fill(n, rpcHead, "a<?p?>", rpcTail) }},
		{"xmlrpc/text split by CDATA", false, func(n int) []byte { return fill(n, rpcHead, "<![CDATA[a]]>", rpcTail) }},
		{"xmlrpc/string split by comments", false, func(n int) []byte {
			return fill(n, rpcHead+"<string>", "a<!---->", "</string>"+rpcTail)
		}},
		{"xmlrpc/character references", false, func(n int) []byte { return fill(n, rpcHead, "&#x41;&amp;&#66;", rpcTail) }},
		{"xmlrpc/struct members", false, func(n int) []byte {
			return fill(n, rpcHead+"<struct>", "<member><name>a</name><value/></member>", "</struct>"+rpcTail)
		}},
		{"xmlrpc/array of deep arrays", false, func(n int) []byte {
			return fill(n, rpcHead+"<array><data>", deepRPC, "</data></array>"+rpcTail)
		}},
		{"xmlrpc/attributes", false, func(n int) []byte {
			attrs := ""
			for j := range 200 {
				attrs += fmt.Sprintf(` a%d="v"`, j)
			}
			return fill(n, rpcHead+"<array><data>", "<value"+attrs+"/>", "</data></array>"+rpcTail)
		}},
		{"soap/declarations and prefixed attributes", true, func(n int) []byte {
			var b bytes.Buffer
			b.WriteString(outer + "<s:Header>")
			for i := 0; b.Len() < n-2000; i++ {
				b.WriteString(manyDecls(i))
			}
			b.WriteString("</s:Header><s:Body>" + getItem + "A-1" + soapTail)
			return b.Bytes()
		}},
		{"soap/deep declarations", true, func(n int) []byte {
			return fill(n, outer+"<s:Header>", "<q0:h xmlns:q0=\"urn:q\">"+deepNS.String()+"</q0:h>", "</s:Header><s:Body>"+getItem+"A-1"+soapTail)
		}},
		{"soap/text split by comments", true, func(n int) []byte {
			return fill(n, soapHead+"<s:Body>"+getItem, "A<!---->", soapTail)
		}},
		{"soap/character references", true, func(n int) []byte {
			return fill(n, soapHead+"<s:Body>"+getItem, "&#x41;&amp;&#66;", soapTail)
		}},
		{"soap/many header blocks", true, func(n int) []byte {
			return fill(n, soapHead+"<s:Header>", `<h:x xmlns:h="urn:h" s:mustUnderstand="0">t</h:x>`, "</s:Header><s:Body>"+getItem+"A-1"+soapTail)
		}},
	}
}

func inventory(t testing.TB) *wsdl.Definition {
	t.Helper()
	def, err := wsdl.Load("../../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func decode(def *wsdl.Definition, sh shape, doc []byte) error {
	if sh.soap {
		_, err := soap.Decode(bytes.NewReader(doc), soap.V11, def, 64)
		return err
	}
	_, _, err := xmlrpc.DecodeCall(bytes.NewReader(doc), 64)
	return err
}

// BenchmarkHostileShapes decodes each shape at 100 KB, 1 MB and 4 MB; the
// B/s column must stay about the same across the three sizes of a shape
// (make bench prints it; docs/benchmarks.md records a run).
func BenchmarkHostileShapes(b *testing.B) {
	def := inventory(b)
	for _, sh := range shapes() {
		for _, size := range []int{100 << 10, 1 << 20, 4 << 20} {
			doc := sh.build(size)
			b.Run(fmt.Sprintf("%s/%dKB", sh.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				for b.Loop() {
					_ = decode(def, sh, doc)
				}
			})
		}
	}
}

// TestHostileShapesAllocateLinearly: the bytes a decoder allocates grow in
// proportion to its input for every shape. Counted, not timed: a decoder
// that copies gathered text again for every piece (as the XML-RPC value
// reader did) allocates quadratically, here thousands of times over.
func TestHostileShapesAllocateLinearly(t *testing.T) {
	def := inventory(t)
	perByte := func(sh shape, n int) float64 {
		doc := sh.build(n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_ = decode(def, sh, doc)
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / float64(len(doc))
	}
	for _, sh := range shapes() {
		small, large := perByte(sh, 128<<10), perByte(sh, 2<<20)
		// A fixed cost (the WSDL's namespaces, pools) weighs more on the
		// small document, so only growth beyond 4x plus 1 byte per byte fails.
		if large > 4*small+1 {
			t.Errorf("%s: %.1f bytes allocated per input byte at 2 MB, %.1f at 128 KB", sh.name, large, small)
		}
	}
}

// TestHostileShapesAreRead: every shape is within the limits, so the
// benchmark measures decoding it whole, not an early refusal.
func TestHostileShapesAreRead(t *testing.T) {
	def := inventory(t)
	for _, sh := range shapes() {
		if err := decode(def, sh, sh.build(64<<10)); err != nil {
			t.Errorf("%s: %v", sh.name, err)
		}
	}
}
