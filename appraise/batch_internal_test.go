package appraise

import (
	"math"
	"reflect"
	"testing"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// TestBatchCarriesEveryField: the encoding of a draw writes every field of caseDraw and margin;
// a field added to either must be added to encode and decode (this count fails until it is).
func TestBatchCarriesEveryField(t *testing.T) {
	if n := reflect.TypeFor[caseDraw]().NumField(); n != 15 {
		t.Errorf("caseDraw has %d fields; encode and decode (batch.go) carry 15", n)
	}
	if n := reflect.TypeFor[margin]().NumField(); n != 2 {
		t.Errorf("margin has %d fields; encode and decode (batch.go) carry 2", n)
	}
	ev := &evaluator{projects: make([]*model.Project, 1), countries: []string{"A", "B"}}
	ev.in.Scenarios = make([]*scenario.Scenario, 1)
	s := func(a, b float64) []float64 { return []float64{a, b} }
	x := caseDraw{npv: s(1.5, -0.1), enpv: s(math.Inf(1), 2), bcr: s(math.NaN(), 3), irr: s(math.Inf(-1), 0.07), payback: s(math.NaN(), 12),
		strategic: s(1e300, -1e-300), outlay: s(4, 5), threat: s(6, 7), premium: 8, annuity: 9, bargain: margin{10, 11}, account: margin{12, 13},
		overrun: math.Nextafter(1, 2), markup: 0.3, blocked: true}
	lo, got, err := ev.decode(ev.encode(17, [][]caseDraw{{x}}))
	if err != nil || lo != 17 || len(got) != 1 {
		t.Fatalf("decode: %d, %v, %v", lo, got, err)
	}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	av, bv := reflect.ValueOf(x), reflect.ValueOf(got[0][0])
	for i := range av.NumField() {
		fa, fb := av.Field(i), bv.Field(i)
		switch fa.Kind() {
		case reflect.Slice:
			for j := range fa.Len() {
				if !same(fa.Index(j).Float(), fb.Index(j).Float()) {
					t.Errorf("%s[%d]: %v, want %v", av.Type().Field(i).Name, j, fb.Index(j), fa.Index(j))
				}
			}
		case reflect.Bool:
			if fa.Bool() != fb.Bool() {
				t.Errorf("%s: %v, want %v", av.Type().Field(i).Name, fb, fa)
			}
		case reflect.Float64:
			if !same(fa.Float(), fb.Float()) {
				t.Errorf("%s: %v, want %v", av.Type().Field(i).Name, fb, fa)
			}
		default: // margin
			for j := range fa.NumField() {
				if !same(fa.Field(j).Float(), fb.Field(j).Float()) {
					t.Errorf("%s.%d: %v, want %v", av.Type().Field(i).Name, j, fb.Field(j), fa.Field(j))
				}
			}
		}
	}
}
