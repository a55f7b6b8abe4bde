// Package model is corridor's typed network: countries, nodes, transport modes, links, commodities,
// markets, candidate projects and the sources behind every number. A Network is built once by
// Build (usually from dataset.Load) and is not changed afterwards: stages that need a variant
// (scenario.Apply) work on a Clone, or on a CloneTables when they only replace a few quantities
// and treat the rest as read-only.
//
// Validate checks a network against named rules (see Rules), each with a message that says how to
// fix the data. The package does no I/O and uses no randomness.
package model
