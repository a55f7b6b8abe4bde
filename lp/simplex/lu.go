package simplex

import "math"

// sparseCol is a column of the basis matrix in row space.
type sparseCol struct {
	idx []int
	val []float64
}

// factor is B·Q = L·U for the basis matrix B (m×m), computed left-looking (Gilbert and Peierls,
// "Sparse partial pivoting in time proportional to arithmetic operations", SIAM J. Sci. Stat.
// Comput. 9(5), 1988) with partial pivoting, followed by a product-form eta file for basis
// changes (Dantzig and Orchard-Hays 1954; see Koberstein 2005, "The dual simplex method,
// techniques for a fast and stable implementation", §5.3).
//
// Step k eliminates basis position q[k] on row p[k]. L has a unit diagonal at (p[k], k) and the
// entries of column k at rows pivoted later; U is upper triangular in step order. Vectors passed
// to ftran are in row space and come back in basis-position space; btran goes the other way.
type factor struct {
	m      int
	p, q   []int // step → pivot row, step → basis position
	rowOf  []int // row → step that pivoted it, −1 while unpivoted (factorisation only)
	lStart []int // L column k: lIdx/lVal[lStart[k]:lStart[k+1]]
	lIdx   []int
	lVal   []float64
	uStart []int // U column k without its diagonal: uIdx (steps)/uVal[uStart[k]:uStart[k+1]]
	uIdx   []int
	uVal   []float64
	uDiag  []float64

	// eta file: eta e replaces basis position etaPos[e]; its column (position space) is
	// etaIdx/etaVal[etaStart[e]:etaStart[e+1]] without the pivot etaPiv[e].
	etaPos   []int
	etaPiv   []float64
	etaStart []int
	etaIdx   []int
	etaVal   []float64

	work  []float64 // row space, zero between uses
	step  []float64 // step space scratch
	mark  []int     // DFS marks (factorisation)
	stack []int
	ptr   []int
	topo  []int
	epoch int

	// For the hypersparse solves (after factorize): L's entries as steps, row-wise copies of L
	// (indexed by the step of the row) and U, and the step of each basis position.
	lStep          []int
	lrStart, lrIdx []int
	lrVal          []float64
	urStart, urIdx []int
	urVal          []float64
	posStep        []int
	sv             []float64 // step space, zero between uses
	smark          []int     // reach marks by step
	sptr           []int     // reach: next edge to follow, by step
	sepoch         int
	reachBuf       []int
	startBuf       []int
	reachOut       [2][]int
	flip           int
	outNz          []int
	pmark          []int // output-position marks
}

// singularTol is the smallest pivot magnitude accepted; a column without one is singular.
const singularTol = 1e-11

// newFactor allocates a factor for m rows.
func newFactor(m int) *factor {
	f := &factor{m: m, p: make([]int, m), q: make([]int, m), rowOf: make([]int, m),
		uDiag: make([]float64, m), work: make([]float64, m), step: make([]float64, m),
		mark: make([]int, m), ptr: make([]int, m)}
	return f
}

