// Package highswasm holds the HiGHS WebAssembly binary vendored from the npm package highs
// (see README.md and VERSION). It only embeds bytes; lp/highs is the package that runs them.
package highswasm

import _ "embed"

//go:embed highs.wasm
var wasm string

// Wasm returns a fresh copy of the embedded highs.wasm (about 3.5 MB). Callers own the slice.
func Wasm() []byte { return []byte(wasm) }

// Version is the npm package version the binary was taken from.
const Version = "highs@1.15.3"
