package dw

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
)

// priceTol is the reduced cost, relative to the duals at the path's ends, below which a path
// improves the master.
const priceTol = 1e-9

// duals returns the master's row duals by original row (0 for rows outside the master).
func (d *decomposition) duals(sol *lp.Solution) []float64 {
	y := make([]float64, len(d.m.Rows))
	for k, i := range d.rows {
		y[i] = sol.RowDual[k]
	}
	return y
}

// setWeights sets every arc's length under duals y: its cost less the duals of the coupling
// rows it enters, in the sense of a minimisation (+Inf for an unavailable arc), and marks the
// blocks with a negative length.
func (d *decomposition) setWeights(y []float64) {
	for _, j := range d.arcCols {
		d.w[j] = math.Inf(1)
		if d.m.Vars[j].Upper != 0 {
			d.w[j] = d.sense * d.m.Vars[j].Cost
		}
	}
	for _, i := range d.rows {
		if d.balance[i] || y[i] == 0 {
			continue
		}
		r := &d.m.Rows[i]
		for k, j := range r.Index {
			if d.arcs[j].Tail >= 0 {
				d.w[j] -= d.sense * y[i] * r.Coef[k]
			}
		}
	}
	for _, b := range d.blocks {
		b.negative = false
	}
	for _, j := range d.arcCols {
		if w := d.w[j]; w < 0 {
			if w >= -priceTol*(1+math.Abs(d.m.Vars[j].Cost)) {
				d.w[j] = 0 // rounding
				continue
			}
			d.blocks[d.blockOf[j]].negative = true
		}
	}
}

// price searches every block for paths between terminals with a negative reduced cost under the
// master's duals and adds them as columns. It leaves each block's distance labels for solution.
func (d *decomposition) price(sol *lp.Solution) (int, error) {
	d.lastRows = append(d.lastRows[:0], d.rows...)
	d.basis = sol.Basis
	y := d.duals(sol)
	d.setWeights(y)
	added := 0
	for _, b := range d.blocks {
		if err := d.search(b, y); err != nil {
			return 0, err
		}
		for _, v := range b.terminals {
			target := -d.sense * y[b.rows[v]]
			if b.pred[v] < 0 || b.label[v] >= target-priceTol*(1+math.Abs(target)) {
				continue
			}
			ok, err := d.addPath(b, v)
			if err != nil {
				return 0, err
			}
			if ok {
				added++
			}
		}
	}
	return added, nil
}

// search finds shortest paths over block b with arc weights under duals y, started from every
// terminal t with label −σ·y[t] (σ = +1 when minimising, −1 when maximising): Dijkstra's
// algorithm when no weight is negative, a label-correcting search otherwise. A negative cycle
// is an improving circulation this method does not generate: ErrUnsupported.
func (d *decomposition) search(b *block, y []float64) error {
	for v := range b.label {
		b.label[v], b.pred[v] = math.Inf(1), -1
	}
	for _, t := range b.terminals {
		b.label[t] = -d.sense * y[b.rows[t]]
	}
	if !b.negative {
		d.dijkstra(b, b.terminals)
		return nil
	}
	if !d.correct(b, b.terminals) {
		return fmt.Errorf("%w: negative cycle under the master's duals", ErrUnsupported)
	}
	return nil
}

// dijkstra runs Dijkstra's algorithm from the labelled seeds.
func (d *decomposition) dijkstra(b *block, seeds []int) {
	b.heap = b.heap[:0]
	for _, s := range seeds {
		b.heap.push(heapItem{b.label[s], s})
	}
	for len(b.heap) > 0 {
		it := b.heap.pop()
		u := it.node
		if it.label > b.label[u] {
			continue // stale entry
		}
		for _, j := range b.out(u) {
			w, h := d.w[j], d.head[j]
			if l := it.label + w; l < b.label[h] {
				b.label[h], b.pred[h] = l, j
				b.heap.push(heapItem{l, h})
			}
		}
	}
}

// relaxTol is the relative improvement of a label below which the label-correcting search
// leaves it.
const relaxTol = 1e-12

