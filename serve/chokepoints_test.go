package serve

import (
	"encoding/json"
	"strings"
	"testing"
)

// GET /api/chokepoints: the headline scenario's worst closures of single links and pairs, as
// openapi.json describes them; on the built-in data the worst single link is the Power of
// Siberia, four segments in series, and the worst pair adds the ESPO-2 oil pipeline.
func TestChokepointsAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the flow LP a few hundred times")
	}
	f := newFixture(t, nil)
	var raw json.RawMessage
	if code := f.do(t, "GET", "/api/chokepoints", "", nil, &raw); code != 200 {
		t.Fatalf("GET /api/chokepoints = %d %s", code, raw)
	}
	for _, p := range schemaProblems(t, "Chokepoints", raw) {
		t.Errorf("GET /api/chokepoints vs openapi.json: %s", p)
	}
	var doc Chokepoints
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != ChokepointsSchemaVersion || doc.Scenario != "x1-status-quo" || doc.Year != 2034 || len(doc.Network) == 0 || len(doc.Countries) == 0 {
		t.Fatalf("document %+v", doc)
	}
	w := doc.Network[0]
	if strings.Join(w.Closed, "+") != "GP-CHA-AMU" || len(w.Equivalent) != 3 || doc.Network[1].EquivalentOf != 1 || len(w.Reroutes) == 0 || w.Loss <= 0 {
		t.Errorf("worst closure %+v: want GP-CHA-AMU with three equivalents and reroutes", w)
	}
	if len(doc.NetworkPairs) == 0 {
		t.Fatal("no pairs")
	}
	p := doc.NetworkPairs[0]
	if strings.Join(p.Closed, "+") != "GP-CHA-AMU+OP-ESPO2" || p.Loss <= w.Loss || len(p.Reroutes) == 0 {
		t.Errorf("worst pair %+v: want GP-CHA-AMU+OP-ESPO2, costing more than %v, with reroutes", p, w.Loss)
	}
	for _, s := range doc.NetworkPairs {
		if len(s.Closed) != 2 {
			t.Errorf("pair %v closes %d links", s.Closed, len(s.Closed))
		}
	}
	for _, c := range doc.Countries {
		if c.Name == "" || len(c.Top) == 0 || c.Top[0].CountryLoss == nil {
			t.Errorf("country %s: %+v", c.Country, c)
		}
	}
	// computed once: the second answer is the same
	var again json.RawMessage
	if f.do(t, "GET", "/api/chokepoints", "", nil, &again); string(again) != string(raw) {
		t.Error("a second GET differs")
	}
}
