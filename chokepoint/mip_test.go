package chokepoint_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/model"
)

var mipRuntime struct {
	once sync.Once
	r    *highs.Runtime
	err  error
}

// newMIPEngine returns a HiGHS engine on a runtime shared by the package's tests.
func newMIPEngine() (lp.Engine, error) {
	mipRuntime.once.Do(func() { mipRuntime.r, mipRuntime.err = highs.NewRuntime(context.Background(), highs.Config{}) })
	if mipRuntime.err != nil {
		return nil, mipRuntime.err
	}
	return mipRuntime.r.NewEngine()
}

func mip(t *testing.T, n *model.Network, in chokepoint.Input) *chokepoint.Result {
	t.Helper()
	in.Method, in.NewMIPEngine = chokepoint.MethodMIP, newMIPEngine
	res := evaluate(t, n, in)
	if res.Method != chokepoint.MethodMIP {
		t.Fatalf("method %q", res.Method)
	}
	return res
}

// twoGoodsNet is an interdiction instance with the answer derived by hand. Country A; coal
// (10 t worth 100 at d) and grain (5 t worth 300 at d), both supplied free at s. Routes: x (s–m,
// 15 t/yr) then y (m–d, 15 t/yr), no cost; or z (s–d), 5 t/yr at 50 USD/t.
//
//	base: 15 t over x, y: 10 × 100 + 5 × 300 = 2,500/yr
//	close x (or y, in series): z takes the grain, worth more: 5 × (300 − 50) = 1,250, loss 1,250
//	close z: unused, loss 0
//	pairs: x+z and y+z cut d off, loss 2,500; x+y leaves z, loss 1,250
//	the triple: 2,500
//
// The MIP's bound on a closed link's capacity price is the highest demand price of each
// commodity (100 for coal, 300 for grain; flow.Closure): a bound of 100 for grain would leave
// the grain on a closed x at a penalty below its worth.
func twoGoodsNet() *model.Network {
	return testnet.New().Country("A").
		Node("s", "A").Node("m", "A").Node("d", "A").
		Commodity("coal", "t", "rail1520").Commodity("grain", "t", "rail1520").
		Link("x", "s", "m", "rail1520", 15, 0).
		Link("y", "m", "d", "rail1520", 15, 0).
		Link("z", "s", "d", "rail1520", 5, 50).
		Supply("sc", "s", "coal", [2]float64{10, 0}).Demand("dc", "d", "coal", [2]float64{10, 100}).
		Supply("sg", "s", "grain", [2]float64{5, 0}).Demand("dg", "d", "grain", [2]float64{5, 300}).
		Network()
}

type ranked struct {
	sets []string // any of these at this rank (ties)
	loss float64
}

func checkRanking(t *testing.T, label string, res *chokepoint.Result, want [][]ranked) {
	t.Helper()
	for k, lv := range res.Levels {
		if len(lv.Top) != len(want[k]) {
			t.Fatalf("%s, k = %d: %d sets, want %d", label, k+1, len(lv.Top), len(want[k]))
		}
		seen := map[string]bool{}
		for i, s := range lv.Top {
			w := want[k][i]
			ok := false
			for _, name := range w.sets {
				ok = ok || name == setName(s)
			}
			if !ok || !near(s.Loss, w.loss) || seen[setName(s)] {
				t.Errorf("%s, k = %d, rank %d: %s loses %g, want one of %v losing %g", label, k+1, i+1, setName(s), s.Loss, w.sets, w.loss)
			}
			seen[setName(s)] = true
		}
	}
}

