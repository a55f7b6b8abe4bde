package report

import (
	goldenfile "github.com/corridor-dev/corridor/internal/golden"
	"slices"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		lo, hi float64
		want   []float64
	}{
		{"unit", 0, 1, []float64{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}},
		{"money", -96.7e6, 483.5e6, []float64{-2e8, 0, 2e8, 4e8, 6e8}},
		{"negative", -6.66e9, -3.47e9, []float64{-7e9, -6e9, -5e9, -4e9, -3e9}},
		{"flat zero", 0, 0, []float64{0, 1}},
		{"flat", 5, 5, []float64{4.4, 4.6000000000000005, 4.800000000000001, 5, 5.2, 5.4, 5.6000000000000005}},
		{"reversed", 10, 0, []float64{0, 2, 4, 6, 8, 10}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := niceTicks(tt.lo, tt.hi, 5)
			if !slices.Equal(got, tt.want) {
				t.Errorf("niceTicks(%g, %g, 5) = %v, want %v", tt.lo, tt.hi, got, tt.want)
			}
			if got[0] > min(tt.lo, tt.hi) || got[len(got)-1] < max(tt.lo, tt.hi) {
				t.Errorf("niceTicks(%g, %g, 5) = %v does not cover the range", tt.lo, tt.hi, got)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"usd bn", usdShort, -1.234e9, "−$1.23bn"},
		{"usd m", usdShort, 35e6, "$35m"},
		{"usd zero", usdShort, 0, "$0"},
		{"usd k", usdShort, 2500, "$2.5k"},
		{"usd below a thousand", usdShort, -1, "−$1"}, // was "−$0.001k" (#17)
		{"pct", pctShort, 0.254, "25%"},
		{"compact", compact, 55.18e6, "55.2M"},
		{"f1 neg zero", f1, -0.01, "0.0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f(tt.in); got != tt.want {
				t.Errorf("format(%g) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// testCharts are one band chart and one x–y chart exercising every mark.
func testCharts() []Chart {
	return []Chart{
		{ID: "band", Title: "NPV <by> country", Desc: "An interval & bar test.", Format: usdShort, Zero: true, Lanes: 2, ValueLabel: "USD",
			Rows:   []string{"RUS", "PRK & KOR"},
			Series: []Series{{"P10–P90", colSkyBlue, ShapeBar}, {"median", colBlue, ShapeTick}, {"mean", colVermilion, ShapeDot}},
			Bars:   []Bar{{Row: 0, From: -96.7e6, To: 483.5e6}, {Row: 1, Lane: 1, From: 0, To: -20e6}},
			Marks:  []Mark{{Row: 0, Series: 1, Value: 120e6}, {Row: 0, Series: 2, Value: 178.5e6}},
			Note:   "a note"},
		{ID: "xy", Title: "Lines", Desc: "A line test.", Zero: true, XMin: 2024, XMax: 2030, XTicks: []Tick{{2024, "2024"}, {2030, "2030"}},
			Series: []Series{{"RUS", palette(0), ShapeLine}, {"dot", palette(1), ShapeDot}},
			Lines:  []Line{{Series: 0, Points: [][2]float64{{2024, -5}, {2027, 3}, {2030, 8}}}},
			Marks:  []Mark{{Series: 1, X: 2027, Value: 3}}},
	}
}

func TestChartGolden(t *testing.T) {
	for _, c := range testCharts() {
		t.Run(c.ID, func(t *testing.T) {
			got := c.Render()
			for _, want := range []string{`data-chart="` + c.ID + `"`, "<title>", `role="img"`, "aria-label="} {
				if !strings.Contains(got, want) {
					t.Errorf("chart %s lacks %s", c.ID, want)
				}
			}
			if strings.Contains(got, "<by>") {
				t.Errorf("chart %s: title not escaped", c.ID)
			}
			if again := c.Render(); again != got {
				t.Errorf("chart %s: Render is not deterministic", c.ID)
			}
			goldenfile.Check(t, "chart-"+c.ID+".golden.svg", []byte(got))
		})
	}
}

// A chart whose values are all zero gets one tick, at zero, centred, not an axis from $0 to
// "$0.001k" (#17: an all-zero Shapley chart).
func TestChartAllZero(t *testing.T) {
	c := Chart{ID: "zero", Title: "Strategic value", Format: usdShort, Zero: true, Rows: []string{"RUS", "PRK"},
		Series: []Series{{Name: "value", Color: "#1f77b4"}},
		Bars:   []Bar{{Row: 0, From: 0, To: 0}, {Row: 1, From: 0, To: 0}}}
	got := c.Render()
	if strings.Contains(got, "0.001k") || strings.Count(got, `text-anchor="middle">$0</text>`) != 1 {
		t.Errorf("all-zero chart axis:\n%s", got)
	}
}

// Row labels never run past the chart's left edge: a label longer than the margin is shortened
// with an ellipsis and kept whole in its tooltip (#17: tornado labels were clipped).
func TestLongRowLabels(t *testing.T) {
	long := "GAS_RDK probability of sanctions relief in the escalation scenario with secondary sanctions"
	c := Chart{ID: "long", Title: "Tornado", Format: usdShort, Width: 560, Rows: []string{"short", long},
		Series: []Series{{Name: "value", Color: "#1f77b4"}},
		Bars:   []Bar{{Row: 0, From: 0, To: 5}, {Row: 1, From: -3, To: 2}}}
	got := c.Render()
	if !strings.Contains(got, "<title>"+long+"</title>") || !strings.Contains(got, "…</text>") {
		t.Errorf("a long label is neither shortened nor kept in a tooltip:\n%s", got)
	}
	if short := fitText(long, 0.45*560-8, 11); textWidthPx(short, 11) > 0.45*560-8 || !strings.HasSuffix(short, "…") {
		t.Errorf("fitText = %q (%.0f px), want at most %.0f px ending in …", short, textWidthPx(short, 11), 0.45*560-8)
	}
	if fitText("short", 100, 11) != "short" {
		t.Error("fitText shortened a label that fits")
	}
}
