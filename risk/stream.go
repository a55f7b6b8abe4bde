package risk

import "math/rand/v2"

// Stream returns the random source of one Monte Carlo draw: a PCG generator seeded with
// (seed, draw). It is the only source of randomness in corridor's simulations, so draw i of a run
// is the same whichever worker computes it and in whatever order (DESIGN.md, convention 9).
// Streams for different draws are distinct PCG sequences (O'Neill 2014).
func Stream(seed, draw uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, draw))
}
