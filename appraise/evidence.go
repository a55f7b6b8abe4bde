package appraise

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// Evidence is one uncertain input ranked by how much it moves the decider's answer (issue #18):
// the largest squared Spearman rank correlation, over the cases in which the decider has a part
// and over its two views (strategic value in the network game, NPV under the contracts), between
// the input's value in each draw and the decider's figure in that draw. ρ² is the share of the
// figure's rank variance the input explains alone — a screening measure of first-order
// sensitivity that needs no extra solves, as the draws of the appraisal already pair every input
// with every outcome (Saltelli et al. 2008, Global Sensitivity Analysis, ch. 1: rank correlation
// coefficients for monotonic models). It is not a Sobol index: interactions are not apportioned.
type Evidence struct {
	Input   string  `json:"input"`   // a quantity path, "overrun/<project>", or "<scenario>/enforcement/<rule>" …
	Class   string  `json:"class"`   // provenance: "fact", "derived" or "assumption"
	Source  string  `json:"source"`  // the provenance as written
	Score   float64 `json:"score"`   // max ρ² over cases and views
	Rho     float64 `json:"rho"`     // the signed ρ where the maximum is reached
	Project string  `json:"project"` // the case and view where it is reached
	Scen    string  `json:"scenario"`
	View    string  `json:"view"` // "bargaining" (strategic value) or "accounting" (NPV)
}

// NoiseFloor is the ρ² below which an input's Score cannot be told from chance: the two-sided
// 95 % bound of the largest of m rank correlations of n draws with an unrelated input,
// Bonferroni-corrected, ρ² = z²/(n − 1) with z the normal quantile at 1 − 0.025/m (the null
// distribution of Spearman's ρ is about N(0, 1/(n − 1)) for n ≳ 20).
func NoiseFloor(n, m int) float64 {
	if n < 3 || m < 1 {
		return 1
	}
	z := math.Sqrt2 * math.Erfinv(1-0.05/float64(m))
	return min(1, z*z/float64(n-1))
}

// EvidenceTargets returns how many figures EvidenceOf correlates each input with: two views per
// case in which the decider has a part (the m of NoiseFloor).
func EvidenceTargets(out *Output) int {
	m := 0
	for _, c := range out.Cases {
		if c.Involved {
			m += 2
		}
	}
	return m
}

// ProvenanceClass sorts a provenance into "fact" (source ids), "derived" (an assumption whose
// reasoning says DERIVED: arithmetic on sourced figures) or "assumption"; "none" when none is
// given.
func ProvenanceClass(p quantity.Provenance) string {
	switch {
	case p.IsZero():
		return "none"
	case p.Assumption == "":
		return "fact"
	case strings.Contains(p.Assumption, "DERIVED"):
		return "derived"
	}
	return "assumption"
}

// EvidenceOf ranks the uncertain inputs of a run by Evidence.Score, largest first (ties by
// name). in must be the run's Input (same network, scenarios, projects and seed) and out its
// Output with Samples (Input.KeepSamples): each draw's inputs are drawn again from their keyed
// streams, so they pair with out.Samples draw by draw. Inputs that never vary are left out.
func EvidenceOf(in Input, out *Output) ([]Evidence, error) {
	if len(out.Samples) < 3 {
		return nil, fmt.Errorf("appraise: evidence needs the samples of at least 3 draws, got %d", len(out.Samples))
	}
	in.Draws = len(out.Samples)
	if in.NewEngine == nil { // redrawing the inputs solves nothing
		in.NewEngine = func() (lp.Incremental, error) { return nil, errors.New("appraise: evidence solves no LP") }
	}
	ev, err := newEvaluator(in)
	if err != nil {
		return nil, err
	}
	d := slices.Index(out.Countries, out.Decider)
	if d < 0 {
		return nil, fmt.Errorf("appraise: evidence needs a deciding country with a part in the run")
	}
	type column struct {
		name   string
		source quantity.Provenance
		values []float64
	}
	var cols []*column
	byName := map[string]*column{}
	add := func(i int, name string, src quantity.Provenance, v float64) {
		c := byName[name]
		if c == nil {
			c = &column{name: name, source: src, values: make([]float64, len(out.Samples))}
			byName[name] = c
			cols = append(cols, c)
		}
		c.values[i] = v
	}
	for i := range out.Samples {
		x := ev.sample(uint64(i))
		for path, q := range x.net.Quantities() {
			if base := in.Net.Quantity(path); base != nil && base.Range != nil && !isCapex(path) {
				add(i, string(path), base.Source, q.Value)
			}
		}
		for pi, p := range ev.projects {
			var src quantity.Provenance
			if o := in.Net.Study.Overrun(p.Class); o != nil {
				src = o.Mean.Source
			}
			add(i, "overrun/"+p.ID, src, x.overrun[pi])
		}
		for si, sc := range in.Scenarios {
			for j := range sc.Rules {
				r := &sc.Rules[j]
				if v, ok := x.enforcement[si][r.ID]; ok {
					add(i, sc.Name+"/enforcement/"+r.ID, r.Enforcement.Source, v)
				}
			}
			for j := range sc.Construction {
				r := &sc.Construction[j]
				if v, ok := x.enforcement[si][r.ID]; ok {
					add(i, sc.Name+"/enforcement/"+r.ID, r.Enforcement.Source, v)
				}
				cost := r.EvasionCost
				if r.Kind == scenario.Premium {
					cost = r.Premium
				}
				if v, ok := x.enforcement[si][scenario.CostKey(r.ID)]; ok {
					add(i, sc.Name+"/construction/"+r.ID+"/cost", cost.Source, v)
				}
			}
			for _, st := range sc.Regimes.States {
				for _, id := range slices.Sorted(maps.Keys(st.Enforcement)) {
					if v, ok := x.enforcement[si][scenario.EnforcementKey(st.ID, id)]; ok {
						add(i, sc.Name+"/"+st.ID+"/enforcement/"+id, st.Enforcement[id].Source, v)
					}
				}
			}
			for j, tr := range x.regimes[si].Transitions {
				if sc.Regimes.Transitions[j].Probability.Range != nil {
					add(i, sc.Name+"/transition/"+tr.From+"/"+tr.To, sc.Regimes.Transitions[j].Probability.Source, tr.Probability.Value)
				}
			}
		}
	}
	ranks := func(xs []float64) []float64 { return midRanks(xs) }
	type target struct {
		project, scen, view string
		r                   []float64
	}
	var targets []target
	for k, c := range out.Cases {
		if !c.Involved {
			continue
		}
		for _, view := range []string{"bargaining", "accounting"} {
			ys := make([]float64, len(out.Samples))
			for i := range out.Samples {
				if view == "bargaining" {
					ys[i] = out.Samples[i][k].Strategic[d]
				} else {
					ys[i] = out.Samples[i][k].NPV[d]
				}
			}
			targets = append(targets, target{c.Project, c.Scenario, view, ranks(ys)})
		}
	}
	var rows []Evidence
	for _, c := range cols {
		rx := ranks(c.values)
		if constant(rx) {
			continue
		}
		best := Evidence{Input: c.name, Class: ProvenanceClass(c.source), Source: c.source.String()}
		for _, t := range targets {
			if constant(t.r) {
				continue
			}
			if rho := pearson(rx, t.r); rho*rho > best.Score {
				best.Score, best.Rho, best.Project, best.Scen, best.View = rho*rho, rho, t.project, t.scen, t.view
			}
		}
		rows = append(rows, best)
	}
	slices.SortStableFunc(rows, func(a, b Evidence) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Input, b.Input)) })
	return rows, nil
}

