package scenario

import "math"

// Branch is one possible next regime state with its probability for the coming year.
type Branch struct {
	To          string
	Probability float64
}

// Outgoing returns the transitions out of current for the coming year, in file order, with
// their probabilities: the mode of each transition's Probability plus its feedback,
// Add × lastYearFlow[rule] / Per, clipped to [0, 1]. When the probabilities add up to more than 1
// they are scaled down to sum to 1 (staying then has probability 0). lastYearFlow holds last
// year's flow across each rule by rule id, in canonical units per year (e.g. t/yr); a missing
// rule counts as 0.
func (r *Regimes) Outgoing(current string, lastYearFlow map[string]float64) []Branch {
	var out []Branch
	sum := 0.0
	for i := range r.Transitions {
		t := &r.Transitions[i]
		if t.From != current {
			continue
		}
		p := t.Probability.Value
		if f := t.Feedback; f != nil && f.Per.Value > 0 {
			p += f.Add.Value * lastYearFlow[f.Rule] / f.Per.Value
		}
		if math.IsNaN(p) {
			p = 0
		}
		p = min(max(p, 0), 1)
		sum += p
		out = append(out, Branch{To: t.To, Probability: p})
	}
	if sum > 1 {
		for i := range out {
			out[i].Probability /= sum
		}
	}
	return out
}

// NeedsFlows reports whether a transition out of current has a feedback term, so that Next needs
// last year's flows; without one the flows are not read and may be nil.
func (r *Regimes) NeedsFlows(current string) bool {
	for i := range r.Transitions {
		if t := &r.Transitions[i]; t.From == current && t.Feedback != nil && t.Feedback.Per.Value > 0 {
			return true
		}
	}
	return false
}

// Next returns the regime state after current for a uniform draw u in [0, 1). The transitions
// out of current (see Outgoing) take consecutive slices of [0, 1) in file order — the first
// transition [0, p1), the second [p1, p1+p2), … — and the rest of the interval means staying in
// current. The same u and flows give the same state, so a Monte Carlo draw seeded per draw
// reproduces its regime path.
func (r *Regimes) Next(current string, u float64, lastYearFlow map[string]float64) string {
	cum := 0.0
	for _, b := range r.Outgoing(current, lastYearFlow) {
		cum += b.Probability
		if u < cum {
			return b.To
		}
	}
	return current
}

// Fixed reports whether the regimes follow a fixed Timeline instead of sampled transitions.
func (r *Regimes) Fixed() bool { return len(r.Timeline) > 0 }

// At returns the regime state of year: the state of the last timeline step at or before year,
// or Initial before the first step (and always when there is no timeline).
func (r *Regimes) At(year int) string {
	state := r.Initial
	for _, s := range r.Timeline {
		if s.Year > year {
			break
		}
		state = s.State
	}
	return state
}

// Path returns the regime state of each of years years from startYear on, following the fixed
// Timeline (see At). Without a timeline every year is Initial: sample a path with Next instead,
// year by year, since its feedback needs the previous year's flows.
func (r *Regimes) Path(startYear, years int) []string {
	out := make([]string, max(years, 0))
	for i := range out {
		out[i] = r.At(startYear + i)
	}
	return out
}
