package wsdl_test

import (
	"errors"
	"os"
	"testing"

	"gateway/wsdl"
)

// FuzzLoad: any document either loads into a definition whose operations
// all have an input wrapper, or is refused with a LoadError; never a panic.
func FuzzLoad(f *testing.F) {
	for _, path := range []string{"../examples/inventory/inventory.wsdl", "testdata/forms.wsdl", "../gateway/session.wsdl",
		// the corpus's shapes: styles, encoded arrays, headers, groups, attributes, derived types, encodings
		"../conformance/wsdls/cxf-rpc-literal.wsdl", "../conformance/wsdls/sap-bare.wsdl", "../conformance/wsdls/axis-rpc-encoded.wsdl",
		"../conformance/wsdls/ews-headers.wsdl", "../conformance/wsdls/ec2-groups.wsdl", "../conformance/wsdls/paypal-amounts.wsdl",
		"../conformance/wsdls/salesforce-sobjects.wsdl", "../conformance/wsdls/legacy-latin1.wsdl", "../conformance/wsdls/asmx-utf16.wsdl"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := wsdl.LoadBytes("fuzz.wsdl", data)
		if err != nil {
			var le *wsdl.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("an error that is not a LoadError: %v", err)
			}
			return
		}
		for _, op := range def.Operations {
			if op.Input == nil || op.Input.Type == nil {
				t.Fatalf("operation %s without an input type", op.Name)
			}
		}
		if _, err := wsdl.Publish(def); err != nil {
			var le *wsdl.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("publish: %v", err)
			}
		}
	})
}
