package lptest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/lp"
)

// Tolerances of the suite. Each guards one comparison.
const (
	// TolObjective bounds |got-want| / max(1, |want|) of the objective on hand-derived cases and
	// against the gonum oracle.
	TolObjective = 1e-7
	// TolPrimal bounds bound and row violations of X and the distance of X to a wanted X,
	// relative to max(1, |bound|).
	TolPrimal = 1e-6
	// TolDual bounds the distance of RowDual and ReducedCost to wanted values, relative to
	// max(1, |want|).
	TolDual = 1e-6
	// TolNetlib bounds the relative objective error against a netlib optimum; it is the bar of
	// testdata/netlib/README.md.
	TolNetlib = 1e-6
)

// RandomSeed is the PCG seed of the random cross-check LPs: LP i uses rand.NewPCG(RandomSeed, i).
const RandomSeed = 20240611

// RandomCount is the number of random LPs cross-checked against gonum's simplex.
const RandomCount = 30

// RunTests runs the conformance suite every lp.Engine must pass: hand-derived LPs (each Case
// carries a note on how its answer was derived), small MIPs (skipped if Solve returns an error
// wrapping errors.ErrUnsupported), RandomCount random feasible bounded LPs cross-checked against
// gonum's dense simplex, and contract checks (input untouched, cancelled context, invalid
// model). newEngine is called once per group of subtests; the suite closes every engine it gets,
// so an engine is reused for consecutive solves.
func RunTests(t *testing.T, newEngine func(t *testing.T) lp.Engine) {
	get := func(t *testing.T) lp.Engine {
		t.Helper()
		e := newEngine(t)
		t.Cleanup(func() {
			if err := e.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
		return e
	}
	t.Run("lp", func(t *testing.T) {
		e := get(t)
		for _, c := range LPCases() {
			t.Run(c.Name, func(t *testing.T) { runCase(t, e, c) })
		}
	})
	t.Run("mip", func(t *testing.T) {
		e := get(t)
		for _, c := range MIPCases() {
			t.Run(c.Name, func(t *testing.T) { runCase(t, e, c) })
		}
	})
	t.Run("random", func(t *testing.T) {
		e := get(t)
		for i := range uint64(RandomCount) {
			t.Run(fmt.Sprintf("seed=%d,%d", RandomSeed, i), func(t *testing.T) {
				m := randomLP(rand.New(rand.NewPCG(RandomSeed, i)))
				st, want, err := oracle(m)
				if err != nil || st != lp.StatusOptimal {
					t.Fatalf("oracle = %v, %v; want an optimum (the generator makes feasible bounded LPs)", st, err)
				}
				runCase(t, e, Case{Name: "random", Note: "gonum simplex", Model: func() *lp.Model { return m }, Status: lp.StatusOptimal, Objective: want})
			})
		}
	})
	t.Run("contract", func(t *testing.T) {
		e := get(t)
		t.Run("model unchanged", func(t *testing.T) {
			m := LPCases()[0].Model()
			before := cloneModel(m)
			if _, err := e.Solve(t.Context(), m, lp.Options{}); err != nil {
				t.Fatalf("Solve = %v", err)
			}
			if !reflect.DeepEqual(m, before) {
				t.Errorf("Solve modified its model")
			}
		})
		t.Run("cancelled context", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := e.Solve(ctx, LPCases()[0].Model(), lp.Options{})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Solve(cancelled ctx) = %v, want an error wrapping context.Canceled", err)
			}
		})
		t.Run("invalid model", func(t *testing.T) {
			m := &lp.Model{Vars: []lp.Var{{Upper: 1}}, Rows: []lp.Row{{Index: []int{5}, Coef: []float64{1}, Upper: 1}}}
			_, err := e.Solve(t.Context(), m, lp.Options{})
			if !errors.Is(err, lp.ErrInvalidModel) {
				t.Errorf("Solve(row refers to column 5 of 1) = %v, want an error wrapping lp.ErrInvalidModel", err)
			}
		})
		t.Run("usable after errors", func(t *testing.T) {
			runCase(t, e, LPCases()[1])
		})
	})
}

func cloneModel(m *lp.Model) *lp.Model {
	c := *m
	c.Vars = append([]lp.Var(nil), m.Vars...)
	c.Rows = make([]lp.Row, len(m.Rows))
	for i, r := range m.Rows {
		r.Index = append([]int(nil), r.Index...)
		r.Coef = append([]float64(nil), r.Coef...)
		c.Rows[i] = r
	}
	return &c
}

