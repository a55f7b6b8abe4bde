// Package dataset is corridor's data-set file format: the schema as data (Schema), decoding a
// directory of CSV, YAML and GeoJSON files into a model.Network (Load), encoding a network back
// (Encode, WriteGeoJSON), the generated format reference (WriteDocs → docs/DATASET.md) and the
// embedded default data set (Default).
//
// Every data error is a *diag.Error naming file, line, column and field; all errors of a load
// are returned at once, capped at diag.Max. Validation issues of model.Validate are mapped back
// to the cell they concern. The package applies no rules of its own beyond types and guesses no
// values.
package dataset

//go:generate go run ../internal/gendocs -o ../docs/DATASET.md
