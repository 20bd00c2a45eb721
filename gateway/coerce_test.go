package gateway_test

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"gateway/gateway"
	"gateway/wsdl"
)

func TestCheckInput(t *testing.T) {
	def, err := wsdl.Load("../examples/inventory/inventory.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	reserve := def.Operation("Reserve").Input
	cases := []struct {
		name   string
		params gateway.Struct
		errHas string // "" for success
	}{
		{"valid", gateway.Struct{{Name: "quantity", Value: int64(2)}, {Name: "sku", Value: "A-1"}}, ""},
		{"missing", gateway.Struct{{Name: "sku", Value: "A-1"}}, "missing required parameter quantity"},
		{"nil for required", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: nil}}, "missing required parameter quantity"},
		{"unknown member", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1)}, {Name: "color", Value: "red"}}, "unknown parameter color"},
		{"string for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: "2"}}, "quantity: expected int, got string"},
		{"int for string", gateway.Struct{{Name: "sku", Value: int64(1)}, {Name: "quantity", Value: int64(1)}}, "sku: expected string, got int"},
		{"out of int range", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: int64(1) << 40}}, "out of range"},
		{"struct for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: gateway.Struct{}}}, "expected int, got struct"},
		{"date for int", gateway.Struct{{Name: "sku", Value: "A-1"}, {Name: "quantity", Value: time.Now()}}, "expected int, got dateTime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := gateway.CheckInput(reserve, c.params)
			if c.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				if out[0].Name != "sku" || out[1].Name != "quantity" {
					t.Errorf("not in schema order: %v", out)
				}
				return
			}
			if !errors.Is(err, gateway.ErrInvalidParams) || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("want InvalidParams %q, got %v", c.errHas, err)
			}
		})
	}
}

// TestCheckSchemaConstructs: the checks the later schema constructs bring,
// on corpus WSDLs: alternatives of a choice (sequences of several
// elements), abstract types, list items and lengths in items, whiteSpace.
func TestCheckSchemaConstructs(t *testing.T) {
	load := func(name string) *wsdl.Element {
		def, err := wsdl.Load("../conformance/wsdls/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return def.Operations[0].Input
	}
	hl7, md, ota := load("hl7v3-choices.wsdl"), load("sforce-metadata.wsdl"), load("ota-lists.wsdl")
	s := func(members ...any) gateway.Struct {
		var out gateway.Struct
		for i := 0; i < len(members); i += 2 {
			out = append(out, gateway.Member{Name: members[i].(string), Value: members[i+1]})
		}
		return out
	}
	plan := func(days, blackout string) gateway.Struct {
		p := s("RatePlanCode", "X", "Rate", s("_value", gateway.Decimal("1")), "Days", days)
		if blackout != "" {
			p = append(p, gateway.Member{Name: "BlackoutDates", Value: blackout})
		}
		return s("Version", gateway.Decimal("2"), "Start", "2026-12-01", "RatePlan", []any{p})
	}
	cases := []struct {
		name   string
		input  *wsdl.Element
		params gateway.Struct
		errHas string
	}{
		{"one alternative of several elements", hl7, s("patient", s("name", "Doe", "birthTime", "2026-11-30")), ""},
		{"the other alternative", hl7, s("patient", s("id", "P-1")), ""},
		{"two alternatives", hl7, s("patient", s("name", "Doe", "id", "P-1")), "name and id are alternatives"},
		{"token enumeration, collapsed", hl7, s("patient", s("id", "P-1", "gender", "  F\n")), ""},
		{"token enumeration, wrong", hl7, s("patient", s("id", "P-1", "gender", "X")), "gender"},
		{"abstract without _type", md, s("metadata", []any{s("fullName", "A")}), "abstract"},
		{"abstract intermediate", md, s("metadata", []any{s("_type", "MetadataWithContent")}), "abstract"},
		{"concrete derived", md, s("metadata", []any{s("_type", "ApexClass", "apiVersion", 59.0, "status", "Active")}), ""},
		{"list of enumerated items", ota, plan("Mon\tFri ", ""), ""},
		{"list item not enumerated", ota, plan("Mon Funday", ""), `"Funday" is not one of`},
		{"list length in items", ota, plan("Mon", "2026-01-01 2026-01-02 2026-01-03 2026-01-04 2026-01-05 2026-01-06 2026-01-07 2026-01-08"), "at most 7 items"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := gateway.CheckInput(c.input, c.params)
			if c.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, gateway.ErrInvalidParams) || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("want InvalidParams %q, got %v", c.errHas, err)
			}
		})
	}
}

// TestRangeAndDigitsFacets: minInclusive and kin, totalDigits and
// fractionDigits bound numbers (ISO 20022's amounts, Workday's counts).
func TestRangeAndDigitsFacets(t *testing.T) {
	def, err := wsdl.Load("../conformance/wsdls/workday-references.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	in := def.Operations[0].Input
	for _, c := range []struct {
		name  string
		value any
		field string
		err   string
	}{
		{"a count within three digits", gateway.Decimal("100"), "Count", ""},
		{"a count of four digits", gateway.Decimal("1000"), "Count", "more than 3 digits"},
		{"a count with a fraction", gateway.Decimal("1.5"), "Count", "after the point"},
		{"a salary of 26 digits", gateway.Decimal("12345678901234567890.123456"), "", ""},
		{"a salary with 7 fraction digits", gateway.Decimal("1.1234567"), "", "after the point"},
	} {
		params := gateway.Struct{}
		if c.field == "Count" {
			params = gateway.Struct{{Name: "Response_Filter", Value: gateway.Struct{{Name: "Count", Value: c.value}}}}
		} else {
			params = gateway.Struct{{Name: "Request_Criteria", Value: gateway.Struct{{Name: "Annual_Salary", Value: c.value}}}}
		}
		_, err := gateway.CheckInput(in, params)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	iso, err := wsdl.Load("../conformance/wsdls/iso20022-payments.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	amt := iso.Operations[0].Input.Field("CstmrCdtTrfInitn").Field("CdtTrfTxInf").Field("InstdAmt").Type.Text
	if amt.Range == nil || amt.Range.MinInclusive != "0" || amt.Digits == nil || amt.Digits.Total != 18 || amt.Digits.Fraction != 5 {
		t.Errorf("ISO 20022 amount facets: %+v %+v", amt.Range, amt.Digits)
	}
	if _, err := gateway.CheckInput(&wsdl.Element{Name: xml.Name{Local: "x"}, Type: &wsdl.Type{Kind: wsdl.KindStruct,
		Fields: []*wsdl.Element{{Name: xml.Name{Local: "amount"}, Type: amt, Min: 1, Max: 1}}}},
		gateway.Struct{{Name: "amount", Value: gateway.Decimal("-0.01")}}); err == nil || !strings.Contains(err.Error(), "is not at least 0") {
		t.Errorf("a negative amount: %v", err)
	}
}
