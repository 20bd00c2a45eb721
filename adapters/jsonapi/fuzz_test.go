package jsonapi

import (
	"testing"

	"gateway/gateway"
	"gateway/wsdl"
)

// FuzzDecodeBody: any body is read as one JSON object of the operation's
// members, or refused with a clear error; never a panic, and what is
// read passes through the core's check without one.
func FuzzDecodeBody(f *testing.F) {
	def, err := wsdl.Load("../../conformance/wsdls/iso20022-payments.wsdl")
	if err != nil {
		f.Fatal(err)
	}
	in := def.Operations[0].Input
	for _, seed := range []string{`{}`, `{"CstmrCdtTrfInitn":{"MsgId":"M","CdtTrfTxInf":[{"InstdAmt":{"_value":"1.5","Ccy":"EUR"}}]}}`,
		`{"a":1,"a":2}`, `[{}]`, `{"CstmrCdtTrfInitn":{"CreDtTm":12}}`, "{\"\xff\":1}", `{"x":1e999999}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, err := decodeObject(body, 32)
		if err != nil {
			return
		}
		params, err := paramsOf(in, obj)
		if err != nil {
			if _, ok := err.(*gateway.Fault); !ok {
				t.Fatalf("an error that is not a fault: %T %v", err, err)
			}
			return
		}
		_, _ = gateway.CheckInput(in, params) // must not panic
		if _, err := appendJSON(nil, params); err != nil {
			t.Fatalf("what was read does not write back: %v", err)
		}
	})
}
