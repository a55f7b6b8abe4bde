package risk

import (
	"cmp"
	"math"
	"slices"
)

// Swing is one bar of a tornado diagram: the output with one input moved to its 10th and 90th
// percentiles (see Quantile) while every other input stays at its base value.
type Swing struct {
	Input string  `json:"input"` // the input's name
	Low   float64 `json:"low"`   // output with the input at its P10
	High  float64 `json:"high"`  // output with the input at its P90
	Base  float64 `json:"base"`  // output with every input at its base value
}

// Width returns |High − Low|, the length of the bar.
func (s Swing) Width() float64 { return math.Abs(s.High - s.Low) }

// SortSwings orders swings for a tornado diagram in place: widest bar first, ties by Input name.
// A NaN width sorts last.
func SortSwings(swings []Swing) {
	slices.SortStableFunc(swings, func(a, b Swing) int {
		wa, wb := a.Width(), b.Width()
		switch {
		case math.IsNaN(wa) != math.IsNaN(wb):
			if math.IsNaN(wa) {
				return 1
			}
			return -1
		case wa > wb:
			return -1
		case wa < wb:
			return 1
		}
		return cmp.Compare(a.Input, b.Input)
	})
}