// factorize computes L and U for the basis whose position i holds column cols[i]. order lists
// the positions in elimination order. It returns the positions that found no pivot (the basis is
// singular there) and the rows left unpivoted, equally many; the caller replaces each such
// position by a logical of one of those rows and calls factorize again.
func (f *factor) factorize(cols []sparseCol, order []int) (badPos, freeRows []int) {
	m := f.m
	f.lStart, f.lIdx, f.lVal = f.lStart[:0], f.lIdx[:0], f.lVal[:0]
	f.uStart, f.uIdx, f.uVal = f.uStart[:0], f.uIdx[:0], f.uVal[:0]
	f.etaPos, f.etaPiv, f.etaIdx, f.etaVal = f.etaPos[:0], f.etaPiv[:0], f.etaIdx[:0], f.etaVal[:0]
	f.etaStart = append(f.etaStart[:0], 0)
	for i := range f.rowOf {
		f.rowOf[i] = -1
	}
	k := 0
	for _, pos := range order {
		f.lStart = append(f.lStart, len(f.lIdx))
		f.uStart = append(f.uStart, len(f.uIdx))
		c := cols[pos]
		f.epoch++
		// the rows reached from c through L, pivoted rows in topological order
		f.topo = f.topo[:0]
		for _, i := range c.idx {
			if f.rowOf[i] >= 0 && f.mark[i] != f.epoch {
				f.reach(i)
			}
		}
		for t, i := range c.idx {
			f.work[i] += c.val[t]
		}
		// forward substitution in reverse postorder (topo holds postorder)
		for t := len(f.topo) - 1; t >= 0; t-- {
			i := f.topo[t]
			xi := f.work[i]
			if xi == 0 {
				continue
			}
			s := f.rowOf[i]
			for e := f.lStart[s]; e < f.lStart[s+1]; e++ {
				f.work[f.lIdx[e]] -= f.lVal[e] * xi
			}
		}
		// U entries for pivoted rows; the pivot among unpivoted rows
		piv, best := -1, 0.0
		consider := func(i int) {
			if f.rowOf[i] >= 0 {
				return
			}
			if a := math.Abs(f.work[i]); a > best || (a == best && a > 0 && i < piv) {
				piv, best = i, a
			}
		}
		for _, i := range c.idx {
			consider(i)
		}
		for _, i := range f.topo {
			s := f.rowOf[i]
			for e := f.lStart[s]; e < f.lStart[s+1]; e++ {
				consider(f.lIdx[e])
			}
		}
		if best <= singularTol {
			badPos = append(badPos, pos)
			f.clearColumn(c)
			f.lStart = f.lStart[:len(f.lStart)-1]
			f.uStart = f.uStart[:len(f.uStart)-1]
			continue
		}
		for _, i := range f.topo {
			if v := f.work[i]; v != 0 {
				f.uIdx = append(f.uIdx, f.rowOf[i])
				f.uVal = append(f.uVal, v)
			}
		}
		pv := f.work[piv]
		f.uDiag[k] = pv
		f.p[k], f.q[k] = piv, pos
		f.rowOf[piv] = k
		f.work[piv] = 0
		addL := func(i int) {
			if f.rowOf[i] < 0 && f.work[i] != 0 {
				f.lIdx = append(f.lIdx, i)
				f.lVal = append(f.lVal, f.work[i]/pv)
				f.work[i] = 0
			}
		}
		for _, i := range c.idx {
			addL(i)
		}
		for _, i := range f.topo {
			s := f.rowOf[i]
			for e := f.lStart[s]; e < f.lStart[s+1]; e++ {
				addL(f.lIdx[e])
			}
		}
		f.clearColumn(c)
		k++
	}
	f.lStart = append(f.lStart, len(f.lIdx))
	f.uStart = append(f.uStart, len(f.uIdx))
	if k < m {
		for i, s := range f.rowOf {
			if s < 0 {
				freeRows = append(freeRows, i)
			}
		}
		return badPos, freeRows
	}
	f.index()
	return nil, nil
}

// index builds what the hypersparse solves need from a complete factorisation.
func (f *factor) index() {
	m := f.m
	if len(f.sv) != m {
		f.sv, f.smark, f.pmark, f.posStep, f.sptr = make([]float64, m), make([]int, m), make([]int, m), make([]int, m), make([]int, m)
	}
	for k, pos := range f.q {
		f.posStep[pos] = k
	}
	f.lStep = f.lStep[:0]
	for _, i := range f.lIdx {
		f.lStep = append(f.lStep, f.rowOf[i])
	}
	// L by rows: the entries of row p[s] are listed under step s
	f.lrStart, f.lrIdx, f.lrVal = transpose(m, f.lStart, f.lStep, f.lVal, f.lrStart, f.lrIdx, f.lrVal, f.ptr)
	f.urStart, f.urIdx, f.urVal = transpose(m, f.uStart, f.uIdx, f.uVal, f.urStart, f.urIdx, f.urVal, f.ptr)
}

