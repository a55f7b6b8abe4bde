package lp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Inf is the bound used for "no bound": a variable or row bound of ±Inf is free on that side.
var Inf = math.Inf(1)

// Sense is the optimisation direction of a Model.
type Sense int

const (
	// Minimize asks for the smallest objective value (the zero value).
	Minimize Sense = iota
	// Maximize asks for the largest objective value.
	Maximize
)

func (s Sense) String() string {
	if s == Maximize {
		return "maximize"
	}
	return "minimize"
}

// Var is one column of a Model: bounds, objective coefficient and integrality.
type Var struct {
	Name    string  // optional; MPS/LP writers invent C<index> when empty
	Lower   float64 // -Inf for no lower bound
	Upper   float64 // +Inf for no upper bound
	Cost    float64 // objective coefficient
	Integer bool    // true for an integer variable (MIP)
}

// Row is one constraint Lower ≤ Σ Coef[i]·x[Index[i]] ≤ Upper. Equality rows have Lower == Upper;
// a one-sided row has the other bound at ±Inf; a range row has both finite.
type Row struct {
	Name  string // optional; writers invent R<index> when empty
	Index []int  // column indices, each in [0, len(Model.Vars))
	Coef  []float64
	Lower float64
	Upper float64
}

// Model is a linear (or mixed-integer) program:
//
//	minimize or maximize  Σ Cost[j]·x[j] + Offset
//	subject to            Row.Lower ≤ A·x ≤ Row.Upper,  Var.Lower ≤ x ≤ Var.Upper,
//	                      x[j] integer where Var.Integer.
//
// A Model is plain data; engines never modify it.
type Model struct {
	Name   string
	Sense  Sense
	Offset float64 // objective constant
	Vars   []Var
	Rows   []Row
}

// AddVar appends a column and returns its index.
func (m *Model) AddVar(v Var) int {
	m.Vars = append(m.Vars, v)
	return len(m.Vars) - 1
}

// AddRow appends a constraint and returns its index. It panics if len(index) != len(coef).
func (m *Model) AddRow(r Row) int {
	if len(r.Index) != len(r.Coef) {
		panic("lp: row index and coefficient lengths differ")
	}
	m.Rows = append(m.Rows, r)
	return len(m.Rows) - 1
}

// IsMIP reports whether any variable is integer.
func (m *Model) IsMIP() bool {
	for _, v := range m.Vars {
		if v.Integer {
			return true
		}
	}
	return false
}

// NonZeros returns the number of stored constraint coefficients.
func (m *Model) NonZeros() int {
	n := 0
	for _, r := range m.Rows {
		n += len(r.Index)
	}
	return n
}

// Check reports the first structural defect: an index out of range, a NaN, or a lower bound above
// an upper bound. Engines call it before solving.
func (m *Model) Check() error {
	for j, v := range m.Vars {
		if math.IsNaN(v.Lower) || math.IsNaN(v.Upper) || math.IsNaN(v.Cost) {
			return fmt.Errorf("%w: variable %d (%s) has a NaN bound or cost", ErrInvalidModel, j, v.Name)
		}
		if v.Lower > v.Upper {
			return fmt.Errorf("%w: variable %d (%s) has lower bound %g above upper bound %g", ErrInvalidModel, j, v.Name, v.Lower, v.Upper)
		}
	}
	for i, r := range m.Rows {
		if len(r.Index) != len(r.Coef) {
			return fmt.Errorf("%w: row %d (%s) has %d indices and %d coefficients", ErrInvalidModel, i, r.Name, len(r.Index), len(r.Coef))
		}
		if math.IsNaN(r.Lower) || math.IsNaN(r.Upper) || r.Lower > r.Upper {
			return fmt.Errorf("%w: row %d (%s) has bounds [%g, %g]", ErrInvalidModel, i, r.Name, r.Lower, r.Upper)
		}
		for k, j := range r.Index {
			if j < 0 || j >= len(m.Vars) {
				return fmt.Errorf("%w: row %d (%s) refers to column %d of %d", ErrInvalidModel, i, r.Name, j, len(m.Vars))
			}
			if math.IsNaN(r.Coef[k]) || math.IsInf(r.Coef[k], 0) {
				return fmt.Errorf("%w: row %d (%s) has coefficient %g", ErrInvalidModel, i, r.Name, r.Coef[k])
			}
		}
	}
	return nil
}

