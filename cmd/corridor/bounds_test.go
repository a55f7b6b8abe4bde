package main

import (
	"io"
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
	err := outputs{}.files(dir, map[string][]byte{"a.csv": []byte("a\n"), "no/such/b.csv": []byte("b\n")})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "no/such/b.csv")) {
		t.Fatalf("writeFiles = %v, want an error naming no/such/b.csv", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after a failed set the folder holds %v, want nothing", entries)
	}
	if err := (outputs{}).files(dir, map[string][]byte{"a.csv": []byte("a\n"), "b.csv": []byte("b\n")}); err != nil {
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

// Output paths that are symbolic links are refused, naming where they point, unless --force,
// which writes the file or folder the link points to and keeps the link (#17). Nothing is left
// behind by a refused or failed write.
func TestOutputsSymlinks(t *testing.T) {
	type setup struct {
		dir, elsewhere string
	}
	write := func(t *testing.T, path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(path string) string { b, _ := os.ReadFile(path); return string(b) }
	for _, tt := range []struct {
		name    string
		force   bool
		prepare func(t *testing.T, s setup)
		do      func(o outputs, s setup) error
		wantErr string // "" for success
		check   func(t *testing.T, s setup)
	}{
		{"file link refused", false,
			func(t *testing.T, s setup) {
				write(t, filepath.Join(s.elsewhere, "keep.txt"), "precious")
				os.Symlink(filepath.Join(s.elsewhere, "keep.txt"), filepath.Join(s.dir, "out.json"))
			},
			func(o outputs, s setup) error {
				return o.file(filepath.Join(s.dir, "out.json"), func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
			},
			"out.json: it is a symbolic link to ",
			func(t *testing.T, s setup) {
				if got := read(filepath.Join(s.elsewhere, "keep.txt")); got != "precious" {
					t.Errorf("the link's target holds %q", got)
				}
			}},
		{"file link with force", true,
			func(t *testing.T, s setup) {
				write(t, filepath.Join(s.elsewhere, "keep.txt"), "old")
				os.Symlink(filepath.Join(s.elsewhere, "keep.txt"), filepath.Join(s.dir, "out.json"))
			},
			func(o outputs, s setup) error {
				return o.file(filepath.Join(s.dir, "out.json"), func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
			},
			"",
			func(t *testing.T, s setup) {
				if got := read(filepath.Join(s.elsewhere, "keep.txt")); got != "new" {
					t.Errorf("the link's target holds %q, want new", got)
				}
				if st, err := os.Lstat(filepath.Join(s.dir, "out.json")); err != nil || st.Mode()&os.ModeSymlink == 0 {
					t.Errorf("the link was replaced: %v %v", st, err)
				}
			}},
		{"dangling link with force", true,
			func(t *testing.T, s setup) {
				os.Symlink(filepath.Join("..", filepath.Base(s.elsewhere), "new.txt"), filepath.Join(s.dir, "out.json"))
			},
			func(o outputs, s setup) error {
				return o.file(filepath.Join(s.dir, "out.json"), func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
			},
			"",
			func(t *testing.T, s setup) {
				if got := read(filepath.Join(s.elsewhere, "new.txt")); got != "new" {
					t.Errorf("the link's target holds %q, want new", got)
				}
			}},
		{"folder link refused", false,
			func(t *testing.T, s setup) { os.Symlink(s.elsewhere, filepath.Join(s.dir, "csv")) },
			func(o outputs, s setup) error {
				return o.files(filepath.Join(s.dir, "csv"), map[string][]byte{"a.csv": []byte("a\n")})
			},
			"csv: it is a symbolic link to ",
			nil},
		{"folder link with force", true,
			func(t *testing.T, s setup) { os.Symlink(s.elsewhere, filepath.Join(s.dir, "csv")) },
			func(o outputs, s setup) error {
				return o.files(filepath.Join(s.dir, "csv"), map[string][]byte{"a.csv": []byte("a\n")})
			},
			"",
			func(t *testing.T, s setup) {
				if got := read(filepath.Join(s.elsewhere, "a.csv")); got != "a\n" {
					t.Errorf("a.csv through the folder link holds %q", got)
				}
			}},
		{"link inside a set refused, nothing written", false,
			func(t *testing.T, s setup) {
				write(t, filepath.Join(s.elsewhere, "keep.txt"), "precious")
				os.Symlink(filepath.Join(s.elsewhere, "keep.txt"), filepath.Join(s.dir, "b.csv"))
			},
			func(o outputs, s setup) error {
				return o.files(s.dir, map[string][]byte{"a.csv": []byte("a\n"), "b.csv": []byte("b\n")})
			},
			"b.csv: it is a symbolic link to ",
			func(t *testing.T, s setup) {
				if _, err := os.Stat(filepath.Join(s.dir, "a.csv")); err == nil {
					t.Error("a.csv was written although the set was refused")
				}
			}},
		{"a file in a linked folder is written", false,
			func(t *testing.T, s setup) { os.Symlink(s.elsewhere, filepath.Join(s.dir, "linked")) },
			func(o outputs, s setup) error {
				if err := o.check([]string{filepath.Join(s.dir, "linked", "r.html")}, nil); err != nil {
					return err
				}
				return o.file(filepath.Join(s.dir, "linked", "r.html"), func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
			},
			"",
			func(t *testing.T, s setup) {
				if got := read(filepath.Join(s.elsewhere, "r.html")); got != "new" {
					t.Errorf("r.html in the linked folder holds %q, want new", got)
				}
			}},
		{"check refuses a link before any work", false,
			func(t *testing.T, s setup) {
				os.Symlink(filepath.Join(s.elsewhere, "x"), filepath.Join(s.dir, "r.html"))
			},
			func(o outputs, s setup) error { return o.check([]string{filepath.Join(s.dir, "r.html")}, nil) },
			"r.html: it is a symbolic link to ",
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			s := setup{filepath.Join(root, "out"), filepath.Join(root, "elsewhere")}
			for _, d := range []string{s.dir, s.elsewhere} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			tt.prepare(t, s)
			err := tt.do(outputs{force: tt.force}, s)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), s.elsewhere) || !strings.Contains(err.Error(), "--force")):
				t.Fatalf("err = %v, want one containing %q, the link's target and --force", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			for _, d := range []string{s.dir, s.elsewhere} {
				entries, _ := os.ReadDir(d)
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), ".corridor-") {
						t.Errorf("temporary file %s left in %s", e.Name(), d)
					}
				}
			}
		})
	}
}

// The commands refuse a link at an output path with exit 2 before any work, and --force writes
// through it (#17).
func TestOutputLinkCLI(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.geojson")
	link := filepath.Join(dir, "link.geojson")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"data", "export", "--geojson", link},
		{"flows", "--mps", link},
		{"report", "--out", link},
		{"assess", "--out", link},
		{"data", "init", link},
	} {
		code, _, errOut := runCLI(t, args...)
		if want := "cannot write " + link + ": it is a symbolic link to " + target; code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, errOut, want)
		}
	}
	if code, _, errOut := runCLI(t, "data", "export", "--geojson", link, "--force"); code != 0 {
		t.Fatalf("--force: exit %d, stderr %q", code, errOut)
	}
	if st, err := os.Stat(target); err != nil || st.Size() == 0 {
		t.Errorf("--force did not write the link's target: %v", err)
	}
}
