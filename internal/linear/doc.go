// Package linear holds no code: its tests and benchmarks feed the XML-RPC
// and SOAP decoders hostile shapes of growing size (text split into many
// pieces, start tags full of declarations and attributes, deep nesting,
// references, many members) and show that the cost per input byte stays
// flat from 100 KB to 4 MB. See linear_test.go.
package linear
