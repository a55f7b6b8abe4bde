package simplex_test

import (
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// netlibDir is the netlib subset shipped with the repository (testdata/netlib/README.md).
const netlibDir = "../../testdata/netlib"

// TestConformance runs the suite every lp.Engine passes, on the pure-Go engine without fallback.
func TestConformance(t *testing.T) {
	lptest.RunTests(t, func(t *testing.T) lp.Engine { return simplex.New(simplex.Config{}) })
}

// TestNetlib solves the netlib subset cold from the slack basis, without fallback.
func TestNetlib(t *testing.T) {
	lptest.RunNetlib(t, os.DirFS(netlibDir), func(t *testing.T) lp.Engine { return simplex.New(simplex.Config{}) })
}

// TestWarm runs the suite's warm re-solve checks against gonum, without fallback.
func TestWarm(t *testing.T) {
	lptest.RunWarm(t, func(t *testing.T) lp.Incremental { return simplex.New(simplex.Config{}) })
}
