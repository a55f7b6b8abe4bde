package face

import (
	"context"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
)

// A solution without a basis (one put together by a decomposition, package lp/dw) gives the
// extremes no vertex to start from, and solving them cold on the whole model costs more than the
// decomposition saved. The primal face is then solved on its restriction instead: every column
// with a non-zero reduced cost is held at its value, so the extremes need only the other columns
// and the rows they touch, the held columns' contributions moved into the row bounds. In a
// network LP these are the arcs of the shortest-path trees and the markets at the margin. The
// optimal basis of the restricted extreme, lifted to the whole model (held columns nonbasic at
// their bound, the slacks of the rows left out basic), is a basis of an optimal vertex of the
// model; the directional LPs start from it as they would from an engine's optimal basis.

// restriction is a model restricted to some of its columns and the rows they touch.
type restriction struct {
	model      *lp.Model
	cols, rows []int // the model's index of each column and row of the restriction
}

// restrict returns m restricted to the columns keep marks, with the buffered bounds and costs,
// and to the rows they touch. A dropped column stays at held[j], its contribution moved into the
// bounds of the rows kept.
func (p *Picker) restrict(m *lp.Model, keep []bool, held []float64) *restriction {
	b := &p.buf
	pos := make([]int, len(m.Vars))
	onRow := make([]bool, len(m.Rows))
	r := &restriction{model: &lp.Model{Name: m.Name, Sense: m.Sense}}
	for j, k := range keep {
		pos[j] = -1
		if !k {
			continue
		}
		pos[j] = len(r.cols)
		r.cols = append(r.cols, j)
		r.model.Vars = append(r.model.Vars, lp.Var{Lower: b.lo[j], Upper: b.hi[j], Cost: b.cost[j]})
		for _, i := range b.colRows[j] {
			onRow[i] = true
		}
	}
	for i, row := range m.Rows {
		if !onRow[i] {
			continue
		}
		sub := lp.Row{Lower: b.rlo[i], Upper: b.rhi[i]}
		shift := 0.0
		for k, j := range row.Index {
			if pos[j] >= 0 {
				sub.Index, sub.Coef = append(sub.Index, pos[j]), append(sub.Coef, row.Coef[k])
			} else {
				shift += row.Coef[k] * held[j]
			}
		}
		sub.Lower -= shift
		sub.Upper -= shift
		r.rows = append(r.rows, i)
		r.model.Rows = append(r.model.Rows, sub)
	}
	return r
}

// lift returns the basis of the whole model m made of bs, a basis of r: the columns left out
// nonbasic where held puts them, the slacks of the rows left out basic. It is a basis because no
// column of r touches a row left out.
func (r *restriction) lift(m *lp.Model, bs *lp.Basis, held []float64) *lp.Basis {
	out := &lp.Basis{Cols: make([]lp.BasisStatus, len(m.Vars)), Rows: make([]lp.BasisStatus, len(m.Rows))}
	for j, v := range m.Vars {
		switch {
		case held[j] == v.Upper && held[j] != v.Lower:
			out.Cols[j] = lp.BasisUpper
		case math.IsInf(v.Lower, -1) && math.IsInf(v.Upper, 1):
			out.Cols[j] = lp.BasisZero
		default:
			out.Cols[j] = lp.BasisLower
		}
	}
	for i := range out.Rows {
		out.Rows[i] = lp.BasisBasic
	}
	for c, j := range r.cols {
		out.Cols[j] = bs.Cols[c]
	}
	for c, i := range r.rows {
		out.Rows[i] = bs.Rows[c]
	}
	return out
}

// primalRestricted solves the extremes of the primal face held in the buffers (costs aside) on
// the restriction to its free columns, returning them with every column of m, and the basis of
// an optimal extreme lifted to m (nil if neither has an optimum).
func (p *Picker) primalRestricted(ctx context.Context, m *lp.Model, xbar []float64) ([2]*lp.Solution, *lp.Basis, error) {
	b := &p.buf
	keep := make([]bool, len(m.Vars))
	for j := range keep {
		keep[j] = b.lo[j] != b.hi[j]
	}
	r := p.restrict(m, keep, xbar)
	var ext [2]*lp.Solution
	var start *lp.Basis
	eng, err := p.newEngine()
	if err != nil {
		return ext, nil, fmt.Errorf("face: %w", err)
	}
	defer eng.Close()
	if err := eng.Load(ctx, r.model); err != nil {
		return ext, nil, fmt.Errorf("face: %w", err)
	}
	cost := make([]float64, len(r.cols))
	for k, sign := range [2]float64{1, -1} {
		// The second extreme starts from the first's optimum: only the costs change.
		for c, j := range r.cols {
			cost[c] = sign * b.wCol[j]
		}
		if err := eng.SetCosts(identity(len(r.cols)), cost); err != nil {
			return ext, nil, fmt.Errorf("face: %w", err)
		}
		s, err := eng.Resolve(ctx, lp.Options{Leave: lp.PartDual})
		if err != nil {
			return ext, nil, fmt.Errorf("face: %w", err)
		}
		p.stats.Solves++
		p.stats.Iterations += s.Iterations
		if s.Status == lp.StatusOptimal {
			if start == nil && s.Basis != nil {
				start = r.lift(m, s.Basis, xbar)
			}
			x := append([]float64(nil), xbar...)
			for c, j := range r.cols {
				x[j] = s.X[c]
			}
			s.X = x
		}
		ext[k] = s
	}
	return ext, start, nil
}

// identity returns 0, 1, …, n−1.
func identity(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
