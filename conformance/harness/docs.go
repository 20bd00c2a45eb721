package harness

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// CodeBlock is one fenced code block of the docs.
type CodeBlock struct {
	File, Lang, Text string
	Line             int
}

var fence = regexp.MustCompile("(?m)^```([a-z0-9-]*)[ \t]*\n((?s:.*?))^```[ \t]*$")

// DocBlocks returns the fenced code blocks of README.md and docs/*.md.
func DocBlocks(t testing.TB) []CodeBlock {
	t.Helper()
	root := Root(t)
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	var out []CodeBlock
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		for _, m := range fence.FindAllSubmatchIndex(data, -1) {
			out = append(out, CodeBlock{File: rel, Lang: string(data[m[2]:m[3]]), Text: string(data[m[4]:m[5]]),
				Line: strings.Count(string(data[:m[0]]), "\n") + 1})
		}
	}
	return out
}
