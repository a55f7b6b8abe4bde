// Package lptest is the conformance suite every lp.Engine passes, with benchmarks.
//
// # Overview
//
// RunTests solves hand-derived LPs (each Case says how its answer was derived), small MIPs,
// random LPs cross-checked against gonum's dense simplex (a test oracle only), and checks the
// Engine contract. RunNetlib solves the netlib problems of an fs.FS against their published
// optima; RunBenchmarks times a cold solve of each.
//
// # Plugging in an engine
//
//	func TestConformance(t *testing.T) {
//		lptest.RunTests(t, func(t *testing.T) lp.Engine {
//			e, err := highs.New(t.Context())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return e // the suite closes it
//		})
//	}
//
// Tests pass os.DirFS of the repository's testdata/netlib to RunNetlib; the package reads no
// files on its own.
package lptest
