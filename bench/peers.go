package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// buildXMLRPCC compiles the xmlrpc-c Abyss peer (Debian libxmlrpc-core-c3-dev)
// into work and returns the binary's path.
func buildXMLRPCC(work string) (string, error) {
	flags, err := exec.Command("xmlrpc-c-config", "abyss-server", "--cflags", "--libs").Output()
	if err != nil {
		return "", fmt.Errorf("xmlrpc-c-config (apt-get install libxmlrpc-core-c3-dev): %w", err)
	}
	src, err := filepath.Abs(filepath.Join("bench", "peers", "xmlrpcc_abyss.c"))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(work, "xmlrpcc_abyss")
	args := append([]string{"-O2", "-o", bin, src}, strings.Fields(string(flags))...)
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("cc xmlrpc-c peer: %w\n%s", err, out)
	}
	return bin, nil
}

// buildGSOAP generates C stubs for examples/inventory/inventory.wsdl with
// gSOAP's wsdl2h and soapcpp2 (Debian gsoap, libgsoap-dev), and compiles the
// gSOAP peer with them.
func buildGSOAP(work string) (string, error) {
	dir := filepath.Join(work, "gsoap")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	wsdlPath, err := filepath.Abs(filepath.Join("examples", "inventory", "inventory.wsdl"))
	if err != nil {
		return "", err
	}
	src, err := filepath.Abs(filepath.Join("bench", "peers", "gsoap_server.c"))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "gsoap_server")
	steps := [][]string{
		{"wsdl2h", "-c", "-o", "inventory.h", wsdlPath},
		{"soapcpp2", "-c", "-S", "-L", "-x", "-I/usr/share/gsoap/import", "inventory.h"},
		{"cc", "-O2", "-I.", "-o", bin, src, "soapC.c", "soapServer.c", "-lgsoap", "-lpthread"},
	}
	for _, step := range steps {
		cmd := exec.Command(step[0], step[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s (apt-get install gsoap libgsoap-dev): %w\n%s", strings.Join(step, " "), err, out)
		}
	}
	return bin, nil
}
