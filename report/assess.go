package report

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/risk"
)

// caseOf returns the case of a project under a scenario.
func caseOf(a *appraise.Output, project, scen string) *appraise.Case {
	for i := range a.Cases {
		if a.Cases[i].Project == project && a.Cases[i].Scenario == scen {
			return &a.Cases[i]
		}
	}
	return nil
}

// projectOrder ranks projects by Russia's commitment probability under the headline (first)
// scenario, then by Russia's mean NPV, then by id.
func projectOrder(r *pipeline.Result) []string {
	a := r.Appraisal
	head := r.Scenarios[0].Name
	var ids []string
	for _, c := range a.Cases {
		if c.Scenario == head {
			ids = append(ids, c.Project)
		}
	}
	slices.SortStableFunc(ids, func(x, y string) int {
		cx, cy := caseOf(a, x, head), caseOf(a, y, head)
		return cmp.Or(cmp.Compare(cy.Commit, cx.Commit), cmp.Compare(russiaNPV(cy).Mean, russiaNPV(cx).Mean), cmp.Compare(x, y))
	})
	return ids
}

func russiaNPV(c *appraise.Case) risk.Summary { return countryNPV(c, appraise.Committer) }

func countryNPV(c *appraise.Case, country string) risk.Summary {
	for _, cr := range c.Countries {
		if cr.Country == country {
			return cr.NPV
		}
	}
	return risk.Summary{}
}

// money formats USD as "$12.3 m" or "$1.23 bn".
func money(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return fmt.Sprintf("$%.2f bn", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("$%.1f m", v/1e6)
	case a < 0.5: // below a dollar: solver noise in a national-scale appraisal
		return "$0"
	default:
		return fmt.Sprintf("$%.2f m", v/1e6)
	}
}

func pct(p float64) string { return fmt.Sprintf("%.0f%%", 100*p) }

// Verdict is the plain-language summary of one project across scenarios.
func Verdict(r *pipeline.Result, project string) string {
	a := r.Appraisal
	head := r.Scenarios[0]
	c := caseOf(a, project, head.Name)
	if c == nil {
		return ""
	}
	var b strings.Builder
	title := head.Title
	if title == "" {
		title = head.Name
	}
	fmt.Fprintf(&b, "Russia commits in %s of draws under %s", pct(c.Commit), title)
	best, bestP, same := "", -1.0, true
	for _, sc := range r.Scenarios[1:] {
		cs := caseOf(a, project, sc.Name)
		if cs == nil {
			continue
		}
		same = same && cs.Commit == c.Commit
		if cs.Commit > bestP {
			best, bestP = cs.Scenario, cs.Commit
		}
	}
	switch {
	case best != "" && same:
		b.WriteString(" and the same in every other scenario")
	case best != "":
		fmt.Fprintf(&b, " (best elsewhere: %s under %s)", pct(bestP), best)
	}
	b.WriteString("; ")
	ru := russiaNPV(c)
	switch {
	case c.BreakEvenPremium > 0:
		fmt.Fprintf(&b, "its expected NPV is %s, so it would take a strategic premium of %s a year in service to break even", money(ru.Mean), money(c.BreakEvenPremium))
	default:
		fmt.Fprintf(&b, "its expected NPV is %s without any strategic premium", money(ru.Mean))
	}
	var blockers []string
	for _, cr := range c.Countries {
		if cr.Country != appraise.Committer && slices.Contains(c.Needed, cr.Country) && cr.NPV.PPositive < 0.5 {
			blockers = append(blockers, fmt.Sprintf("%s gains in only %s of draws", cr.Country, pct(cr.NPV.PPositive)))
		}
	}
	if len(blockers) > 0 {
		fmt.Fprintf(&b, "; partners hold it back: %s", strings.Join(blockers, ", "))
	}
	if c.Base != nil && len(c.Base.Tornado) > 0 && c.Base.Tornado[0].Width() > 0 {
		t := c.Base.Tornado[0]
		fmt.Fprintf(&b, "; the biggest driver is %s (Russia's NPV %s to %s)", t.Input, money(math.Min(t.Low, t.High)), money(math.Max(t.Low, t.High)))
	}
	b.WriteString(".")
	return b.String()
}

