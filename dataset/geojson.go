package dataset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/corridor-dev/corridor/model"
)

// GeoJSON property "component" values.
const (
	componentNode = "node"
	componentLink = "link"
)

// WriteGeoJSON writes the nodes and links of n as one GeoJSON FeatureCollection (network.geojson),
// for editing in a GIS such as QGIS. Nodes are Points [lon, lat]; links are LineStrings from the
// from node through the link's waypoints to the to node. Each feature's properties are "component" ("node" or "link") followed
// by the columns of nodes.csv (without lat and lon) or links.csv in schema order, all as strings
// except transship (a bool). Output is deterministic: one feature per line, fixed key order,
// floats in the shortest form that reads back exactly.
func WriteGeoJSON(w io.Writer, n *model.Network) error {
	if n == nil {
		return fmt.Errorf("write geojson: nil network")
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	sep := func() {
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n")
	}
	var nodeCols, linkCols []string
	for _, t := range Schema() {
		switch t.File {
		case FileNodes:
			nodeCols = columnNames(t.Columns, "lat", "lon")
		case FileLinks:
			linkCols = columnNames(t.Columns, "waypoints") // the geometry carries them
		}
	}
	pt := func(id string) (string, bool) {
		nd := n.Node(id)
		if nd == nil {
			return "", false
		}
		return "[" + fmtFloat(nd.Pos.Lon) + "," + fmtFloat(nd.Pos.Lat) + "]", true
	}
	for i := range n.Nodes {
		x := &n.Nodes[i]
		sep()
		props(bw, componentNode, nodeCols, nodeCells(x))
		fmt.Fprintf(bw, `,"geometry":{"type":"Point","coordinates":[%s,%s]}}`, fmtFloat(x.Pos.Lon), fmtFloat(x.Pos.Lat))
	}
	for i := range n.Links {
		x := &n.Links[i]
		sep()
		props(bw, componentLink, linkCols, linkCells(x))
		a, okA := pt(x.From)
		b, okB := pt(x.To)
		if okA && okB {
			bw.WriteString(`,"geometry":{"type":"LineString","coordinates":[` + a)
			for _, w := range x.Waypoints {
				bw.WriteString(",[" + fmtFloat(w.Lon) + "," + fmtFloat(w.Lat) + "]")
			}
			bw.WriteString("," + b + "]}}")
		} else {
			bw.WriteString(`,"geometry":null}`)
		}
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	return nil
}

func props(w *bufio.Writer, component string, cols []string, cells map[string]string) {
	w.WriteString(`{"type":"Feature","properties":{"component":`)
	writeJSONString(w, component)
	for _, c := range cols {
		w.WriteString(",")
		writeJSONString(w, c)
		w.WriteString(":")
		if c == "transship" {
			w.WriteString(cells[c])
			continue
		}
		writeJSONString(w, cells[c])
	}
	w.WriteString("}")
}

func writeJSONString(w *bufio.Writer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	w.Write(b)
}

// readGeoJSON decodes network.geojson into nodes and links.
func (d *decoder) readGeoJSON(nodes, links *Table, data []byte) {
	file := FileGeoJSON
	at := func(off int) pos {
		l, c := lineCol(data, off)
		return pos{file, l, c}
	}
	root, err := parseJSON(data)
	if err != nil {
		je := err.(*jsonError)
		d.add(at(je.off), "", fmt.Errorf("malformed JSON: %s", je.msg))
		return
	}
	if root.kind != '{' || str(root.get("type")) != "FeatureCollection" {
		d.add(at(root.off), "type", fmt.Errorf(`expected a GeoJSON object with "type": "FeatureCollection"`))
		return
	}
	feats := root.get("features")
	if feats == nil || feats.kind != '[' {
		d.add(at(root.off), "features", fmt.Errorf(`expected "features": a list of features`))
		return
	}
	for _, f := range feats.arr {
		if d.errs.Full() {
			return
		}
		if f.kind != '{' || str(f.get("type")) != "Feature" {
			d.add(at(f.off), "type", fmt.Errorf(`expected a feature: an object with "type": "Feature"`))
			continue
		}
		pr := f.get("properties")
		if pr == nil || pr.kind != '{' {
			d.add(at(f.off), "properties", fmt.Errorf(`expected "properties": an object with "component": "node" or "link"`))
			continue
		}
		var t *Table
		switch comp := pr.get("component"); str(comp) {
		case componentNode:
			t = nodes
		case componentLink:
			t = links
		default:
			p := at(f.off)
			if comp != nil {
				p = at(comp.off)
			}
			d.add(p, "component", fmt.Errorf(`expected "component": "node" or "link"`))
			continue
		}
		r := newRec(d, t.Component, t.Columns, at(f.off))
		seen := map[string]bool{}
		for _, m := range pr.obj {
			if m.key == "component" {
				continue
			}
			_, known := columnFor(t.Columns, m.key)
			switch {
			case !known || m.key == "lat" || m.key == "lon" || m.key == "waypoints":
				d.add(at(m.off), m.key, fmt.Errorf("unknown property %q (known properties: component, %s)", m.key, strings.Join(columnNames(t.Columns, "lat", "lon", "waypoints"), ", ")))
				continue
			case seen[m.key]:
				d.add(at(m.off), m.key, fmt.Errorf("property %q appears twice", m.key))
				continue
			}
			seen[m.key] = true
			v := m.val
			var text string
			switch v.kind {
			case 's', 'n':
				text = v.text
			case 'b':
				text = fmt.Sprint(v.b)
			case '0':
			default:
				d.add(at(v.off), m.key, fmt.Errorf("expected a string, got an object or array"))
				d.failed[posKey{t.Component, str(pr.get("id")), m.key}] = true
			}
			r.cells[m.key] = cell{text: strings.TrimSpace(text), pos: at(v.off), set: true}
		}
		for _, c := range t.Columns {
			if c.Required && !r.cells[c.Name].set && c.Name != "lat" && c.Name != "lon" {
				r.cells[c.Name] = cell{pos: at(pr.off), set: true} // reported as missing by begin
			}
		}
		geom := f.get("geometry")
		if t == nodes {
			co := geom.get2("coordinates")
			if geom == nil || geom.kind != '{' || str(geom.get("type")) != "Point" || co == nil || co.kind != '[' || len(co.arr) < 2 || co.arr[0].kind != 'n' || co.arr[1].kind != 'n' {
				p := at(f.off)
				if geom != nil {
					p = at(geom.off)
				}
				d.add(p, "geometry", fmt.Errorf(`a node needs a Point geometry with "coordinates": [lon, lat]`))
				d.failed[posKey{t.Component, str(pr.get("id")), "lat"}] = true
			} else {
				r.cells["lon"] = cell{text: co.arr[0].text, pos: at(co.arr[0].off), set: true}
				r.cells["lat"] = cell{text: co.arr[1].text, pos: at(co.arr[1].off), set: true}
			}
		}
		if t == links && geom != nil && geom.kind == '{' {
			// The LineString's inner vertices are the route's waypoints (its ends are the nodes').
			co := geom.get("coordinates")
			var pairs []string
			ok := str(geom.get("type")) == "LineString" && co != nil && co.kind == '[' && len(co.arr) >= 2
			for i := 0; ok && i < len(co.arr); i++ {
				c := co.arr[i]
				ok = c.kind == '[' && len(c.arr) >= 2 && c.arr[0].kind == 'n' && c.arr[1].kind == 'n'
				if ok && i > 0 && i < len(co.arr)-1 {
					pairs = append(pairs, c.arr[0].text+" "+c.arr[1].text)
				}
			}
			if !ok {
				d.add(at(geom.off), "geometry", fmt.Errorf(`a link's geometry is a LineString of [lon, lat] positions, or null`))
				d.failed[posKey{t.Component, str(pr.get("id")), "waypoints"}] = true
			} else if len(pairs) > 0 {
				r.cells["waypoints"] = cell{text: strings.Join(pairs, ";"), pos: at(co.off), set: true}
			}
		}
		r.begin()
		if t == nodes {
			d.node(r)
		} else {
			d.link(r)
		}
	}
}

// get2 is get that tolerates a nil or non-object receiver.
func (v *jval) get2(key string) *jval {
	if v == nil || v.kind != '{' {
		return nil
	}
	return v.get(key)
}

// str returns a JSON string's value, or "" for anything else.
func str(v *jval) string {
	if v == nil || v.kind != 's' {
		return ""
	}
	return v.text
}