// midRanks returns the ranks 1..n of xs, ties sharing their mean rank (Spearman's ρ is the
// Pearson correlation of these).
func midRanks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	r := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mid
		}
		i = j + 1
	}
	return r
}

func constant(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// pearson is the correlation of two equally long, non-constant series.
func pearson(x, y []float64) float64 {
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ClassCounts counts the values of a data set by provenance class (ProvenanceClass).
type ClassCounts struct {
	Fact       int `json:"fact"`
	Derived    int `json:"derived"`
	Assumption int `json:"assumption"`
	None       int `json:"none"` // values without provenance: the validator refuses them
}

// Total is the number of values counted.
func (c ClassCounts) Total() int { return c.Fact + c.Derived + c.Assumption + c.None }

func (c *ClassCounts) add(p quantity.Provenance) {
	switch ProvenanceClass(p) {
	case "fact":
		c.Fact++
	case "derived":
		c.Derived++
	case "assumption":
		c.Assumption++
	default:
		c.None++
	}
}

// ProvenanceCounts counts every value of a data set by provenance class: each value of the
// network (model.Network.Values: quantities, positions, km by country, start years, financing
// and owners) and each number of the scenarios given (scenario.Scenario.Values), usually every
// scenario the data set ships.
func ProvenanceCounts(n *model.Network, scenarios []*scenario.Scenario) ClassCounts {
	var c ClassCounts
	for _, p := range n.Values() {
		c.add(p)
	}
	for _, sc := range scenarios {
		for _, p := range sc.Values() {
			c.add(p)
		}
	}
	return c
}

// TopChanges compares the top k of two rankings of the same inputs from independent runs of n
// draws each (other seeds): it returns the inputs in a's top k that are neither in b's top k
// nor tied in b with b's k-th input, in a's order. Two scores are tied when their |ρ| differ,
// on Fisher's z scale (atanh), by no more than the two-sided 95 % bound of the difference of two
// independent estimates, 1.96·√(2/(n − 3)): the draws cannot tell such inputs apart, and which
// of them ranks k-th is chance. An empty answer means a's top k is stable in b.
func TopChanges(a, b []Evidence, k, n int) []string {
	if k < 1 || n < 4 {
		return nil
	}
	top := map[string]bool{}
	score := map[string]float64{}
	for i, r := range b {
		if i < k {
			top[r.Input] = true
		}
		score[r.Input] = r.Score
	}
	z := func(s float64) float64 { return math.Atanh(min(math.Sqrt(max(s, 0)), 1-1e-12)) }
	edge := 0.0
	if len(b) >= k {
		edge = z(b[k-1].Score)
	}
	band := 1.96 * math.Sqrt(2/float64(n-3))
	var out []string
	for _, r := range a[:min(k, len(a))] {
		if !top[r.Input] && edge-z(score[r.Input]) > band {
			out = append(out, r.Input)
		}
	}
	return out
}
