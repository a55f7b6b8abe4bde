package appraise

import "testing"

// Tornado labels read as words, not field paths (#17: "upgrades/0/add").
func TestFieldWords(t *testing.T) {
	for in, want := range map[string]string{
		"construction_years": "construction years",
		"loans/0/rate":       "loan 1 rate",
		"contracts/1/tariff": "contract 2 tariff",
		"opex":               "opex",
	} {
		if got := fieldWords(in); got != want {
			t.Errorf("fieldWords(%q) = %q, want %q", in, got, want)
		}
	}
}
