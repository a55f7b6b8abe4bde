package highs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	highswasm "github.com/corridor-dev/corridor/third_party/highs"

	"github.com/corridor-dev/corridor/lp"
	"github.com/tetratelabs/wazero"
)

// Config configures a Runtime. The zero value is ready to use.
type Config struct {
	// CacheDir holds wazero's compilation cache. "" means os.UserCacheDir()/corridor/wazero.
	// If the directory cannot be created or written, the Runtime compiles without a persistent
	// cache, and if compiling fails it falls back to the interpreter.
	CacheDir string
	// Logger receives the Runtime's own messages (compile mode, fallbacks, replaced instances).
	// nil discards them.
	Logger *slog.Logger
	// Interpreter forces wazero's interpreter: compiles in about 0.6 s instead of 5 s cold, but
	// solves about 20 times slower.
	Interpreter bool
	// SolverLog receives HiGHS's own output (its stdout and stderr). nil discards it and turns
	// HiGHS's output_flag off. Writes are serialised, so one writer may serve many engines.
	SolverLog io.Writer
	// Interruptible makes a cancelled context stop a solve that is already running (wazero's
	// CloseOnContextDone). It costs about five times the solve time — measured on the Northeast
	// Asia flow LP: 1.2 ms instead of 5.7 ms per warm re-solve, 26 ms instead of 130 ms cold — so
	// it is off by default: then a context's deadline still becomes HiGHS's time limit, and a
	// cancelled context is seen before and after each solve. Turn it on for long single solves
	// (corridor lp solve), leave it off for many short ones (the Monte Carlo).
	Interruptible bool
	// Presolve is HiGHS's "presolve" option: "" or "choose" (HiGHS's default), "on" or "off".
	// HiGHS 1.15's presolve spends most of a cold solve of a multi-commodity flow LP searching
	// for dependent equations (about 0.25 s of 0.28 s at 1,000 × 5,000); "off" makes such
	// cold solves about ten times faster. Warm re-solves skip presolve either way.
	Presolve string
}

// Runtime is the compiled HiGHS module. Compile once per process and create one Engine per
// worker goroutine with NewEngine. A Runtime is safe for concurrent use.
type Runtime struct {
	rt       wazero.Runtime
	cm       wazero.CompiledModule
	cache    wazero.CompilationCache
	log      *slog.Logger
	logging  bool
	presolve string
	// interruptible: compiled with CloseOnContextDone (see Config.Interruptible).
	interruptible bool
	mode          string
	version       string
}

// NewRuntime compiles the embedded HiGHS wasm, instantiates the host functions it imports and
// runs the self-check: the exports named in the generated name map must exist with the expected
// signatures, and a 2×2 LP of known optimum must solve. Errors wrap lp.ErrEngine.
func NewRuntime(ctx context.Context, cfg Config) (*Runtime, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := io.Discard
	if cfg.SolverLog != nil {
		out = &lockedWriter{w: cfg.SolverLog}
	}
	presolve := cfg.Presolve
	switch presolve {
	case "":
		presolve = "choose"
	case "choose", "on", "off":
	default:
		return nil, fmt.Errorf("highs: presolve option %q is not choose, on or off", cfg.Presolve)
	}
	bin := highswasm.Wasm()
	r := &Runtime{log: log, logging: cfg.SolverLog != nil, presolve: presolve, interruptible: cfg.Interruptible}
	var err error
	if !cfg.Interpreter {
		err = r.compile(ctx, bin, cfg.CacheDir, out)
		if err != nil {
			log.Warn("highs: compiler unavailable, using the interpreter", "err", err)
		}
	}
	if cfg.Interpreter || err != nil {
		if err := r.build(ctx, wazero.NewRuntimeConfigInterpreter(), nil, bin, out); err != nil {
			return nil, fmt.Errorf("highs: %w: %w", lp.ErrEngine, err)
		}
		r.mode = "interpreter"
	}
	if err := r.selfCheck(ctx); err != nil {
		_ = r.Close(ctx)
		return nil, fmt.Errorf("highs: self-check failed (%s): %w: %w", highswasm.Version, lp.ErrEngine, err)
	}
	log.Debug("highs: runtime ready", "mode", r.mode, "highs", r.version)
	return r, nil
}

// compile builds a compiler runtime, first with the persistent cache, then without it.
func (r *Runtime) compile(ctx context.Context, bin []byte, dir string, out io.Writer) error {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err == nil {
			dir = filepath.Join(base, "corridor", "wazero")
		}
	}
	if dir != "" && r.interruptible {
		// the generated code differs, so each kind gets its own cache
		dir = filepath.Join(dir, "interruptible")
	}
	if dir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err == nil {
			err = r.build(ctx, wazero.NewRuntimeConfigCompiler(), cache, bin, out)
		}
		if err == nil {
			r.mode = "compiler"
			return nil
		}
		if cache != nil {
			_ = cache.Close(ctx)
		}
		r.log.Warn("highs: compilation cache unusable, compiling without it", "dir", dir, "err", err)
	}
	if err := r.build(ctx, wazero.NewRuntimeConfigCompiler(), nil, bin, out); err != nil {
		return err
	}
	r.mode = "compiler (no cache)"
	return nil
}