// near reports whether got is within tol of want, relative to max(1, |want|).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// runCase solves c.Model() on e and checks the solution against c.
func runCase(t *testing.T, e lp.Engine, c Case) {
	t.Helper()
	m := c.Model()
	sol, err := e.Solve(t.Context(), m, lp.Options{})
	if m.IsMIP() && errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("engine does not solve MIPs: %v", err)
	}
	if err != nil {
		t.Fatalf("Solve = %v, want nil error (%s)", err, c.Note)
	}
	if sol == nil {
		t.Fatal("Solve returned a nil solution and nil error")
	}
	if sol.Status != c.Status {
		t.Fatalf("Status = %v, want %v (%s)", sol.Status, c.Status, c.Note)
	}
	if c.Status != lp.StatusOptimal {
		return
	}
	if !near(sol.Objective, c.Objective, TolObjective) {
		t.Errorf("Objective = %.12g, want %.12g (%s)", sol.Objective, c.Objective, c.Note)
	}
	checkPrimal(t, m, sol)
	checkVec(t, "X", sol.X, c.X, TolPrimal)
	if !m.IsMIP() {
		checkVec(t, "RowDual", sol.RowDual, c.RowDual, TolDual)
		checkVec(t, "ReducedCost", sol.ReducedCost, c.ReducedCost, TolDual)
		checkDualShape(t, m, sol)
	}
}

// checkPrimal checks that X and RowActivity have the model's shape, satisfy bounds, rows and
// integrality, and reproduce the objective.
func checkPrimal(t *testing.T, m *lp.Model, sol *lp.Solution) {
	t.Helper()
	if len(sol.X) != len(m.Vars) {
		t.Fatalf("len(X) = %d, want %d", len(sol.X), len(m.Vars))
	}
	obj := m.Offset
	for j, v := range m.Vars {
		x := sol.X[j]
		obj += v.Cost * x
		if x < v.Lower-TolPrimal*math.Max(1, math.Abs(v.Lower)) || x > v.Upper+TolPrimal*math.Max(1, math.Abs(v.Upper)) {
			t.Errorf("X[%d] (%s) = %g, outside its bounds [%g, %g]", j, v.Name, x, v.Lower, v.Upper)
		}
		if v.Integer && math.Abs(x-math.Round(x)) > TolPrimal {
			t.Errorf("X[%d] (%s) = %g, want an integer", j, v.Name, x)
		}
	}
	if !near(obj, sol.Objective, TolObjective) {
		t.Errorf("Σ Cost·X + Offset = %.12g, but Objective = %.12g", obj, sol.Objective)
	}
	if sol.RowActivity != nil && len(sol.RowActivity) != len(m.Rows) {
		t.Fatalf("len(RowActivity) = %d, want %d", len(sol.RowActivity), len(m.Rows))
	}
	for i, r := range m.Rows {
		act := 0.0
		for k, j := range r.Index {
			act += r.Coef[k] * sol.X[j]
		}
		if act < r.Lower-TolPrimal*math.Max(1, math.Abs(r.Lower)) || act > r.Upper+TolPrimal*math.Max(1, math.Abs(r.Upper)) {
			t.Errorf("row %d (%s): A·x = %g, outside [%g, %g]", i, r.Name, act, r.Lower, r.Upper)
		}
		if sol.RowActivity != nil && !near(sol.RowActivity[i], act, TolPrimal) {
			t.Errorf("RowActivity[%d] = %g, want A·X = %g", i, sol.RowActivity[i], act)
		}
	}
}

// checkDualShape checks that an LP optimum carries one dual per row and one reduced cost per
// column.
func checkDualShape(t *testing.T, m *lp.Model, sol *lp.Solution) {
	t.Helper()
	if len(sol.RowDual) != len(m.Rows) || len(sol.ReducedCost) != len(m.Vars) {
		t.Errorf("len(RowDual), len(ReducedCost) = %d, %d; want %d, %d", len(sol.RowDual), len(sol.ReducedCost), len(m.Rows), len(m.Vars))
	}
}

