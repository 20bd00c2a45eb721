package inventory_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates the gowsdl types into a temporary
// directory and compares them with the committed ones: CI fails when
// inventory.wsdl changed and `go generate ./examples/inventory` was not run.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	dir := t.TempDir()
	wsdlPath, _ := filepath.Abs("inventory.wsdl")
	cmd := exec.Command("go", "tool", "gowsdl", "-p", "invsoap", "-o", "inventory.go", "-d", dir, wsdlPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gowsdl: %v\n%s", err, out)
	}
	fresh, err := os.ReadFile(filepath.Join(dir, "invsoap", "inventory.go"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("invsoap", "inventory.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Fatal("examples/inventory/invsoap is stale: run go generate ./examples/inventory")
	}
}