// AssessText writes the ranked summary table and a verdict per project.
func AssessText(w io.Writer, r *pipeline.Result) error {
	a := r.Appraisal
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "corridor assess — %s; %d draws, seed %d; USD of %d, NPV over %d years\n\n", r.Net.Meta.Name, a.Draws, a.Seed, r.Net.Meta.BaseYear, r.Net.Meta.HorizonYears)
	fmt.Fprintln(tw, "P(RUSSIA COMMITS) by project and scenario (± Monte Carlo standard error)")
	head := []string{"project"}
	for _, sc := range r.Scenarios {
		head = append(head, sc.Name)
	}
	head = append(head, "Russia NPV mean (P10…P90), "+r.Scenarios[0].Name, "break-even premium/yr")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	order := projectOrder(r)
	for _, p := range order {
		row := []string{p}
		for _, sc := range r.Scenarios {
			c := caseOf(a, p, sc.Name)
			row = append(row, fmt.Sprintf("%s ±%.0f", pct(c.Commit), 100*c.CommitStdErr))
		}
		c := caseOf(a, p, r.Scenarios[0].Name)
		ru := russiaNPV(c)
		row = append(row, fmt.Sprintf("%s (%s…%s)", money(ru.Mean), money(ru.P10), money(ru.P90)))
		be := "none needed"
		if c.BreakEvenPremium > 0 {
			be = money(c.BreakEvenPremium)
		}
		row = append(row, be)
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	fmt.Fprintf(tw, "\nNPV BY COUNTRY under %s (financial, each country's own discount rate)\n", r.Scenarios[0].Name)
	fmt.Fprintln(tw, "project\tcountry\tmean\tP10\tP50\tP90\tP(NPV>0)\tIRR P50\tBCR P50\tpayback P50")
	for _, p := range order {
		c := caseOf(a, p, r.Scenarios[0].Name)
		for _, cr := range c.Countries {
			if cr.NPV.Mean == 0 && cr.NPV.P90 == 0 && cr.NPV.P10 == 0 {
				continue
			}
			irr := "—"
			if cr.IRR.N > 0 {
				irr = fmt.Sprintf("%.1f%%", 100*cr.IRR.P50)
			}
			bcr, payback := "—", "—"
			if cr.BCR.N > 0 {
				bcr = fmt.Sprintf("%.2f", cr.BCR.P50)
			}
			if cr.Payback.N > 0 && cr.PaybackNever < 0.5 {
				payback = fmt.Sprintf("%.0f yr", cr.Payback.P50)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p, cr.Country, money(cr.NPV.Mean), money(cr.NPV.P10), money(cr.NPV.P50), money(cr.NPV.P90), pct(cr.NPV.PPositive), irr, bcr, payback)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nVERDICTS")
	for _, p := range order {
		name := p
		if pr := r.Net.Project(p); pr != nil && pr.Name != "" {
			name = pr.Name
		}
		fmt.Fprintf(w, "- %s: %s\n", name, Verdict(r, p))
	}
	fmt.Fprintf(w, "\n%d LP solves (%.0f%% of worker time), %.1f s in all\n", a.LPSolves, 100*a.LPTime.Seconds()/math.Max(1e-9, float64(a.Workers)*a.Elapsed.Seconds()), a.Elapsed.Seconds())
	return nil
}

// AssessJSON writes the whole result as JSON, indented with indent per level ("" writes it
// compactly: half the size, for storage and the API).
func AssessJSON(w io.Writer, r *pipeline.Result, indent string) error {
	type verdict struct {
		Project, Verdict string
	}
	out := struct {
		Version   string          `json:"version"`
		InputHash string          `json:"input_hash"`
		Seed      uint64          `json:"seed"`
		Draws     uint64          `json:"draws"`
		Scenarios []string        `json:"scenarios"`
		Cases     []appraise.Case `json:"cases"`
		Verdicts  []verdict       `json:"verdicts"`
		Countries []string        `json:"countries"`
	}{Version: r.Version, InputHash: r.InputHash, Seed: r.Appraisal.Seed, Draws: r.Appraisal.Draws, Cases: r.Appraisal.Cases, Countries: r.Appraisal.Countries}
	for _, sc := range r.Scenarios {
		out.Scenarios = append(out.Scenarios, sc.Name)
	}
	for _, p := range projectOrder(r) {
		out.Verdicts = append(out.Verdicts, verdict{p, Verdict(r, p)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", indent)
	return enc.Encode(out)
}

// AssessCSV returns cases.csv (one row per project, scenario and country) and verdicts.csv.
func AssessCSV(r *pipeline.Result) (map[string][]byte, error) {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	rows := [][]string{{"project", "scenario", "country", "commit_probability", "commit_stderr", "break_even_premium_usd_per_yr",
		"npv_mean", "npv_p10", "npv_p50", "npv_p90", "npv_stderr", "p_npv_positive", "economic_npv_mean", "bcr_p50", "irr_p50", "irr_none_share", "irr_several_share",
		"payback_years_p50", "payback_never_share"}}
	for _, c := range r.Appraisal.Cases {
		for _, cr := range c.Countries {
			rows = append(rows, []string{c.Project, c.Scenario, cr.Country, f(c.Commit), f(c.CommitStdErr), f(c.BreakEvenPremium),
				f(cr.NPV.Mean), f(cr.NPV.P10), f(cr.NPV.P50), f(cr.NPV.P90), f(cr.NPV.StdErr), f(cr.NPV.PPositive),
				f(cr.EconomicNPV.Mean), f(cr.BCR.P50), f(cr.IRR.P50), f(cr.IRRNone), f(cr.IRRSeveral),
				f(cr.Payback.P50), f(cr.PaybackNever)})
		}
	}
	vrows := [][]string{{"project", "verdict"}}
	for _, p := range projectOrder(r) {
		vrows = append(vrows, []string{p, Verdict(r, p)})
	}
	out := map[string][]byte{}
	for name, t := range map[string][][]string{"cases.csv": rows, "verdicts.csv": vrows} {
		var b strings.Builder
		cw := csv.NewWriter(&b)
		if err := cw.WriteAll(t); err != nil {
			return nil, err
		}
		out[name] = []byte(b.String())
	}
	return out, nil
}
