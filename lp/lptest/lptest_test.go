package lptest

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
)

// TestCasesAgainstOracle checks each hand-derived LP answer against gonum's simplex, so a slip
// in a note cannot fail a correct engine.
func TestCasesAgainstOracle(t *testing.T) {
	for _, c := range LPCases() {
		t.Run(c.Name, func(t *testing.T) {
			st, obj, err := oracle(c.Model())
			if err != nil {
				t.Fatalf("oracle = %v", err)
			}
			if st != c.Status {
				t.Fatalf("oracle status = %v, want %v", st, c.Status)
			}
			if st == lp.StatusOptimal && !near(obj, c.Objective, TolObjective) {
				t.Errorf("oracle objective = %.12g, want %.12g (%s)", obj, c.Objective, c.Note)
			}
		})
	}
}

// TestCasesPrimal checks the stated optimal X of each case: feasible and giving the objective.
func TestCasesPrimal(t *testing.T) {
	for _, c := range append(LPCases(), MIPCases()...) {
		if c.X == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			m := c.Model()
			checkPrimal(t, m, &lp.Solution{Status: lp.StatusOptimal, X: c.X, Objective: c.Objective})
		})
	}
}

// TestMIPCasesBruteForce enumerates the integer columns of each MIP case (the continuous
// column of the mixed case is set by hand) to confirm the stated optimum.
func TestMIPCasesBruteForce(t *testing.T) {
	for _, c := range MIPCases() {
		t.Run(c.Name, func(t *testing.T) {
			m := c.Model()
			best, found := math.Inf(1), false
			sign := 1.0
			if m.Sense == lp.Maximize {
				sign = -1
			}
			x := make([]float64, len(m.Vars))
			var rec func(j int)
			rec = func(j int) {
				if j == len(m.Vars) {
					obj := m.Offset
					for k, v := range m.Vars {
						obj += v.Cost * x[k]
					}
					for _, r := range m.Rows {
						act := 0.0
						for k, col := range r.Index {
							act += r.Coef[k] * x[col]
						}
						if act < r.Lower-1e-9 || act > r.Upper+1e-9 {
							return
						}
					}
					found = true
					best = math.Min(best, sign*obj)
					return
				}
				v := m.Vars[j]
				hi := math.Min(v.Upper, 10)
				if !v.Integer {
					// The only continuous column (x in "mixed") is best at the smallest value the
					// row allows; try a fine grid.
					for k := 0; k <= 100; k++ {
						x[j] = v.Lower + (hi-v.Lower)*float64(k)/100
						rec(j + 1)
					}
					return
				}
				for n := v.Lower; n <= hi; n++ {
					x[j] = n
					rec(j + 1)
				}
			}
			rec(0)
			if c.Status == lp.StatusInfeasible {
				if found {
					t.Errorf("found a feasible point, want none")
				}
				return
			}
			if !near(sign*best, c.Objective, 1e-9) {
				t.Errorf("enumerated optimum = %g, want %g", sign*best, c.Objective)
			}
		})
	}
}

func TestRandomLPsFeasibleBounded(t *testing.T) {
	for i := range uint64(RandomCount) {
		m := randomLP(rand.New(rand.NewPCG(RandomSeed, i)))
		if err := m.Check(); err != nil {
			t.Fatalf("random LP %d: %v", i, err)
		}
		if st, _, err := oracle(m); err != nil || st != lp.StatusOptimal {
			t.Errorf("random LP %d: oracle = %v, %v; want an optimum", i, st, err)
		}
	}
}

func TestOracleStatuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    *lp.Model
		want lp.Status
	}{
		{"unbounded empty column", &lp.Model{Vars: []lp.Var{{Upper: math.Inf(1), Cost: -1}}}, lp.StatusUnbounded},
		{"no rows", &lp.Model{Offset: 3, Vars: []lp.Var{{Lower: 1, Upper: 2, Cost: 1}}}, lp.StatusOptimal},
		{"infeasible empty row", &lp.Model{Vars: []lp.Var{{Upper: 1}}, Rows: []lp.Row{{Lower: 1, Upper: 1}}}, lp.StatusInfeasible},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, _, err := oracle(tt.m); err != nil || got != tt.want {
				t.Errorf("oracle = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestNetlibProblems(t *testing.T) {
	fsys := os.DirFS("../../testdata/netlib")
	probs, err := NetlibProblems(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 20 {
		t.Fatalf("NetlibProblems = %d problems, want 20", len(probs))
	}
	for _, p := range probs {
		m, err := ReadNetlib(fsys, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Rows) != p.Rows || len(m.Vars) != p.Cols {
			t.Errorf("%s: %d rows, %d columns; want %d, %d", p.Name, len(m.Rows), len(m.Vars), p.Rows, p.Cols)
		}
		if p.Name == "e226" && p.Optimum != -11.638929066 {
			t.Errorf("e226 optimum = %v, want -11.638929066 (objective constant convention)", p.Optimum)
		}
	}
}