// Status is the outcome of a solve.
type Status int

const (
	StatusUnknown    Status = iota // not solved, or the engine could not tell
	StatusOptimal                  // an optimal solution was found
	StatusInfeasible               // no point satisfies the constraints
	StatusUnbounded                // the objective improves without limit
	StatusLimit                    // a time or iteration limit stopped the solve; values are the best found, if any
	StatusError                    // the engine failed
)

func (s Status) String() string {
	switch s {
	case StatusOptimal:
		return "optimal"
	case StatusInfeasible:
		return "infeasible"
	case StatusUnbounded:
		return "unbounded"
	case StatusLimit:
		return "limit reached"
	case StatusError:
		return "error"
	default:
		return "unknown"
	}
}

// BasisStatus is the simplex status of one column or row.
type BasisStatus int8

const (
	BasisLower    BasisStatus = iota // nonbasic at its lower bound
	BasisBasic                       // basic
	BasisUpper                       // nonbasic at its upper bound
	BasisZero                        // nonbasic free variable at zero
	BasisNonbasic                    // nonbasic, bound unspecified
)

// Basis is a simplex basis: one status per column and one per row (the row's slack).
type Basis struct {
	Cols []BasisStatus
	Rows []BasisStatus
}

// Solution is what an engine returns. For StatusOptimal all slices are filled; otherwise they may
// be nil. Duals follow the convention of the model's sense: RowDual[i] is ∂objective/∂(row i bound).
type Solution struct {
	Status      Status
	Objective   float64   // includes Model.Offset
	X           []float64 // primal value per column
	RowActivity []float64 // A·x per row
	RowDual     []float64 // dual value (shadow price) per row
	ReducedCost []float64 // reduced cost per column
	Basis       *Basis    // nil for a MIP or when the engine gives none
	Iterations  int       // simplex iterations (or MIP nodes' LP iterations)
	MIPGap      float64   // relative gap for a MIP; 0 for an LP
	Elapsed     time.Duration
}

// Options tune one solve. The zero value means no time limit and default engine settings.
type Options struct {
	TimeLimit time.Duration // 0 for none
	// MIPRelGap is the relative gap |primal − dual bound| / |primal| at which a MIP solve may
	// stop; 0 means the engine's default (HiGHS: 1e-4). An LP ignores it.
	MIPRelGap float64
	// Leave names parts of the Solution the caller will not read: an engine may leave them
	// out (nil) and save building them. The zero value asks for every part.
	Leave Parts
}

// Parts names parts of a Solution (Options.Leave).
type Parts uint8

const (
	PartPrimal Parts = 1 << iota // X and RowActivity
	PartDual                     // RowDual and ReducedCost
	PartBasis                    // Basis
	// PartsAll is every part but the status, objective and work counts.
	PartsAll = PartPrimal | PartDual | PartBasis
)

// Engine solves models. Implementations must be safe for use by one goroutine at a time; use one
// Engine per worker.
type Engine interface {
	// Solve solves m from scratch. An infeasible or unbounded model is reported through
	// Solution.Status with a nil error; err is non-nil only when the engine itself failed or ctx
	// was cancelled (then it wraps ctx.Err()).
	Solve(ctx context.Context, m *Model, opt Options) (*Solution, error)
	// Close releases the engine's resources.
	Close() error
}

// Sentinel errors. Engines wrap them with detail; callers test with errors.Is.
var (
	ErrInvalidModel = errors.New("lp: invalid model")
	ErrInfeasible   = errors.New("lp: problem is infeasible")
	ErrUnbounded    = errors.New("lp: problem is unbounded")
	ErrLimit        = errors.New("lp: time or iteration limit reached")
	ErrEngine       = errors.New("lp: engine failure")
)

// Err returns nil for StatusOptimal and the matching sentinel otherwise, for callers that only
// accept an optimum.
func (s *Solution) Err() error {
	switch s.Status {
	case StatusOptimal:
		return nil
	case StatusInfeasible:
		return ErrInfeasible
	case StatusUnbounded:
		return ErrUnbounded
	case StatusLimit:
		return ErrLimit
	default:
		return ErrEngine
	}
}
