package ops_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gateway/conformance/harness"
)

// TestDocs runs every code block of README.md and docs/*.md, as a new
// user would type it, against a gateway started on the demo defaults (the
// blocks' 127.0.0.1:8080 is that gateway's address):
//
//   - python, php: run with Debian's interpreters;
//   - sh: run with bash, line by line, in a folder with the binary as
//     bin/gateway and gateway on the PATH; a make, go run or go install line
//     is checked to name a Makefile target or a package that exists (the
//     test cannot run make test inside make test);
//   - go: a whole program, built against this module and run;
//   - xml: a WSDL, served by a gateway (checked with -check-config);
//   - yaml: read as a configuration (cmd/gateway's TestDocsConfigurations);
//   - haproxy: its health check path must answer on the gateway;
//   - text: output and diagrams, not run.
func TestDocs(t *testing.T) {
	gw := harness.Start(t, binary(t), "")
	addr := strings.TrimPrefix(gw.URL, "http://")
	root := harness.Root(t)
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary(t), filepath.Join(work, "bin", "gateway")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "gateway.yaml"), nil, 0o644); err != nil { // the demo defaults
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := harness.DocBlocks(t)
	ran := map[string]int{}
	for _, b := range blocks {
		name := fmt.Sprintf("%s:%d", b.File, b.Line)
		text := strings.ReplaceAll(b.Text, "127.0.0.1:8080", addr)
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			run := func(cmd *exec.Cmd) {
				t.Helper()
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "PATH="+filepath.Join(work, "bin")+":"+os.Getenv("PATH"), "GATEWAY_URL="+gw.URL)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%v\n%s\n--- the block:\n%s", err, out, text)
				}
			}
			switch b.Lang {
			case "python":
				run(exec.CommandContext(ctx, harness.Python(t), "-c", text))
			case "php":
				run(exec.CommandContext(ctx, "php", "-r", text))
			case "sh":
				var script []string
				for _, line := range shellLines(text) {
					if target, ok := strings.CutPrefix(line, "make "); ok {
						target, _, _ = strings.Cut(target, " ")
						if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).Match(makefile) {
							t.Errorf("make %s: no such target", target)
						}
						continue
					}
					if rest, ok := strings.CutPrefix(line, "go "); ok {
						if f := strings.Fields(rest); len(f) > 1 && strings.HasPrefix(f[1], "./") {
							if _, err := os.Stat(filepath.Join(root, f[1])); err != nil {
								t.Errorf("%s: no such package", line)
							}
						}
						continue
					}
					script = append(script, line)
				}
				if len(script) > 0 {
					run(exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", strings.Join(script, "\n")))
				}
			case "go":
				dir := filepath.Join(root, "internal", "docsrun", fmt.Sprintf("b%d", b.Line))
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.RemoveAll(filepath.Join(root, "internal", "docsrun")) })
				if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.CommandContext(ctx, "go", "run", "./internal/docsrun/"+filepath.Base(dir))
				if !strings.HasPrefix(text, "package main") {
					cmd = exec.CommandContext(ctx, "go", "vet", "./internal/docsrun/"+filepath.Base(dir))
				}
				cmd.Dir = root
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%v\n%s\n--- the block:\n%s", err, out, text)
				}
			case "xml":
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "service.wsdl"), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				cfg := filepath.Join(dir, "gateway.yaml")
				if err := os.WriteFile(cfg, []byte("services:\n  - {name: s, wsdl: service.wsdl, backend: {kind: soap, url: 'http://127.0.0.1:1/'}}\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				run(exec.CommandContext(ctx, binary(t), "-check-config", "-offline", "-config", cfg))
			case "haproxy":
				m := regexp.MustCompile(`httpchk GET (\S+)`).FindStringSubmatch(text)
				if m == nil {
					t.Fatal("no health check in the HAProxy block")
				}
				run(exec.CommandContext(ctx, "curl", "-sf", gw.URL+m[1]))
			case "yaml", "text":
				// yaml: cmd/gateway's TestDocsConfigurations; text: not code.
				return
			default:
				t.Errorf("a %q block: say how the docs test runs it", b.Lang)
				return
			}
			ran[b.Lang]++
		})
	}
	for _, lang := range []string{"python", "sh", "go", "xml", "php"} {
		if ran[lang] == 0 {
			t.Errorf("no %s block ran", lang)
		}
	}
}

// shellLines joins a shell block's continued lines and drops comments and
// blank lines.
func shellLines(text string) []string {
	var out []string
	cur := ""
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line = strings.TrimSpace(cur + line)
		cur = ""
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
