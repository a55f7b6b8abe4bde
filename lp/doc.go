// Package lp is corridor's solver-independent linear and mixed-integer programming API: a Model of
// columns with bounds, costs and integrality and rows with lower and upper bounds; a Solution with
// status, objective, primal values, row duals, reduced costs and basis; MPS and LP-file formats.
//
// It knows nothing of networks. Engines (lp/highs) implement Engine.
package lp
