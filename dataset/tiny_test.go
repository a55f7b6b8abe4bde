package dataset

import (
	"maps"
	"strings"
	"testing/fstest"
)

// tinyFiles is a small valid data set: three countries, a gauge break at B and a proposed gas
// pipeline. Tests change one file at a time.
func tinyFiles() map[string]string {
	return map[string]string{
		"dataset.yaml": `name: tiny
description: a test network
base_year: 2024
horizon_years: 30
social_discount_rate: {value: "4.5 %", range: "3..6", source: "S1"}
`,
		"sources.csv": `id,publisher,title,url,date,fact_id,confidence,note
S1,Test Office,Test facts,https://example.org,2024,S1,A,
S2,Other,More facts,,2023-05,S2,B/C,URL not retained
`,
		"countries.csv": `id,name,discount_rate,discount_rate_range,discount_rate_source
RUS,Russia,7.4 %,,S1
PRK,North Korea,10,8..12,assumption: high country risk
KOR,South Korea,4.5 %,,S2
`,
		"modes.csv": `id,name,carrier,gauge_mm,capacity_unit
rail1520,Broad-gauge rail,rail,1520,t/yr
rail1435,Standard-gauge rail,rail,1435,t/yr
gas_pipeline,Gas pipeline,pipeline,,mcm/yr
`,
		"nodes.csv": `id,name,country,kind,lat,lon,pos_source,throughput,throughput_range,throughput_source,handling_cost,handling_cost_range,handling_cost_source,transship
A,Alpha,RUS,city,43.1,131.9,S1,,,,,,,
B,Border,PRK,border,42.3,130.6,S1,4 Mt/yr,3..5,S2,12,,S2,true
C,Charlie,KOR,city,37.5,127,S2,,,,,,,false
`,
		"links.csv": `id,name,from,to,mode,status,project,direction,countries,length,length_source,capacity,capacity_range,capacity_source,cost,cost_source,speed,speed_source,countries_source
L1,A-B rail,A,B,rail1520,existing,,,RUS:10;PRK:20,30,S1,5 Mt/yr,4..6,S1,0.05 USD/t/km,S2,40,S2,S1
L2,B-C rail,B,C,rail1435,existing,,oneway,PRK:100;KOR:200,300 km,S1,3e6,,S1,0.04 USD/t/km,S2,,,S1
G1,A-C gas,A,C,gas_pipeline,proposed,P1,,RUS:100;PRK:300;KOR:100,500,S1,10 bcm/yr,8..12 pert,S1,5 USD/mcm,S2,,,assumption: split by the node coordinates
`,
		"commodities.csv": `id,name,unit,modes,tonnes_per_unit,tonnes_per_unit_source,price,price_range,price_source
gas,Natural gas,mcm,gas_pipeline,,,300,250..350,S1
coal,Coal,t,rail1520;rail1435,,,100 USD/t,,S2
`,
		"markets.yaml": `markets:
  - id: gas-supply
    node: A
    commodity: gas
    kind: supply
    steps:
      - quantity: {value: "10 bcm/yr", source: S1}
        price: {value: 150, source: S1}
  - id: gas-demand
    name: Korean gas demand
    node: C
    commodity: gas
    kind: demand
    growth: {value: "2 %", source: "assumption: trend"}
    steps:
      - {quantity: {value: 5000, source: S2}, price: {value: "400 USD/mcm", range: "300..500", source: S2}}
  - id: coal-supply
    node: A
    commodity: coal
    kind: supply
    steps:
      - quantity: {value: "2 Mt/yr", source: S1}
        price: {value: 60, source: S1}
  - id: coal-demand
    node: C
    commodity: coal
    kind: demand
    steps:
      - quantity: {value: "1 Mt/yr", source: S2}
        price: {value: 120, source: S2}
`,
		"projects.yaml": `projects:
  - id: P1
    name: Gas pipeline
    class: pipeline
    description: A to C through PRK
    links: [G1]
    upgrades:
      - node: B
        add: {value: "1 Mt/yr", source: "assumption: new yard"}
      - link: L1
        add: {value: 2000000, source: S1}
    capex: {value: "2.5 BUSD", range: "2..4 lognormal", source: S1}
    start_year: 2030
    start_year_source: "assumption: after the feasibility study"
    construction_years: {value: 4, source: S1}
    opex: {value: "50 MUSD/yr", source: S2}
    lifetime: {value: "30 yr", source: S2}
    financing: {RUS: 0.5, KOR: 0.5}
    financing_source: "assumption: equal split"
`,
	}
}

