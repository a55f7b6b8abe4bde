package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/report"
)

// reportOptions are the flags of "corridor report": the pipeline's, plus the outputs.
type reportOptions struct {
	runOptions
	htmlOut  string
	flowScen string
	csvDir   string
	jsonOut  string
	geojson  string
}

func newReportCmd(a *app) *cobra.Command {
	var o reportOptions
	c := &cobra.Command{
		Use:   "report",
		Short: "Run the appraisal and write one self-contained HTML report (map, charts, sourced tables)",
		Long: `report runs the same pipeline as "corridor assess" and writes one HTML file that opens
offline and prints on A4: a map of the network with the base-case flows, per-project charts
(NPV by country, commitment by scenario, tornado, Shapley split, cash flows), a scenario
comparison, the main corridors' flows and every input value with its source. --csv, --json and
--geojson also write the tables, the result and the flows on links (for QGIS).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd.Context(), a, o) },
	}
	f := c.Flags()
	addRunFlags(f, &o.runOptions)
	f.StringVar(&o.htmlOut, "out", "report.html", "the HTML file to write")
	f.StringVar(&o.flowScen, "map-scenario", "", "scenario whose flows the map and corridor table show (default: the first)")
	f.StringVar(&o.csvDir, "csv", "", "also write cases.csv, verdicts.csv and the flow tables (links.csv, markets.csv, welfare.csv, rules.csv) into this folder")
	f.StringVar(&o.jsonOut, "json", "", "also write the result as JSON to this file")
	f.StringVar(&o.geojson, "geojson", "", "also write the links with their flows as GeoJSON to this file")
	return c
}

func runReport(ctx context.Context, a *app, o reportOptions) error {
	out := outputs{force: o.force}
	if err := out.check([]string{o.htmlOut, o.jsonOut, o.geojson, o.samples}, []string{o.csvDir}); err != nil {
		return err
	}
	res, err := runPipeline(ctx, a, o.runOptions)
	if err != nil {
		return err
	}
	v, err := report.FlowsViewOf(res, o.flowScen)
	if err != nil {
		return usageError{err}
	}
	if err := out.file(o.htmlOut, func(w io.Writer) error {
		return report.HTML(w, res, report.HTMLOptions{Scenario: o.flowScen})
	}); err != nil {
		return err
	}
	if o.csvDir != "" {
		files, err := report.AssessCSV(res)
		if err != nil {
			return err
		}
		flows, err := report.FlowsCSV(v)
		if err != nil {
			return err
		}
		for k, b := range flows {
			files[k] = b
		}
		if err := out.files(o.csvDir, files); err != nil {
			return err
		}
	}
	if o.jsonOut != "" {
		if err := out.file(o.jsonOut, func(w io.Writer) error { return report.AssessJSON(w, res, "  ") }); err != nil {
			return err
		}
	}
	if o.geojson != "" {
		if err := out.file(o.geojson, func(w io.Writer) error { return report.FlowsGeoJSON(w, v) }); err != nil {
			return err
		}
	}
	if err := writeSamples(out, o.samples, res); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s\n", o.htmlOut)
	return nil
}