// build creates the wazero runtime, the host module and the compiled HiGHS module. On error
// everything it created is closed.
func (r *Runtime) build(ctx context.Context, rc wazero.RuntimeConfig, cache wazero.CompilationCache, bin []byte, out io.Writer) error {
	// CloseOnContextDone makes a cancelled context abort a running solve, at a large cost in
	// speed (Config.Interruptible). It changes the generated code, so compile keeps a separate
	// cache directory for it.
	rc = rc.WithCloseOnContextDone(r.interruptible)
	if cache != nil {
		rc = rc.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	if err := instantiateHost(ctx, rt, out, time.Now()); err != nil {
		_ = rt.Close(ctx)
		return fmt.Errorf("host module: %w", err)
	}
	cm, err := rt.CompileModule(ctx, bin)
	if err != nil {
		_ = rt.Close(ctx)
		return fmt.Errorf("compile: %w", err)
	}
	r.rt, r.cm, r.cache = rt, cm, cache
	return nil
}

// Mode reports how the wasm runs: "compiler", "compiler (no cache)" or "interpreter".
func (r *Runtime) Mode() string { return r.mode }

// Version reports the HiGHS version inside the wasm, e.g. "1.15.1".
func (r *Runtime) Version() string { return r.version }

// Close releases the compiled module. Engines created from r must be closed first.
func (r *Runtime) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	if r.cache != nil {
		err = errors.Join(err, r.cache.Close(ctx))
	}
	return err
}

// NewEngine returns an Engine with its own module instance (a few milliseconds and about 21 MB
// of wasm memory). Use one Engine per worker goroutine. Errors wrap lp.ErrEngine.
func (r *Runtime) NewEngine() (*Engine, error) {
	e := &Engine{r: r}
	if _, err := e.instance(context.Background()); err != nil {
		return nil, fmt.Errorf("highs: new engine: %w: %w", lp.ErrEngine, err)
	}
	return e, nil
}

// New compiles a Runtime with the default Config and returns an Engine that owns it: closing
// the Engine closes the Runtime. It suits tools and tests that need one engine; a program with
// many workers should share one Runtime and call NewEngine per worker.
func New(ctx context.Context) (*Engine, error) {
	r, err := NewRuntime(ctx, Config{})
	if err != nil {
		return nil, err
	}
	e, err := r.NewEngine()
	if err != nil {
		_ = r.Close(ctx)
		return nil, err
	}
	e.ownsRuntime = true
	return e, nil
}

// selfCheck verifies the name map against the compiled module and solves
//
//	max x + y  s.t.  x + 2y ≤ 4,  3x + y ≤ 6,  x, y ≥ 0,
//
// whose optimum is 2.8 at (1.6, 1.2).
func (r *Runtime) selfCheck(ctx context.Context) error {
	if err := checkExports(r.cm); err != nil {
		return err
	}
	e := &Engine{r: r}
	defer e.Close()
	in, err := e.instance(ctx)
	if err != nil {
		return err
	}
	var v [3]uint64
	for i, id := range []fnID{fnVersionMajor, fnVersionMinor, fnVersionPatch} {
		if v[i], err = in.call(ctx, id); err != nil {
			return err
		}
	}
	r.version = fmt.Sprintf("%d.%d.%d", int32(v[0]), int32(v[1]), int32(v[2]))
	size, err := in.call(ctx, fnGetSizeofHighsInt, uint64(in.highs))
	if err != nil {
		return err
	}
	if size != 4 {
		return fmt.Errorf("HighsInt is %d bytes, the engine assumes 4", size)
	}
	m := &lp.Model{Sense: lp.Maximize}
	x := m.AddVar(lp.Var{Upper: lp.Inf, Cost: 1})
	y := m.AddVar(lp.Var{Upper: lp.Inf, Cost: 1})
	m.AddRow(lp.Row{Index: []int{x, y}, Coef: []float64{1, 2}, Lower: -lp.Inf, Upper: 4})
	m.AddRow(lp.Row{Index: []int{x, y}, Coef: []float64{3, 1}, Lower: -lp.Inf, Upper: 6})
	sol, err := e.Solve(ctx, m, lp.Options{})
	if err != nil {
		return err
	}
	if sol.Status != lp.StatusOptimal || math.Abs(sol.Objective-2.8) > 1e-9 ||
		math.Abs(sol.X[0]-1.6) > 1e-9 || math.Abs(sol.X[1]-1.2) > 1e-9 {
		return fmt.Errorf("2×2 LP gave %v, objective %g at %v; want optimal, 2.8 at [1.6 1.2]", sol.Status, sol.Objective, sol.X)
	}
	return nil
}

// lockedWriter serialises writes from concurrent engines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