// transpose returns the row-wise form of an m×m matrix given by columns (start, idx, val),
// reusing the output slices' storage; next is scratch of length m.
func transpose(m int, start, idx []int, val []float64, tStart, tIdx []int, tVal []float64, next []int) ([]int, []int, []float64) {
	tStart = resize(tStart, m+1)
	clear(tStart)
	for _, i := range idx {
		tStart[i+1]++
	}
	for i := range m {
		tStart[i+1] += tStart[i]
	}
	n := len(idx)
	tIdx, tVal = resize(tIdx, n), resize(tVal, n)
	copy(next, tStart[:m])
	for j := range m {
		for e := start[j]; e < start[j+1]; e++ {
			i := idx[e]
			tIdx[next[i]] = j
			tVal[next[i]] = val[e]
			next[i]++
		}
	}
	return tStart, tIdx, tVal
}

// resize returns s with length n, reusing its storage when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// reachSet returns every step reachable from starts in the graph whose edges from step k are
// adj[adjStart[k]:adjStart[k+1]], in depth-first postorder: walked backwards it is a topological
// order (a step comes before every step it reaches). The result alternates between two
// buffers, so that it may be passed as starts to the next call; it is valid until the call after.
func (f *factor) reachSet(starts []int, adjStart, adj []int) []int {
	f.sepoch++
	f.flip ^= 1
	out := f.reachOut[f.flip][:0]
	stack := f.reachBuf[:0]
	for _, root := range starts {
		if f.smark[root] == f.sepoch {
			continue
		}
		f.smark[root] = f.sepoch
		f.sptr[root] = adjStart[root]
		stack = append(stack, root)
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			e, end := f.sptr[k], adjStart[k+1]
			for ; e < end; e++ {
				if j := adj[e]; f.smark[j] != f.sepoch {
					f.smark[j] = f.sepoch
					f.sptr[j] = adjStart[j]
					stack = append(stack, j)
					break
				}
			}
			if e < end {
				f.sptr[k] = e + 1
				continue
			}
			stack = stack[:len(stack)-1]
			out = append(out, k)
		}
	}
	f.reachBuf, f.reachOut[f.flip] = stack, out
	return out
}

// sparseLimit is the share of nonzeros above which the solves fall back to dense loops.
const sparseLimit = 0.1

// ftranSparse is ftran for an x whose nonzeros are at rows nz (duplicates allowed). It returns
// the positions that may be nonzero on exit (f.outNz, valid until the next call), visiting only
// the parts of L, U and the etas that the solve reaches (Gilbert and Peierls 1988).
func (f *factor) ftranSparse(x []float64, nz []int) []int {
	if float64(len(nz)) > sparseLimit*float64(f.m) {
		f.ftran(x)
		return f.scan(x)
	}
	starts := f.outNz[:0]
	for _, i := range nz {
		starts = append(starts, f.rowOf[i])
	}
	r := f.reachSet(starts, f.lStart, f.lStep)
	for t := len(r) - 1; t >= 0; t-- { // L, in topological order
		f.lColumn(x, r[t])
	}
	sv := f.sv
	for _, k := range r {
		sv[k] = x[f.p[k]]
		x[f.p[k]] = 0
	}
	r = f.reachSet(r, f.uStart, f.uIdx)
	for t := len(r) - 1; t >= 0; t-- { // U, in topological order
		f.uColumn(sv, r[t])
	}
	f.sepoch++ // reuse smark-style marks for output positions
	out := f.outNz[:0]
	for _, k := range r {
		if v := sv[k]; v != 0 {
			pos := f.q[k]
			x[pos] = v
			f.pmark[pos] = f.sepoch
			out = append(out, pos)
			sv[k] = 0
		}
	}
	for e := range f.etaPos {
		r := f.etaPos[e]
		v := x[r]
		if v == 0 {
			continue
		}
		v /= f.etaPiv[e]
		x[r] = v
		for t := f.etaStart[e]; t < f.etaStart[e+1]; t++ {
			i := f.etaIdx[t]
			if f.pmark[i] != f.sepoch {
				f.pmark[i] = f.sepoch
				out = append(out, i)
			}
			x[i] -= f.etaVal[t] * v
		}
	}
	f.outNz = out
	return out
}

