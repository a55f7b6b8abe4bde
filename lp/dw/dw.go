// Package dw solves linear programs whose columns are mostly arcs of network blocks — the
// multicommodity flow LPs of package flow — by Dantzig–Wolfe decomposition: the master LP holds
// the columns that are not arcs, the rows that couple the blocks and one column per generated
// path; paths are priced by shortest-path searches over the arcs, and capacity rows join the
// master only once the flows violate them. It answers with a full primal and dual solution of the
// original LP, so callers read it like any engine's (there is no basis).
//
// Method: Dantzig and Wolfe (1960), as applied to multicommodity flows in Ahuja, Magnanti and
// Orlin, Network Flows (1993), ch. 17: a path column's reduced cost is its length under arc
// weights made of the arc cost and the duals of the coupling rows, offset by the duals of the
// balance rows at its ends. One shortest-path search per block, started from every terminal at
// once, prices all its paths (Dijkstra's algorithm, or a label-correcting search when a dual
// makes an arc weight negative); its distance labels at convergence are the duals of the balance
// rows left out of the master.
package dw

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/corridor-dev/corridor/lp"
)

// ErrUnsupported is returned when the model does not have the structure the method needs, when
// its first master LP is not optimal, or when the duals make a cycle of arcs negative (an
// improving circulation, which this method does not generate); solve the LP whole then.
var ErrUnsupported = errors.New("dw: model not supported by the decomposition")

// Arc marks column j of a model as an arc of a network block: it leaves balance row Tail
// (coefficient +1) and enters balance row Head (coefficient −1). Tail < 0 marks a column that is
// not an arc.
type Arc struct {
	Tail, Head int
}

// Options tune Solve.
type Options struct {
	// MaxRounds caps the rounds of master solve and pricing; 0 means 10,000.
	MaxRounds int
}

// Stats describe a Solve.
type Stats struct {
	Rounds     int // master solves
	Paths      int // path columns generated
	LazyRows   int // capacity rows brought into the master
	MasterRows int // rows of the last master LP
}

// Solve solves m with the master LPs solved by eng. arcs[j] marks the arc columns (len(arcs) ==
// len(m.Vars)). The rows that arcs leave or enter are balance rows: equalities with right-hand
// side 0 whose every entry is an arc's ±1 or a column that is not an arc (a source or a sink,
// which makes the row a terminal). Arc columns must have bounds [0, 0] or [0, +Inf).
//
// Rows made only of arcs with non-negative coefficients, satisfied by zero flow (capacities),
// stay out of the master until violated. Solve returns ErrUnsupported (wrapped) when m does not
// fit, and lp.ErrLimit when opt.MaxRounds is reached.
func Solve(ctx context.Context, eng lp.Engine, m *lp.Model, arcs []Arc, opt Options) (*lp.Solution, Stats, error) {
	start := time.Now()
	d, err := newDecomposition(m, arcs)
	if err != nil {
		return nil, Stats{}, err
	}
	maxRounds := opt.MaxRounds
	if maxRounds <= 0 {
		maxRounds = 10_000
	}
	iters := 0
	for round := 1; ; round++ {
		if err := ctx.Err(); err != nil {
			return nil, d.stats, err
		}
		if round > maxRounds {
			return nil, d.stats, fmt.Errorf("dw: %w: %d rounds", lp.ErrLimit, maxRounds)
		}
		sol, err := d.solveMaster(ctx, eng)
		if err != nil {
			return nil, d.stats, err
		}
		iters += sol.Iterations
		if sol.Status != lp.StatusOptimal {
			// An infeasible master needs a phase 1 this method does not have, and an unbounded
			// one a ray; the whole LP will say why.
			return nil, d.stats, fmt.Errorf("%w: master LP %v in round %d", ErrUnsupported, sol.Status, round)
		}
		added, err := d.price(sol)
		if err != nil {
			return nil, d.stats, err
		}
		if added > 0 {
			continue
		}
		x := d.flows(sol)
		if d.addViolatedRows(x) > 0 {
			continue
		}
		out, err := d.solution(sol, x)
		if err != nil {
			return nil, d.stats, err
		}
		out.Iterations = iters
		out.Elapsed = time.Since(start)
		return out, d.stats, nil
	}
}

