package quantity

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		cell, def string
		want      float64
		dim       Dim
		wantErr   string
	}{
		{"10 bcm/yr", "", 10_000, DimGas.PerYear(), ""},
		{"5 Mt/yr", "", 5e6, DimMass.PerYear(), ""},
		{"1000 MW", "", 8.76e6, DimEnergy.PerYear(), ""},
		{"2.5 MUSD/km", "", 2.5e6, DimMoney.Div(DimLength), ""},
		{"0.03 USD/t/km", "", 0.03, DimMoney.Div(DimMass).Div(DimLength), ""},
		{"7.4%", "", 0.074, DimNone, ""},
		{"7.4 %", "", 0.074, DimNone, ""},
		{"54", "km", 54, DimLength, ""},
		{"365 TEU/d", "", 365 * 365, DimBoxes.PerYear(), ""},
		{"lots", "km", 0, DimNone, "not a finite number"},
		{"10 bcmz", "", 0, DimNone, `unknown unit "bcmz"`},
		{"NaN km", "", 0, DimNone, "not a finite number"},
		{"", "", 0, DimNone, "empty"},
	} {
		t.Run(tt.cell, func(t *testing.T) {
			q, err := Parse(tt.cell, tt.def)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want containing %q", tt.cell, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.cell, err)
			}
			if math.Abs(q.Value-tt.want) > 1e-9*math.Abs(tt.want) || q.Dim != tt.dim {
				t.Errorf("Parse(%q) = %g %v, want %g %v", tt.cell, q.Value, q.Dim, tt.want, tt.dim)
			}
			if back, err := Parse(q.String(), ""); err != nil || back.Value != q.Value {
				t.Errorf("round trip of %q via %q = %v, %v", tt.cell, q.String(), back.Value, err)
			}
		})
	}
}

func TestRange(t *testing.T) {
	for _, tt := range []struct {
		value, cell   string
		low, mode, hi float64
		dist          Dist
		wantErr       string
		wantString    string
	}{
		{"10 bcm/yr", "8..12", 8000, 10000, 12000, Triangular, "", "8..10..12"},
		{"10 bcm/yr", "8..9..12 pert", 8000, 9000, 12000, PERT, "", "8..9..12 pert"},
		{"100 MUSD", "80..200 lognormal", 80e6, 100e6, 200e6, Lognormal, "", "80..200 lognormal"},
		{"1 t", "0..2 uniform", 0, 1, 2, Uniform, "", "0..2 uniform"},
		// #17: the mode printed as 7.400000000000001 (7.4 / the percent's factor 0.01)
		{"7.4 %", "3.2..10", 0.032, 0.074, 0.1, Triangular, "", "3.2..7.4..10"},
		{"10 km", "12..14", 0, 0, 0, "", "outside its range", ""},
		{"10 km", "8..12 gamma", 0, 0, 0, "", "unknown distribution", ""},
		{"10 km", "8-12", 0, 0, 0, "", "not a range", ""},
		{"10 km", "10..10", 0, 0, 0, "", "low < high", ""},
	} {
		t.Run(tt.cell, func(t *testing.T) {
			q, err := Parse(tt.value, "")
			if err != nil {
				t.Fatal(err)
			}
			err = q.ParseRange(tt.cell)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRange(%q) error = %v, want containing %q", tt.cell, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := *q.Range
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
			if !near(r.Low, tt.low) || !near(r.Mode, tt.mode) || !near(r.High, tt.hi) || r.Dist != tt.dist {
				t.Errorf("ParseRange(%q) = %+v, want %g %g %g %s", tt.cell, r, tt.low, tt.mode, tt.hi, tt.dist)
			}
			if got := q.RangeString(); got != tt.wantString {
				t.Errorf("RangeString() = %q, want %q", got, tt.wantString)
			}
		})
	}
}

func TestProvenance(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    Provenance
		wantErr bool
	}{
		{"L27", Provenance{Sources: []string{"L27"}}, false},
		{"L27; C23", Provenance{Sources: []string{"L27", "C23"}}, false},
		{"assumption: gazetteer value", Provenance{Assumption: "gazetteer value"}, false},
		{"Assumption:   x", Provenance{Assumption: "x"}, false},
		{"assumption:", Provenance{}, true},
		{"L27, C23", Provenance{}, true},
	} {
		got, err := ParseProvenance(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseProvenance(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got.String() != tt.want.String() {
			t.Errorf("ParseProvenance(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, tt := range []struct {
		d    Dim
		want string
	}{
		{DimGas.PerYear(), "mcm/yr"},
		{DimMoney.Div(DimMass), "USD/t"},
		{DimNone, "1"},
		{DimEnergy.PerYear(), "MWh/yr"},
	} {
		if got := Canonical(tt.d); got != tt.want {
			t.Errorf("Canonical(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
