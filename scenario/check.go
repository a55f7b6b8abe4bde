package scenario

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// errorf records an error about field (a path such as "rules/0/commodities/1") at the position
// decoding recorded for it, or for its nearest recorded parent.
func (s *Scenario) errorf(l *diag.List, field, format string, args ...any) {
	if s.reported(field) {
		return
	}
	if l.Full() { // counted past the cap, not formatted
		l.Add(&diag.Error{File: s.file})
		return
	}
	at := s.at(field)
	l.Add(&diag.Error{File: s.file, Line: at.line, Col: at.col, Field: field, Err: fmt.Errorf(format, args...)})
}

// reported reports whether Decode already gave an error for field or a parent of it, so that a
// value that failed to parse is not also reported as missing.
func (s *Scenario) reported(field string) bool {
	if len(s.bad) == 0 {
		return false
	}
	for p := field; ; {
		if s.bad[p] {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return s.bad[""]
		}
		p = p[:i]
	}
}

// at returns the recorded position of field or of its nearest parent.
func (s *Scenario) at(field string) spot {
	for p := field; p != ""; {
		if sp, ok := s.pos[p]; ok {
			return sp
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return spot{}
}

// Check resolves the scenario against network n: commodities, countries, projects, links and
// nodes it names exist; override paths name quantities of n with the same dimension; caps,
// premiums, evasion costs and feedback flows are in the units of the commodities they apply to;
// every source id exists in n.Sources. It repeats Decode's checks of the scenario itself (among
// them: the strategic premium is money per year, not negative, with a source). Errors
// are *diag.Error values with the position kept from decoding (none for a scenario built in
// code), joined, at most diag.Max.
func (s *Scenario) Check(n *model.Network) error {
	var l diag.List
	s.checkSelf(&l)
	c := checker{s: s, n: n, l: &l}
	c.source("source", s.Source)
	c.source("premium", s.Premium.Source)
	for i, id := range s.Projects {
		if n.Project(id) == nil {
			s.errorf(&l, "projects/"+strconv.Itoa(i), "unknown project %q (projects.yaml has %s)", id, list(n.Projects, func(p model.Project) string { return p.ID }))
		}
	}
	for i, id := range s.Participants {
		c.country("participants/"+strconv.Itoa(i), id)
	}
	for i := range s.Rules {
		c.rule("rules/"+strconv.Itoa(i), &s.Rules[i])
	}
	for i := range s.Construction {
		c.construction("construction/"+strconv.Itoa(i), &s.Construction[i])
	}
	c.overrides("overrides", s.Overrides)
	for i, st := range s.Regimes.States {
		p := "regimes/states/" + strconv.Itoa(i)
		for _, id := range slices.Sorted(maps.Keys(st.Enforcement)) {
			c.source(p+"/enforcement/"+id, st.Enforcement[id].Source)
		}
		c.overrides(p+"/overrides", st.Overrides)
	}
	for i, t := range s.Regimes.Transitions {
		p := "regimes/transitions/" + strconv.Itoa(i)
		c.source(p+"/source", t.Source)
		c.source(p+"/probability", t.Probability.Source)
		if f := t.Feedback; f != nil {
			c.source(p+"/feedback/per", f.Per.Source)
			c.source(p+"/feedback/add", f.Add.Source)
			if r := s.Rule(f.Rule); r != nil && f.Per.IsSet() {
				c.perCommodity(p+"/feedback/per", r, f.Per, "per", func(u quantity.Dim) (quantity.Dim, string) {
					return u.PerYear(), "flow per year in the commodity's unit"
				})
			}
		}
	}
	return l.Err()
}

// checker carries what the checks of one scenario against one network share.
type checker struct {
	s *Scenario
	n *model.Network
	l *diag.List
}

func (c *checker) errorf(field, format string, args ...any) { c.s.errorf(c.l, field, format, args...) }

func (c *checker) source(field string, p quantity.Provenance) {
	for _, id := range p.Sources {
		if c.n.Source(id) == nil {
			c.errorf(field, "unknown source %q: add it to sources.csv (id = the REFERENCE_FACTS fact id) or cite an existing one", id)
		}
	}
}

func (c *checker) country(field, id string) {
	if c.n.Country(id) == nil {
		c.errorf(field, "unknown country %q (countries.csv has %s)", id, list(c.n.Countries, func(x model.Country) string { return x.ID }))
	}
}

func (c *checker) set(field string, s Set, exists func(field, id string)) {
	for i, id := range s {
		if id != Any {
			exists(field+"/"+strconv.Itoa(i), id)
		}
	}
}

func (c *checker) mode(field, id string) {
	if c.n.Mode(id) == nil {
		c.errorf(field, "unknown mode %q (modes.csv has %s)", id, list(c.n.Modes, func(x model.Mode) string { return x.ID }))
	}
}

func (c *checker) commodity(field, id string) {
	if c.n.Commodity(id) == nil {
		c.errorf(field, "unknown commodity %q (commodities.csv has %s)", id, list(c.n.Commodities, func(x model.Commodity) string { return x.ID }))
	}
}

func (c *checker) rule(p string, r *Rule) {
	c.source(p+"/source", r.Source)
	c.set(p+"/commodities", r.Commodities, c.commodity)
	c.set(p+"/origins", r.Origins, c.country)
	c.set(p+"/destinations", r.Destinations, c.country)
	c.set(p+"/transit", r.Transit, c.country)
	c.set(p+"/modes", r.Modes, c.mode)
	c.set(p+"/operators", r.Operators, c.country)
	for j := range r.Exemptions {
		e := &r.Exemptions[j]
		ep := p + "/exemptions/" + strconv.Itoa(j)
		c.set(ep+"/commodities", e.Commodities, c.commodity)
		c.set(ep+"/origins", e.Origins, c.country)
		for k, id := range e.Links {
			if c.n.Link(id) == nil {
				c.errorf(ep+"/links/"+strconv.Itoa(k), "unknown link %q", id)
			}
		}
		for k, id := range e.Nodes {
			if c.n.Node(id) == nil {
				c.errorf(ep+"/nodes/"+strconv.Itoa(k), "unknown node %q", id)
			}
		}
	}
	perUnit := func(u quantity.Dim) (quantity.Dim, string) { return quantity.DimMoney.Div(u), "USD per commodity unit" }
	for _, f := range []struct {
		name string
		q    quantity.Quantity
	}{{"cap", r.Cap}, {"premium", r.Premium}, {"evasion_cost", r.EvasionCost}, {"enforcement", r.Enforcement}} {
		if !f.q.IsSet() {
			continue
		}
		if f.q.Source.String() != r.Source.String() { // an inherited source is checked once, above
			c.source(p+"/"+f.name, f.q.Source)
		}
		switch f.name {
		case "cap":
			c.perCommodity(p+"/cap", r, f.q, "cap", func(u quantity.Dim) (quantity.Dim, string) {
				return u.PerYear(), "quantity per year in the commodity's unit"
			})
		case "premium", "evasion_cost":
			if f.q.Dim == quantity.DimNone {
				c.priced(p+"/"+f.name, r, f.name)
			} else {
				c.perCommodity(p+"/"+f.name, r, f.q, f.name, perUnit)
			}
		}
	}
}

// commodities returns the commodities a rule names (all of the network's for "*").
func (c *checker) commodities(r *Rule) []*model.Commodity {
	var out []*model.Commodity
	if r.Commodities.All() {
		for i := range c.n.Commodities {
			out = append(out, &c.n.Commodities[i])
		}
		return out
	}
	for _, id := range r.Commodities {
		if k := c.n.Commodity(id); k != nil {
			out = append(out, k)
		}
	}
	return out
}

// perCommodity checks that q has, for every commodity of r, the dimension want(unit) gives.
func (c *checker) perCommodity(field string, r *Rule, q quantity.Quantity, name string, want func(quantity.Dim) (quantity.Dim, string)) {
	for _, k := range c.commodities(r) {
		d, what := want(k.Unit.Dim)
		if q.Dim != d {
			hint := ""
			if r.Commodities.All() {
				hint = `; "*" covers every commodity, so list commodities that share one unit`
			}
			c.errorf(field, "%s %s does not fit commodity %q counted in %s: expected a %s (%s)%s", name, q, k.ID, k.Unit.Text, what, quantity.Canonical(d), hint)
			return
		}
	}
}

// priced checks that every commodity of r has a reference price, so a share of it is defined.
func (c *checker) priced(field string, r *Rule, name string) {
	for _, k := range c.commodities(r) {
		if !k.Price.IsSet() {
			c.errorf(field, "%s is a share of the price, but commodity %q has no price in commodities.csv: give USD per %s instead", name, k.ID, k.Unit.Text)
			return
		}
	}
}

// overrides checks that each override names a quantity of the network with the same dimension.
func (c *checker) overrides(field string, os []Override) {
	if len(os) == 0 {
		return
	}
	have := map[model.QuantityPath]quantity.Dim{}
	for p, q := range c.n.Quantities() {
		have[p] = q.Dim
	}
	at := map[string]string{} // field path of the override of each quantity path that fits
	for i, o := range os {
		p := field + "/" + strconv.Itoa(i)
		c.source(p+"/source", o.Value.Source)
		d, ok := have[o.Path]
		switch {
		case o.Path == "":
		case !ok:
			c.errorf(p+"/path", "no quantity %q in the network (paths look like links/<id>/capacity, nodes/<id>/throughput, markets/<id>/steps/0/price; an unset quantity cannot be overridden)", o.Path)
		case o.Value.IsSet() && o.Value.Dim != d:
			c.errorf(p+"/value", "%s is %s, but %s is %s (e.g. %s)", o.Value, o.Value.Dim, o.Path, d, quantity.Canonical(d))
		case o.Value.IsSet():
			at[string(o.Path)] = p + "/value"
		}
	}
	c.overriddenValues(os, at)
}

// overriddenValues applies the overrides that fit to a copy of the network and reports what the
// data set's own rules say of their values (a negative capacity, a rate of 150 %), as they would
// had the data set held them.
func (c *checker) overriddenValues(os []Override, at map[string]string) {
	if len(at) == 0 {
		return
	}
	n := c.n.Clone()
	for _, o := range os {
		if _, ok := at[string(o.Path)]; ok {
			*n.Quantity(o.Path) = cloneQ(o.Value)
		}
	}
	for _, is := range model.Validate(n) {
		if is.Severity != model.Error {
			continue
		}
		path := string(is.Component) + "/" + is.ID + "/" + is.Field
		field, ok := at[path]
		if !ok {
			field, ok = at[strings.TrimSuffix(path, "_range")]
		}
		if ok {
			c.errorf(field, "%s", is.Message)
		}
	}
}

func list[T any](s []T, id func(T) string) string {
	if len(s) == 0 {
		return "none"
	}
	ids := make([]string, 0, min(len(s), 12))
	for i, x := range s {
		if i == 12 {
			ids = append(ids, "…")
			break
		}
		ids = append(ids, id(x))
	}
	return strings.Join(ids, ", ")
}
