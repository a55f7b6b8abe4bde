package appraise

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

func sameValues(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			return false
		}
	}
	return true
}

// table turns a list of coalition values into a game (index = bitmask).
func table(vals ...float64) func(uint64) float64 {
	return func(s uint64) float64 { return vals[s] }
}

func TestShapleyTextbook(t *testing.T) {
	for _, tt := range []struct {
		name    string
		players []string
		v       func(uint64) float64
		want    []float64
	}{
		{
			// Glove game: L owns a left glove, R1 and R2 a right glove each; a pair is worth 1,
			// v(S) = min(#left, #right). Classic answer φ = (2/3, 1/6, 1/6) (e.g. Maschler,
			// Solan & Zamir, Game Theory, 2013, ch. 18).
			name: "glove", players: []string{"L", "R1", "R2"},
			v: func(s uint64) float64 {
				left, right := int(s&1), bits.OnesCount64(s>>1)
				return float64(min(left, right))
			},
			want: []float64{2.0 / 3, 1.0 / 6, 1.0 / 6},
		},
		{
			// Airport game (Littlechild & Owen 1973, Management Science 20(3)): runway costs
			// c = (100, 160, 200), C(S) = max_{i∈S} c_i. Their rule: split each segment among
			// those who use it: φ = (100/3, 100/3 + 60/2, 100/3 + 60/2 + 40) = (100, 190, 310)/3.
			name: "airport 3", players: []string{"1", "2", "3"},
			v:    table(0, 100, 160, 160, 200, 200, 200, 200),
			want: []float64{100.0 / 3, 190.0 / 3, 310.0 / 3},
		},
		{
			// Cost game of LINDO Systems' model library, SHAPLEY.lng (one truck trip serving
			// customers A, B, C): C(A) 88, C(B) 92, C(C) 70, C(AB) 100, C(AC) 119, C(BC) 112,
			// C(ABC) 120. By the six orders: A pays (88+88+8+8+49+8)/6 = 41.5,
			// B (12+1+92+92+1+42)/6 = 40, C (20+31+20+20+70+70)/6 = 38.5; total 120.
			name: "truck cost game", players: []string{"A", "B", "C"},
			v:    table(0, 88, 92, 100, 70, 119, 112, 120),
			want: []float64{41.5, 40, 38.5},
		},
		{
			// Airport game with six runway costs 40, 50, …, 90: by Littlechild–Owen,
			// φ = (40, 52, 67, 87, 117, 177)/6 (40/6, then + 10/5, + 10/4, + 10/3, + 10/2, + 10/1).
			name: "airport 6", players: []string{"1", "2", "3", "4", "5", "6"},
			v: func(s uint64) float64 {
				var c float64
				for i := range 6 {
					if s&(1<<i) != 0 {
						c = max(c, float64(40+10*i))
					}
				}
				return c
			},
			want: []float64{40.0 / 6, 52.0 / 6, 67.0 / 6, 87.0 / 6, 117.0 / 6, 177.0 / 6},
		},
	} {
		if got := Shapley(tt.players, tt.v); !sameValues(got, tt.want, 1e-12) {
			t.Errorf("%s: Shapley = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// randomGame returns a game on n players with random coalition values and v(∅) = c0.
func randomGame(rng *rand.Rand, n int, c0 float64) []float64 {
	vals := make([]float64, 1<<n)
	for s := range vals {
		vals[s] = rng.NormFloat64() * 10
	}
	vals[0] = c0
	return vals
}

// byOrders is the Shapley value by its other definition: the average marginal contribution over
// all n! orders in which players join (Shapley 1953). Feasible for small n only.
func byOrders(n int, v func(uint64) float64) []float64 {
	phi := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	count := 0
	var permute func(k int)
	permute = func(k int) {
		if k == n {
			var s uint64
			for _, p := range order {
				phi[p] += v(s|1<<p) - v(s)
				s |= 1 << p
			}
			count++
			return
		}
		for i := k; i < n; i++ {
			order[k], order[i] = order[i], order[k]
			permute(k + 1)
			order[k], order[i] = order[i], order[k]
		}
	}
	permute(0)
	for i := range phi {
		phi[i] /= float64(count)
	}
	return phi
}

func TestShapleyAxioms(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	players := []string{"RUS", "PRK", "KOR", "CHN", "JPN"}
	n := len(players)
	for trial := range 20 {
		vals := randomGame(rng, n, float64(trial))
		v := table(vals...)
		phi := Shapley(players, v)

		// Efficiency: Σφ = v(N) − v(∅).
		var sum float64
		for _, x := range phi {
			sum += x
		}
		if want := vals[1<<n-1] - vals[0]; !near(sum, want, 1e-12) {
			t.Errorf("Σφ = %v, want v(N) − v(∅) = %v", sum, want)
		}

		// Agrees with the average over the 5! = 120 orders.
		if want := byOrders(n, v); !sameValues(phi, want, 1e-12) {
			t.Errorf("Shapley = %v, by orders %v", phi, want)
		}

		// Additivity: φ(v + w) = φ(v) + φ(w).
		wvals := randomGame(rng, n, 0)
		sumGame := make([]float64, len(vals))
		for s := range sumGame {
			sumGame[s] = vals[s] + wvals[s]
		}
		pw, pvw := Shapley(players, table(wvals...)), Shapley(players, table(sumGame...))
		for i := range phi {
			if !near(pvw[i], phi[i]+pw[i], 1e-12) {
				t.Errorf("additivity: φ_%d(v+w) = %v, want %v + %v", i, pvw[i], phi[i], pw[i])
			}
		}

		// Null player: make player 2 add nothing to any coalition.
		null := slices.Clone(vals)
		for s := range null {
			if s&(1<<2) != 0 {
				null[s] = null[s&^(1<<2)]
			}
		}
		if p := Shapley(players, table(null...)); math.Abs(p[2]) > 1e-12 {
			t.Errorf("null player got %v, want 0", p[2])
		}

		// Symmetry: make players 0 and 3 interchangeable, v(S) = v(S with 0 and 3 swapped).
		sym := slices.Clone(vals)
		swap := func(s int) int {
			b0, b3 := s&1, (s>>3)&1
			return s&^(1|1<<3) | b3 | b0<<3
		}
		for s := range sym {
			if t := swap(s); t > s {
				sym[t] = sym[s]
			}
		}
		if p := Shapley(players, table(sym...)); !near(p[0], p[3], 1e-12) {
			t.Errorf("symmetric players got %v and %v", p[0], p[3])
		}
	}
}

func TestShapleyEdges(t *testing.T) {
	calls := 0
	got := Shapley(make([]string, MaxShapleyPlayers), func(s uint64) float64 {
		calls++
		return float64(bits.OnesCount64(s)) // additive game: φ_i = 1
	})
	if calls != 1<<MaxShapleyPlayers || !near(got[0], 1, 1e-12) || !near(got[MaxShapleyPlayers-1], 1, 1e-12) {
		t.Errorf("16-player additive game: %d calls, φ = %v; want 65536 calls and φ_i = 1", calls, got)
	}
	if got := Shapley(nil, func(uint64) float64 { return 1 }); len(got) != 0 {
		t.Errorf("Shapley with no players = %v", got)
	}
	if got := Members([]string{"RUS", "PRK", "KOR"}, 0b101); !slices.Equal(got, []string{"RUS", "KOR"}) {
		t.Errorf("Members(0b101) = %v, want [RUS KOR]", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Shapley with 17 players did not panic")
		}
	}()
	Shapley(make([]string, MaxShapleyPlayers+1), func(uint64) float64 { return 0 })
}

func BenchmarkShapley(b *testing.B) {
	for _, n := range []int{6, 12} {
		players := make([]string, n)
		b.Run(map[int]string{6: "players=6", 12: "players=12"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Shapley(players, func(s uint64) float64 { return float64(bits.OnesCount64(s) * bits.OnesCount64(s)) })
			}
		})
	}
}
