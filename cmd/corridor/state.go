package main

import (
	"context"
	"fmt"
	"io"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// loadDataScenario loads the data set of a --data value and one of its scenarios (a name, a
// YAML file, or "" for the study's headline scenario), checked against it: the start of every
// command that solves one scenario state.
func loadDataScenario(ctx context.Context, stderr io.Writer, dir, name string) (*model.Network, *scenario.Scenario, error) {
	n, err := loadData(ctx, stderr, dir)
	if err != nil {
		return nil, nil, err
	}
	fsys, _ := dataFS(dir)
	sc, err := loadScenario(fsys, name, n.Study.HeadlineScenario)
	if err != nil {
		return nil, nil, err
	}
	if err := sc.Check(n); err != nil {
		return nil, nil, fmt.Errorf("scenario %s:\n%w", sc.Name, err)
	}
	return n, sc, nil
}

// checkYear refuses a --year outside the years the data set describes: its base year (the data
// grow from it; earlier years are not modelled) to the end of its horizon (100 years without one).
func checkYear(n *model.Network, year int) error {
	last := lastYear(n)
	if year < n.Meta.BaseYear || year > last {
		return usageError{fmt.Errorf("--year %d: the data set describes %d and years up to %d", year, n.Meta.BaseYear, last)}
	}
	return nil
}

// lastYear is the last year a data set describes: the end of its horizon, or 100 years after
// its base year without one.
func lastYear(n *model.Network) int {
	if n.Meta.HorizonYears > 0 {
		return n.Meta.BaseYear + n.Meta.HorizonYears
	}
	return n.Meta.BaseYear + 100
}

// builtProjects is the projects of --with, or every project with --all-projects.
func builtProjects(n *model.Network, with []string, all bool) []string {
	if !all {
		return with
	}
	var ids []string
	for _, p := range n.Projects {
		ids = append(ids, p.ID)
	}
	return ids
}