// correct runs a first-in first-out label-correcting search (Bellman–Ford) from the labelled
// seeds; it reports false on a negative cycle.
func (d *decomposition) correct(b *block, seeds []int) bool {
	queued := make([]bool, len(b.rows))
	passes := make([]int, len(b.rows))
	queue := append([]int(nil), seeds...)
	for _, s := range seeds {
		queued[s] = true
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		queued[u] = false
		if passes[u]++; passes[u] > len(b.rows) {
			return false
		}
		for _, j := range b.out(u) {
			w, h := d.w[j], d.head[j]
			// an improvement below rounding is none: a cycle of zero length computed as
			// −1e-17 must not count as negative
			if l := b.label[u] + w; l < b.label[h]-relaxTol*math.Max(1, math.Abs(l)) {
				b.label[h], b.pred[h] = l, j
				if !queued[h] {
					queued[h] = true
					queue = append(queue, h)
				}
			}
		}
	}
	return true
}

// potentials makes every label finite for the duals of the balance rows: the nodes the search
// did not reach get labels that keep every arc's reduced cost of the right sign — shortest
// distances among themselves, shifted up until no arc into the reached part is shorter.
func (d *decomposition) potentials(b *block) bool {
	var unreached []int
	for v, l := range b.label {
		if math.IsInf(l, 1) {
			unreached = append(unreached, v)
		}
	}
	if len(unreached) == 0 {
		return true
	}
	reached := make([]bool, len(b.rows))
	for v, l := range b.label {
		reached[v] = !math.IsInf(l, 1)
	}
	var saved []float64 // the lengths of the arcs left out, in the order of cut
	var cut []int
	for _, u := range unreached { // arcs into the reached part are left out of the search
		for _, j := range b.out(u) {
			if reached[d.head[j]] {
				cut, saved = append(cut, j), append(saved, d.w[j])
				d.w[j] = math.Inf(1)
			}
		}
	}
	for _, v := range unreached {
		b.label[v] = 0
	}
	ok := d.correct(b, unreached)
	for k, j := range cut {
		d.w[j] = saved[k]
	}
	if !ok {
		return false
	}
	shift := 0.0
	for _, u := range unreached {
		for _, j := range b.out(u) {
			if h := d.head[j]; reached[h] {
				shift = math.Max(shift, b.label[h]-d.w[j]-b.label[u])
			}
		}
	}
	for _, v := range unreached {
		b.label[v] += shift
	}
	return true
}

// addPath adds the path that reached terminal v of block b in the last search; it reports false
// when that path is already a column (no progress is possible through it).
func (d *decomposition) addPath(b *block, v int) (bool, error) {
	var arcs []int
	for u := v; b.pred[u] >= 0; u = d.local[d.arcs[b.pred[u]].Tail] {
		arcs = append(arcs, b.pred[u])
		if len(arcs) > len(b.rows) { // labels strictly decrease along preds: only rounding gets here
			return false, fmt.Errorf("%w: cycle in the shortest-path tree", ErrUnsupported)
		}
	}
	for l, r := 0, len(arcs)-1; l < r; l, r = l+1, r-1 {
		arcs[l], arcs[r] = arcs[r], arcs[l]
	}
	var kb []byte
	for _, j := range arcs {
		kb = binary.AppendUvarint(kb, uint64(j))
	}
	if key := string(kb); d.seen[key] {
		return false, nil
	} else {
		d.seen[key] = true
	}
	p := path{arcs: arcs}
	acc := map[int]float64{}
	var order []int
	for _, j := range arcs {
		p.cost += d.m.Vars[j].Cost
		for e := d.colStart[j]; e < d.colStart[j+1]; e++ {
			i := d.colRow[e]
			if d.balance[i] && !d.terminal[i] {
				continue
			}
			if _, ok := acc[i]; !ok {
				order = append(order, i)
			}
			acc[i] += d.colVal[e]
		}
	}
	for _, i := range order {
		if v := acc[i]; v != 0 {
			p.row, p.coef = append(p.row, i), append(p.coef, v)
		}
	}
	d.paths = append(d.paths, p)
	d.stats.Paths++
	return true, nil
}

// flows returns the value of every column: the master's for the columns that are not arcs, and
// for each arc the sum of the flows of the paths through it.
func (d *decomposition) flows(sol *lp.Solution) []float64 {
	x := make([]float64, len(d.m.Vars))
	for k, j := range d.others {
		x[j] = sol.X[k]
	}
	for pi, p := range d.paths {
		f := sol.X[len(d.others)+pi]
		if f == 0 {
			continue
		}
		for _, j := range p.arcs {
			x[j] += f
		}
	}
	return x
}

