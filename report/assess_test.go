package report

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/risk"
)

// Undefined IRRs and paybacks read as words, not as a median of the few draws that have one or
// as 0 (#17: payback "0 yr" for never, IRR 144.8 % where 98 % of draws had none).
func TestIRRAndPaybackCells(t *testing.T) {
	for _, tt := range []struct {
		name         string
		cr           appraise.CountryResult
		irr, payback string
		csvIRR       string // the cases.csv cell
	}{
		{"defined", appraise.CountryResult{IRR: risk.Summary{N: 90, P50: 0.124}, IRRNone: 0.1, Payback: risk.Summary{N: 95, P50: 8.6}, PaybackNever: 0.05}, "12.4%", "9 yr", "0.124"},
		{"most draws without an IRR", appraise.CountryResult{IRR: risk.Summary{N: 2, P50: 1.448}, IRRNone: 0.98, Payback: risk.Summary{N: 100, P50: 7}}, "none", "7 yr", "1.448"},
		{"never pays back", appraise.CountryResult{Payback: risk.Summary{N: 10, P50: 12}, PaybackNever: 0.9}, "none", "never", ""},
		{"no outlay to recover", appraise.CountryResult{IRR: risk.Summary{N: 0}, IRRNone: 1, Payback: risk.Summary{N: 100, P50: 0}}, "none", "—", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := irrP50(tt.cr); got != tt.irr {
				t.Errorf("irrP50 = %q, want %q", got, tt.irr)
			}
			if got := paybackP50(tt.cr); got != tt.payback {
				t.Errorf("paybackP50 = %q, want %q", got, tt.payback)
			}
			// cases.csv: the median where some draw has an IRR (with irr_none_share beside
			// it), empty where none has, never 0
			if got := medianCell(tt.cr.IRR); got != tt.csvIRR {
				t.Errorf("IRR cell = %q, want %q", got, tt.csvIRR)
			}
		})
	}
}

// Prose wraps at the width, continuation lines indented, money kept with its unit (#17:
// verdicts were 350–520-character lines).
func TestWrap(t *testing.T) {
	got := wrap("- A: Russia gains rents $464.2 m; North Korea (DPRK) gains $1.30 bn, consumers $292.8 m.", 30, "  ")
	want := "- A: Russia gains rents\n  $464.2 m; North Korea (DPRK)\n  gains $1.30 bn, consumers\n  $292.8 m.\n"
	if got != want {
		t.Errorf("wrap =\n%s\nwant\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if len(line) > 30 {
			t.Errorf("line %q is longer than 30", line)
		}
	}
}
