package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Okabe–Ito colour-blind-safe palette (M. Okabe and K. Ito, "Color Universal Design", 2002;
// https://jfly.uni-koeln.de/color/), black last.
const (
	colOrange    = "#E69F00"
	colSkyBlue   = "#56B4E9"
	colGreen     = "#009E73"
	colYellow    = "#F0E442"
	colBlue      = "#0072B2"
	colVermilion = "#D55E00"
	colPurple    = "#CC79A7"
	colBlack     = "#000000"
	colGrey      = "#999999"
)

// palette returns the i-th Okabe–Ito colour, cycling; yellow is left out for lines and text on
// white because of its low contrast.
func palette(i int) string {
	p := [...]string{colBlue, colOrange, colGreen, colVermilion, colPurple, colSkyBlue, colBlack}
	return p[((i%len(p))+len(p))%len(p)]
}

// Shape is how a series is drawn in a chart and its legend.
type Shape int

// Shapes.
const (
	ShapeBar  Shape = iota // a filled rectangle from From to To
	ShapeDot               // a filled circle at a value
	ShapeTick              // a short line across the band at a value
	ShapeLine              // a polyline through points
)

// Series is one named, coloured group of marks; its Shape sets the legend swatch.
type Series struct {
	Name  string
	Color string
	Shape Shape
}

// Bar is a horizontal bar in a band chart: row Row, sub-band Lane, from From to To on the value
// axis, drawn in the colour of Series.
type Bar struct {
	Row, Lane, Series int
	From, To          float64
}

// Mark is a dot or tick at Value in row Row of a band chart (or at (X, Value) in an x–y chart).
type Mark struct {
	Row, Lane, Series int
	X, Value          float64
}

// Line is a polyline of series Series through Points (x, value) of an x–y chart.
type Line struct {
	Series int
	Points [][2]float64
}

// Tick is a labelled position on an axis.
type Tick struct {
	At    float64
	Label string
}

// Chart is a small SVG chart. With Rows set it is a band chart: one horizontal band per row, top
// to bottom, with the value axis along x (interval, bar and tornado charts). Without Rows it is
// an x–y chart with the value axis along y (line and dot charts). Render is deterministic: the
// same Chart gives the same bytes.
type Chart struct {
	ID     string // the data-chart attribute, e.g. "npv-PIPELINE_1"
	Title  string // shown above the chart and as its <title>
	Desc   string // the text alternative (aria-label and <desc>)
	Width  float64
	Height float64 // 0: from the number of rows (band) or 240 (x–y)

	ValueLabel string               // value-axis caption, e.g. "NPV, USD"
	Format     func(float64) string // value tick labels; nil: compact number
	Min, Max   float64              // value-axis range to include besides the data (e.g. 0 and 1)
	Zero       bool                 // draw a stronger line at value 0

	Rows  []string // band chart rows
	Lanes int      // sub-bands per row (≥ 1)

	XTicks     []Tick // x–y chart: labelled x positions
	XMin, XMax float64

	Series []Series
	Bars   []Bar
	Marks  []Mark
	Lines  []Line
	Note   string // a line of small print under the chart
}

// chart layout constants, px.
const (
	chartTitleH  = 22.0
	chartLegendH = 18.0
	chartAxisH   = 34.0
	chartRowH    = 22.0
)

// f1 formats a coordinate with one decimal, never "-0.0".
func f1(x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// esc escapes text for an SVG text node or a quoted attribute.
func esc(s string) string { return html.EscapeString(s) }

// niceTicks returns about n evenly spaced round tick values (steps of 1, 2 or 5 × 10^k) covering
// [lo, hi]; the first and last ticks enclose the range.
func niceTicks(lo, hi float64, n int) []float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return []float64{0, 1}
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if lo == 0 {
			return []float64{0, 1}
		}
		d := math.Abs(lo) / 10
		lo, hi = lo-d, hi+d
	}
	if n < 2 {
		n = 2
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step+1e-9) * step
	var ticks []float64
	for v := start; v < hi+step*(1-1e-9); v += step {
		t := math.Round(v/step) * step
		if t == 0 {
			t = 0 // no negative zero
		}
		ticks = append(ticks, t)
		if len(ticks) > 50 {
			break
		}
	}
	if len(ticks) < 2 || ticks[len(ticks)-1] < hi-1e-12*math.Abs(hi) {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	return ticks
}

// compact formats a number with SI suffixes and up to 3 significant digits: 1.2k, -35M, 2.5G.
func compact(v float64) string {
	a := math.Abs(v)
	s := ""
	switch {
	case a >= 1e9:
		v, s = v/1e9, "G"
	case a >= 1e6:
		v, s = v/1e6, "M"
	case a >= 1e3:
		v, s = v/1e3, "k"
	}
	out := strconv.FormatFloat(v, 'g', 3, 64)
	if strings.Contains(out, "e") {
		out = strconv.FormatFloat(v, 'f', 0, 64)
	}
	if out == "-0" {
		out = "0"
	}
	return out + s
}

// usdShort formats USD compactly for axes: "$1.2bn", "−$35m", "$0" (also for less than half a
// dollar either way).
func usdShort(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "−", -v
	}
	switch {
	case v < 0.5: // below a dollar: solver noise in a national-scale appraisal
		return "$0"
	case v >= 1e9:
		return sign + "$" + strconv.FormatFloat(v/1e9, 'g', 3, 64) + "bn"
	case v >= 1e6:
		return sign + "$" + strconv.FormatFloat(v/1e6, 'g', 3, 64) + "m"
	case v >= 1e3:
		return sign + "$" + strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	default:
		return sign + "$" + strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// pctShort formats a probability as a whole percentage.
func pctShort(p float64) string { return strconv.FormatFloat(100*p, 'f', 0, 64) + "%" }

// valueRange returns the extent of every value in the chart together with Min and Max.
func (c *Chart) valueRange() (lo, hi float64) {
	lo, hi = c.Min, c.Max
	add := func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	for _, b := range c.Bars {
		add(b.From)
		add(b.To)
	}
	for _, m := range c.Marks {
		add(m.Value)
	}
	for _, l := range c.Lines {
		for _, p := range l.Points {
			add(p[1])
		}
	}
	return lo, hi
}

// Render returns the chart as an <svg> element.
func (c *Chart) Render() string {
	w := c.Width
	if w == 0 {
		w = 560
	}
	lanes := max(c.Lanes, 1)
	band := len(c.Rows) > 0
	h := c.Height
	if h == 0 {
		if band {
			h = chartTitleH + chartLegendH + chartAxisH + float64(len(c.Rows))*chartRowH*math.Max(1, float64(lanes)*0.6) + 8
		} else {
			h = 240
		}
	}
	if c.Note != "" {
		h += 14
	}
	format := c.Format
	if format == nil {
		format = compact
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="%s" role="img" aria-label="%s" viewBox="0 0 %s %s" width="%s" height="%s" font-family="system-ui, sans-serif" font-size="11">`,
		esc(c.ID), esc(c.Title+". "+c.Desc), f1(w), f1(h), f1(w), f1(h))
	fmt.Fprintf(&b, "<title>%s</title><desc>%s</desc>", esc(c.Title), esc(c.Desc))
	fmt.Fprintf(&b, `<text x="0" y="14" font-size="13" font-weight="600">%s</text>`, esc(c.Title))
	// legend
	lx := 0.0
	for _, s := range c.Series {
		if s.Name == "" {
			continue
		}
		y := chartTitleH + 9
		switch s.Shape {
		case ShapeDot:
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="%s"/>`, f1(lx+5), f1(y), s.Color)
		case ShapeTick:
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="2.5"/>`, f1(lx+5), f1(lx+5), f1(y-6), f1(y+6), s.Color)
		case ShapeLine:
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="2"/>`, f1(lx), f1(lx+12), f1(y), f1(y), s.Color)
		default:
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="10" fill="%s"/>`, f1(lx), f1(y-5), s.Color)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, f1(lx+16), f1(y+4), esc(s.Name))
		lx += 16 + textWidthPx(s.Name, 11) + 14
	}
	top := chartTitleH + chartLegendH + 4
	bottom := h - chartAxisH
	if c.Note != "" {
		bottom -= 14
	}
	left := 52.0
	if band {
		longest := 0.0
		for _, r := range c.Rows {
			longest = max(longest, textWidthPx(r, 11))
		}
		left = math.Min(w*0.45, 14+longest)
	}
	right := w - 28
	lo, hi := c.valueRange()
	ticks := niceTicks(lo, hi, 5)
	vlo, vhi := ticks[0], ticks[len(ticks)-1]
	if lo == 0 && hi == 0 { // nothing to scale (every value zero): one tick, at zero, centred
		ticks, vlo, vhi = []float64{0}, -1, 1
	}
	if band {
		sx := func(v float64) float64 { return left + (v-vlo)/(vhi-vlo)*(right-left) }
		rowH := (bottom - top) / float64(len(c.Rows))
		for _, t := range ticks {
			x := sx(t)
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#ddd"/>`, f1(x), f1(x), f1(top), f1(bottom))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, f1(x), f1(bottom+14), esc(format(t)))
		}
		if c.Zero && vlo < 0 && vhi > 0 {
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/>`, f1(sx(0)), f1(sx(0)), f1(top), f1(bottom))
		}
		for i, r := range c.Rows {
			y := top + (float64(i)+0.5)*rowH
			// a label too long for the margin is shortened, whole in its tooltip, never clipped
			if short := fitText(r, left-8, 11); short != r {
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end"><title>%s</title>%s</text>`, f1(left-6), f1(y+4), esc(r), esc(short))
			} else {
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, f1(left-6), f1(y+4), esc(r))
			}
		}
		laneY := func(row, lane int) (y0, y1 float64) {
			inner := rowH * 0.8
			lh := inner / float64(lanes)
			y0 = top + float64(row)*rowH + rowH*0.1 + float64(lane)*lh
			return y0, y0 + lh
		}
		for _, br := range c.Bars {
			y0, y1 := laneY(br.Row, br.Lane)
			x0, x1 := sx(math.Min(br.From, br.To)), sx(math.Max(br.From, br.To))
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
				f1(x0), f1(y0), f1(math.Max(x1-x0, 0.5)), f1(y1-y0-1), c.Series[br.Series].Color, esc(c.Rows[br.Row]+" "+c.Series[br.Series].Name), esc(format(br.From)+" to "+format(br.To)))
		}
		for _, m := range c.Marks {
			y0, y1 := laneY(m.Row, m.Lane)
			c.mark(&b, m, sx(m.Value), (y0+y1)/2, (y1-y0)/2, format, c.Rows[m.Row])
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#444">%s</text>`, f1((left+right)/2), f1(bottom+29), esc(c.ValueLabel))
	} else {
		xlo, xhi := c.XMin, c.XMax
		if xhi <= xlo {
			xhi = xlo + 1
		}
		sx := func(x float64) float64 { return left + 8 + (x-xlo)/(xhi-xlo)*(right-left-16) }
		sy := func(v float64) float64 { return bottom - (v-vlo)/(vhi-vlo)*(bottom-top) }
		for _, t := range ticks {
			y := sy(t)
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#ddd"/>`, f1(left), f1(right), f1(y), f1(y))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, f1(left-4), f1(y+4), esc(format(t)))
		}
		if c.Zero && vlo < 0 && vhi > 0 {
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/>`, f1(left), f1(right), f1(sy(0)), f1(sy(0)))
		}
		for _, t := range c.XTicks {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, f1(sx(t.At)), f1(bottom+17), esc(t.Label))
		}
		for _, l := range c.Lines {
			var pts []string
			for _, p := range l.Points {
				pts = append(pts, f1(sx(p[0]))+","+f1(sy(p[1])))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`, c.Series[l.Series].Color, strings.Join(pts, " "), esc(c.Series[l.Series].Name))
		}
		for _, m := range c.Marks {
			c.mark(&b, m, sx(m.X), sy(m.Value), 4, format, "")
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#444">%s</text>`, f1((left+right)/2), f1(bottom+29), esc(c.ValueLabel))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, `<text x="0" y="%s" font-size="10" fill="#555">%s</text>`, f1(h-4), esc(c.Note))
	}
	b.WriteString("</svg>")
	return b.String()
}

