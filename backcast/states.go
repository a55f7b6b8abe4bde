package backcast

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// StatesDir is the folder of a data set's history states: scenario files (the format of
// scenarios/) that describe the conditions of an observed year — the sanctions then in force,
// who took part, and overrides for what differed from the base year (a terminal open for part of
// the year, that year's freight rates). A history.csv row names one in its scenario column. They
// are not scenarios a user runs: assess and the appraisal never read them.
const StatesDir = "history"

// LoadStates reads every StatesDir/*.yaml of a data set and checks each against n, keyed by file
// stem; the scenario's name must equal its stem, so a row names it one way. A data set without
// the folder has none (an empty map, no error).
func LoadStates(fsys fs.FS, n *model.Network) (map[string]*scenario.Scenario, error) {
	files, err := fs.Glob(fsys, StatesDir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	out := make(map[string]*scenario.Scenario, len(files))
	var errs []error
	for _, f := range files {
		sc, err := scenario.Load(fsys, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		stem := strings.TrimSuffix(path.Base(f), path.Ext(f))
		if sc.Name != stem {
			errs = append(errs, fmt.Errorf("%s: name: %q differs from the file's stem %q: a history state is named by its file", f, sc.Name, stem))
			continue
		}
		if err := sc.Check(n); err != nil {
			errs = append(errs, err)
			continue
		}
		out[stem] = sc
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