// addViolatedRows brings into the master every capacity row that flows x (from flows) violate.
func (d *decomposition) addViolatedRows(x []float64) int {
	added := 0
	for i, r := range d.m.Rows {
		if !d.lazy[i] || d.inMaster[i] {
			continue
		}
		act := 0.0
		for k, j := range r.Index {
			act += r.Coef[k] * x[j]
		}
		if act > r.Upper+1e-9*math.Max(1, math.Abs(r.Upper)) {
			d.inMaster[i] = true
			added++
		}
	}
	d.stats.LazyRows += added
	return added
}

// solution assembles the optimum of the full LP: primal values x from the paths (flows), row duals from
// the master and, for the balance rows left out of it, from the last search's labels.
func (d *decomposition) solution(sol *lp.Solution, x []float64) (*lp.Solution, error) {
	m := d.m
	out := &lp.Solution{Status: lp.StatusOptimal, X: x, RowDual: d.duals(sol),
		RowActivity: make([]float64, len(m.Rows)), ReducedCost: make([]float64, len(m.Vars))}
	for _, b := range d.blocks {
		if !d.potentials(b) {
			return nil, fmt.Errorf("%w: negative cycle among the nodes no terminal reaches", ErrUnsupported)
		}
		for v, i := range b.rows {
			if !d.terminal[i] {
				out.RowDual[i] = -d.sense * b.label[v]
			}
		}
	}
	obj := m.Offset
	for j, v := range m.Vars {
		obj += v.Cost * out.X[j]
		rc := v.Cost
		for e := d.colStart[j]; e < d.colStart[j+1]; e++ {
			rc -= out.RowDual[d.colRow[e]] * d.colVal[e]
		}
		out.ReducedCost[j] = rc
	}
	for i, r := range m.Rows {
		for k, j := range r.Index {
			out.RowActivity[i] += r.Coef[k] * out.X[j]
		}
	}
	out.Objective = obj
	// A last guard against an engine's wrong claim: the answer must satisfy the original LP.
	for j, v := range m.Vars {
		if x := out.X[j]; x < v.Lower-feasTol*math.Max(1, math.Abs(v.Lower)) || x > v.Upper+feasTol*math.Max(1, math.Abs(v.Upper)) {
			return nil, fmt.Errorf("%w: column %d = %g outside [%g, %g]", ErrUnsupported, j, x, v.Lower, v.Upper)
		}
	}
	for i, r := range m.Rows {
		if a := out.RowActivity[i]; a < r.Lower-feasTol*math.Max(1, math.Abs(r.Lower)) || a > r.Upper+feasTol*math.Max(1, math.Abs(r.Upper)) {
			return nil, fmt.Errorf("%w: row %d activity %g outside [%g, %g]", ErrUnsupported, i, a, r.Lower, r.Upper)
		}
	}
	return out, nil
}

// feasTol is the violation of a bound, relative to the bound, that solution refuses.
const feasTol = 1e-6

// heapItem is a node with its label when it was queued.
type heapItem struct {
	label float64
	node  int
}

// nodeHeap is a binary min-heap of queued nodes, ties broken by node index for determinism.
type nodeHeap []heapItem

func (h nodeHeap) less(a, b int) bool {
	return h[a].label < h[b].label || h[a].label == h[b].label && h[a].node < h[b].node
}

func (h *nodeHeap) push(it heapItem) {
	*h = append(*h, it)
	s := *h
	for c := len(s) - 1; c > 0; {
		p := (c - 1) / 2
		if !s.less(c, p) {
			break
		}
		s[c], s[p] = s[p], s[c]
		c = p
	}
}

func (h *nodeHeap) pop() heapItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for p := 0; ; {
		c := 2*p + 1
		if c >= len(s) {
			break
		}
		if c+1 < len(s) && s.less(c+1, c) {
			c++
		}
		if !s.less(c, p) {
			break
		}
		s[c], s[p] = s[p], s[c]
		p = c
	}
	*h = s
	return top
}
