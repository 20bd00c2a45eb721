package gateway

// Neutral values are what every front end decodes into and encodes from, so that
// one operation, defined once in its WSDL, returns the same data on every protocol.
//
// A neutral value is one of:
//
//	nil        absent optional value (XML-RPC nil, SOAP xsi:nil)
//	bool
//	int64      xsd:int, xsd:long and their kin
//	float64    xsd:double, xsd:float, xsd:decimal
//	string
//	time.Time  xsd:dateTime
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
