package main

import (
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// warmEngines returns the engine factory of the Monte Carlo: the pure-Go simplex, which re-solves
// from the previous basis in a fraction of HiGHS's set-up time, with a HiGHS engine from rt for
// cold solves and as the fallback for anything the simplex cannot finish.
func warmEngines(rt *highs.Runtime) func() (lp.Incremental, error) {
	return func() (lp.Incremental, error) {
		fb, err := rt.NewEngine()
		if err != nil {
			return nil, err
		}
		return simplex.New(simplex.Config{Fallback: fb}), nil
	}
}
