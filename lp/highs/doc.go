// Package highs is corridor's LP and MIP engine: HiGHS (https://highs.dev) compiled to
// WebAssembly (npm highs@1.15.3, HiGHS 1.15.1, vendored in third_party/highs) and run in pure Go
// under wazero. It is the only package that knows the solver is WebAssembly; everything else
// talks to lp.Engine and lp.Incremental.
//
// # Use
//
// Compile once per process and give every worker goroutine its own Engine:
//
//	rt, err := highs.NewRuntime(ctx, highs.Config{Logger: log})
//	defer rt.Close(ctx)
//	eng, err := rt.NewEngine()
//	defer eng.Close()
//	sol, err := eng.Solve(ctx, model, lp.Options{})
//
// For Monte Carlo loops, Load the model once and then change costs or bounds and Resolve:
// HiGHS keeps the basis, so each re-solve is warm. New(ctx) is a shortcut returning an Engine
// that owns a private Runtime.
//
// # Compilation and fallbacks
//
// NewRuntime compiles the embedded wasm with wazero's optimising compiler and a compilation cache
// in os.UserCacheDir()/corridor/wazero (about 3–5 s cold, about 0.1 s warm). If the cache
// directory is unusable it compiles without a cache; if the compiler is unavailable it uses the
// interpreter (fast to start, about 20 times slower to solve). It then runs a self-check: every
// export in the generated name map (exports_gen.go, from `go generate`) must exist with the
// expected signature, and a 2×2 LP must give its known optimum.
//
// # Host side
//
// The wasm imports 20 Emscripten functions from module "a" (host.go): writes to stdout and
// stderr go to Config.SolverLog; files, ioctl and open are refused with ENOSYS or EBADF; clocks
// are real; the heap grows through Memory.Grow; exit, abort and uncaught C++ exceptions become Go
// errors. Any failed call wraps lp.ErrEngine and the Engine's module instance is replaced on the
// next call. A cancelled context stops a running solve (wazero's CloseOnContextDone) and the
// error wraps ctx.Err().
//
// # Conventions
//
// Duals follow lp's documented convention in both senses, which is HiGHS's own: RowDual[i] is
// ∂objective/∂(active bound of row i) and ReducedCost[j] is ∂objective/∂(active bound of column j),
// in the model's sense. So in a minimisation a binding ≤ row whose relaxation lowers the cost has
// a negative dual, and in a maximisation a binding ≤ row has a positive one. TestDualConvention
// checks this against hand-derived values and finite differences. A MIP solution has no duals,
// reduced costs or basis; MIPGap is HiGHS's mip_gap.
package highs
