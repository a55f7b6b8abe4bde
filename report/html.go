package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/third_party/naturalearth"
)

//go:embed report.html.tmpl
var htmlTemplate string

// HTMLOptions choose what the HTML report shows.
type HTMLOptions struct {
	// Scenario names the scenario whose flows (every project built) the map and the corridor table
	// show; "" means the first (headline) scenario.
	Scenario string
	// MaxTornado is the number of tornado bars per project; 0 means 8.
	MaxTornado int
}

// htmlPage is the template's data: everything pre-formatted, charts as trusted SVG.
type htmlPage struct {
	Title, Question, DataSet, InputHash, Version, Headline string
	Decider                                                string
	Seed                                                   uint64
	Draws                                                  uint64
	BaseYear                                               int
	SolvedYears                                            string // e.g. "2030 and 2045 (interpolated between, held after)"
	Scenarios                                              []htmlScenario
	Summary                                                []htmlVerdict
	Map, DetailMap                                         template.HTML
	MapNote, Attribution                                   string
	Compare                                                template.HTML
	Projects                                               []htmlProject
	Corridors                                              []htmlCorridor
	Chokepoints                                            *htmlChokepoints
	CorridorNote                                           string
	Inputs                                                 []htmlInput
	Sources                                                []htmlSource
	Evidence                                               []htmlEvidence
	EvidenceNote, Agenda, Provenance                       string
	Warnings                                               []string
}

type htmlScenario struct{ Name, Title string }

type htmlVerdict struct{ ID, Name, Commit, Verdict string }

type htmlProject struct {
	ID, Name, Description, Verdict, Capex string
	Charts                                []template.HTML
}

type htmlCorridor struct {
	Link, Name, Mode, Route, Forward, Backward, Unit, Capacity, Util, Status, Project string
}

type htmlInput struct {
	Path, Value, Range, Assumption string
	Sources                        []htmlSourceRef
	Facts, Confidence              string
}

// htmlEvidence is one row of the evidence ranking.
type htmlEvidence struct {
	Rank                                                      int
	Input, Value, Range, Score, Rho, Where, Class, Assumption string
	Chance                                                    bool // below the noise floor
	Sources                                                   []htmlSourceRef
}

type htmlSourceRef struct {
	ID, Title string
	URL       template.URL
}

type htmlSource struct {
	ID, Publisher, Title, Date, FactID, Confidence, Note string
	URL                                                  template.URL
}

// safeURL returns u when it is an http(s) link, else "" (the template then prints no link).
func safeURL(u string) template.URL {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return template.URL(u)
	}
	return ""
}

