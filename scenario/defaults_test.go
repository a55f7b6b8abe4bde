package scenario_test

import (
	"io/fs"
	"reflect"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/scenario"
)

// TestDefaultScenarios decodes, checks and applies every scenario of the built-in data set.
func TestDefaultScenarios(t *testing.T) {
	fsys := dataset.Default()
	n, _, err := dataset.Load(t.Context(), fsys)
	if err != nil {
		t.Fatalf("load the built-in data set: %v", err)
	}
	files, err := fs.Glob(fsys, "scenarios/*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("built-in scenarios = %v, %v; want at least 5", files, err)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			s, err := scenario.Load(fsys, file)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Check(n); err != nil {
				t.Fatal(err)
			}
			states := []string{""}
			for _, st := range s.Regimes.States {
				states = append(states, st.ID)
			}
			for _, regime := range states {
				for _, year := range []int{0, 2026, 2030} {
					opt := scenario.Options{Regime: regime, Year: year}
					want, _, err := scenario.Apply(n, s, opt)
					if err != nil {
						t.Errorf("Apply(regime %q, year %d): %v", regime, year, err)
						continue
					}
					if got, err := scenario.ApplyShared(n, s, opt); err != nil || !reflect.DeepEqual(got, want) {
						t.Errorf("ApplyShared(regime %q, year %d) differs from Apply (error %v)", regime, year, err)
					}
				}
			}
		})
	}
}
