// Command gendocs writes docs/DATASET.md from the dataset schema. It is run by
// `go generate ./dataset`:
//
//	go run ../internal/gendocs -o ../docs/DATASET.md
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/corridor-dev/corridor/dataset"
)

func main() {
	out := flag.String("o", "docs/DATASET.md", "file to write")
	flag.Parse()
	var b bytes.Buffer
	if err := dataset.WriteDocs(&b); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