// path is one generated column: a chain of arcs from one terminal to another.
type path struct {
	arcs []int     // arc columns, in order
	cost float64   // Σ arc costs
	row  []int     // rows with a non-zero coefficient (balance rows other than terminals excluded)
	coef []float64 // the coefficients, in the order of row
}

// decomposition is the state of one Solve.
type decomposition struct {
	m    *lp.Model
	arcs []Arc
	// the constraint matrix by column
	colStart []int
	colRow   []int
	colVal   []float64

	balance  []bool // row is a balance row
	terminal []bool // balance row with a column that is not an arc
	lazy     []bool // capacity row that may stay out of the master
	inMaster []bool // row is in the master now
	sense    float64

	others []int // columns that are not arcs, in order
	paths  []path
	seen   map[string]bool // paths generated, by their arcs

	blocks   []*block
	blockOf  []int     // arc column → its block
	local    []int     // balance row → its node in its block (-1 for other rows)
	head     []int     // arc column → its head node in its block
	arcCols  []int     // the arc columns, in order
	w        []float64 // arc column → its length in the last pricing
	basis    *lp.Basis // the last master's optimal basis
	lastRows []int     // the rows of that master (original indices), in order
	rows     []int     // the current master's rows (original indices), in order
	pos      []int     // original row → its index in the current master, -1 when outside
	stats    Stats
}

// block is one network: its balance rows as nodes and its arcs.
type block struct {
	rows      []int     // node → balance row
	terminals []int     // nodes that are terminals
	outStart  []int     // node u's arcs are outArcs[outStart[u]:outStart[u+1]]
	outArcs   []int     // arc columns by tail node
	negative  bool      // some arc has a negative length in the last pricing
	label     []float64 // distance labels of the last pricing
	pred      []int     // node → arc column that reached it (-1 for none)
	heap      nodeHeap
}

