package appraise

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/corridor-dev/corridor/risk"
)

// A run's Monte Carlo splits at one seam: the draws (each case's figures in draw i, a function of
// the seed, i and the inputs alone) are computed, then summarised. A Drawer computes draws
// [lo, hi) of a run and encodes them; Input.Remote hands a run's draws to Drawers elsewhere (on
// other processes or machines, package dispatch) and the run summarises what comes back exactly
// as it summarises its own draws, so a distributed run gives the same bytes as a local one
// (decision 0017).

// Remote computes draws [lo, hi) of a run elsewhere: it returns batches encoded by
// Drawer.Draws that together cover [lo, hi) exactly, in any order, and calls progress with the
// number of draws of [lo, hi) done so far (it may be nil).
type Remote func(ctx context.Context, lo, hi int, progress func(done int)) ([][]byte, error)

// batchMagic starts every encoded batch; its last byte is the format version.
var batchMagic = [8]byte{'c', 'o', 'r', 'd', 'r', 'a', 'w', 2}

// caseFloats is the float64s one case's draw encodes to besides its per-country slices: premium,
// annuity, the two margins (value, compensation), the overrun, the construction markup and
// whether construction was blocked (1 or 0).
const caseFloats = 9

// countrySlices is the per-country slices of a caseDraw: npv, enpv, bcr, irr, payback,
// strategic, outlay, threat.
const countrySlices = 8

// Drawer computes chunks of draws of one run with its own LP engines, kept warm between chunks.
// It is not safe for concurrent use; Close releases the engines.
type Drawer struct {
	ev      *evaluator
	solvers []*solver
}

// NewDrawer prepares the draws of in (its Draws bounds the draws a Drawer computes; Analysis,
// Precision, KeepSamples and Remote are ignored). Workers goroutines compute each chunk.
func NewDrawer(in Input) (*Drawer, error) {
	in.Remote = nil
	ev, err := newEvaluator(in)
	if err != nil {
		return nil, err
	}
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	d := &Drawer{ev: ev, solvers: make([]*solver, max(1, workers))}
	for w := range d.solvers {
		d.solvers[w] = newSolver(in.NewEngine, in.Net, in.Scenarios, ev.countries, ev.years[0])
	}
	return d, nil
}

// Draws computes draws [lo, hi) and returns them encoded: the exact bits of every figure, so that
// a run that decodes them summarises them as if it had computed them itself. progress, if not
// nil, is called after each draw with the draws done so far.
func (d *Drawer) Draws(ctx context.Context, lo, hi int, progress func(done int)) ([]byte, error) {
	if lo < 0 || hi < lo || hi > d.ev.in.Draws {
		return nil, fmt.Errorf("appraise: draws %d..%d of a run of %d", lo, hi, d.ev.in.Draws)
	}
	opt := risk.Options{Workers: len(d.solvers)}
	if progress != nil {
		opt.Progress = func(done, _ int) { progress(done) }
	}
	draws, err := risk.Run(ctx, hi-lo, opt, func(ctx context.Context, i, w int) ([]caseDraw, error) {
		return d.ev.draw(ctx, d.solvers[w], uint64(lo+i))
	})
	if err != nil {
		return nil, err
	}
	return d.ev.encode(lo, draws), nil
}

// Close releases the Drawer's LP engines.
func (d *Drawer) Close() error {
	var errs []error
	for _, s := range d.solvers {
		errs = append(errs, s.close())
	}
	return errors.Join(errs...)
}

