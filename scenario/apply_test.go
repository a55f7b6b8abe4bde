package scenario

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestApplyOverrideLeavesInputUnchanged(t *testing.T) {
	n := testNetwork(t)
	s := decodeValid(t)
	st, log, err := Apply(n, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Net.Link("L1").Capacity; got.Value != 3e6 || got.Range == nil || got.Range.High != 4e6 {
		t.Errorf("state L1 capacity = %v (range %v), want 3 Mt/yr with range 2..4 (override)", got, got.Range)
	}
	if got := n.Link("L1").Capacity; got.Value != 5e6 || got.Range != nil {
		t.Errorf("input L1 capacity = %v, want 5 Mt/yr unchanged", got)
	}
	want := Change{Path: "links/L1/capacity", From: "5 Mt/yr", To: "3 Mt/yr", Why: "override (assumption: test override)"}
	if len(log) == 0 || log[0] != want {
		t.Errorf("change log[0] = %+v, want %+v", log, want)
	}
	// Changing the state's network must not reach the input either.
	st.Net.Nodes[0].Throughput.Value = 1
	if n.Nodes[0].Throughput.Value != 5e6 {
		t.Error("changing the state's network changed the input network")
	}
}

func TestApplyProjects(t *testing.T) {
	n := testNetwork(t)
	all := decodeValid(t)
	open := *all
	open.Participants = nil // everyone takes part
	for _, tt := range []struct {
		name          string
		s             *Scenario
		opt           Options
		wantBuilt     []string
		wantAvailable map[string]bool
		wantL1        float64 // capacity of L1, t/yr
		wantKhasan    float64 // throughput of khasan, t/yr
		wantErr       string
	}{
		{"scenario project only", &open, Options{}, []string{"P2"},
			map[string]bool{"L1": true, "L2": true, "L3": false, "L4": false, "L5": true, "L6": false, "L7": true}, 3e6, 5e6, ""},
		{"proposed link available when its project is built", &open, Options{Projects: []string{"P1"}}, []string{"P1", "P2"},
			map[string]bool{"L3": true, "L5": true}, 5e6, 5e6, ""},
		{"upgrade of a node", &open, Options{Projects: []string{"P1", "P3"}}, []string{"P1", "P2", "P3"},
			map[string]bool{"L3": true, "L6": true}, 5e6, 6e6, ""},
		{"excluded project", &open, Options{ExcludeProjects: []string{"P2"}}, nil,
			map[string]bool{"L5": false}, 3e6, 5e6, ""},
		{"not yet in service", &open, Options{Year: 2026}, nil,
			map[string]bool{"L5": false}, 3e6, 5e6, ""},
		{"in service (2025 + 1.5 yr → 2027)", &open, Options{Year: 2027}, []string{"P2"},
			map[string]bool{"L5": true}, 3e6, 5e6, ""},
		{"non-participant's proposed link unavailable", all, Options{Projects: []string{"P1"}}, []string{"P1", "P2"},
			map[string]bool{"L3": false, "L7": false, "L1": true}, 5e6, 5e6, ""},
		{"dependency missing", &open, Options{Projects: []string{"P3"}}, nil, nil, 0, 0,
			"project P3 depends on P1, which is not built"},
		{"unknown project", &open, Options{Projects: []string{"P9"}}, nil, nil, 0, 0, `unknown project "P9"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := Apply(n, tt.s, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Apply(%+v) error = %v, want %q", tt.opt, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply(%+v): %v", tt.opt, err)
			}
			var built []string
			for id := range st.Built {
				built = append(built, id)
			}
			slices.Sort(built)
			if !slices.Equal(built, tt.wantBuilt) {
				t.Errorf("Apply(%+v).Built = %v, want %v", tt.opt, built, tt.wantBuilt)
			}
			for id, want := range tt.wantAvailable {
				if got := st.Available[id]; got != want {
					t.Errorf("Apply(%+v).Available[%s] = %v, want %v", tt.opt, id, got, want)
				}
			}
			if got := st.Net.Link("L1").Capacity.Value; got != tt.wantL1 {
				t.Errorf("Apply(%+v): L1 capacity = %g, want %g", tt.opt, got, tt.wantL1)
			}
			if got := st.Net.Node("khasan").Throughput.Value; got != tt.wantKhasan {
				t.Errorf("Apply(%+v): khasan throughput = %g, want %g", tt.opt, got, tt.wantKhasan)
			}
		})
	}
	if got := n.Node("khasan").Throughput.Value; got != 5e6 {
		t.Errorf("input khasan throughput = %g after Apply, want 5e6 unchanged", got)
	}
}

func TestApplyNonParticipantLog(t *testing.T) {
	st, log, err := Apply(testNetwork(t), decodeValid(t), Options{Projects: []string{"P1"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.NonParticipants, []string{"KOR"}) {
		t.Errorf("NonParticipants = %v, want [KOR]", st.NonParticipants)
	}
	wantL1 := Change{Path: "links/L1/capacity", From: "3 Mt/yr", To: "5 Mt/yr", Why: "project P1 adds 2 Mt/yr"}
	if !slices.Contains(log, wantL1) {
		t.Errorf("change log %+v lacks %+v", log, wantL1)
	}
	wantL7 := Change{Path: "links/L7/available", From: "true", To: "false", Why: "crosses non-participant KOR"}
	if !slices.Contains(log, wantL7) {
		t.Errorf("change log %+v lacks %+v", log, wantL7)
	}
}

func TestApplyRegimes(t *testing.T) {
	n := testNetwork(t)
	s := decodeValid(t)
	for _, tt := range []struct {
		name       string
		opt        Options
		wantRegime string
		want       map[string]float64 // active rule id → enforcement
		wantErr    error
	}{
		{"initial: all rules", Options{}, "quo", map[string]float64{"coal-ban": 0.9, "crude-cap": 1, "gas-premium": 0.5}, nil},
		{"relief: one rule", Options{Regime: "relief"}, "relief", map[string]float64{"gas-premium": 0.5}, nil},
		{"tight: enforcement raised", Options{Regime: "tight"}, "tight", map[string]float64{"coal-ban": 1, "crude-cap": 1, "gas-premium": 0.5}, nil},
		{"drawn enforcement", Options{Enforcement: map[string]float64{"coal-ban": 0.7}}, "quo", map[string]float64{"coal-ban": 0.7, "crude-cap": 1, "gas-premium": 0.5}, nil},
		{"unknown regime", Options{Regime: "calm"}, "", nil, ErrUnknownRegime},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := Apply(n, s, tt.opt)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Apply(%+v) error = %v, want %v", tt.opt, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Regime != tt.wantRegime {
				t.Errorf("Apply(%+v).Regime = %q, want %q", tt.opt, st.Regime, tt.wantRegime)
			}
			got := map[string]float64{}
			for _, r := range st.Rules {
				got[r.Rule.ID] = r.Enforcement
			}
			if len(got) != len(tt.want) {
				t.Errorf("Apply(%+v) rules = %v, want %v", tt.opt, got, tt.want)
			}
			for id, e := range tt.want {
				if got[id] != e {
					t.Errorf("Apply(%+v) rule %s enforcement = %v, want %v", tt.opt, id, got[id], e)
				}
			}
		})
	}
}

func TestApplyTimeline(t *testing.T) {
	src := readTestdata(t, "valid.yaml")
	i := strings.Index(src, "  transitions:")
	src = src[:i] + "  timeline:\n    - {year: 2026, state: relief, source: \"assumption: t\"}\n    - {year: 2030, state: tight, source: \"assumption: t\"}\n"
	s, err := Decode("timeline.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]string{2025: "quo", 2026: "relief", 2029: "relief", 2030: "tight", 2040: "tight"} {
		st, _, err := Apply(testNetwork(t), s, Options{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		if st.Regime != want {
			t.Errorf("Apply(year %d).Regime = %q, want %q", year, st.Regime, want)
		}
	}
	if got, want := s.Regimes.Path(2025, 6), []string{"quo", "relief", "relief", "relief", "relief", "tight"}; !slices.Equal(got, want) {
		t.Errorf("Path(2025, 6) = %v, want %v", got, want)
	}
}

// TestApplySharedMatchesApply derives states with ApplyShared and Apply and wants the same
// state, the input network unchanged, and the shared state's network sharing the tables no
// override or upgrade touches.
func TestApplySharedMatchesApply(t *testing.T) {
	n := testNetwork(t)
	before := n.Clone()
	all := decodeValid(t)
	open := *all
	open.Participants = nil
	for _, s := range []*Scenario{all, &open} {
		for _, opt := range []Options{
			{}, {Projects: []string{"P1"}}, {Projects: []string{"P1", "P3"}}, {ExcludeProjects: []string{"P2"}},
			{Year: 2026}, {Year: 2027, Regime: "tight"}, {Regime: "relief"}, {Projects: []string{"P3"}},
			{Regime: "nowhere"}, {Enforcement: map[string]float64{"coal-ban": 2}},
		} {
			want, _, wantErr := Apply(n, s, opt)
			got, err := ApplyShared(n, s, opt)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Errorf("ApplyShared(%+v) error = %v, want %v", opt, err, wantErr)
				continue
			}
			if err != nil {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ApplyShared(%+v) = %+v, want %+v", opt, got, want)
			}
			if len(got.Net.Sources) > 0 && &got.Net.Sources[0] != &n.Sources[0] {
				t.Errorf("ApplyShared(%+v) copied the sources, which nothing changes", opt)
			}
		}
	}
	if !reflect.DeepEqual(n, before) {
		t.Error("ApplyShared changed the input network")
	}
}