func TestMIPHandDerived(t *testing.T) {
	want := [][]ranked{
		{{[]string{"x", "y"}, 1250}, {[]string{"x", "y"}, 1250}, {[]string{"z"}, 0}},
		{{[]string{"x+z", "y+z"}, 2500}, {[]string{"x+z", "y+z"}, 2500}, {[]string{"x+y"}, 1250}},
		{{[]string{"x+y+z"}, 2500}},
	}
	res := mip(t, twoGoodsNet(), chokepoint.Input{K: 3, Top: 10})
	if !near(res.Objective, 2500) {
		t.Fatalf("base %g, want 2500", res.Objective)
	}
	checkRanking(t, "mip", res, want)
	// every k-set found, then one MIP more to find none left
	for _, lv := range res.Levels {
		if lv.Solved != lv.Sets+1 {
			t.Errorf("k = %d: %d MIPs for %d sets, want %d", lv.K, lv.Solved, lv.Sets, lv.Sets+1)
		}
	}
	enum := evaluate(t, twoGoodsNet(), chokepoint.Input{K: 3, Top: 10})
	checkRanking(t, "enumeration", enum, want)
	// x and y, in series, have the same figures: one run
	if top := enum.Levels[0].Top; fmt.Sprint(top[0].Equivalent) != "[[y]]" || top[1].EquivalentOf != 1 || top[2].EquivalentOf != 0 || top[2].Equivalent != nil {
		t.Errorf("k = 1: equivalents %v, %d, %d; want x with [[y]], y of rank 1, z alone", top[0].Equivalent, top[1].EquivalentOf, top[2].EquivalentOf)
	}

	// pairNet's ranking, derived by hand in its test
	checkRanking(t, "pairNet", mip(t, pairNet(), chokepoint.Input{K: 3, Top: 10}), [][]ranked{
		{{[]string{"e"}, 950}, {[]string{"p", "q"}, 900}, {[]string{"p", "q"}, 900}, {[]string{"r"}, 0}},
		{{[]string{"p+q"}, 1900}, {[]string{"p+e", "q+e"}, 1850}, {[]string{"p+e", "q+e"}, 1850}, {[]string{"p+r", "q+r"}, 1000},
			{[]string{"p+r", "q+r"}, 1000}, {[]string{"r+e"}, 950}},
		{{[]string{"p+q+e"}, 2850}, {[]string{"p+q+r"}, 2000}, {[]string{"p+r+e", "q+r+e"}, 1950}, {[]string{"p+r+e", "q+r+e"}, 1950}},
	})
	// bridgeNet, a node among the candidates: closing j closes r1, r2 and b (850)
	res = mip(t, bridgeNet(), chokepoint.Input{K: 1, Top: 2, Nodes: []string{"j"}, Links: []string{"r1"}})
	if s := res.Levels[0].Top; setName(s[0]) != "node:j" || !near(s[0].Loss, 850) || setName(s[1]) != "r1" || !near(s[1].Loss, 100) {
		t.Errorf("bridge with node j: %s %g, %s %g; want node:j 850, r1 100", setName(s[0]), s[0].Loss, setName(s[1]), s[1].Loss)
	}
}

// TestMIPMatchesBruteForce compares, on generated grid networks with several commodities and
// alternative optima, the MIP's worst sets of each k with every k-subset solved (no pruning):
// the same loss at every rank, and each set's loss its own.
func TestMIPMatchesBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("solves every k-set of four networks and 48 MIPs")
	}
	for _, tc := range []struct{ nodes, k int }{{9, 2}, {9, 3}} {
		for seed := uint64(1); seed <= 2; seed++ {
			t.Run(fmt.Sprintf("%d nodes, %d goods, seed %d", tc.nodes, tc.k, seed), func(t *testing.T) {
				n := testnet.Generated(tc.nodes, tc.k, seed)
				all := evaluate(t, n, chokepoint.Input{K: 3, Top: 1 << 20, NoPrune: true})
				got := mip(t, n, chokepoint.Input{K: 3, Top: 4, Workers: 2})
				if len(all.Candidates) < 10 {
					t.Fatalf("%d candidates: too small", len(all.Candidates))
				}
				for k, lv := range got.Levels {
					loss := map[string]float64{}
					for _, s := range all.Levels[k].Top {
						loss[setName(s)] = s.Loss
					}
					for i, s := range lv.Top {
						if w := all.Levels[k].Top[i].Loss; !near(s.Loss, w) {
							t.Errorf("k = %d, rank %d: MIP %s loses %g, brute force %s %g", k+1, i+1, setName(s), s.Loss,
								setName(all.Levels[k].Top[i]), w)
						}
						if w := loss[setName(s)]; !near(s.Loss, w) {
							t.Errorf("k = %d: %s loses %g by the MIP, %g solved alone", k+1, setName(s), s.Loss, w)
						}
					}
				}
			})
		}
	}
}

func TestMIPErrors(t *testing.T) {
	n := bridgeNet()
	for _, tt := range []struct {
		in   chokepoint.Input
		want string
	}{
		{chokepoint.Input{Method: chokepoint.MethodMIP, Country: "B", NewMIPEngine: newMIPEngine}, "total surplus only"},
		{chokepoint.Input{Method: chokepoint.MethodMIP}, "needs a MIP engine"},
		{chokepoint.Input{Method: "guess"}, `unknown method "guess"`},
	} {
		tt.in.State, tt.in.NewEngine = testnet.State(n, nil), newEngine
		_, err := chokepoint.Evaluate(t.Context(), tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.in, err, tt.want)
		}
	}
	// k = 4 on a grid of 100 nodes: too many for the enumeration, but not for auto, which
	// takes the MIP
	big := testnet.Generated(100, 1, 1)
	res, err := chokepoint.Evaluate(t.Context(), chokepoint.Input{State: testnet.State(big, nil), K: 4, Top: 1, NewEngine: newEngine, NewMIPEngine: newMIPEngine})
	if err != nil || res.Method != chokepoint.MethodMIP || len(res.Levels) != 4 {
		t.Fatalf("auto, k = 4 on %d links: %v", len(big.Links), err)
	}
	for i := 1; i < 4; i++ {
		if res.Levels[i].Top[0].Loss < res.Levels[i-1].Top[0].Loss-1e-6*math.Abs(res.Objective) {
			t.Errorf("worst loss falls from k = %d to %d: %g, %g", i, i+1, res.Levels[i-1].Top[0].Loss, res.Levels[i].Top[0].Loss)
		}
	}
}
