package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/pipeline"
)

// chokepointRows is how many of the network's worst closures the report lists (a row for links
// in series); countryRows, how many of each country's that cost it something.
const (
	chokepointRows = 5
	countryRows    = 3
)

type htmlChokepoints struct {
	Note         string
	Map          template.HTML
	Network      []htmlChokeRow
	Pairs        []htmlChokeRow // the network's worst pairs (k = 2), when the run ranked them
	Reroutes     []htmlReroute
	Worst        string // the network's worst closure, for the reroutes' heading
	WorstPair    string // the network's worst pair, for its reroutes' heading
	PairReroutes []htmlReroute
	Countries    []htmlChokeCountry
}

type htmlChokeRow struct {
	Rank                        int
	Closed, Loss, Party, Losses string
}

type htmlChokeCountry struct {
	Country string
	Rows    []htmlChokeRow
}

type htmlReroute struct {
	Link, Mode, Before, After, Unit string
}

// closedName is a set's closed candidates joined by " + ", with the sets of the same figures
// (Set.Equivalent: links in series) "(same as …)".
func closedName(s chokepoint.Set) string {
	out := strings.Join(s.Closed, " + ")
	if len(s.Equivalent) > 0 {
		var same []string
		for _, e := range s.Equivalent {
			same = append(same, strings.Join(e, " + "))
		}
		out += " (same as " + strings.Join(same, ", ") + ")"
	}
	return out
}

// countryLosses lists the countries that lose or gain, "RUS $10.02 bn, CHN $3.50 bn".
func countryLosses(s chokepoint.Set) string {
	var parts []string
	for _, c := range s.Losses {
		if u := Money(c.Loss); u != "$0" {
			parts = append(parts, c.Country+" "+u)
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// worstReroutes names a level's worst set and lists the flows that change most when it is closed.
func worstReroutes(lv chokepoint.Level) (string, []htmlReroute) {
	if len(lv.Top) == 0 {
		return "", nil
	}
	var out []htmlReroute
	for _, rr := range lv.Top[0].Reroutes {
		out = append(out, htmlReroute{rr.Link, rr.Mode, Num(rr.Before), Num(rr.After), strings.TrimSuffix(rr.Unit, "/yr")})
	}
	return closedName(lv.Top[0]), out
}

// chokepointSection builds the chokepoints section: the headline scenario's worst single
// closures for the network and for each country, the network's worst pairs, the reroutes of the
// worst single and pair, and a map of the state's flows with the network's worst single closures
// marked by rank.
func chokepointSection(r *pipeline.Result) (*htmlChokepoints, error) {
	cp := r.Chokepoints
	if cp == nil || cp.Network == nil || len(cp.Network.Levels) == 0 {
		return nil, nil
	}
	nw := cp.Network
	closures, more := "each open link closed alone", "Pairs and triples: corridor chokepoints --k 3."
	if len(nw.Levels) > 1 {
		closures, more = "each open link closed alone, then every pair of them", "Triples: corridor chokepoints --k 3."
	}
	out := &htmlChokepoints{Note: fmt.Sprintf("Scenario %s, regime %s, year %d, no candidate project built: %s, the market re-optimising around the closure (corridor chokepoints, decision 0015). Losses in USD a year of closure; negative: a gain. %s",
		cp.Scenario, nw.Regime, nw.Year, closures, more)}
	var marks []MapMark
	lv := nw.Levels[0]
	for i, s := range lv.Top {
		if s.EquivalentOf > 0 || len(out.Network) == chokepointRows {
			continue
		}
		out.Network = append(out.Network, htmlChokeRow{Rank: i + 1, Closed: closedName(s), Loss: Money(s.Loss), Losses: countryLosses(s)})
		for _, set := range append([][]string{s.Closed}, s.Equivalent...) {
			for _, id := range set {
				for _, c := range nw.Candidates {
					if c.ID != id {
						continue
					}
					for _, l := range c.Links {
						marks = append(marks, MapMark{Link: l, Label: fmt.Sprint(i + 1), Title: fmt.Sprintf("chokepoint %d: closing %s loses %s/yr", i+1, id, Money(s.Loss))})
					}
				}
			}
		}
	}
	out.Worst, out.Reroutes = worstReroutes(lv)
	if len(nw.Levels) > 1 {
		pairs := nw.Levels[1]
		for i, s := range pairs.Top {
			if s.EquivalentOf > 0 || len(out.Pairs) == chokepointRows {
				continue
			}
			out.Pairs = append(out.Pairs, htmlChokeRow{Rank: i + 1, Closed: closedName(s), Loss: Money(s.Loss), Losses: countryLosses(s)})
		}
		out.WorstPair, out.PairReroutes = worstReroutes(pairs)
	}
	for _, cr := range cp.Countries {
		if len(cr.Levels) == 0 {
			continue
		}
		hc := htmlChokeCountry{Country: countryName(r, cr.Country)}
		for i, s := range cr.Levels[0].Top {
			// a closure that costs the country nothing (or that it gains from) is not its chokepoint
			if s.EquivalentOf > 0 || len(hc.Rows) == countryRows || s.CountryLoss == nil || Money(*s.CountryLoss) == "$0" || *s.CountryLoss < 0 {
				continue
			}
			row := htmlChokeRow{Rank: i + 1, Closed: closedName(s), Loss: Money(s.Loss)}
			if s.CountryLoss != nil {
				row.Party = Money(*s.CountryLoss)
			}
			hc.Rows = append(hc.Rows, row)
		}
		if len(hc.Rows) == 0 {
			hc.Rows = []htmlChokeRow{{Closed: "no single closure costs it anything"}}
		}
		out.Countries = append(out.Countries, hc)
	}
	// framed on the marked links' ends (links leaving the frame are cut at its edge)
	var focus []string
	for _, m := range marks {
		if l := r.Net.Link(m.Link); l != nil {
			focus = append(focus, l.From, l.To)
		}
	}
	mv := MapView{Net: r.Net, Title: "Chokepoints: the worst single closures", ID: "choke", Marks: marks, Focus: focus}
	for i := range r.Flows {
		if f := &r.Flows[i]; f.Scenario == cp.Scenario && !f.AllProjects {
			mv.Flows = f.Result
			mv.Detail = fmt.Sprintf("scenario %s, regime %s, year %d, no candidate project built", f.Scenario, f.Regime, f.Year)
		}
	}
	m, err := MapSVG(mv)
	if err != nil {
		return nil, err
	}
	out.Map = template.HTML(m)
	return out, nil
}
