package backcast

import (
	"errors"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// tinyNet is a network with what history.csv rows refer to: a freight link, a gas link, a
// market and two sources.
func tinyNet(t testing.TB) *model.Network {
	t.Helper()
	tonnes, err := quantity.ParseUnit("t")
	if err != nil {
		t.Fatal(err)
	}
	mcm, err := quantity.ParseUnit("mcm")
	if err != nil {
		t.Fatal(err)
	}
	return model.Build(model.Network{
		Sources:     []model.Source{{ID: "S1"}, {ID: "S2"}},
		Modes:       []model.Mode{{ID: "rail", Capacity: quantity.DimMass.PerYear()}, {ID: "pipe", Capacity: mcm.Dim.PerYear()}},
		Nodes:       []model.Node{{ID: "A"}, {ID: "B"}},
		Links:       []model.Link{{ID: "L1", From: "A", To: "B", Mode: "rail"}, {ID: "G1", From: "A", To: "B", Mode: "pipe"}},
		Commodities: []model.Commodity{{ID: "coal", Unit: tonnes}, {ID: "gas", Unit: mcm}},
		Markets:     []model.Market{{ID: "M1", Node: "B", Commodity: "coal", Kind: model.Demand}},
	})
}

const header = "id,year,what,link,node,market,commodity,direction,quantity,tolerance,source,scenario,regime,note\n"

func TestParseAndModelled(t *testing.T) {
	n := tinyNet(t)
	in := header +
		"h1,2015,coal on L1,L1,,,coal,forward,2 Mt/yr,50 %,S1,,,\n" +
		"h2,2024,freight into B,,B,,,,3 Mt/yr,0.5..2,S1;S2,x1,open,\n" +
		"h3,2024,coal served,,,M1,,,1000 kt/yr,10 %,assumption: a guess,,,\n"
	obs, err := Parse(strings.NewReader(in), n)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 3 || obs[0].Line != 2 || obs[0].Quantity.Value != 2e6 || obs[1].Tolerance.High != 2 || obs[2].Tolerance.Low != 0.9 {
		t.Fatalf("%+v", obs)
	}
	res := &flow.Result{
		Links:   []flow.LinkResult{{Link: "L1", Forward: 3e6, Backward: 5e5, Flows: []flow.CommodityFlow{{Commodity: "coal", Origin: "X", Forward: 2.5e6}, {Commodity: "ore", Origin: "X", Forward: 5e5, Backward: 5e5}}}},
		Markets: []flow.MarketResult{{Market: "M1", Quantity: 1.2e6}},
	}
	want := []struct {
		mod  float64
		pass bool
	}{{2.5e6, true}, {3e6, true}, {1.2e6, false}}
	for i, o := range obs {
		got := Modelled(o, n, res)
		if got != want[i].mod || o.Tolerance.Pass(o.Quantity.Value, got) != want[i].pass {
			t.Errorf("%s: modelled %g pass %v; want %g %v", o.ID, got, o.Tolerance.Pass(o.Quantity.Value, got), want[i].mod, want[i].pass)
		}
	}
}

func TestParseErrors(t *testing.T) {
	n := tinyNet(t)
	cases := map[string]string{
		"h,x,w,L1,,,,,1 Mt/yr,50 %,S1,,,\n":                                        "history.csv:2: year: ",
		"h,2015,w,L9,,,,,1 Mt/yr,50 %,S1,,,\n":                                     "history.csv:2: link: unknown link \"L9\"",
		"h,2015,w,,Z,,,,1 Mt/yr,50 %,S1,,,\n":                                      "history.csv:2: node: unknown node \"Z\"",
		"h,2015,w,,,M9,,,1 Mt/yr,50 %,S1,,,\n":                                     "history.csv:2: market: unknown market \"M9\"",
		"h,2015,w,L1,,,,,1 Mt/yr,50 %,S9,,,\n":                                     "history.csv:2: source: unknown source \"S9\"",
		"h,2015,w,L1,,,,,1 bcm/yr,50 %,S1,,,\n":                                    "history.csv:2: quantity: ",
		"h,2015,w,L1,,,,,1 Mt/yr,lots,S1,,,\n":                                     "history.csv:2: tolerance: ",
		"h,2015,w,L1,B,,,,1 Mt/yr,50 %,S1,,,\n":                                    "history.csv:2: link: set exactly one",
		"h,2015,w,L1,,,,up,1 Mt/yr,50 %,S1,,,\n":                                   "history.csv:2: direction: ",
		"h,2015,w,L1,,,gas,,1 Mt/yr,50 %,S1,,,\n":                                  "history.csv:2: quantity: ",
		"h,2015,w,,,M1,gas,,1 mcm/yr,50 %,S1,,,\n":                                 "history.csv:2: commodity: market M1 trades coal",
		"h,2015,w,L1;G1,,,,,1 Mt/yr,50 %,S1,,,\n":                                  "history.csv:2: link: G1",
		"h,2015,w,L1,,,,,1 Mt/yr,50 %,,,,\n":                                       "history.csv:2: source: empty",
		"h,2015,w,L1,,,,,1 Mt/yr,50 %,S1,,,\nh,2015,w,L1,,,,,1 Mt/yr,50 %,S1,,,\n": "history.csv:3: id: duplicate",
	}
	for row, want := range cases {
		_, err := Parse(strings.NewReader(header+row), n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", row, err, want)
		}
	}
	if _, err := Parse(strings.NewReader("id,year,colour\n"), n); err == nil || !strings.Contains(err.Error(), "history.csv:1: colour: unknown column") {
		t.Errorf("unknown column: %v", err)
	}
}

func TestTolerance(t *testing.T) {
	for s, want := range map[string][2]float64{"50 %": {0.5, 1.5}, "150%": {0, 2.5}, "1..3": {1, 3}, " 0.2 .. 5 ": {0.2, 5}} {
		tol, err := ParseTolerance(s)
		if err != nil || tol.Low != want[0] || tol.High != want[1] {
			t.Errorf("%q: %+v %v", s, tol, err)
		}
	}
	for _, s := range []string{"", "50", "-5 %", "3..1", "x..2", "NaN %", "1..Inf"} {
		if _, err := ParseTolerance(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
	if tol := (Tolerance{Low: 0.5, High: 1.5}); !tol.Pass(0, 0) || tol.Pass(0, 1) || !tol.Pass(2, 1) || tol.Pass(2, 0.9) {
		t.Error("Pass")
	}
}

// FuzzParse checks the property every parser keeps: no panic, and every error a *diag.Error on
// one line that starts with "history.csv:".
func FuzzParse(f *testing.F) {
	f.Add([]byte(header + "h1,2015,coal on L1,L1,,,coal,forward,2 Mt/yr,50 %,S1,,,\n"))
	f.Add([]byte(header + "h2,2024,x,,B,,,,3 Mt/yr,0.5..2,S1;S2,x1,open,\"a\nb\"\n"))
	f.Add([]byte("\ufeffid,year\n\"h,1\n"))
	f.Add([]byte(header + "h,2015,w,L1;G1;;,,,gas,,1e400 mcm/yr,1..,assumption:,,,\n"))
	n := tinyNet(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		obs, err := Parse(strings.NewReader(string(in)), n)
		if err == nil {
			for _, o := range obs {
				if o.ID == "" || len(o.Targets) == 0 || o.Tolerance.High <= o.Tolerance.Low {
					t.Errorf("accepted a bad row: %+v", o)
				}
			}
			return
		}
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			if _, ok := errors.AsType[*diag.Error](e); !ok {
				t.Errorf("error %q is %T, want *diag.Error", e, e)
			}
			msg := e.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, File+":") {
				t.Errorf("error %q: want one line starting with %s:", msg, File)
			}
		}
	})
}