// drawsOf computes draws [lo, hi) on the local solvers, or with in.Remote when set.
func (ev *evaluator) drawsOf(ctx context.Context, solvers []*solver, lo, hi int, progress func(done int)) ([][]caseDraw, error) {
	if ev.in.Remote == nil {
		opt := risk.Options{Workers: len(solvers)}
		if progress != nil {
			opt.Progress = func(done, _ int) { progress(done) }
		}
		return risk.Run(ctx, hi-lo, opt, func(ctx context.Context, i, w int) ([]caseDraw, error) {
			return ev.draw(ctx, solvers[w], uint64(lo+i))
		})
	}
	batches, err := ev.in.Remote(ctx, lo, hi, progress)
	if err != nil {
		return nil, err
	}
	type decoded struct {
		lo    int
		draws [][]caseDraw
	}
	var parts []decoded
	for _, b := range batches {
		first, draws, err := ev.decode(b)
		if err != nil {
			return nil, err
		}
		parts = append(parts, decoded{first, draws})
	}
	slices.SortFunc(parts, func(a, b decoded) int { return a.lo - b.lo })
	out := make([][]caseDraw, 0, hi-lo)
	for _, p := range parts {
		if p.lo != lo+len(out) {
			return nil, fmt.Errorf("appraise: remote draws: a batch starts at draw %d, want %d (batches must cover %d..%d exactly once)", p.lo, lo+len(out), lo, hi)
		}
		out = append(out, p.draws...)
	}
	if len(out) != hi-lo {
		return nil, fmt.Errorf("appraise: remote draws: got %d draws, want %d..%d", len(out), lo, hi)
	}
	return out, nil
}

// encode writes draws lo, lo+1, … as: the magic, then lo, the draw count, the case count and the
// country count as uint32, then for each draw and case the per-country slices and the scalars
// of caseDraw as little-endian IEEE-754 bits (NaN and ±Inf included, which JSON cannot carry).
func (ev *evaluator) encode(lo int, draws [][]caseDraw) []byte {
	nk, nc := len(ev.projects)*len(ev.in.Scenarios), len(ev.countries)
	b := make([]byte, 0, len(batchMagic)+16+8*len(draws)*nk*(countrySlices*nc+caseFloats))
	b = append(b, batchMagic[:]...)
	for _, v := range []int{lo, len(draws), nk, nc} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	f := func(x float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x)) }
	for _, d := range draws {
		for _, x := range d {
			for _, s := range [countrySlices][]float64{x.npv, x.enpv, x.bcr, x.irr, x.payback, x.strategic, x.outlay, x.threat} {
				for _, v := range s {
					f(v)
				}
			}
			for _, v := range [caseFloats]float64{x.premium, x.annuity, x.bargain.value, x.bargain.compensation, x.account.value, x.account.compensation, x.overrun, x.markup, boolBits(x.blocked)} {
				f(v)
			}
		}
	}
	return b
}

// decode reads a batch written by encode for a run with the same cases and countries, returning
// its first draw and the draws.
func (ev *evaluator) decode(b []byte) (int, [][]caseDraw, error) {
	bad := func(why string) (int, [][]caseDraw, error) {
		return 0, nil, fmt.Errorf("appraise: remote draws: %s", why)
	}
	if len(b) < len(batchMagic)+16 || [8]byte(b[:8]) != batchMagic {
		return bad("not an encoded batch of draws (or another format version)")
	}
	u := func(i int) int { return int(binary.LittleEndian.Uint32(b[8+4*i:])) }
	lo, n, nk, nc := u(0), u(1), u(2), u(3)
	if wk, wc := len(ev.projects)*len(ev.in.Scenarios), len(ev.countries); nk != wk || nc != wc {
		return bad(fmt.Sprintf("a batch of %d cases and %d countries, want %d and %d: computed for another run", nk, nc, wk, wc))
	}
	per := countrySlices*nc + caseFloats
	body := b[len(batchMagic)+16:]
	if len(body) != 8*n*nk*per {
		return bad(fmt.Sprintf("a batch of %d draws holds %d bytes, want %d", n, len(body), 8*n*nk*per))
	}
	vals := make([]float64, len(body)/8)
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
	}
	draws := make([][]caseDraw, n)
	for i := range draws {
		draws[i] = make([]caseDraw, nk)
		for k := range draws[i] {
			v := vals[(i*nk+k)*per:][:per:per]
			take := func() []float64 { s := v[:nc:nc]; v = v[nc:]; return s }
			x := caseDraw{npv: take(), enpv: take(), bcr: take(), irr: take(), payback: take(), strategic: take(), outlay: take(), threat: take()}
			x.premium, x.annuity = v[0], v[1]
			x.bargain, x.account = margin{v[2], v[3]}, margin{v[4], v[5]}
			x.overrun, x.markup, x.blocked = v[6], v[7], v[8] == 1
			draws[i][k] = x
		}
	}
	return lo, draws, nil
}

// boolBits encodes a flag as a float: 1 for true, 0 for false.
func boolBits(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
