package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// readme is the repository's README, read once per test.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The README links and names only files that are in the repository (#17: it linked one that
// was not).
func TestReadmeFilesExist(t *testing.T) {
	text := readme(t)
	var paths []string
	for _, m := range regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(text, -1) {
		if !strings.Contains(m[1], "://") && !strings.HasPrefix(m[1], "#") {
			paths = append(paths, m[1])
		}
	}
	// paths of the repository named in the text: docs/…, testdata/…, cmd/…, *.go
	paths = append(paths, regexp.MustCompile(`\b(?:docs|testdata|cmd|dataset|scripts)/[A-Za-z0-9_./-]*[A-Za-z0-9_/]|\b[a-z_]+\.go\b`).FindAllString(text, -1)...)
	if len(paths) < 5 {
		t.Fatalf("found only %d paths in the README: %v", len(paths), paths)
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join("..", "..", filepath.FromSlash(strings.TrimSuffix(p, "/")))); err != nil {
			t.Errorf("the README names %s, which is not in the repository", p)
		}
	}
}

// Every command line of the README's examples and every flag of its command table exists:
// the command is found and its flags parse (nothing is run).
func TestReadmeCommands(t *testing.T) {
	text := readme(t)
	root := newRootCmd(&app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	find := func(args []string) (*cobra.Command, []string) {
		t.Helper()
		c, rest, err := root.Find(args)
		if err != nil || c == root {
			t.Errorf("corridor %s: no such command (%v)", strings.Join(args, " "), err)
			return nil, nil
		}
		return c, rest
	}
	// examples: lines of code blocks that run the binary
	lines := 0
	inCode := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode {
			continue
		}
		line, _, _ = strings.Cut(line, " #")
		for _, part := range strings.Split(line, "&&") {
			fields := strings.Fields(part)
			if len(fields) > 3 && fields[0] == "go" && fields[1] == "run" && fields[2] == "./cmd/corridor" {
				fields = fields[3:]
			} else if len(fields) > 1 && fields[0] == "./corridor" {
				fields = fields[1:]
			} else {
				continue
			}
			lines++
			c, rest := find(fields)
			if c == nil {
				continue
			}
			c.Flags().AddFlagSet(root.PersistentFlags())
			if err := c.ParseFlags(rest); err != nil {
				t.Errorf("corridor %s: %v", strings.Join(fields, " "), err)
			}
		}
	}
	if lines < 10 {
		t.Errorf("found %d example command lines, want at least 10", lines)
	}
	// the command table: | `corridor verb [sub] [--flag …]`, `corridor …` | what it does |
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `corridor ") {
			continue
		}
		cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		for _, usage := range regexp.MustCompile("`(corridor [^`]+)`").FindAllStringSubmatch(cell, -1) {
			rows++
			words := strings.Fields(usage[1])[1:]
			var args []string
			for _, w := range words {
				if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") || strings.ToUpper(w) == w || strings.Contains(w, "…") {
					break
				}
				args = append(args, w)
			}
			c, _ := find(args)
			if c == nil {
				continue
			}
			for _, m := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(usage[1], -1) {
				if c.Flags().Lookup(m[1]) == nil && c.InheritedFlags().Lookup(m[1]) == nil {
					t.Errorf("%s: corridor %s has no flag --%s", usage[1], strings.Join(args, " "), m[1])
				}
			}
		}
	}
	if rows < 10 {
		t.Errorf("found %d commands in the README's table, want at least 10", rows)
	}
}