func checkVec(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if want == nil {
		return
	}
	if len(got) != len(want) {
		t.Errorf("len(%s) = %d, want %d", what, len(got), len(want))
		return
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

// NetlibProblem is one instance of testdata/netlib/OPTIMA.tsv with the optimum the suite
// compares against.
type NetlibProblem struct {
	Name    string  // netlib name, e.g. "afiro"
	File    string  // file name in the fs.FS, e.g. "afiro.mps.gz"
	Optimum float64 // the published optimum, or the value under the objective-constant convention where OPTIMA.tsv gives one (e226)
	AltOpt  float64 // the readme's alternative CPLEX value where it differs (NaN otherwise)
	Rows    int     // constraint rows a reader should parse (objective excluded)
	Cols    int     // columns a reader should parse
}

// NetlibProblems reads OPTIMA.tsv from fsys and returns the problems whose files fsys holds,
// in the file's order.
func NetlibProblems(fsys fs.FS) ([]NetlibProblem, error) {
	f, err := fsys.Open("OPTIMA.tsv")
	if err != nil {
		return nil, fmt.Errorf("netlib optima: %w", err)
	}
	defer f.Close()
	var head []string
	var out []NetlibProblem
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if head == nil {
			head = fields
			continue
		}
		col := map[string]string{}
		for i, h := range head {
			if i < len(fields) {
				col[h] = fields[i]
			}
		}
		if _, err := fs.Stat(fsys, col["file"]); err != nil {
			continue
		}
		p := NetlibProblem{Name: col["name"], File: col["file"], AltOpt: math.NaN()}
		opt := col["published_opt"]
		if c := col["opt_objective_constant_convention"]; c != "" && c != "-" {
			opt = c
		}
		if p.Optimum, err = strconv.ParseFloat(opt, 64); err != nil {
			return nil, fmt.Errorf("OPTIMA.tsv:%d: optimum %q: %w", line, opt, err)
		}
		if a := col["alt_opt_cplex_sparc"]; a != "" && a != "-" {
			if p.AltOpt, err = strconv.ParseFloat(a, 64); err != nil {
				return nil, fmt.Errorf("OPTIMA.tsv:%d: alt_opt_cplex_sparc %q: %w", line, a, err)
			}
		}
		p.Rows, _ = strconv.Atoi(col["parsed_constraint_rows"])
		p.Cols, _ = strconv.Atoi(col["parsed_cols"])
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("netlib optima: %w", err)
	}
	return out, nil
}

// ReadNetlib reads one netlib problem (gzip-compressed MPS) from fsys.
func ReadNetlib(fsys fs.FS, p NetlibProblem) (*lp.Model, error) {
	f, err := fsys.Open(p.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p.File, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		defer z.Close()
		r = z
	}
	return lp.ReadMPS(r, p.File)
}

// RelError returns the relative error of got against p's optimum, or against the alternative
// CPLEX value if that is closer (testdata/netlib/README.md: modern solvers reproduce it).
func (p NetlibProblem) RelError(got float64) float64 {
	rel := func(want float64) float64 { return math.Abs(got-want) / math.Max(1, math.Abs(want)) }
	e := rel(p.Optimum)
	if !math.IsNaN(p.AltOpt) {
		e = math.Min(e, rel(p.AltOpt))
	}
	return e
}

// RunNetlib solves every netlib problem in fsys (OPTIMA.tsv plus NAME.mps.gz files, as in the
// repository's testdata/netlib) and checks the objective within TolNetlib of the published
// optimum. The caller passes os.DirFS of its testdata path, so tests read nothing outside the
// repository. It logs each relative error.
func RunNetlib(t *testing.T, fsys fs.FS, newEngine func(t *testing.T) lp.Engine) {
	probs, err := NetlibProblems(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) == 0 {
		t.Fatal("no netlib problems in fsys")
	}
	e := newEngine(t)
	t.Cleanup(func() { e.Close() })
	worst := 0.0
	for _, p := range probs {
		t.Run(p.Name, func(t *testing.T) {
			m, err := ReadNetlib(fsys, p)
			if err != nil {
				t.Fatal(err)
			}
			sol, err := e.Solve(t.Context(), m, lp.Options{})
			if err != nil {
				t.Fatalf("Solve = %v", err)
			}
			if sol.Status != lp.StatusOptimal {
				t.Fatalf("Status = %v, want optimal", sol.Status)
			}
			rel := p.RelError(sol.Objective)
			worst = math.Max(worst, rel)
			t.Logf("objective %.10e, published %.10e, relative error %.2e (to the published value alone %.2e), %d iterations",
				sol.Objective, p.Optimum, rel, math.Abs(sol.Objective-p.Optimum)/math.Max(1, math.Abs(p.Optimum)), sol.Iterations)
			if rel > TolNetlib {
				t.Errorf("Objective = %.10e, want %.10e (relative error %.2e > %g)", sol.Objective, p.Optimum, rel, TolNetlib)
			}
		})
	}
	t.Logf("%d netlib problems, largest relative objective error %.2e", len(probs), worst)
}

// RunBenchmarks benchmarks a cold solve (Engine.Solve from scratch, model already in memory)
// of every netlib problem in fsys, one sub-benchmark per instance, reporting simplex iterations
// per solve as "iters".
func RunBenchmarks(b *testing.B, fsys fs.FS, newEngine func(b *testing.B) lp.Engine) {
	probs, err := NetlibProblems(fsys)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range probs {
		b.Run(p.Name, func(b *testing.B) {
			m, err := ReadNetlib(fsys, p)
			if err != nil {
				b.Fatal(err)
			}
			e := newEngine(b)
			defer e.Close()
			ctx := b.Context()
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				sol, err := e.Solve(ctx, m, lp.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if sol.Status != lp.StatusOptimal {
					b.Fatalf("Status = %v, want optimal", sol.Status)
				}
				iters = sol.Iterations
			}
			b.ReportMetric(float64(iters), "iters")
		})
	}
}

// WarmRounds is the number of changes RunWarm applies to each random LP.
const WarmRounds = 6

// RunWarm checks an lp.Incremental engine's warm re-solves: each of RandomCount random feasible
// bounded LPs is loaded once and then changed WarmRounds times — new costs, and column and row
// bounds widened or put back (so the LP stays feasible and bounded) — and every re-solve is
// compared with gonum's dense simplex on the changed model.
func RunWarm(t *testing.T, newEngine func(t *testing.T) lp.Incremental) {
	e := newEngine(t)
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	for i := range uint64(RandomCount) {
		t.Run(fmt.Sprintf("seed=%d,%d", RandomSeed, i), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(RandomSeed, i))
			m := randomLP(rng)
			orig := cloneModel(m)
			if err := e.Load(t.Context(), m); err != nil {
				t.Fatalf("Load = %v", err)
			}
			for round := range WarmRounds {
				if round > 0 {
					if err := warmChange(e, m, orig, rng, round%2 == 1); err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
				st, want, err := oracle(m)
				if err != nil || st != lp.StatusOptimal {
					t.Fatalf("round %d: oracle = %v, %v; want an optimum", round, st, err)
				}
				sol, err := e.Resolve(t.Context(), lp.Options{})
				if err != nil {
					t.Fatalf("round %d: Resolve = %v", round, err)
				}
				if sol.Status != lp.StatusOptimal {
					t.Fatalf("round %d: Status = %v, want optimal", round, sol.Status)
				}
				if !near(sol.Objective, want, TolObjective) {
					t.Errorf("round %d: Objective = %.12g, gonum says %.12g", round, sol.Objective, want)
				}
				checkPrimal(t, m, sol)
			}
		})
	}
}

