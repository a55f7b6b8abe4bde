// Package scenario holds the sanctions and participation vocabulary of corridor: rules (ban, cap,
// premium) with their enforcement and exemptions, which countries take part, overrides of network
// quantities, the projects a scenario builds, regime paths (states of the sanctions regime with
// yearly transition probabilities, or a fixed timeline), and the deciding country's strategic
// premium in the scenario (`premium`, money a year with a range and a source; it overrides the
// data set's, and a run's own overrides both — docs/decisions/0013).
//
// Decode reads a scenario file (YAML) strictly: an unknown key, a bad unit or a missing id is a
// *diag.Error carrying file:line:col and the field path, and every error is reported at once (up
// to diag.Max). Check resolves the scenario's references against a network. Apply derives the
// network of one scenario state — a Clone with overrides and project upgrades applied, which
// links are usable, who stays out, and the active rules — together with a change log. ApplyShared
// derives the same state for callers that derive many and only read them (the Monte Carlo): its
// network shares every table the state does not change with the input, and it keeps no log.
//
// How a rule matches flows in the arc-based flow LP (package flow implements it) is recorded in
// docs/decisions/0003-sanctions-rules.md.
//
// The package never mutates its input, does no I/O beyond the fs.FS or io.Reader it is given, and
// draws no random numbers: Monte Carlo callers pass uniform draws in (Regimes.Next).
package scenario
