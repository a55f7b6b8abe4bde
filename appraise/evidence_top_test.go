package appraise

import (
	"slices"
	"testing"
)

func TestTopChanges(t *testing.T) {
	rank := func(pairs ...any) []Evidence {
		var out []Evidence
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Evidence{Input: pairs[i].(string), Score: pairs[i+1].(float64)})
		}
		return out
	}
	a := rank("x", 0.9, "y", 0.5, "z", 0.2, "w", 0.01)
	for _, tt := range []struct {
		name string
		b    []Evidence
		k, n int
		want []string
	}{
		{"same order", rank("x", 0.88, "y", 0.52, "z", 0.18, "w", 0.02), 2, 200, nil},
		{"swapped within the top", rank("y", 0.6, "x", 0.55, "z", 0.1, "w", 0.0), 2, 200, nil},
		{"tied at the edge", rank("x", 0.9, "z", 0.26, "y", 0.24, "w", 0.0), 2, 200, nil},
		{"dropped far below the edge", rank("x", 0.9, "z", 0.5, "w", 0.4, "y", 0.01), 2, 200, []string{"y"}},
		{"same drop, too few draws to tell", rank("x", 0.9, "z", 0.5, "w", 0.4, "y", 0.01), 2, 10, nil},
		{"missing from b", rank("x", 0.9, "z", 0.5), 2, 200, []string{"y"}},
		{"k beyond the ranking", rank("x", 0.9), 5, 200, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := TopChanges(a, tt.b, tt.k, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("TopChanges = %v, want %v", got, tt.want)
			}
		})
	}
}
