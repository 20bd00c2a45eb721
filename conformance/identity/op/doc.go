// Package op pins the OpenID provider the identity suite runs: the example
// server of zitadel/oidc (a well-kept Go OpenID Connect library), a tool of
// this module built from the module proxy at the version go.mod names,
// with its users from a file the test writes. Nothing here is the
// gateway's code.
package op
