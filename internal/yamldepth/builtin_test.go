package yamldepth_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/internal/yamldepth"
)

// The built-in data nest far less than Limit.
func TestBuiltInDataShallow(t *testing.T) {
	fsys := dataset.Default()
	n := 0
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		src, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		n++
		if err := yamldepth.Check(src, 12); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d YAML files: %v", n, err)
	}
}
