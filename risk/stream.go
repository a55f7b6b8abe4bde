package risk

import "math/rand/v2"

// Stream returns the random source of one Monte Carlo draw: a PCG generator seeded with
// (seed, draw). It is the only source of randomness in corridor's simulations, so draw i of a run
// is the same whichever worker computes it and in whatever order (DESIGN.md, convention 9).
// Streams for different draws are distinct PCG sequences (O'Neill 2014).
func Stream(seed, draw uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, draw))
}

// Keyed returns the random source of one named input in one draw: a PCG generator seeded with
// (seed mixed with a hash of key, draw). Each uncertain input — a quantity of the data set, a
// project's overrun, a rule's enforcement — takes its values from its own stream, so its draw i
// depends only on the seed, i and its name: never on which other projects, scenarios or inputs a
// run samples, or in which order. The key is hashed with FNV-1a (64 bit) and mixed with the seed
// by splitmix64 (Steele, Lea and Flood 2014), so that neighbouring seeds and similar keys give
// unrelated streams.
func Keyed(seed, draw uint64, key string) *rand.Rand {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= prime
	}
	return rand.New(rand.NewPCG(splitmix(seed^splitmix(h)), draw))
}

// splitmix is the finaliser of splitmix64: a bijection of uint64 that spreads every input bit.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
