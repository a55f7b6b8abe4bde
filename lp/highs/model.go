package highs

import (
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
)

// HiGHS C API constants (highs_c_api.h).
const (
	highsStatusError = -1
	highsStatusOk    = 0

	matrixFormatColwise = 1
	objSenseMinimize    = 1
	objSenseMaximize    = -1
	varTypeInteger      = 1

	modelStatusLoadError             = 1
	modelStatusPostsolveError        = 5
	modelStatusModelEmpty            = 6
	modelStatusOptimal               = 7
	modelStatusInfeasible            = 8
	modelStatusUnboundedOrInfeasible = 9
	modelStatusUnbounded             = 10
	modelStatusUnknown               = 15

	solutionStatusFeasible = 2
)

// csc is a Model in the column-wise form HiGHS takes, kept on the Go side so that the model can
// be passed again after an instance is replaced.
type csc struct {
	ncol, nrow int
	sense      lp.Sense
	offset     float64
	cost       []float64
	colLo      []float64
	colHi      []float64
	rowLo      []float64
	rowHi      []float64
	start      []int32 // len ncol+1
	index      []int32 // row index per nonzero
	value      []float64
	integ      []int32 // nil for an LP; 1 for an integer column, 0 otherwise
}

// toCSC converts a checked row-wise model into CSC form. Duplicate (row, column) entries are
// summed, as the row-wise Model means Σ coef·x.
func toCSC(m *lp.Model) (*csc, error) {
	n, r := len(m.Vars), len(m.Rows)
	if n > math.MaxInt32 || r > math.MaxInt32 || m.NonZeros() > math.MaxInt32 {
		return nil, fmt.Errorf("%w: model too large for HiGHS's 32-bit indices", lp.ErrInvalidModel)
	}
	c := &csc{
		ncol: n, nrow: r, sense: m.Sense, offset: m.Offset,
		cost: make([]float64, n), colLo: make([]float64, n), colHi: make([]float64, n),
		rowLo: make([]float64, r), rowHi: make([]float64, r),
		start: make([]int32, n+1),
	}
	mip := m.IsMIP()
	if mip {
		c.integ = make([]int32, n)
	}
	for j, v := range m.Vars {
		c.cost[j], c.colLo[j], c.colHi[j] = v.Cost, v.Lower, v.Upper
		if v.Integer {
			c.integ[j] = varTypeInteger
		}
	}
	count := make([]int32, n+1)
	for i, row := range m.Rows {
		c.rowLo[i], c.rowHi[i] = row.Lower, row.Upper
		for _, j := range row.Index {
			count[j+1]++
		}
	}
	for j := range n {
		count[j+1] += count[j]
	}
	nz := int(count[n])
	index := make([]int32, nz)
	value := make([]float64, nz)
	next := make([]int32, n) // next free slot per column; rows arrive in order, so columns come out sorted
	copy(next, count[:n])
	last := make([]int32, n) // last row seen per column, to merge duplicates
	for j := range last {
		last[j] = -1
	}
	for i, row := range m.Rows {
		for k, j := range row.Index {
			if last[j] == int32(i) {
				value[next[j]-1] += row.Coef[k]
				continue
			}
			last[j] = int32(i)
			index[next[j]] = int32(i)
			value[next[j]] = row.Coef[k]
			next[j]++
		}
	}
	// Compact away the slots that merged duplicates left empty.
	out := int32(0)
	for j := range n {
		c.start[j] = out
		for p := count[j]; p < next[j]; p++ {
			index[out], value[out] = index[p], value[p]
			out++
		}
	}
	c.start[n] = out
	c.index, c.value = index[:out], value[:out]
	return c, nil
}
