package appraise_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/scenario"
)

// chunkedRemote computes a run's draws in chunks of size on its own Drawer, answers each chunk
// twice (as a redelivered chunk would be) and returns the batches shuffled: the run must not
// depend on which process computed a draw, in which order the batches come back, or how often.
func chunkedRemote(t *testing.T, in appraise.Input, size int) appraise.Remote {
	in.Workers = 1
	d, err := appraise.NewDrawer(in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	var mu sync.Mutex
	return func(ctx context.Context, lo, hi int, progress func(int)) ([][]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		var out [][]byte
		for a := lo; a < hi; a += size {
			b, err := d.Draws(ctx, a, min(a+size, hi), nil)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
			if progress != nil {
				progress(min(a+size, hi) - lo)
			}
		}
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out, nil
	}
}

// TestRemoteDrawsSameBytes: a run whose draws come from Drawers in chunks summarises to the same
// bytes as a local run, with and without a precision target (batches of 50, 100, …).
func TestRemoteDrawsSameBytes(t *testing.T) {
	for _, tt := range []struct {
		name      string
		draws     int
		precision float64
		chunk     int
	}{{"plain", 23, 0, 5}, {"precision", 120, 0.001, 7}} {
		t.Run(tt.name, func(t *testing.T) {
			in := appraise.Input{Net: pipelineNet(t, true), Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: tt.draws, Seed: 5, Workers: 2,
				NewEngine: newEngine(t), ReferenceYear: 2024, Precision: tt.precision, KeepSamples: true}
			local, err := appraise.Run(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			in.Remote = chunkedRemote(t, in, tt.chunk)
			remote, err := appraise.Run(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(local.Cases)
			b, _ := json.Marshal(remote.Cases)
			if string(a) != string(b) || local.Draws != remote.Draws {
				t.Fatalf("remote draws differ from local ones:\nlocal  %s\nremote %s", a, b)
			}
			sa, _ := json.Marshal(local.Samples)
			sb, _ := json.Marshal(remote.Samples)
			if string(sa) != string(sb) {
				t.Errorf("samples differ")
			}
		})
	}
}

// TestRemoteDrawsChecked: batches that miss or repeat draws, or come from another run, are an
// error, never a different answer.
func TestRemoteDrawsChecked(t *testing.T) {
	in := appraise.Input{Net: pipelineNet(t, true), Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: 6, Seed: 5, Workers: 1,
		NewEngine: newEngine(t), ReferenceYear: 2024}
	d, err := appraise.NewDrawer(in)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b03, err := d.Draws(t.Context(), 0, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	b36, err := d.Draws(t.Context(), 3, 6, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := appraise.NewDrawer(appraise.Input{Net: pipelineNet(t, true), Scenarios: []*scenario.Scenario{{Name: "a"}, {Name: "b"}}, Draws: 6, Seed: 5,
		Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	b36other, err := other.Draws(t.Context(), 3, 6, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		batches [][]byte
		want    string
	}{
		{"missing", [][]byte{b03}, "got 3 draws"},
		{"repeated", [][]byte{b03, b03, b36}, "starts at draw 0, want 3"},
		{"other run", [][]byte{b03, b36other}, "computed for another run"},
		{"garbage", [][]byte{b03, []byte("hello")}, "not an encoded batch"},
		{"truncated", [][]byte{b03, b36[:len(b36)-1]}, "holds"},
	} {
		in.Remote = func(context.Context, int, int, func(int)) ([][]byte, error) { return tt.batches, nil }
		_, err := appraise.Run(t.Context(), in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := d.Draws(t.Context(), 4, 7, nil); err == nil {
		t.Error("draws beyond the run's: no error")
	}
}
