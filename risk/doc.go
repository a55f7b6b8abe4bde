// Package risk is corridor's deterministic Monte Carlo toolkit: sampling the uncertainty ranges
// of quantities, a parallel runner whose results do not depend on the worker count or schedule,
// summaries (moments, quantiles, probabilities with their standard errors), tornado swings and
// reference-class capex overrun distributions.
//
// Randomness comes only from Stream: draw i of a run with seed s uses the PCG stream (s, i), so
// a run is reproducible from its seed alone, whatever the number of workers.
//
// Everything here is a pure function of its arguments: no I/O, no global state, no clock, no
// global random source. The package knows nothing about networks or appraisal; it imports only
// quantity from corridor.
package risk
