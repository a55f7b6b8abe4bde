package simplex

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomBasis returns m sparse columns forming a nonsingular matrix: a permuted diagonal with
// random off-diagonal entries.
func randomBasis(rng *rand.Rand, m int) []sparseCol {
	perm := rng.Perm(m)
	cols := make([]sparseCol, m)
	for j := range cols {
		seen := map[int]bool{perm[j]: true}
		c := sparseCol{idx: []int{perm[j]}, val: []float64{4 + rng.Float64()}}
		for range rng.IntN(4) {
			if i := rng.IntN(m); !seen[i] {
				seen[i] = true
				c.idx = append(c.idx, i)
				c.val = append(c.val, 2*rng.Float64()-1)
			}
		}
		cols[j] = c
	}
	return cols
}

// mul returns B·x for B given by columns (x in position space, result in row space).
func mul(cols []sparseCol, x []float64) []float64 {
	out := make([]float64, len(cols))
	for j, c := range cols {
		for t, i := range c.idx {
			out[i] += c.val[t] * x[j]
		}
	}
	return out
}

// mulT returns Bᵀ·y (y in row space, result in position space).
func mulT(cols []sparseCol, y []float64) []float64 {
	out := make([]float64, len(cols))
	for j, c := range cols {
		for t, i := range c.idx {
			out[j] += c.val[t] * y[i]
		}
	}
	return out
}

func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// TestFactorSolves checks ftran and btran against multiplication by B and Bᵀ, before and after
// column replacements recorded in the eta file.
func TestFactorSolves(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		m := 5 + rng.IntN(60)
		cols := randomBasis(rng, m)
		order := rng.Perm(m)
		f := newFactor(m)
		if bad, _ := f.factorize(cols, order); len(bad) > 0 {
			t.Fatalf("seed %d: nonsingular matrix reported singular at %v", seed, bad)
		}
		for update := 0; update < 6; update++ {
			b := make([]float64, m)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			x := append([]float64(nil), b...)
			f.ftran(x)
			if d := maxDiff(mul(cols, x), b); d > 1e-9 {
				t.Fatalf("seed %d, update %d: |B·ftran(b) − b| = %g", seed, update, d)
			}
			y := append([]float64(nil), b...)
			f.btran(y)
			if d := maxDiff(mulT(cols, y), b); d > 1e-9 {
				t.Fatalf("seed %d, update %d: |Bᵀ·btran(c) − c| = %g", seed, update, d)
			}
			// the hypersparse solves agree with the dense ones on sparse right-hand sides
			sb := make([]float64, m)
			var rows []int
			for range 1 + rng.IntN(2) {
				i := rng.IntN(m)
				sb[i] += rng.NormFloat64()
				rows = append(rows, i)
			}
			dense := append([]float64(nil), sb...)
			f.ftran(dense)
			sparse := append([]float64(nil), sb...)
			checkSparse(t, "ftranSparse", sparse, dense, f.ftranSparse(sparse, rows))
			dense = append(dense[:0], sb...)
			f.btran(dense)
			sparse = append(sparse[:0], sb...)
			checkSparse(t, "btranSparse", sparse, dense, f.btranSparse(sparse, rows))
			// replace a column by a new one whose pivot entry is safely nonzero
			r := rng.IntN(m)
			nc := randomBasis(rng, m)[0]
			alpha := make([]float64, m)
			for k, i := range nc.idx {
				alpha[i] += nc.val[k]
			}
			f.ftran(alpha)
			if math.Abs(alpha[r]) < 1e-3 {
				continue
			}
			var nz []int
			for i, v := range alpha {
				if v != 0 {
					nz = append(nz, i)
				}
			}
			f.update(r, alpha, nz)
			cols[r] = nc
		}
	}
}

// TestFactorSingular: a repeated column is reported with the row left without a pivot.
func TestFactorSingular(t *testing.T) {
	cols := []sparseCol{
		{idx: []int{0, 1}, val: []float64{1, 1}},
		{idx: []int{0, 1}, val: []float64{2, 2}},
		{idx: []int{2}, val: []float64{1}},
	}
	f := newFactor(3)
	bad, free := f.factorize(cols, []int{0, 1, 2})
	if len(bad) != 1 || bad[0] != 1 || len(free) != 1 {
		t.Fatalf("factorize = bad %v, free rows %v; want bad [1] and one free row", bad, free)
	}
}

// checkSparse compares a hypersparse solve with the dense one and checks that every nonzero is
// listed.
func checkSparse(t *testing.T, what string, got, want []float64, nz []int) {
	t.Helper()
	if d := maxDiff(got, want); d > 1e-12 {
		t.Fatalf("%s differs from the dense solve by %g", what, d)
	}
	listed := map[int]bool{}
	for _, i := range nz {
		listed[i] = true
	}
	for i, v := range got {
		if v != 0 && !listed[i] {
			t.Fatalf("%s: entry %d = %g is not in the nonzero list", what, i, v)
		}
	}
}
