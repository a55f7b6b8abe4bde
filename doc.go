// Package corridor is the root of a program that appraises cross-border infrastructure — rail,
// pipelines, power lines — under sanctions: what would flow over a link, what it is worth and to
// whom, how sure we are, and what would change the answer.
//
// Data flows one way through the packages, and imports follow it:
//
//	dataset files ─► model ─► scenario ─► flow (LP via lp) ─► appraise (Monte Carlo) ─► report / store / serve
//
// geo and quantity are leaves; lp knows no networks and lp/highs is the only package that knows
// WebAssembly; cmd/corridor wires flags, files and signals to the library packages. See
// docs/ARCHITECTURE.md for the layer table that arch_test.go enforces.
package corridor
