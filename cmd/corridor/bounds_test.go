package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Numbers a user can mistype are refused with a usage error (exit 2) before any work starts
// (#17: --draws 9223372036854775807 panicked, a billion draws allocated 24 GB up front).
func TestDrawBounds(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"assess", "--draws", "9223372036854775807"}, "--draws must lie within 1..1000000, got 9223372036854775807"},
		{[]string{"assess", "--draws", "1000000000"}, "--draws must lie within 1..1000000"},
		{[]string{"assess", "--draws", "0"}, "--draws must lie within 1..1000000, got 0"},
		{[]string{"report", "--draws", "-3"}, "--draws must lie within 1..1000000, got -3"},
		{[]string{"serve", "--max-draws", "2000000"}, "--max-draws must lie within 1..1000000, got 2000000"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// Draws that would keep more figures than memory allows are refused before the Monte Carlo
// starts, naming the product that is too large (#17: draws were allocated up front).
func TestKeptFiguresBound(t *testing.T) {
	code, _, errOut := runCLI(t, "assess", "--draws", "1000000")
	if code != 1 || !strings.Contains(errOut, "1000000 draws of 9 projects under 5 scenarios for 8 countries keep 360000000 figure sets, at most 8000000") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// Command-line mistakes exit 2 as the README says (#17: unknown commands exited 0 or 1, --year
// 1900 was accepted, a missing output folder failed only after the whole appraisal).
func TestUsageMistakesExit2(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, `unknown command "nosuch" for "corridor"`},
		{[]string{"data", "nosuch"}, `unknown command "nosuch" for "corridor data"`},
		{[]string{"scenario"}, "corridor scenario needs a command"},
		{[]string{"flows", "--year", "1900"}, "--year 1900: the data set describes 2024 and years up to 2054"},
		{[]string{"report", "--out", "/nonexistent-corridor-dir/x.html"}, "cannot write /nonexistent-corridor-dir/x.html: there is no folder /nonexistent-corridor-dir"},
		{[]string{"assess", "--html", "/nonexistent-corridor-dir/r.html"}, "cannot write /nonexistent-corridor-dir/r.html"},
		{[]string{"serve", "--addr", "0.0.0.0:0"}, "serves beyond loopback: give the names clients use with --allow-host"},
		{[]string{"serve", "--addr", "8080"}, `--addr "8080": want host:port`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
			}
		})
	}
	if code, _, _ := runCLI(t, "data", "--help"); code != 0 {
		t.Errorf("corridor data --help exit %d, want 0", code)
	}
}

// A set of output files is written all or nothing, without temporary files left behind (#17).
func TestWriteFilesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	err := writeFiles(dir, map[string][]byte{"a.csv": []byte("a\n"), "no/such/b.csv": []byte("b\n")})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "no/such/b.csv")) {
		t.Fatalf("writeFiles = %v, want an error naming no/such/b.csv", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after a failed set the folder holds %v, want nothing", entries)
	}
	if err := writeFiles(dir, map[string][]byte{"a.csv": []byte("a\n"), "b.csv": []byte("b\n")}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("folder holds %v, want a.csv and b.csv only", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.csv")); string(b) != "b\n" {
		t.Errorf("b.csv = %q", b)
	}
}
