package dataset

import (
	"bytes"
	"os"
	"testing"
)

// TestDocsUpToDate checks that the committed docs/DATASET.md is what WriteDocs generates, so the
// reference never drifts from the schema. Run `go generate ./dataset` after changing the schema.
func TestDocsUpToDate(t *testing.T) {
	var want bytes.Buffer
	if err := WriteDocs(&want); err != nil {
		t.Fatalf("WriteDocs: %v", err)
	}
	got, err := os.ReadFile("../docs/DATASET.md")
	if err != nil {
		t.Fatalf("read docs/DATASET.md: %v (run go generate ./dataset)", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("docs/DATASET.md is out of date: run go generate ./dataset")
	}
}
