// Package flow builds and solves the multi-commodity flow model of one scenario state: a spatial
// price equilibrium (Samuelson 1952; Takayama and Judge 1971) with link and node capacities,
// transit tariffs and sanctions rules, written as one linear program (see docs/MODEL.md and
// docs/decisions/0003-sanctions-rules.md).
//
// Flows are indexed by commodity and origin country on directed arcs, so that rules can match
// where goods come from. The objective maximises total surplus: willingness to pay of demand
// served, minus marginal cost of supply, backstop imports, transport costs, tariffs and sanctions
// premiums. From the solution and its duals the package reports flows, utilisation, binding
// constraints, capacity shadow prices, node prices, unmet demand, sanctions leakage and welfare by
// country.
//
// It knows no money over time and uses no randomness: appraise does both.
package flow