func newDecomposition(m *lp.Model, arcs []Arc) (*decomposition, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	n, nr := len(m.Vars), len(m.Rows)
	if len(arcs) != n {
		return nil, fmt.Errorf("%w: %d arc marks for %d columns", ErrUnsupported, len(arcs), n)
	}
	if m.IsMIP() {
		return nil, fmt.Errorf("%w: integer variables", ErrUnsupported)
	}
	d := &decomposition{m: m, arcs: arcs, balance: make([]bool, nr), terminal: make([]bool, nr), lazy: make([]bool, nr),
		inMaster: make([]bool, nr), sense: 1, seen: map[string]bool{}}
	if m.Sense == lp.Maximize {
		d.sense = -1
	}
	// column-wise copy of the matrix
	d.colStart = make([]int, n+1)
	for _, r := range m.Rows {
		for _, j := range r.Index {
			d.colStart[j+1]++
		}
	}
	for j := range n {
		d.colStart[j+1] += d.colStart[j]
	}
	d.colRow, d.colVal = make([]int, d.colStart[n]), make([]float64, d.colStart[n])
	next := slices.Clone(d.colStart[:n])
	for i, r := range m.Rows {
		for k, j := range r.Index {
			d.colRow[next[j]], d.colVal[next[j]] = i, r.Coef[k]
			next[j]++
		}
	}
	for j, a := range arcs {
		if a.Tail < 0 {
			d.others = append(d.others, j)
			continue
		}
		if a.Tail >= nr || a.Head < 0 || a.Head >= nr || a.Tail == a.Head {
			return nil, fmt.Errorf("%w: column %d: arc rows %d → %d", ErrUnsupported, j, a.Tail, a.Head)
		}
		d.balance[a.Tail], d.balance[a.Head] = true, true
		if v := m.Vars[j]; v.Lower != 0 || (v.Upper != 0 && !math.IsInf(v.Upper, 1)) {
			return nil, fmt.Errorf("%w: arc column %d has bounds [%g, %g]", ErrUnsupported, j, v.Lower, v.Upper)
		}
	}
	for i, r := range m.Rows {
		if d.balance[i] && (r.Lower != 0 || r.Upper != 0) {
			return nil, fmt.Errorf("%w: balance row %d has bounds [%g, %g]", ErrUnsupported, i, r.Lower, r.Upper)
		}
	}
	// entries: an arc's in balance rows are exactly +1 at its tail and −1 at its head; another
	// column in a balance row makes it a terminal
	onlyArcs := make([]bool, nr)
	nonneg := make([]bool, nr)
	for i := range onlyArcs {
		onlyArcs[i], nonneg[i] = true, true
	}
	for j := range n {
		a := arcs[j]
		tails, heads := 0, 0
		for e := d.colStart[j]; e < d.colStart[j+1]; e++ {
			i, v := d.colRow[e], d.colVal[e]
			switch {
			case a.Tail < 0:
				onlyArcs[i] = false
				if d.balance[i] {
					d.terminal[i] = true
				}
			case i == a.Tail && v == 1:
				tails++
			case i == a.Head && v == -1:
				heads++
			case d.balance[i]:
				return nil, fmt.Errorf("%w: arc column %d has coefficient %g in balance row %d", ErrUnsupported, j, v, i)
			case v < 0:
				nonneg[i] = false
			}
		}
		if a.Tail >= 0 && (tails != 1 || heads != 1) {
			return nil, fmt.Errorf("%w: arc column %d needs one +1 in row %d and one −1 in row %d", ErrUnsupported, j, a.Tail, a.Head)
		}
	}
	for i, r := range m.Rows {
		switch {
		case d.balance[i]:
			d.inMaster[i] = d.terminal[i]
		case onlyArcs[i] && nonneg[i] && r.Lower <= 0 && r.Upper >= 0:
			d.lazy[i] = true
		default:
			d.inMaster[i] = true
		}
	}
	d.buildBlocks()
	return d, nil
}

// buildBlocks groups the balance rows into networks: rows joined by arcs.
func (d *decomposition) buildBlocks() {
	nr := len(d.m.Rows)
	parent := make([]int, nr)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, a := range d.arcs {
		if a.Tail >= 0 {
			if x, y := find(a.Tail), find(a.Head); x != y {
				parent[max(x, y)] = min(x, y)
			}
		}
	}
	byRoot := map[int]int{}
	d.local = make([]int, nr)
	for i := range nr {
		d.local[i] = -1
		if !d.balance[i] {
			continue
		}
		r := find(i)
		bi, ok := byRoot[r]
		if !ok {
			bi = len(d.blocks)
			byRoot[r] = bi
			d.blocks = append(d.blocks, &block{})
		}
		b := d.blocks[bi]
		d.local[i] = len(b.rows)
		b.rows = append(b.rows, i)
		if d.terminal[i] {
			b.terminals = append(b.terminals, d.local[i])
		}
	}
	for _, b := range d.blocks {
		b.outStart = make([]int, len(b.rows)+1)
		b.label = make([]float64, len(b.rows))
		b.pred = make([]int, len(b.rows))
	}
	n := len(d.arcs)
	d.blockOf, d.head, d.w = make([]int, n), make([]int, n), make([]float64, n)
	for j, a := range d.arcs {
		if a.Tail < 0 {
			continue
		}
		bi := byRoot[find(a.Tail)]
		d.blockOf[j], d.head[j] = bi, d.local[a.Head]
		d.arcCols = append(d.arcCols, j)
		d.blocks[bi].outStart[d.local[a.Tail]+1]++
	}
	next := make([][]int, len(d.blocks)) // per block: where each node's next arc goes
	for bi, b := range d.blocks {
		for u := range b.rows {
			b.outStart[u+1] += b.outStart[u]
		}
		b.outArcs = make([]int, b.outStart[len(b.rows)])
		next[bi] = slices.Clone(b.outStart[:len(b.rows)])
	}
	for _, j := range d.arcCols {
		bi, t := d.blockOf[j], d.local[d.arcs[j].Tail]
		d.blocks[bi].outArcs[next[bi][t]] = j
		next[bi][t]++
	}
}

