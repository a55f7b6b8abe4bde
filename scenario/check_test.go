package scenario

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/quantity"
)

func TestCheck(t *testing.T) {
	valid := readTestdata(t, "valid.yaml")
	n := testNetwork(t)
	for _, tt := range []struct {
		name string
		in   string
		want string // "" for no error
	}{
		{"valid", valid, ""},
		{"unknown commodity", edit(t, valid, "commodities: [crude]", "commodities: [kerosene]"),
			`valid.yaml:27:19: rules/1/commodities/0: unknown commodity "kerosene" (commodities.csv has coal, crude, gas)`},
		{"unknown source", edit(t, valid, "source: S09;S21", "source: S09;S99"),
			`valid.yaml:24:13: rules/0/source: unknown source "S99": add it to sources.csv`},
		{"unknown source of a quantity", edit(t, valid, `source: S15}`, `source: S16}`),
			`valid.yaml:30:18: rules/1/cap: unknown source "S16"`},
		{"override path missing", edit(t, valid, "path: links/L1/capacity", "path: links/L99/capacity"),
			`valid.yaml:43:11: overrides/0/path: no quantity "links/L99/capacity" in the network`},
		{"override of an unset quantity", edit(t, valid, "path: links/L1/capacity", "path: links/L1/tariff"),
			`overrides/0/path: no quantity "links/L1/tariff" in the network`},
		{"override dimension mismatch", edit(t, valid, "value: 3 Mt/yr\n    range: 2..4", "value: 3 bcm/yr"),
			`valid.yaml:44:12: overrides/0/value: 3 bcm/yr is gas volume/time, but links/L1/capacity is mass/time (e.g. t/yr)`},
		// #17: a negative capacity passed, and flows reported it with shadow prices
		{"override negative capacity", edit(t, valid, "value: 3 Mt/yr\n    range: 2..4", "value: -5 Mt/yr"),
			`valid.yaml:44:12: overrides/0/value: negative capacity -5 Mt/yr: capacities are ≥ 0`},
		{"override range below zero", edit(t, valid, "value: 3 Mt/yr\n    range: 2..4", "value: 3 Mt/yr\n    range: -1..4"),
			`valid.yaml:44:12: overrides/0/value: range "-1..3..4" goes below zero: expected low ≥ 0`},
		{"cap in the wrong unit", edit(t, valid, `{value: "525000 t/yr", range: "500000..550000", source: S15}`, `{value: "4000000 bbl/yr", source: S15}`),
			`valid.yaml:30:18: rules/1/cap: cap 4e+06 bbl/yr does not fit commodity "crude" counted in t: expected a quantity per year in the commodity's unit (t/yr)`},
		{"premium in the wrong unit", edit(t, valid, `"5 USD/mcm"`, `"5 USD/t"`),
			`valid.yaml:39:22: rules/2/premium: premium 5 USD/t does not fit commodity "gas" counted in mcm: expected a USD per commodity unit (USD/mcm)`},
		{"premium share without a price", edit(t, valid, `"5 USD/mcm"`, `"5 %"`),
			`rules/2/premium: premium is a share of the price, but commodity "gas" has no price`},
		{"cap over all commodities", edit(t, valid, "commodities: [crude]", `commodities: ["*"]`),
			`"*" covers every commodity, so list commodities that share one unit`},
		{"unknown country", edit(t, valid, "participants: [RUS, PRK, CHN]", "participants: [RUS, DPRK, CHN]"),
			`valid.yaml:8:21: participants/1: unknown country "DPRK" (countries.csv has RUS, PRK, KOR, CHN)`},
		{"unknown project", edit(t, valid, "projects: [P2]", "projects: [P9]"),
			`valid.yaml:7:12: projects/0: unknown project "P9"`},
		{"unknown exemption link", edit(t, valid, "links: [L2]", "links: [L22]"),
			`valid.yaml:21:17: rules/0/exemptions/0/links/0: unknown link "L22"`},
		{"unknown exemption node", edit(t, valid, "nodes: [rajin]", "nodes: [najin]"),
			`valid.yaml:22:17: rules/0/exemptions/0/nodes/0: unknown node "najin"`},
		{"unknown source of the premium", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: {value: \"5 MUSD/yr\", source: S99}\n"),
			`valid.yaml:9:18: premium: unknown source "S99"`},
		{"feedback per in the wrong unit", edit(t, valid, `per: "1 Mt/yr"`, `per: "1 bcm/yr"`),
			`regimes/transitions/1/feedback/per: per 1 bcm/yr does not fit commodity "coal" counted in t`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode("valid.yaml", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			err = s.Check(n)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check(%s) = %v, want no error", tt.name, err)
			case tt.want != "" && err == nil:
				t.Fatalf("Check(%s) = nil, want %q", tt.name, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Check(%s) =\n%v\nwant it to contain\n%s", tt.name, err, tt.want)
			}
		})
	}
}

// TestCheckPremiumBuiltInCode checks the premium of a scenario built without Decode.
func TestCheckPremiumBuiltInCode(t *testing.T) {
	src := quantity.Provenance{Sources: []string{"T"}}
	for _, tt := range []struct {
		name    string
		premium quantity.Quantity
		want    string // "" for no error
	}{
		{"unset", quantity.Quantity{}, ""},
		{"zero", quantity.New(0, quantity.DimMoneyPerYr, src), ""},
		{"positive", quantity.New(5e7, quantity.DimMoneyPerYr, src), ""},
		{"negative", quantity.New(-1, quantity.DimMoneyPerYr, src), "premium: premium must not be negative"},
		{"money", quantity.New(5e7, quantity.DimMoney, src), "premium: premium must be money per year"},
		{"no source", quantity.New(5e7, quantity.DimMoneyPerYr, quantity.Provenance{}), "premium: premium needs a source"},
		{"unknown source", quantity.New(5e7, quantity.DimMoneyPerYr, quantity.Provenance{Sources: []string{"S99"}}), `premium: unknown source "S99"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Scenario{Name: "code", Premium: tt.premium}
			err := s.Check(testNetwork(t))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check = %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("Check = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestCheckBuiltInCode checks a scenario built without Decode: errors carry no position.
func TestCheckBuiltInCode(t *testing.T) {
	s := &Scenario{Name: "code", Rules: []Rule{{
		ID: "r", Kind: Ban, Commodities: Set{"coal"}, Origins: Set{"PRK"}, Destinations: Set{Any},
		Enforcement: quantity.New(0.8, quantity.DimNone, quantity.Provenance{Assumption: "x"}),
		Source:      quantity.Provenance{Sources: []string{"S09"}},
	}}}
	err := s.Check(testNetwork(t))
	want := "rules/0/enforcement: enforcement below 1 lets flow evade the rule"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Check(code-built ban without evasion cost) = %v, want prefix %q", err, want)
	}
}
