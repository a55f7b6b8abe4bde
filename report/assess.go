package report

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
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

// commit returns a decision's commitment probability, −1 when there is none (the decider has no
// part in the project), so that such projects sort last.
func commit(d appraise.Decision) float64 {
	if d.Commit == nil {
		return -1
	}
	return *d.Commit
}

// projectOrder ranks projects by the decider's commitment probability under the headline (first)
// scenario in the bargaining view, then in the accounting view, then by the decider's strategic
// value, then by id.
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
		return cmp.Or(cmp.Compare(commit(cy.Bargaining), commit(cx.Bargaining)), cmp.Compare(commit(cy.Accounting), commit(cx.Accounting)),
			cmp.Compare(country(cy, a.Decider).Strategic.Mean, country(cx, a.Decider).Strategic.Mean), cmp.Compare(x, y))
	})
	return ids
}

// country returns a country's results in a case (zero when absent).
func country(c *appraise.Case, id string) appraise.CountryResult {
	for _, cr := range c.Countries {
		if cr.Country == id {
			return cr
		}
	}
	return appraise.CountryResult{Country: id}
}

// Money formats USD as the terminal, the report's prose and the web UI show it: "$12.3 m",
// "-$1.23 bn" (the sign before the symbol), "$0" below a dollar. serve's app.js has the same
// rules, and a browser test holds the two together.
func Money(v float64) string {
	a := math.Abs(v)
	sign := ""
	if v < 0 {
		sign = "-"
	}
	switch {
	case a >= 1e9:
		return fmt.Sprintf("%s$%.2f bn", sign, a/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%s$%.1f m", sign, a/1e6)
	case a < 0.5: // below a dollar: solver noise in a national-scale appraisal
		return "$0"
	default:
		return fmt.Sprintf("%s$%.2f m", sign, a/1e6)
	}
}

func pct(p float64) string { return fmt.Sprintf("%.0f%%", 100*p) }

// pctOf formats a decision's commitment probability, "—" when there is none.
func pctOf(d appraise.Decision) string {
	if d.Commit == nil {
		return "—"
	}
	return pct(*d.Commit)
}

// deciderName returns the decider's name from the data set, or its id.
func deciderName(r *pipeline.Result) string {
	if c := r.Net.Country(r.Appraisal.Decider); c != nil && c.Name != "" {
		return c.Name
	}
	return r.Appraisal.Decider
}

// countryName returns a country's name from the data set, or its id.
func countryName(r *pipeline.Result, id string) string {
	if c := r.Net.Country(id); c != nil && c.Name != "" {
		return c.Name
	}
	return id
}

// Verdict is the plain-language summary of one project: whether the decider commits, under the
// headline scenario and elsewhere, in both views, and why.
func Verdict(r *pipeline.Result, project string) string {
	a := r.Appraisal
	head := r.Scenarios[0]
	c := caseOf(a, project, head.Name)
	if c == nil {
		return ""
	}
	who := deciderName(r)
	title := head.Title
	if title == "" {
		title = head.Name
	}
	var b strings.Builder
	d := country(c, a.Decider)
	if !c.Involved {
		if a.Decider == "" {
			fmt.Fprintf(&b, "the data set names no deciding country; under %s its strategic value is %s", title, strategicList(r, c))
		} else {
			fmt.Fprintf(&b, "no commitment figure: %s has no part in it (no territory, money, ownership, contract or loan); under %s its strategic value to %s is %s", who, title, who, Money(d.Strategic.Mean))
			if others := strategicList(r, c); others != "" {
				fmt.Fprintf(&b, " (%s)", others)
			}
		}
		b.WriteString(".")
		return b.String()
	}
	fmt.Fprintf(&b, "%s commits in %s of draws under %s in the bargaining view (%s by NPVs under the contracts)", who, pctOf(c.Bargaining), title, pctOf(c.Accounting))
	best, bestP, same := "", -1.0, true
	for _, sc := range r.Scenarios[1:] {
		cs := caseOf(a, project, sc.Name)
		if cs == nil {
			continue
		}
		same = same && commit(cs.Bargaining) == commit(c.Bargaining)
		if p := commit(cs.Bargaining); p > bestP {
			best, bestP = cs.Scenario, p
		}
	}
	switch {
	case best != "" && same:
		b.WriteString(", the same in every other scenario")
	case best != "":
		fmt.Fprintf(&b, " (best elsewhere: %s under %s)", pct(bestP), best)
	}
	fmt.Fprintf(&b, ". Its strategic value to %s is %s against an outlay of %s", who, Money(d.Strategic.Mean), Money(d.Outlay.Mean))
	if comp := c.Bargaining.Compensation; comp != nil && comp.Mean > 0.5 {
		if losers := lossList(r, c); losers != "" {
			fmt.Fprintf(&b, ", and it would have to pay partners %s to take part (%s)", Money(comp.Mean), losers)
		} else {
			fmt.Fprintf(&b, ", and it would have to pay partners %s on average to take part, in the draws where they would lose", Money(comp.Mean))
		}
	}
	if k := c.Construction; k != nil {
		switch rules := strings.Join(k.Rules, ", "); {
		case k.Blocked >= 1:
			fmt.Fprintf(&b, "; construction sanctions (%s) stop it in every draw", rules)
		case k.Blocked > 0:
			fmt.Fprintf(&b, "; construction sanctions (%s) stop it in %s of draws and add a median %s to its capex in the others", rules, pct(k.Blocked), pct(k.Markup.P50))
		default:
			// the median: the markup e/(1−e) of a ban has a long tail as enforcement nears 1
			fmt.Fprintf(&b, "; construction sanctions (%s) add a median %s to its capex", rules, pct(k.Markup.P50))
		}
	}
	if c.Premium > 0 {
		fmt.Fprintf(&b, ", with a strategic premium of %s a year (%s)", Money(c.Premium), c.PremiumSource)
	}
	switch be := c.Bargaining.BreakEvenPremium; {
	case be != nil && *be > 0:
		fmt.Fprintf(&b, "; a premium of %s a year in service would tip it", Money(*be))
	case be != nil:
		b.WriteString("; it needs no premium")
	}
	if others := strategicList(r, c); others != "" {
		fmt.Fprintf(&b, ". Others' strategic values: %s", others)
	}
	if c.Base != nil {
		if split := gainSplit(r, c); split != "" {
			fmt.Fprintf(&b, ". In the market, %s", split)
		}
		if len(c.Base.Tornado) > 0 && c.Base.Tornado[0].Width() > 0 {
			t := c.Base.Tornado[0]
			fmt.Fprintf(&b, ". The biggest driver of %s's NPV is %s (%s to %s)", who, t.Input, Money(math.Min(t.Low, t.High)), Money(math.Max(t.Low, t.High)))
		}
	}
	b.WriteString(".")
	return b.String()
}

// strategicList lists the other countries' strategic values of a case's project, largest in
// size first, leaving out the decider and values below half a million dollars.
func strategicList(r *pipeline.Result, c *appraise.Case) string {
	type v struct {
		id  string
		val float64
	}
	var vs []v
	for _, cr := range c.Countries {
		if cr.Country != c.Decider && math.Abs(cr.Strategic.Mean) >= 5e5 {
			vs = append(vs, v{cr.Country, cr.Strategic.Mean})
		}
	}
	slices.SortStableFunc(vs, func(a, b v) int { return cmp.Compare(math.Abs(b.val), math.Abs(a.val)) })
	var parts []string
	for _, x := range vs {
		parts = append(parts, fmt.Sprintf("%s %s", countryName(r, x.id), Money(x.val)))
	}
	return strings.Join(parts, ", ")
}

// lossList names the partners whose outlay exceeds their strategic value, with the shortfall.
func lossList(r *pipeline.Result, c *appraise.Case) string {
	var parts []string
	for _, id := range c.Partners {
		cr := country(c, id)
		if short := cr.Outlay.Mean - cr.Strategic.Mean; short > 5e5 {
			parts = append(parts, fmt.Sprintf("%s %s", countryName(r, id), Money(short)))
		}
	}
	return strings.Join(parts, ", ")
}

// gainSplit says who gains what in the market in the base case: owners' rents, hosts' tariffs,
// consumers and producers.
func gainSplit(r *pipeline.Result, c *appraise.Case) string {
	var parts []string
	for _, g := range c.Base.Gains {
		var bits []string
		for _, x := range []struct {
			name string
			v    float64
		}{{"rents", g.Rent}, {"transit", g.Transit}, {"consumers", g.Consumer}, {"producers", g.Producer}, {"quota rents", g.Quota}} {
			if math.Abs(x.v) >= 5e5 {
				bits = append(bits, fmt.Sprintf("%s %s", x.name, Money(x.v)))
			}
		}
		if len(bits) > 0 {
			parts = append(parts, fmt.Sprintf("%s gains %s", countryName(r, g.Country), strings.Join(bits, ", ")))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + " (present values at the social rate, base case)"
}

// AssessText writes the ranked summary tables and a verdict per project.
func AssessText(w io.Writer, r *pipeline.Result) error {
	a := r.Appraisal
	who := a.Decider
	if who == "" {
		who = "the decider"
	}
	head := r.Scenarios[0].Name
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "corridor assess — %s; %d draws, seed %d; USD of %d; deciding country %s\n", r.Net.Meta.Name, a.Draws, a.Seed, r.Net.Meta.BaseYear, orDash(a.Decider))
	if q := r.Net.Study.Title; q != "" {
		fmt.Fprint(tw, wrap(q, textWidth, ""))
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "P(%s COMMITS): bargaining view / accounting view, ± standard error of the first\n", who)
	short := shortNames(r.Scenarios)
	fmt.Fprintln(tw, "project\t"+strings.Join(short, "\t"))
	order := projectOrder(r)
	for _, p := range order {
		row := []string{p}
		for _, sc := range r.Scenarios {
			c := caseOf(a, p, sc.Name)
			cell := "—"
			if c.Bargaining.Commit != nil {
				cell = fmt.Sprintf("%s / %s ±%.0f", pctOf(c.Bargaining), pctOf(c.Accounting), 100**c.Bargaining.CommitStdErr)
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, sc := range r.Scenarios {
		if short[i] != sc.Name || sc.Title != "" {
			fmt.Fprint(w, wrap(short[i]+": "+orDash(sc.Title), textWidth, "  "))
		}
	}
	fmt.Fprintf(tw, "\n%s'S DECISION under %s (means; USD present values at %s's rate)\n", who, head, who)
	fmt.Fprintln(tw, "premium: the strategic premium a year at which it would break even")
	fmt.Fprintln(tw, "project\tstrategic value\toutlay\tto partners\tmargin\tpremium\tNPV\tpremium (NPV)")
	for _, p := range order {
		c := caseOf(a, p, head)
		d := country(c, a.Decider)
		if !c.Involved {
			fmt.Fprintf(tw, "%s\t%s\t—\t—\t—\t—\t%s\t—\n", p, Money(d.Strategic.Mean), Money(d.NPV.Mean))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p, Money(d.Strategic.Mean), Money(d.Outlay.Mean), Money(c.Bargaining.Compensation.Mean),
			Money(c.Bargaining.Margin.Mean), premiumCell(c.Bargaining), Money(d.NPV.Mean), premiumCell(c.Accounting))
	}
	countries := activeCountries(r, head)
	fmt.Fprintf(tw, "\nSTRATEGIC VALUE BY COUNTRY under %s (change of its Shapley value in the network game; mean, own rate)\n", head)
	fmt.Fprintln(tw, "project\t"+strings.Join(countries, "\t"))
	for _, p := range order {
		c := caseOf(a, p, head)
		row := []string{p}
		for _, id := range countries {
			row = append(row, Money(country(c, id).Strategic.Mean))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	fmt.Fprintf(tw, "\nNPV BY COUNTRY under %s (financial, each country's own discount rate; accounting view)\n", head)
	fmt.Fprintln(tw, "project\tcountry\tmean\tP10\tP50\tP90\tP(NPV>0)\tIRR P50\tpayback P50")
	for _, p := range order {
		c := caseOf(a, p, head)
		for _, cr := range c.Countries {
			if cr.NPV.Mean == 0 && cr.NPV.P90 == 0 && cr.NPV.P10 == 0 {
				continue
			}
			irr, payback := irrP50(cr), paybackP50(cr)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p, cr.Country, Money(cr.NPV.Mean), Money(cr.NPV.P10), Money(cr.NPV.P50), Money(cr.NPV.P90), pct(cr.NPV.PPositive), irr, payback)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	bottomLines(w, r, order, short)
	fmt.Fprintln(w, "\nVERDICTS")
	for _, p := range order {
		fmt.Fprint(w, wrap("- "+projectName(r, p)+": "+Verdict(r, p), textWidth, "  "))
	}
	work := a.Work
	lp := work.LPTime + work.GameTime
	fmt.Fprintf(w, "\n%d market solves with their canonical optima and %d coalition values (%.0f%% of worker time), %.1f s in all\n",
		work.LPSolves, work.GameSolves, 100*lp.Seconds()/math.Max(1e-9, float64(a.Workers)*work.Elapsed.Seconds()), work.Elapsed.Seconds())
	return nil
}

// bottomLines prints one line per project: the range of the decider's commitment over the
// scenarios in both views and the premium it needs under the first, after defining "commits"
// once.
func bottomLines(w io.Writer, r *pipeline.Result, order, short []string) {
	a := r.Appraisal
	if a.Decider == "" {
		return
	}
	who := deciderName(r)
	fmt.Fprintln(w, "\nBOTTOM LINE")
	fmt.Fprint(w, wrap(fmt.Sprintf("%s commits to a project in a draw when its gain — strategic value in the network game (bargaining view), NPV under the contracts (accounting view) — less its outlay (already in the NPV) and what partners would lose, plus its strategic premium, is positive.", who), textWidth, ""))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, p := range order {
		lo, hi, loA, hiA, involved := 2.0, -1.0, 2.0, -1.0, false
		for _, sc := range r.Scenarios {
			c := caseOf(a, p, sc.Name)
			if c == nil || c.Bargaining.Commit == nil || c.Accounting.Commit == nil {
				continue
			}
			involved = true
			lo, hi = min(lo, *c.Bargaining.Commit), max(hi, *c.Bargaining.Commit)
			loA, hiA = min(loA, *c.Accounting.Commit), max(hiA, *c.Accounting.Commit)
		}
		if !involved {
			fmt.Fprintf(tw, "%s\tno figure: %s has no part in it\n", p, who)
			continue
		}
		span := func(lo, hi float64) string {
			if pct(lo) == pct(hi) {
				return pct(lo)
			}
			return pct(lo) + "–" + pct(hi)
		}
		where := "over the scenarios"
		if lo == hi && loA == hiA {
			where = "in every scenario"
		}
		need := "no premium needed under " + short[0]
		if c := caseOf(a, p, r.Scenarios[0].Name); c != nil && c.Bargaining.BreakEvenPremium != nil && *c.Bargaining.BreakEvenPremium > 0 {
			need = "premium needed under " + short[0] + ": " + Money(*c.Bargaining.BreakEvenPremium) + "/yr"
		}
		fmt.Fprintf(tw, "%s\t%s bargaining, %s accounting %s; %s\n", p, span(lo, hi), span(loA, hiA), where, need)
	}
	tw.Flush()
}

// textWidth is the width, in characters, that prose in the terminal report wraps at.
const textWidth = 100

// wrap breaks text into lines of at most width characters at spaces (a longer word stands
// alone), continuation lines starting with indent; it ends with a newline.
func wrap(text string, width int, indent string) string {
	var words []string
	for _, w := range strings.Fields(text) {
		// a unit stays with its number: "$464.2 m", "$1.30 bn"
		if k := len(words) - 1; k >= 0 && endsInDigit(words[k]) && slices.Contains([]string{"m", "bn"}, strings.TrimRight(w, ").,;:/yr")) {
			words[k] += " " + w
			continue
		}
		words = append(words, w)
	}
	var b strings.Builder
	line := 0
	for i, word := range words {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case line+1+n > width:
			b.WriteString("\n" + indent)
			line = utf8.RuneCountInString(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += n
	}
	b.WriteByte('\n')
	return b.String()
}

func endsInDigit(s string) bool { return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' }

// shortNames returns the scenarios' names for table headers: the part before the first "-"
// ("x1" for "x1-status-quo") when that is unique, else the whole name.
func shortNames(scs []*scenario.Scenario) []string {
	out := make([]string, len(scs))
	seen := map[string]int{}
	for i, sc := range scs {
		out[i], _, _ = strings.Cut(sc.Name, "-")
		seen[out[i]]++
	}
	for i, sc := range scs {
		if seen[out[i]] > 1 {
			out[i] = sc.Name
		}
	}
	return out
}

// premiumCell formats a break-even premium.
func premiumCell(d appraise.Decision) string {
	switch {
	case d.BreakEvenPremium == nil:
		return "—"
	case *d.BreakEvenPremium > 0:
		return Money(*d.BreakEvenPremium)
	}
	return "none needed"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// activeCountries returns the countries with a strategic value or NPV of at least half a million
// dollars in some case of the scenario, in the appraisal's order.
func activeCountries(r *pipeline.Result, scen string) []string {
	var out []string
	for _, id := range r.Appraisal.Countries {
		for _, c := range r.Appraisal.Cases {
			cr := country(&c, id)
			if c.Scenario == scen && (math.Abs(cr.Strategic.Mean) >= 5e5 || math.Abs(cr.NPV.Mean) >= 5e5) {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// AssessJSON writes the whole result as JSON, indented with indent per level ("" writes it
// compactly: half the size, for storage and the API).
func AssessJSON(w io.Writer, r *pipeline.Result, indent string) error {
	type verdict struct {
		Project string `json:"project"`
		Verdict string `json:"verdict"`
	}
	out := struct {
		SchemaVersion int             `json:"schema_version"`
		Version       string          `json:"version"`
		InputHash     string          `json:"input_hash"`
		Spec          pipeline.Spec   `json:"spec"`
		Seed          uint64          `json:"seed"`
		Draws         uint64          `json:"draws"`
		Decider       string          `json:"decider"`
		Years         []int           `json:"solved_years"`
		Scenarios     []string        `json:"scenarios"`
		Cases         []appraise.Case `json:"cases"`
		Verdicts      []verdict       `json:"verdicts"`
		Countries     []string        `json:"countries"`
	}{SchemaVersion: SchemaVersion, Version: r.Version, InputHash: r.InputHash, Spec: r.Spec, Seed: r.Appraisal.Seed, Draws: r.Appraisal.Draws, Decider: r.Appraisal.Decider,
		Years: r.Appraisal.Years, Cases: r.Appraisal.Cases, Countries: r.Appraisal.Countries}
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

// irrP50 is the median IRR for the table: "none" when most draws have no IRR (the flows never
// change sign), so a median over the few that do is not shown as the country's.
func irrP50(cr appraise.CountryResult) string {
	if cr.IRR.N == 0 || cr.IRRNone >= 0.5 {
		return "none"
	}
	return fmt.Sprintf("%.1f%%", 100*cr.IRR.P50)
}

// paybackP50 is the median discounted payback for the table: "never" when most draws never pay
// back, "—" when the country never has money to recover (no outlay).
func paybackP50(cr appraise.CountryResult) string {
	switch {
	case cr.PaybackNever >= 0.5:
		return "never"
	case cr.Payback.N == 0 || cr.Payback.P50 == 0:
		return "—"
	}
	return fmt.Sprintf("%.0f yr", cr.Payback.P50)
}

// SchemaVersion is the version of the JSON shape of an assessment (AssessJSON, the API's runs):
// 2 since the bargaining and accounting decisions, strategic values and snake_case keys.
const SchemaVersion = 2

// AssessCSV returns cases.csv (one row per project, scenario and country) and verdicts.csv.
func AssessCSV(r *pipeline.Result) (map[string][]byte, error) {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return f(*p)
	}
	sum := func(s *risk.Summary) string {
		if s == nil {
			return ""
		}
		return f(s.Mean)
	}
	rows := [][]string{{"project", "scenario", "country", "decider",
		"commit_bargaining", "commit_bargaining_stderr", "break_even_premium_bargaining_usd_per_yr", "margin_bargaining_mean", "compensation_mean",
		"commit_accounting", "commit_accounting_stderr", "break_even_premium_accounting_usd_per_yr",
		"strategic_value_mean", "strategic_value_p10", "strategic_value_p90", "outlay_mean", "threat_value_mean",
		"npv_mean", "npv_p10", "npv_p50", "npv_p90", "npv_stderr", "p_npv_positive", "economic_npv_mean", "bcr_p50", "irr_p50", "irr_none_share", "irr_several_share",
		"payback_years_p50", "payback_never_share"}}
	for _, c := range r.Appraisal.Cases {
		for _, cr := range c.Countries {
			rows = append(rows, []string{c.Project, c.Scenario, cr.Country, c.Decider,
				opt(c.Bargaining.Commit), opt(c.Bargaining.CommitStdErr), opt(c.Bargaining.BreakEvenPremium), sum(c.Bargaining.Margin), sum(c.Bargaining.Compensation),
				opt(c.Accounting.Commit), opt(c.Accounting.CommitStdErr), opt(c.Accounting.BreakEvenPremium),
				f(cr.Strategic.Mean), f(cr.Strategic.P10), f(cr.Strategic.P90), f(cr.Outlay.Mean), f(cr.Threat.Mean),
				f(cr.NPV.Mean), f(cr.NPV.P10), f(cr.NPV.P50), f(cr.NPV.P90), f(cr.NPV.StdErr), f(cr.NPV.PPositive),
				f(cr.EconomicNPV.Mean), medianCell(cr.BCR), medianCell(cr.IRR), f(cr.IRRNone), f(cr.IRRSeveral),
				medianCell(cr.Payback), f(cr.PaybackNever)})
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

// medianCell is a CSV cell of the median of the draws where a quantity exists (IRR, BCR,
// payback): empty, not 0, where no draw has it.
func medianCell(s risk.Summary) string {
	if s.N == 0 {
		return ""
	}
	return strconv.FormatFloat(s.P50, 'g', 10, 64)
}

// SamplesCSV writes every Monte Carlo draw of the result (Appraisal.Samples, kept with
// pipeline.Deps.KeepSamples): one row per draw, case and country, in the order draw, project,
// scenario, country (the run's orders of projects, scenarios and countries). Columns: draw (0-based,
// the key of its random streams), project, scenario, country, npv_usd and strategic_value_usd
// (the country's, at its rate), capex_overrun (the project's multiplier in that draw) and
// decider_commits_bargaining and decider_commits_accounting (1 or 0; empty where the decider has
// no part in the project). Numbers are the shortest text that reads back as the same float64.
func SamplesCSV(w io.Writer, r *pipeline.Result) error {
	a := r.Appraisal
	if a.Samples == nil && a.Draws > 0 {
		return errors.New("the run kept no samples (pipeline.Deps.KeepSamples)")
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	flag := func(c *appraise.Case, b bool) string {
		switch {
		case !c.Involved:
			return ""
		case b:
			return "1"
		}
		return "0"
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"draw", "project", "scenario", "country", "npv_usd", "strategic_value_usd", "capex_overrun",
		"decider_commits_bargaining", "decider_commits_accounting"}); err != nil {
		return err
	}
	for i, draw := range a.Samples {
		d := strconv.Itoa(i)
		for k, s := range draw {
			c := &a.Cases[k]
			bargain, account := flag(c, s.CommitBargaining), flag(c, s.CommitAccounting)
			overrun := f(s.Overrun)
			for ci, country := range a.Countries {
				if err := cw.Write([]string{d, c.Project, c.Scenario, country, f(s.NPV[ci]), f(s.Strategic[ci]), overrun, bargain, account}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