// out returns the arc columns leaving node u of b.
func (b *block) out(u int) []int { return b.outArcs[b.outStart[u]:b.outStart[u+1]] }

// solveMaster builds the master LP of the current rows and columns and solves it, warm from the
// last master's basis when eng can.
func (d *decomposition) solveMaster(ctx context.Context, eng lp.Engine) (*lp.Solution, error) {
	m := d.m
	d.rows = d.rows[:0]
	if d.pos == nil {
		d.pos = make([]int, len(m.Rows))
	}
	for i := range m.Rows {
		d.pos[i] = -1
		if d.inMaster[i] {
			d.pos[i] = len(d.rows)
			d.rows = append(d.rows, i)
		}
	}
	mm := &lp.Model{Name: m.Name + "-master", Sense: m.Sense, Offset: m.Offset,
		Vars: make([]lp.Var, 0, len(d.others)+len(d.paths)), Rows: make([]lp.Row, len(d.rows))}
	for k, i := range d.rows {
		mm.Rows[k] = lp.Row{Lower: m.Rows[i].Lower, Upper: m.Rows[i].Upper}
	}
	put := func(col, row int, v float64) {
		if k := d.pos[row]; k >= 0 {
			r := &mm.Rows[k]
			r.Index, r.Coef = append(r.Index, col), append(r.Coef, v)
		}
	}
	for _, j := range d.others {
		c := mm.AddVar(m.Vars[j])
		mm.Vars[c].Name = ""
		for e := d.colStart[j]; e < d.colStart[j+1]; e++ {
			put(c, d.colRow[e], d.colVal[e])
		}
	}
	for _, p := range d.paths {
		c := mm.AddVar(lp.Var{Upper: math.Inf(1), Cost: p.cost})
		for k, i := range p.row {
			put(c, i, p.coef[k])
		}
	}
	d.stats.Rounds++
	d.stats.MasterRows = len(d.rows)
	inc, ok := eng.(lp.Incremental)
	if !ok {
		return eng.Solve(ctx, mm, lp.Options{})
	}
	if err := inc.Load(ctx, mm); err != nil {
		return nil, err
	}
	if b := d.startBasis(mm); b != nil {
		if err := inc.SetBasis(ctx, b); err != nil {
			return nil, err
		}
	}
	return inc.Resolve(ctx, lp.Options{})
}

// startBasis extends the last master's optimal basis to the current master: new path columns
// nonbasic at zero, new rows with their logical basic.
func (d *decomposition) startBasis(mm *lp.Model) *lp.Basis {
	if d.basis == nil {
		return nil
	}
	b := &lp.Basis{Cols: make([]lp.BasisStatus, len(mm.Vars)), Rows: make([]lp.BasisStatus, len(mm.Rows))}
	copy(b.Cols, d.basis.Cols) // others then the paths of before; new paths stay at lower (zero)
	for k, i := range d.rows {
		b.Rows[k] = lp.BasisBasic
		if st, ok := d.rowStatus(i); ok {
			b.Rows[k] = st
		}
	}
	return b
}

// rowStatus returns the status of original row i in the last master's basis.
func (d *decomposition) rowStatus(i int) (lp.BasisStatus, bool) {
	k, ok := slices.BinarySearch(d.lastRows, i)
	if !ok {
		return 0, false
	}
	return d.basis.Rows[k], true
}