// tinyFullChanges adds to tinyFiles every optional field of the format: a decider, a strategic
// premium and reference periods (in dataset.yaml), a study (study.yaml), link owners and
// waypoints, the project's owners, transit contracts and a loan, and a correlation group
// (correlations.yaml). Apply it with tinyFS, or merge further changes into it.
func tinyFullChanges() map[string]string {
	base := tinyFiles()
	links := strings.Split(strings.TrimSuffix(base["links.csv"], "\n"), "\n")
	links[0] += ",owners,owners_source,waypoints"
	links[1] += ",RUS:0.5;PRK:0.5,assumption: test split,130.6 42.4;130.75 42.31"
	links[2] += ",,,"
	links[3] += ",PRK:0.25;RUS:0.75,S1,"
	return map[string]string{
		"dataset.yaml": base["dataset.yaml"] + `decider: RUS
strategic_premium: {value: "50 MUSD/yr", range: "0..100", source: "assumption: test"}
reference_periods:
  pipeline: {value: "25 yr", range: "15..25", source: S1}
  rail: {value: 30, source: S2}
`,
		"study.yaml": `title: "Will RUS build the pipeline?"
headline_scenario: x1
currency: USD
overruns:
  - {class: pipeline, mean: {value: "34 %", source: S1}, sd: {value: 0.39, range: "0.3..0.5", source: "assumption: test"}}
  - class: rail
    mean: {value: 0.45, source: S2}
    sd: {value: "38 %", source: S2}
map_labels: [A, C]
`,
		"links.csv":         strings.Join(links, "\n") + "\n",
		"correlations.yaml": tinyCorrelations,
		"projects.yaml": base["projects.yaml"] + `    owners: {RUS: 0.6, KOR: 0.4}
    owners_source: "assumption: test"
    contracts:
      - host: PRK
        links: [G1]
        rent_share: {value: "5 %", range: "0..10", source: "assumption: test"}
        source: S1
      - {host: KOR, source: "S2"}
    loans:
      - lender: RUS
        borrower: KOR
        share: {value: "50 %", source: S1}
        rate: {value: 2, range: "0..5", source: "assumption: test"}
        tenor: {value: "20 yr", range: "10..25", source: S2}
        grace: {value: 5, source: S2}
        default_probability: {value: "1 %", range: "0..3", source: "assumption: test"}
`,
	}
}

// tinyCorrelations is correlations.yaml of tinyFullChanges: the gas demand price and the gas
// reference price co-move.
const tinyCorrelations = `groups:
  - id: gas-prices
    name: Gas prices
    paths: [markets/gas-demand/steps/0/price, commodities/gas/price]
    rho: {value: 0.6, range: "0.3..0.8", source: "assumption: test"}
`

// tinyFullFiles returns tinyFiles with tinyFullChanges applied.
func tinyFullFiles() map[string]string {
	files := tinyFiles()
	maps.Copy(files, tinyFullChanges())
	return files
}

// replaceFull returns file of tinyFullFiles with old replaced by new once; it panics when old is
// missing, so that a test cannot silently test nothing.
func replaceFull(file, old, new string) string {
	s := tinyFullFiles()[file]
	if !strings.Contains(s, old) {
		panic("replaceFull: " + old + " not in " + file)
	}
	return strings.Replace(s, old, new, 1)
}

// full returns tinyFullChanges with further changes merged in, for tinyFS.
func full(changes map[string]string) map[string]string {
	out := tinyFullChanges()
	maps.Copy(out, changes)
	return out
}

// tinyFS returns tinyFiles as an fs.FS, with files changed or removed ("" deletes).
func tinyFS(changes map[string]string) fstest.MapFS {
	files := tinyFiles()
	maps.Copy(files, changes)
	fsys := fstest.MapFS{}
	for name, data := range files {
		if data != "" {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
	}
	return fsys
}