// HTML writes the whole report as one self-contained HTML file: inline CSS and SVG, no script
// and no external resource. The output depends only on r and opt.
func HTML(w io.Writer, r *pipeline.Result, opt HTMLOptions) error {
	if r == nil || r.Appraisal == nil || len(r.Scenarios) == 0 {
		return fmt.Errorf("html report: empty result")
	}
	if opt.MaxTornado == 0 {
		opt.MaxTornado = 8
	}
	t, err := template.New("report").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("html report: parse template: %w", err)
	}
	page, err := buildPage(r, opt)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := t.Execute(w, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// flowsFor returns the base-case flows of a scenario with every project built.
func flowsFor(r *pipeline.Result, scen string) *pipeline.ScenarioFlows {
	if scen == "" {
		scen = r.Scenarios[0].Name
	}
	for i := range r.Flows {
		if r.Flows[i].Scenario == scen && r.Flows[i].AllProjects {
			return &r.Flows[i]
		}
	}
	return nil
}

func buildPage(r *pipeline.Result, opt HTMLOptions) (*htmlPage, error) {
	a, n := r.Appraisal, r.Net
	head := r.Scenarios[0]
	p := &htmlPage{
		Title: "corridor report — " + n.Meta.Name, Question: n.Study.Title, DataSet: r.Spec.Data, InputHash: r.InputHash, Version: r.Version,
		Seed: a.Seed, Draws: a.Draws, BaseYear: n.Meta.BaseYear, SolvedYears: solvedYears(a.Years, a.ReferenceYear),
		Headline: head.Name + " — " + head.Title, Attribution: naturalearth.Attribution, Warnings: r.Warnings, Decider: deciderName(r),
	}
	for _, sc := range r.Scenarios {
		p.Scenarios = append(p.Scenarios, htmlScenario{sc.Name, sc.Title})
	}
	order := projectOrder(r)
	for _, id := range order {
		c := caseOf(a, id, head.Name)
		p.Summary = append(p.Summary, htmlVerdict{ID: id, Name: projectName(r, id), Commit: pctOf(c.Bargaining) + " / " + pctOf(c.Accounting), Verdict: Verdict(r, id)})
	}
	sf := flowsFor(r, opt.Scenario)
	if opt.Scenario != "" && sf == nil {
		return nil, fmt.Errorf("no flows for scenario %q", opt.Scenario)
	}
	mv := MapView{Net: n, Title: "Network and base-case flows"}
	if sf != nil {
		mv.Flows = sf.Result
		mv.Detail = fmt.Sprintf("scenario %s, regime %s, year %d, every candidate project built", sf.Scenario, sf.Regime, sf.Year)
		p.MapNote = "Flows: " + mv.Detail + "."
		p.Corridors, p.CorridorNote = corridorRows(r, sf)
	}
	m, err := MapSVG(mv)
	if err != nil {
		return nil, err
	}
	p.Map = template.HTML(m)
	if focus := ProjectFocus(n); focus != nil {
		dv := mv
		dv.Title, dv.Focus, dv.ID = "Detail: the candidate projects", focus, "detail"
		d, err := MapSVG(dv)
		if err != nil {
			return nil, err
		}
		p.DetailMap = template.HTML(d)
	}
	cmp := compareChart(r, order)
	p.Compare = template.HTML(cmp.Render())
	for _, id := range order {
		p.Projects = append(p.Projects, projectSection(r, id, opt))
	}
	if p.Chokepoints, err = chokepointSection(r); err != nil {
		return nil, err
	}
	p.Inputs, p.Sources = inputRows(r)
	evidenceSection(p, r)
	return p, nil
}

func projectName(r *pipeline.Result, id string) string {
	if pr := r.Net.Project(id); pr != nil && pr.Name != "" {
		return pr.Name
	}
	return id
}

// compareChart is the dot plot of the decider's commitment probability (bargaining view) per
// project (rows) and scenario (colours), with a grey bar over the range across scenarios.
// Projects the decider has no part in have no dots.
func compareChart(r *pipeline.Result, order []string) Chart {
	who := deciderName(r)
	c := Chart{ID: "compare", Title: "P(" + who + " commits) by project and scenario, bargaining view", Width: 1100, Min: 0, Max: 1, Format: pctShort,
		ValueLabel: "probability that " + who + " commits (share of Monte Carlo draws)", Lanes: 1,
		Desc: "Dot plot: for each project, one dot per scenario at the probability that " + who + " commits in the bargaining view; the grey bar spans the range across scenarios. The accounting view's figure follows each in the text."}
	c.Series = append(c.Series, Series{Name: "range across scenarios", Color: "#cccccc", Shape: ShapeBar})
	for i, sc := range r.Scenarios {
		c.Series = append(c.Series, Series{Name: sc.Name, Color: palette(i), Shape: ShapeDot})
	}
	for row, id := range order {
		c.Rows = append(c.Rows, id)
		lo, hi := math.Inf(1), math.Inf(-1)
		var parts []string
		for i, sc := range r.Scenarios {
			cs := caseOf(r.Appraisal, id, sc.Name)
			if cs == nil || cs.Bargaining.Commit == nil {
				continue
			}
			v := *cs.Bargaining.Commit
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			c.Marks = append(c.Marks, Mark{Row: row, Series: i + 1, Value: v})
			parts = append(parts, sc.Name+" "+pct(v)+" (accounting "+pctOf(cs.Accounting)+")")
		}
		if hi >= lo {
			c.Bars = append(c.Bars, Bar{Row: row, Series: 0, From: lo, To: hi})
		}
		if len(parts) == 0 {
			parts = append(parts, "no figure: "+who+" has no part in it")
		}
		c.Desc += " " + id + ": " + strings.Join(parts, ", ") + "."
	}
	return c
}

// projectSection builds the charts and text of one project.
func projectSection(r *pipeline.Result, id string, opt HTMLOptions) htmlProject {
	a, n := r.Appraisal, r.Net
	head := r.Scenarios[0].Name
	c := caseOf(a, id, head)
	hp := htmlProject{ID: id, Name: projectName(r, id), Verdict: Verdict(r, id)}
	if pr := n.Project(id); pr != nil {
		hp.Description = pr.Description
		if pr.Capex.IsSet() {
			hp.Capex = Money(pr.Capex.Value)
		}
	}
	var charts []Chart
	// 1. NPV distribution by country
	npv := Chart{ID: "npv-" + id, Title: "NPV by country (" + head + ")", ValueLabel: "financial NPV, USD of " + strconv.Itoa(n.Meta.BaseYear), Format: usdShort, Zero: true, Lanes: 1,
		Series: []Series{{"P10–P90", colSkyBlue, ShapeBar}, {"median", colBlue, ShapeTick}, {"mean", colVermilion, ShapeDot}},
		Desc:   "Interval chart of each country's NPV over the Monte Carlo draws: bar from P10 to P90, tick at the median, dot at the mean."}
	for _, cr := range c.Countries {
		s := cr.NPV
		if math.Abs(s.Mean) < 500 && math.Abs(s.P10) < 500 && math.Abs(s.P90) < 500 {
			continue // below $1k: a country the project does not touch (or solver noise)
		}
		row := len(npv.Rows)
		npv.Rows = append(npv.Rows, cr.Country)
		npv.Bars = append(npv.Bars, Bar{Row: row, From: s.P10, To: s.P90})
		npv.Marks = append(npv.Marks, Mark{Row: row, Series: 1, Value: s.P50}, Mark{Row: row, Series: 2, Value: s.Mean})
		npv.Desc += fmt.Sprintf(" %s: mean %s, P10 %s, P50 %s, P90 %s.", cr.Country, Money(s.Mean), Money(s.P10), Money(s.P50), Money(s.P90))
	}
	if len(npv.Rows) > 0 {
		charts = append(charts, npv)
	}
	// 2. commitment by scenario, both views
	who := deciderName(r)
	if c.Involved {
		com := Chart{ID: "commit-" + id, Title: "P(" + who + " commits) by scenario", ValueLabel: "share of draws", Format: pctShort, Min: 0, Max: 1, Lanes: 2,
			Series: []Series{{"bargaining view", colBlue, ShapeBar}, {"accounting view", colOrange, ShapeBar}},
			Desc:   "Grouped bar chart of the probability that " + who + " commits under each scenario: in the bargaining view (network game) and in the accounting view (NPVs under the contracts)."}
		for _, sc := range r.Scenarios {
			cs := caseOf(a, id, sc.Name)
			if cs == nil || cs.Bargaining.Commit == nil {
				continue
			}
			row := len(com.Rows)
			com.Rows = append(com.Rows, sc.Name)
			com.Bars = append(com.Bars, Bar{Row: row, Lane: 0, Series: 0, To: *cs.Bargaining.Commit}, Bar{Row: row, Lane: 1, Series: 1, To: *cs.Accounting.Commit})
			com.Desc += fmt.Sprintf(" %s: %s ± %.0f points (bargaining), %s (accounting).", sc.Name, pct(*cs.Bargaining.Commit), 100**cs.Bargaining.CommitStdErr, pct(*cs.Accounting.Commit))
		}
		charts = append(charts, com)
	}
	if b := c.Base; b != nil {
		// 3. tornado
		if len(b.Tornado) > 0 {
			tor := Chart{ID: "tornado-" + id, Title: "What moves " + who + "'s NPV (base case, " + head + ")", ValueLabel: who + "'s NPV, USD", Format: usdShort, Lanes: 1,
				Series: []Series{{"input at P10", colOrange, ShapeBar}, {"input at P90", colBlue, ShapeBar}},
				Desc:   "Tornado chart: " + who + "'s base-case NPV with each input at its P10 and P90, widest swing first."}
			base := b.Tornado[0].Base
			tor.Min, tor.Max = base, base
			for i, s := range b.Tornado {
				if i >= opt.MaxTornado {
					break
				}
				tor.Rows = append(tor.Rows, s.Input)
				tor.Bars = append(tor.Bars, Bar{Row: i, Series: 0, From: s.Base, To: s.Low}, Bar{Row: i, Series: 1, From: s.Base, To: s.High})
				tor.Desc += fmt.Sprintf(" %s: %s to %s.", s.Input, Money(s.Low), Money(s.High))
			}
			tor.Note = "Base case: " + Money(base) + " (line at the bars' common end)."
			charts = append(charts, tor)
		}
		// 4. strategic value (network game) vs own gain in the market
		sh := Chart{ID: "shapley-" + id, Title: "Strategic value (network game) vs own gain in the market", ValueLabel: "present value at the social rate, USD", Format: usdShort, Zero: true, Lanes: 2,
			Series: []Series{{"strategic value (Δ Shapley)", colGreen, ShapeBar}, {"own gain in the market", colPurple, ShapeBar}},
			Desc:   "Grouped bars per country: the change of its Shapley value in the network game when the project is built, and its own welfare gain in the market under the contracts (base case)."}
		for _, s := range b.Shapley {
			if math.Abs(s.Shapley) < 500 && math.Abs(s.OwnGain) < 500 {
				continue
			}
			i := len(sh.Rows)
			sh.Rows = append(sh.Rows, s.Country)
			sh.Bars = append(sh.Bars, Bar{Row: i, Lane: 0, Series: 0, To: s.Shapley}, Bar{Row: i, Lane: 1, Series: 1, To: s.OwnGain})
			sh.Desc += fmt.Sprintf(" %s: strategic value %s, own gain %s.", s.Country, Money(s.Shapley), Money(s.OwnGain))
		}
		if len(sh.Rows) > 0 {
			charts = append(charts, sh)
		}
		// 5. cash-flow profile
		if len(b.CashFlows) > 0 {
			charts = append(charts, cashFlowChart(r, id, b.CashFlows))
		}
	}
	for _, ch := range charts {
		hp.Charts = append(hp.Charts, template.HTML(ch.Render()))
	}
	return hp
}

// cashFlowChart draws each country's expected net yearly cash flow (gain − cost + loans) over
// the appraisal period and the service after it.
func cashFlowChart(r *pipeline.Result, id string, cfs []appraise.CashFlow) Chart {
	by := r.Net.Meta.BaseYear
	c := Chart{ID: "cashflow-" + id, Title: "Expected net cash flow by year (base case)", ValueLabel: "USD per year (gains − costs + loans)", Format: usdShort, Zero: true, Height: 230,
		Desc: "Line chart of each country's expected yearly net cash flow — gains minus its share of capex and opex, plus loan flows — from the base year through the appraisal period and the years of service after it (the residual value)."}
	years := 0
	for _, cf := range cfs {
		touched := func(xs []float64) bool {
			return slices.ContainsFunc(xs, func(v float64) bool { return math.Abs(v) > 0.5 })
		}
		if !touched(cf.Gain) && !touched(cf.Cost) && !touched(cf.Loan) {
			continue // a country the project does not touch
		}
		i := len(c.Series)
		c.Series = append(c.Series, Series{Name: cf.Country, Color: palette(i), Shape: ShapeLine})
		l := Line{Series: i}
		sum := 0.0
		for t := range cf.Gain {
			v := cf.Gain[t]
			if t < len(cf.Cost) {
				v -= cf.Cost[t]
			}
			if t < len(cf.Loan) {
				v += cf.Loan[t]
			}
			sum += v
			l.Points = append(l.Points, [2]float64{float64(by + t), v})
		}
		years = max(years, len(cf.Gain))
		c.Lines = append(c.Lines, l)
		c.Desc += fmt.Sprintf(" %s: undiscounted sum %s; appraisal period %d years, residual value %s.", cf.Country, Money(sum), cf.Period, Money(cf.Residual))
	}
	c.XMin, c.XMax = float64(by), float64(by+max(years-1, 1))
	step := 5
	if years > 30 {
		step = 10
	}
	for y := by; y <= by+years-1; y += step {
		c.XTicks = append(c.XTicks, Tick{At: float64(y), Label: strconv.Itoa(y)})
	}
	return c
}

// corridorRows lists the links carrying flow in a solved state, by mode then flow.
func corridorRows(r *pipeline.Result, sf *pipeline.ScenarioFlows) ([]htmlCorridor, string) {
	n := r.Net
	var rows []htmlCorridor
	for _, lr := range flowingLinks(sf.Result) {
		l := n.Link(lr.Link)
		if l == nil {
			continue
		}
		capTxt, util := "∞", "—"
		if lr.Capacity > 0 {
			capTxt, util = Num(lr.Capacity), fmt.Sprintf("%.0f%%", 100*lr.Utilisation)
		}
		mode := lr.Mode
		if m := n.Mode(lr.Mode); m != nil {
			mode = m.Name
		}
		rows = append(rows, htmlCorridor{Link: lr.Link, Name: l.Name, Mode: mode, Route: l.From + " → " + l.To, Forward: Num(lr.Forward), Backward: Num(lr.Backward),
			Unit: unitOf(n, lr.Link), Capacity: capTxt, Util: util, Status: string(l.Status), Project: l.Project})
	}
	note := fmt.Sprintf("Scenario %s, regime %s, year %d, every candidate project built (%s). Flows per year in the mode's unit.", sf.Scenario, sf.Regime, sf.Year, strings.Join(sf.Built, ", "))
	return rows, note
}

// inputRows lists every quantity of the network with its provenance, and the sources table.
func inputRows(r *pipeline.Result) ([]htmlInput, []htmlSource) {
	n := r.Net
	var rows []htmlInput
	for path, q := range n.Quantities() {
		in := htmlInput{Path: string(path), Value: q.String(), Range: q.RangeString(), Assumption: q.Source.Assumption}
		var facts, conf []string
		for _, sid := range q.Source.Sources {
			ref := htmlSourceRef{ID: sid}
			if s := n.Source(sid); s != nil {
				ref.Title, ref.URL = strings.TrimSpace(s.Publisher+", "+s.Title), safeURL(s.URL)
				if s.FactID != "" {
					facts = append(facts, s.FactID)
				}
				if s.Confidence != "" {
					conf = append(conf, s.Confidence)
				}
			}
			in.Sources = append(in.Sources, ref)
		}
		in.Facts, in.Confidence = strings.Join(facts, "; "), strings.Join(slices.Compact(conf), "; ")
		rows = append(rows, in)
	}
	var srcs []htmlSource
	for _, s := range n.Sources {
		srcs = append(srcs, htmlSource{ID: s.ID, Publisher: s.Publisher, Title: s.Title, Date: s.Date, FactID: s.FactID, Confidence: s.Confidence, Note: s.Note, URL: safeURL(s.URL)})
	}
	slices.SortStableFunc(srcs, func(x, y htmlSource) int { return cmp.Compare(x.ID, y.ID) })
	return rows, srcs
}

// maxEvidence is the number of inputs the report's evidence section lists.
const maxEvidence = 15

// evidenceSection fills the evidence ranking (issue #18): the top of r.Evidence with each
// input's value, provenance class and source, the noise floor, the provenance counts and a
// research-agenda line naming the highest-ranked assumptions above the floor.
func evidenceSection(p *htmlPage, r *pipeline.Result) {
	c := r.Provenance
	p.Provenance = fmt.Sprintf("%d values in the data set and the run's scenarios: %d facts (source ids), %d derived (arithmetic on sourced figures), %d assumptions (labelled reasoning)", c.Total(), c.Fact, c.Derived, c.Assumption)
	if c.None > 0 {
		p.Provenance += fmt.Sprintf(", %d without provenance", c.None)
	}
	if len(r.Evidence) == 0 {
		p.EvidenceNote = "No ranking: it needs at least 3 draws and a deciding country with a part in the run."
		return
	}
	p.EvidenceNote = fmt.Sprintf("%d uncertain inputs vary over the %d draws; ρ² is the largest squared Spearman rank correlation between an input and %s's strategic value (bargaining view) or NPV (accounting view), over the cases in which it has a part: the share of that figure's rank variance the input explains alone (a screening measure from the same draws, not a Sobol index). Scores up to %.2f may be chance at this many draws (marked ~).",
		len(r.Evidence), r.Appraisal.Draws, p.Decider, r.EvidenceFloor)
	var agenda []string
	for i, e := range r.Evidence {
		if e.Class == "assumption" && e.Score > r.EvidenceFloor && len(agenda) < 3 {
			agenda = append(agenda, fmt.Sprintf("%s (rank %d, ρ² %.2f)", e.Input, i+1, e.Score))
		}
		if i >= maxEvidence {
			continue
		}
		row := htmlEvidence{Rank: i + 1, Input: e.Input, Score: fmt.Sprintf("%.2f", e.Score), Rho: fmt.Sprintf("%+.2f", e.Rho),
			Where: e.Project + " under " + e.Scen + ", " + e.View + " view", Class: e.Class, Chance: e.Score <= r.EvidenceFloor}
		if q := r.Net.Quantity(model.QuantityPath(e.Input)); q != nil {
			row.Value, row.Range = q.String(), q.RangeString()
		}
		prov, _ := quantity.ParseProvenance(e.Source)
		row.Assumption = prov.Assumption
		for _, sid := range prov.Sources {
			ref := htmlSourceRef{ID: sid}
			if s := r.Net.Source(sid); s != nil {
				ref.Title, ref.URL = strings.TrimSpace(s.Publisher+", "+s.Title), safeURL(s.URL)
			}
			row.Sources = append(row.Sources, ref)
		}
		p.Evidence = append(p.Evidence, row)
	}
	if len(agenda) == 0 {
		p.Agenda = "Research agenda: no assumption scores above the noise floor; more draws may resolve the ranking."
		return
	}
	p.Agenda = "Research agenda: the assumptions that would move the answer most if sourced are " + strings.Join(agenda, "; ") + "."
}

// FlowsViewOf returns the base-case flows of a scenario with every project built, as a FlowsView
// for the CSV and GeoJSON exports; scen "" means the first scenario.
func FlowsViewOf(r *pipeline.Result, scen string) (FlowsView, error) {
	sf := flowsFor(r, scen)
	if sf == nil {
		return FlowsView{}, fmt.Errorf("no base-case flows for scenario %q", scen)
	}
	v := FlowsView{Scenario: sf.Scenario, Year: sf.Year, Regime: sf.Regime, Projects: sf.Built, Net: r.Net, Result: sf.Result}
	for _, sc := range r.Scenarios {
		if sc.Name == sf.Scenario {
			v.Title = sc.Title
		}
	}
	return v, nil
}

// solvedYears says which years the appraisal solved: "2034", or "2030 and 2045 (interpolated
// between, held outside)".
func solvedYears(years []int, ref int) string {
	if len(years) <= 1 {
		return strconv.Itoa(ref)
	}
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1] + " (interpolated between, held outside)"
}
