package gateway

import "context"

// ValueWriter receives a value part by part, as a front end's encoder writes
// it: an operation's result is walked into one instead of being made into
// neutral values first (which costs an allocation for every string, number
// and structure of the result, and a pass over them). A walk makes the same
// calls whatever the result was made as, so that a front end writes the same
// bytes from a typed result (WalkingImplementation) as from the Struct its
// neutral values would be (WalkValue).
//
// Scalars come by the methods of their kinds; Value carries any other value
// whole, as the neutral value it is (nil, a Decimal, a time, bytes...).
// A structure is StartStruct, then for each member StartMember, its value
// and EndMember, then EndStruct; an array is StartArray with its length,
// then for each item StartItem, its value and EndItem, then EndArray.
type ValueWriter interface {
	Value(v Value)
	String(s string)
	Int(n int64)
	Float(f float64)
	Bool(b bool)
	StartStruct()
	StartMember(name string)
	EndMember()
	EndStruct()
	StartArray(n int)
	StartItem()
	EndItem()
	EndArray()
}

// Result is an operation's result as InvokeWalked hands it back: walked into
// a front end's ValueWriter, or made into its Struct for one that wants
// neutral values.
type Result interface {
	Walk(w ValueWriter)
	Struct() Struct
}

// WalkingImplementation is an Implementation whose operations also answer
// with results walked from what they made (xmlbind's typed operations: the
// generated Go response), without neutral values in between.
type WalkingImplementation interface {
	Implementation
	InvokeWalked(ctx context.Context, call *Call) (Result, error)
}

// StructResult is the Result of a Struct.
func StructResult(st Struct) Result { return structResult(st) }

type structResult Struct

func (r structResult) Walk(w ValueWriter) { walkStruct(Struct(r), w) }
func (r structResult) Struct() Struct     { return Struct(r) }

// WalkValue walks a neutral value into w.
func WalkValue(v Value, w ValueWriter) {
	switch x := v.(type) {
	case string:
		w.String(x)
	case int64:
		w.Int(x)
	case float64:
		w.Float(x)
	case bool:
		w.Bool(x)
	case Struct:
		walkStruct(x, w)
	case []any:
		w.StartArray(len(x))
		for _, item := range x {
			w.StartItem()
			WalkValue(item, w)
			w.EndItem()
		}
		w.EndArray()
	default:
		w.Value(v)
	}
}

func walkStruct(st Struct, w ValueWriter) {
	w.StartStruct()
	for _, m := range st {
		w.StartMember(m.Name)
		WalkValue(m.Value, w)
		w.EndMember()
	}
	w.EndStruct()
}
