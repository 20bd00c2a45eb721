package gateway_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestCoreDependencies: the core imports only the standard library,
// golang.org/x and the WSDL model (whose reader uses etree and gowsdl):
// no store, metrics or HTTP framework comes with it.
func TestCoreDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	own := []string{"gateway/gateway", "gateway/wsdl"}
	allowed := []string{"golang.org/x/", "github.com/beevik/etree", "github.com/hooklift/gowsdl"}
	for _, dep := range strings.Fields(string(out)) {
		ok := slices.Contains(own, dep)
		for _, a := range allowed {
			ok = ok || strings.HasPrefix(dep, a)
		}
		if !ok {
			t.Errorf("the core depends on %s", dep)
		}
	}
}