// warmChange gives m (and e) new random costs and either widens every bound by up to 2 (widen) or
// puts the bounds of orig back.
func warmChange(e lp.Incremental, m, orig *lp.Model, rng *rand.Rand, widen bool) error {
	idx := make([]int, len(m.Vars))
	cost, lo, hi := make([]float64, len(m.Vars)), make([]float64, len(m.Vars)), make([]float64, len(m.Vars))
	for j := range m.Vars {
		v := &m.Vars[j]
		v.Cost = float64(rng.IntN(11) - 5)
		v.Lower, v.Upper = orig.Vars[j].Lower, orig.Vars[j].Upper
		if widen {
			v.Lower -= 2 * rng.Float64()
			v.Upper += 2 * rng.Float64()
		}
		idx[j], cost[j], lo[j], hi[j] = j, v.Cost, v.Lower, v.Upper
	}
	ridx := make([]int, len(m.Rows))
	rlo, rhi := make([]float64, len(m.Rows)), make([]float64, len(m.Rows))
	for i := range m.Rows {
		r := &m.Rows[i]
		r.Lower, r.Upper = orig.Rows[i].Lower, orig.Rows[i].Upper
		if widen {
			r.Lower -= 2 * rng.Float64()
			r.Upper += 2 * rng.Float64()
		}
		ridx[i], rlo[i], rhi[i] = i, r.Lower, r.Upper
	}
	if err := e.SetCosts(idx, cost); err != nil {
		return err
	}
	if err := e.SetColBounds(idx, lo, hi); err != nil {
		return err
	}
	return e.SetRowBounds(ridx, rlo, rhi)
}