// btranSparse is btran for a y whose nonzeros are at positions nz. It returns the rows that may
// be nonzero on exit (f.outNz, valid until the next call).
func (f *factor) btranSparse(y []float64, nz []int) []int {
	if float64(len(nz)) > sparseLimit*float64(f.m) {
		f.btran(y)
		return f.scan(y)
	}
	f.sepoch++
	pos := f.outNz[:0]
	for _, i := range nz {
		if f.pmark[i] != f.sepoch {
			f.pmark[i] = f.sepoch
			pos = append(pos, i)
		}
	}
	for e := len(f.etaPos) - 1; e >= 0; e-- {
		r := f.etaPos[e]
		s := f.etaDot(y, e)
		if s == 0 && y[r] == 0 {
			continue
		}
		y[r] = s / f.etaPiv[e]
		if f.pmark[r] != f.sepoch {
			f.pmark[r] = f.sepoch
			pos = append(pos, r)
		}
	}
	sv := f.sv
	starts := f.startBuf[:0]
	for _, i := range pos {
		if v := y[i]; v != 0 {
			k := f.posStep[i]
			sv[k] = v
			starts = append(starts, k)
		}
		y[i] = 0
	}
	f.startBuf = starts
	r := f.reachSet(starts, f.urStart, f.urIdx)
	for t := len(r) - 1; t >= 0; t-- { // Uᵀ, in topological order
		j := r[t]
		v := sv[j]
		if v == 0 {
			continue
		}
		v /= f.uDiag[j]
		sv[j] = v
		for e := f.urStart[j]; e < f.urStart[j+1]; e++ {
			sv[f.urIdx[e]] -= f.urVal[e] * v
		}
	}
	r = f.reachSet(r, f.lrStart, f.lrIdx)
	out := f.outNz[:0]
	for t := len(r) - 1; t >= 0; t-- { // Lᵀ, in topological order
		s := r[t]
		v := sv[s]
		if v == 0 {
			continue
		}
		for e := f.lrStart[s]; e < f.lrStart[s+1]; e++ {
			sv[f.lrIdx[e]] -= f.lrVal[e] * v
		}
		y[f.p[s]] = v
		out = append(out, f.p[s])
	}
	for _, s := range r {
		sv[s] = 0
	}
	f.outNz = out
	return out
}

// scan lists the nonzeros of a dense vector in f.outNz.
func (f *factor) scan(x []float64) []int {
	out := f.outNz[:0]
	for i, v := range x {
		if v != 0 {
			out = append(out, i)
		}
	}
	f.outNz = out
	return out
}

// clearColumn zeroes the work entries a column's elimination may have touched.
func (f *factor) clearColumn(c sparseCol) {
	for _, i := range c.idx {
		f.work[i] = 0
	}
	for _, i := range f.topo {
		f.work[i] = 0
		s := f.rowOf[i]
		for e := f.lStart[s]; e < f.lStart[s+1]; e++ {
			f.work[f.lIdx[e]] = 0
		}
	}
}

// reach appends to f.topo, in postorder, the pivoted rows reachable from pivoted row root through
// the columns of L (depth-first, without recursion).
func (f *factor) reach(root int) {
	f.stack = append(f.stack[:0], root)
	f.mark[root] = f.epoch
	f.ptr[root] = f.lStart[f.rowOf[root]]
	for len(f.stack) > 0 {
		i := f.stack[len(f.stack)-1]
		s := f.rowOf[i]
		end := f.lStart[s+1]
		descended := false
		for e := f.ptr[i]; e < end; e++ {
			j := f.lIdx[e]
			if f.rowOf[j] >= 0 && f.mark[j] != f.epoch {
				f.ptr[i] = e + 1
				f.mark[j] = f.epoch
				f.ptr[j] = f.lStart[f.rowOf[j]]
				f.stack = append(f.stack, j)
				descended = true
				break
			}
		}
		if !descended {
			f.ptr[i] = end
			f.stack = f.stack[:len(f.stack)-1]
			f.topo = append(f.topo, i)
		}
	}
}

