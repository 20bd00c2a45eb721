package main

import (
	"io"
	"strings"
)

// jsonBody is a raw request body, for a call the generated types would not
// let one write (a parameter of the wrong type).
func jsonBody(s string) io.Reader { return strings.NewReader(s) }
