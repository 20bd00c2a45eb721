package gateway

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Neutral values are what every front end decodes into and encodes from, so that
// one operation, defined once in its WSDL, returns the same data on every protocol.
//
// A neutral value is one of:
//
//	nil        absent optional value (XML-RPC nil, SOAP xsi:nil)
//	bool
//	int64      xsd:int, xsd:long and their kin
//	float64    xsd:double, xsd:float
//	Decimal    xsd:decimal and what derives from it: every digit kept
//	BigInt     an xsd:integer (unsignedLong, positiveInteger...) beyond int64
//	string
//	time.Time  xsd:dateTime, its offset kept; NoZone when it had none
//	[]byte     xsd:base64Binary
//	Struct     a complex type: named members in schema order
//	[]any      a repeated element (maxOccurs > 1)
type Value = any

// Member is one named field of a Struct.
type Member struct {
	Name  string
	Value Value
}

// Struct is an ordered set of named members. Order is kept because SOAP
// encodes members in schema order; lookups are linear because structs are small
// and a map per value would dominate the allocation profile of a call.
type Struct []Member

// Get returns the value of the first member called name.
func (s Struct) Get(name string) (Value, bool) {
	for i := range s {
		if s[i].Name == name {
			return s[i].Value, true
		}
	}
	return nil, false
}

// String returns the member as a string, or "" when absent or not a string.
func (s Struct) String(name string) string {
	v, _ := s.Get(name)
	str, _ := v.(string)
	return str
}

// Int returns the member as an int64, or 0 when absent or not an integer.
func (s Struct) Int(name string) int64 {
	v, _ := s.Get(name)
	n, _ := v.(int64)
	return n
}

// Decimal is an xsd:decimal as its exact lexical form ("12.340",
// "-0.000000000000000001", "123456789012345678901234567890"), so that no
// digit is lost to float64 on the way through. SOAP carries it as it is;
// XML-RPC as a <double> whose text is these digits.
type Decimal string

// decimalLexical is xsd:decimal's lexical space.
var decimalLexical = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// ParseDecimal reads an xsd:decimal lexical form (surrounding space
// trimmed, as the type's whitespace facet says).
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	if !decimalLexical.MatchString(s) {
		return "", false
	}
	return Decimal(s), true
}

// DecimalOf is the shortest decimal that reads back as f (false for
// infinities and NaN, which xsd:decimal lacks).
func DecimalOf(f float64) (Decimal, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return Decimal(strconv.FormatFloat(f, 'f', -1, 64)), true
}

// Float64 is d, rounded to the nearest float64.
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(string(d), 64)
	return f
}

// NoZone is the location of a dateTime that was written without a zone
// ("2026-11-30T10:00:00"): its clock reads as UTC's, and the encoders write
// it back without a zone, so that an absent zone stays absent instead of
// becoming "Z".
var NoZone = time.FixedZone("no zone", 0)

// ParseDateTime reads an xsd:dateTime's lexical form: with its offset
// kept, or in NoZone when it has none.
func ParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v, true
	}
	if v, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, NoZone); err == nil {
		return v, true
	}
	return time.Time{}, false
}

// BigInt is an integer of xsd:integer's unbounded family (integer,
// unsignedLong, nonNegativeInteger...) too large for int64, as its
// digits. SOAP carries it as it is; XML-RPC, whose i8 stops at 2^63, as a
// <string>; values that fit stay int64.
type BigInt string

var integerLexical = regexp.MustCompile(`^[+-]?[0-9]+$`)

// IsUnboundedInteger reports whether an XSD type name is of the integer
// family that int64 may not hold.
func IsUnboundedInteger(xsdName string) bool {
	switch xsdName {
	case "integer", "unsignedLong", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger":
		return true
	}
	return false
}

// ParseInteger reads an integer lexical form: an int64 when it fits, a
// BigInt when it does not and big allows it.
func ParseInteger(s string, big bool) (Value, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
		return n, true
	}
	if big && integerLexical.MatchString(s) {
		return BigInt(strings.TrimPrefix(s, "+")), true
	}
	return nil, false
}