// ftran overwrites x (row space on entry, length m) with B⁻¹x in basis-position space.
func (f *factor) ftran(x []float64) {
	m := f.m
	for k := range m {
		f.lColumn(x, k)
	}
	z := f.step
	for k := 0; k < m; k++ {
		z[k] = x[f.p[k]]
	}
	for k := m - 1; k >= 0; k-- {
		f.uColumn(z, k)
	}
	for k := 0; k < m; k++ {
		x[f.q[k]] = z[k]
	}
	for e := range f.etaPos {
		r := f.etaPos[e]
		v := x[r]
		if v == 0 {
			continue
		}
		v /= f.etaPiv[e]
		x[r] = v
		for t := f.etaStart[e]; t < f.etaStart[e+1]; t++ {
			x[f.etaIdx[t]] -= f.etaVal[t] * v
		}
	}
}

// btran overwrites y (basis-position space on entry) with B⁻ᵀy in row space.
func (f *factor) btran(y []float64) {
	m := f.m
	for e := len(f.etaPos) - 1; e >= 0; e-- {
		y[f.etaPos[e]] = f.etaDot(y, e) / f.etaPiv[e]
	}
	v := f.step
	for k := 0; k < m; k++ {
		s := y[f.q[k]]
		for e := f.uStart[k]; e < f.uStart[k+1]; e++ {
			s -= f.uVal[e] * v[f.uIdx[e]]
		}
		v[k] = s / f.uDiag[k]
	}
	for k := m - 1; k >= 0; k-- {
		s := v[k]
		for e := f.lStart[k]; e < f.lStart[k+1]; e++ {
			s -= f.lVal[e] * y[f.lIdx[e]]
		}
		y[f.p[k]] = s
	}
}

// lColumn eliminates with column k of L: x (row space) loses l_ik·x[p[k]] at each row i.
func (f *factor) lColumn(x []float64, k int) {
	v := x[f.p[k]]
	if v == 0 {
		return
	}
	for e := f.lStart[k]; e < f.lStart[k+1]; e++ {
		x[f.lIdx[e]] -= f.lVal[e] * v
	}
}

// uColumn back-substitutes with column k of U: z (step space) gets z_k/u_kk at k and loses
// u_jk·z_k at each earlier step j.
func (f *factor) uColumn(z []float64, k int) {
	v := z[k]
	if v == 0 {
		return
	}
	v /= f.uDiag[k]
	z[k] = v
	for e := f.uStart[k]; e < f.uStart[k+1]; e++ {
		z[f.uIdx[e]] -= f.uVal[e] * v
	}
}

// etaDot returns y at eta e's position minus the eta column's dot product with y (position
// space): the numerator of Eᵀ's solve.
func (f *factor) etaDot(y []float64, e int) float64 {
	s := y[f.etaPos[e]]
	for t := f.etaStart[e]; t < f.etaStart[e+1]; t++ {
		s -= f.etaVal[t] * y[f.etaIdx[t]]
	}
	return s
}

// update records that basis position r now holds the column whose ftran is alpha (position
// space, before the change), whose nonzeros are at positions nz.
func (f *factor) update(r int, alpha []float64, nz []int) {
	f.etaPos = append(f.etaPos, r)
	f.etaPiv = append(f.etaPiv, alpha[r])
	for _, i := range nz {
		if v := alpha[i]; i != r && v != 0 {
			f.etaIdx = append(f.etaIdx, i)
			f.etaVal = append(f.etaVal, v)
		}
	}
	f.etaStart = append(f.etaStart, len(f.etaIdx))
}

// updates returns the number of etas since the last factorisation.
func (f *factor) updates() int { return len(f.etaPos) }