// mark draws one dot or tick centred at (x, y) with half-height r.
func (c *Chart) mark(b *strings.Builder, m Mark, x, y, r float64, format func(float64) string, row string) {
	s := c.Series[m.Series]
	label := strings.TrimSpace(row + " " + s.Name + ": " + format(m.Value))
	if s.Shape == ShapeTick {
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="2.5"><title>%s</title></line>`, f1(x), f1(x), f1(y-r), f1(y+r), s.Color, esc(label))
		return
	}
	fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="#fff" stroke-width="0.8"><title>%s</title></circle>`, f1(x), f1(y), f1(math.Min(math.Max(r*0.55, 3), 4.5)), s.Color, esc(label))
}

// textWidthPx estimates the width in pixels of s set in a proportional sans-serif face at size
// px, from the usual widths of its letter classes (in em: narrow letters and punctuation 0.28,
// digits and most lower case 0.55, upper case 0.67, M W m w @ 0.85). It errs wide, so that a
// label sized by it fits; it is not a font metric.
func textWidthPx(s string, size float64) float64 {
	em := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtfI.,:;'|!()[] ", r):
			em += 0.3
		case strings.ContainsRune("MWmw@%", r):
			em += 0.85
		case r >= 'A' && r <= 'Z':
			em += 0.68
		default:
			em += 0.56
		}
	}
	return em * size
}

// fitText returns s, or its longest prefix that with "…" fits in width px at size px.
func fitText(s string, width, size float64) string {
	if textWidthPx(s, size) <= width {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		if t := strings.TrimRight(string(rs[:n]), " ") + "…"; textWidthPx(t, size) <= width {
			return t
		}
	}
	return "…"
}
