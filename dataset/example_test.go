package dataset_test

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/model"
)

func ExampleLoad() {
	fsys := fstest.MapFS{
		"dataset.yaml":  {Data: []byte("name: example\nbase_year: 2024\n")},
		"sources.csv":   {Data: []byte("id,publisher,title\nS1,Rail ministry,Network statistics\n")},
		"countries.csv": {Data: []byte("id,name\nRUS,Russia\nPRK,North Korea\n")},
		"modes.csv":     {Data: []byte("id,carrier,gauge_mm,capacity_unit\nrail1520,rail,1520,t/yr\n")},
		"nodes.csv": {Data: []byte("id,name,country,kind,lat,lon,pos_source\n" +
			"KHS,Khasan,RUS,border,42.43,130.64,S1\nRJN,Rajin,PRK,port,42.25,130.30,S1\n")},
		"links.csv": {Data: []byte("id,from,to,mode,status,countries,countries_source,length,length_source,capacity,capacity_source\n" +
			"KR,KHS,RJN,rail1520,existing,RUS:1;PRK:53,S1,54,S1,4 Mt/yr,S1\n")},
	}
	n, warnings, err := dataset.Load(context.Background(), fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := n.Link("KR")
	fmt.Printf("%d nodes, %d links, %d warnings\n", len(n.Nodes), len(n.Links), len(warnings))
	fmt.Printf("%s: %s (%g t/yr), %s\n", l.ID, l.Capacity, l.Capacity.Value, l.Length)

	// A mistake is reported at its cell.
	fsys["links.csv"] = &fstest.MapFile{Data: []byte("id,from,to,mode,status,countries,countries_source,length,length_source,capacity,capacity_source\n" +
		"KR,KHS,RJN,rail1520,existing,RUS:1;PRK:53,S1,54,S1,4 bcm/yr,S1\n")}
	_, _, err = dataset.Load(context.Background(), fsys)
	fmt.Println(err)
	// Output:
	// 2 nodes, 1 links, 0 warnings
	// KR: 4 Mt/yr (4e+06 t/yr), 54 km
	// links.csv:2:52: capacity: unit "bcm/yr" measures gas volume/time, but a rail1520 link's capacity is in mass/time (for example t/yr) [unit]
}

func ExampleWriteGeoJSON() {
	n := model.Build(model.Network{Nodes: []model.Node{{ID: "A", Kind: model.KindCity}}})
	if err := dataset.WriteGeoJSON(os.Stdout, n); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","properties":{"component":"node","id":"A","name":"","country":"","kind":"city","pos_source":"","throughput":"","throughput_range":"","throughput_source":"","handling_cost":"","handling_cost_range":"","handling_cost_source":"","congestion_cost":"","congestion_cost_range":"","congestion_cost_source":"","transship":false},"geometry":{"type":"Point","coordinates":[0,0]}}
	// ]}
}
