package serve

import (
	"context"
	"errors"
	"net/http"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/pipeline"
)

// ChokepointsSchemaVersion is the version of the /api/chokepoints document.
const ChokepointsSchemaVersion = 2

// Chokepoints is the /api/chokepoints document: the headline scenario's worst closures of single
// links and pairs (decision 0015), as in the HTML report. Version 2 added NetworkPairs.
type Chokepoints struct {
	SchemaVersion int    `json:"schema_version"`
	Scenario      string `json:"scenario"`
	Regime        string `json:"regime"`
	Year          int    `json:"year"`
	// BaseObjective is the total surplus with nothing closed, USD/yr.
	BaseObjective float64 `json:"base_objective"`
	// Network are the closures ranked by the loss of total surplus.
	Network []chokepoint.Set `json:"network"`
	// NetworkPairs are the pairs of links closed together, ranked by the loss of total surplus.
	NetworkPairs []chokepoint.Set `json:"network_pairs"`
	// Countries rank them by each country's loss of welfare.
	Countries []CountryChokepoints `json:"countries"`
}

// CountryChokepoints are the closures ranked for one country.
type CountryChokepoints struct {
	Country     string           `json:"country"`
	Name        string           `json:"name"`
	BaseWelfare float64          `json:"base_welfare"` // USD/yr, nothing closed
	Top         []chokepoint.Set `json:"top"`
}

// chokepoints computes the document, once per server (the data set does not change).
func (s *Server) chokepointsDoc() (*Chokepoints, error) {
	if s.cfg.Deps.NewEngine == nil {
		return nil, errors.New("this server has no LP engine configured")
	}
	n, err := s.net()
	if err != nil {
		return nil, err
	}
	scs, err := pipeline.Scenarios(s.cfg.Data, nil, n.Study.HeadlineScenario)
	if err != nil {
		return nil, err
	}
	if len(scs) == 0 {
		return nil, errors.New("the data set has no scenario")
	}
	cp, err := pipeline.RankChokepoints(s.base, n, scs[0], n.Meta.BaseYear+10, s.cfg.Deps.Workers, s.cfg.Deps.NewEngine, s.log)
	if err != nil {
		return nil, err
	}
	level := func(r *chokepoint.Result, k int) []chokepoint.Set {
		if len(r.Levels) < k || r.Levels[k-1].Top == nil {
			return []chokepoint.Set{}
		}
		return r.Levels[k-1].Top
	}
	top := func(r *chokepoint.Result) []chokepoint.Set { return level(r, 1) }
	out := &Chokepoints{SchemaVersion: ChokepointsSchemaVersion, Scenario: cp.Scenario, Regime: cp.Network.Regime, Year: cp.Network.Year,
		BaseObjective: cp.Network.Objective, Network: top(cp.Network), NetworkPairs: level(cp.Network, 2), Countries: []CountryChokepoints{}}
	for _, r := range cp.Countries {
		name := r.Country
		if c := n.Country(r.Country); c != nil && c.Name != "" {
			name = c.Name
		}
		out.Countries = append(out.Countries, CountryChokepoints{r.Country, name, r.CountryWelfare, top(r)})
	}
	return out, nil
}

// getChokepoints serves the headline scenario's worst closures.
func (s *Server) getChokepoints(w http.ResponseWriter, r *http.Request) {
	doc, err := s.chokes()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			writeError(w, http.StatusServiceUnavailable, "the server is stopping", nil)
			return
		}
		s.log.ErrorContext(r.Context(), "chokepoints", "err", err)
		writeError(w, http.StatusInternalServerError, "chokepoints: "+err.Error(), nil)
		return
	}
	w.Header().Set("Cache-Control", "max-age=60")
	writeJSON(w, http.StatusOK, doc)
}
