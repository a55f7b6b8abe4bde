package appraise

import (
	"slices"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// margin is the decider's value of committing to a project in one draw under one view, before
// its strategic premium, USD at its own discount rate (docs/MODEL.md, section 5;
// decision 0013):
//
//	bargaining: Δφ_d − outlay_d − Σ_partners max(0, outlay_c − Δφ_c)
//	accounting: NPV_d − Σ_partners max(0, −NPV_c)
//
// A partner whose territory or money the project needs and that would lose by it is paid its
// loss by the decider (transferable utility: a side payment, as a decider carries partners' shares
// in practice), instead of vetoing the project whatever the decider's gain. Each partner's loss
// is valued at its own rate.
type margin struct {
	value        float64
	compensation float64 // Σ of the partners' losses the decider covers
}

// marginOf computes the decider's margin from each country's net value of the project, indexed
// like ev.countries: strategic value less outlay in the bargaining view, NPV in the accounting
// view. A partner's loss is the negative part of its net value.
func (ev *evaluator) marginOf(p *model.Project, net []float64) margin {
	d := slices.Index(ev.countries, ev.decider)
	if d < 0 {
		return margin{}
	}
	m := margin{}
	for _, c := range ev.partners(p) {
		if i := slices.Index(ev.countries, c); i >= 0 {
			m.compensation += max(0, -net[i])
		}
	}
	m.value = net[d] - m.compensation
	return m
}

// partners returns the countries whose territory or money project p needs — those its links and
// upgrades cross and its financiers — without the decider, sorted.
func (ev *evaluator) partners(p *model.Project) []string {
	needed, _ := projectCountries(ev.net, p)
	set := map[string]bool{}
	for _, c := range needed {
		set[c] = true
	}
	for c, s := range p.Financing {
		if s > 0 {
			set[c] = true
		}
	}
	delete(set, ev.decider)
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// premiumQuantity returns the decider's strategic premium in scenario si, USD/yr in service, and
// where it comes from: the run (Input.Premium, from the command line or the API), the scenario,
// the data set, or none.
func (ev *evaluator) premiumQuantity(si int) (quantity.Quantity, string) {
	switch {
	case ev.in.Premium.IsSet():
		return ev.in.Premium, "set for the run"
	case ev.in.Scenarios[si].Premium.IsSet():
		return ev.in.Scenarios[si].Premium, "scenario " + ev.in.Scenarios[si].Name
	case ev.net.Meta.StrategicPremium.IsSet():
		return ev.net.Meta.StrategicPremium, "data set"
	}
	return quantity.Quantity{}, "none"
}
