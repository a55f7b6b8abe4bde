package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
)

// newLPCmd builds "corridor lp": tools for LP files, independent of any network.
func newLPCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "lp",
		Short: "Solve and inspect linear programs in MPS files",
	}
	c.AddCommand(newLPSolveCmd(a))
	return c
}

// lpSolveOptions carries the flags of "corridor lp solve".
type lpSolveOptions struct {
	JSON             bool
	TimeLimitSeconds float64 // 0 for none
}

func newLPSolveCmd(a *app) *cobra.Command {
	var opt lpSolveOptions
	c := &cobra.Command{
		Use:   "solve FILE.mps[.gz]",
		Short: "Solve an MPS file (free or fixed format, optionally gzipped) with HiGHS",
		Long: `Solve reads an MPS file (free or fixed format, detected; gzip-compressed files are
recognised by their content) and solves it with the built-in HiGHS engine. It prints the
status, the objective (including any objective constant), simplex iterations, the model size
and the wall time. A file that cannot be read or parsed is an error naming file and line.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("lp solve takes one MPS file, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.TimeLimitSeconds < 0 {
				return usageError{fmt.Errorf("--time-limit %g: must not be negative", opt.TimeLimitSeconds)}
			}
			return runLPSolve(cmd.Context(), a.stdout, args[0], opt)
		},
	}
	c.Flags().BoolVar(&opt.JSON, "json", false, "print the result as a JSON object")
	c.Flags().Float64Var(&opt.TimeLimitSeconds, "time-limit", 0, "stop the solve after this many seconds (0: no limit)")
	return c
}

// lpSolveResult is what "corridor lp solve" prints; the JSON keys are part of the CLI contract.
type lpSolveResult struct {
	File         string   `json:"file"`
	Name         string   `json:"name"`
	Sense        string   `json:"sense"`
	Rows         int      `json:"rows"`
	Cols         int      `json:"cols"`
	NonZeros     int      `json:"nonzeros"`
	Integers     int      `json:"integer_cols"`
	Status       string   `json:"status"`
	Objective    *float64 `json:"objective,omitempty"` // absent unless a value was found
	Iterations   int      `json:"iterations"`
	ReadSeconds  float64  `json:"read_seconds"`
	SolveSeconds float64  `json:"solve_seconds"` // wall time of Engine.Solve, engine start-up excluded
	// ColumnValues and RowValues are the optimal primal and dual values (JSON only, optimal LPs only);
	// duals are ∂objective/∂bound in the model's sense, as lp.Solution's.
	ColumnValues []lpColumnValue `json:"column_values,omitempty"`
	RowValues    []lpRowValue    `json:"row_values,omitempty"`
}

type lpColumnValue struct {
	Name        string  `json:"name"`
	Value       float64 `json:"value"`
	ReducedCost float64 `json:"reduced_cost"`
}

type lpRowValue struct {
	Name     string  `json:"name"`
	Activity float64 `json:"activity"`
	Dual     float64 `json:"dual"`
}

// runLPSolve reads path, solves it and prints the result to w.
func runLPSolve(ctx context.Context, w io.Writer, path string, opt lpSolveOptions) error {
	t0 := time.Now()
	m, err := readMPSFile(path)
	if err != nil {
		return err
	}
	res := lpSolveResult{File: path, Name: m.Name, Sense: m.Sense.String(), Rows: len(m.Rows), Cols: len(m.Vars),
		NonZeros: m.NonZeros(), ReadSeconds: time.Since(t0).Seconds()}
	for _, v := range m.Vars {
		if v.Integer {
			res.Integers++
		}
	}
	eng, err := highs.New(ctx)
	if err != nil {
		return fmt.Errorf("lp solve: %w", err)
	}
	defer eng.Close()
	t1 := time.Now()
	sol, err := eng.Solve(ctx, m, lp.Options{TimeLimit: time.Duration(opt.TimeLimitSeconds * float64(time.Second))})
	res.SolveSeconds = time.Since(t1).Seconds()
	if err != nil {
		return fmt.Errorf("lp solve %s: %w", path, err)
	}
	res.Status, res.Iterations = sol.Status.String(), sol.Iterations
	if sol.Status == lp.StatusOptimal || sol.Status == lp.StatusLimit && sol.X != nil {
		res.Objective = &sol.Objective
	}
	if opt.JSON && sol.Status == lp.StatusOptimal && sol.X != nil && sol.RowDual != nil && !m.IsMIP() {
		for j, v := range m.Vars {
			res.ColumnValues = append(res.ColumnValues, lpColumnValue{Name: orIndex(v.Name, "C", j), Value: sol.X[j], ReducedCost: sol.ReducedCost[j]})
		}
		for i, r := range m.Rows {
			res.RowValues = append(res.RowValues, lpRowValue{Name: orIndex(r.Name, "R", i), Activity: sol.RowActivity[i], Dual: sol.RowDual[i]})
		}
	}
	if opt.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	objective := "-"
	if res.Objective != nil {
		objective = fmt.Sprintf("%.10g", *res.Objective)
	}
	name := res.Name
	if name == "" {
		name = "(unnamed)"
	}
	_, err = fmt.Fprintf(w, "file        %s\nmodel       %s: %s, %d rows, %d columns (%d integer), %d nonzeros\nstatus      %s\nobjective   %s\niterations  %d\ntime        read %s, solve %s\n",
		res.File, name, res.Sense, res.Rows, res.Cols, res.Integers, res.NonZeros, res.Status, objective, res.Iterations,
		seconds(res.ReadSeconds), seconds(res.SolveSeconds))
	return err
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Microsecond).String()
}

// readMPSFile reads an MPS file, gunzipping it if it starts with the gzip magic bytes. Errors
// name the file and, for a parse error, the line.
func readMPSFile(path string) (*lp.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError already says "open PATH: ..."
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer z.Close()
		r = z
	}
	return lp.ReadMPS(r, path)
}

// orIndex is name, or prefix and the 0-based index for an unnamed column or row.
func orIndex(name, prefix string, i int) string {
	if name != "" {
		return name
	}
	return prefix + strconv.Itoa(i)
}
