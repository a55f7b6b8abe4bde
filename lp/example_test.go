package lp_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"github.com/corridor-dev/corridor/lp"
)

// ExampleReadMPS reads a small free-format MPS model with a range row, an objective constant
// (the RHS of the objective row, negated) and a bound.
func ExampleReadMPS() {
	const mps = `NAME          EXAMPLE
ROWS
 N  COST
 L  LIM1
 G  LIM2
COLUMNS
    X1        COST         1.0   LIM1         1.0
    X1        LIM2         1.0
    X2        COST         2.0   LIM1         1.0
RHS
    RHS       COST        -5.0
    RHS       LIM1         4.0   LIM2         1.0
RANGES
    RNG       LIM1         2.5
BOUNDS
 UP BND       X2           3.0
ENDATA
`
	m, err := lp.ReadMPS(strings.NewReader(mps), "example.mps")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d rows, %d columns, %d nonzeros, offset %g\n", m.Name, len(m.Rows), len(m.Vars), m.NonZeros(), m.Offset)
	for _, r := range m.Rows {
		fmt.Printf("%g <= %s <= %g\n", r.Lower, r.Name, r.Upper)
	}
	fmt.Printf("%s in [%g, %g]\n", m.Vars[1].Name, m.Vars[1].Lower, m.Vars[1].Upper)

	_, err = lp.ReadMPS(strings.NewReader("NAME\nROWS\n N COST\nCOLUMNS\n X1 R09 1\nENDATA\n"), "bad.mps")
	fmt.Println(err)
	// Output:
	// EXAMPLE: 2 rows, 2 columns, 3 nonzeros, offset 5
	// 1.5 <= LIM1 <= 4
	// 1 <= LIM2 <= +Inf
	// X2 in [0, 3]
	// bad.mps:5: COLUMNS: unknown row "R09"
}

// ExampleModel builds the Wyndor Glass LP of Hillier and Lieberman (maximise 3x + 5y subject to
// x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18) and writes it in LP format; an lp.Engine would solve it.
func ExampleModel() {
	m := &lp.Model{Name: "wyndor", Sense: lp.Maximize}
	x := m.AddVar(lp.Var{Name: "x", Upper: math.Inf(1), Cost: 3})
	y := m.AddVar(lp.Var{Name: "y", Upper: math.Inf(1), Cost: 5})
	m.AddRow(lp.Row{Name: "plant1", Index: []int{x}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 4})
	m.AddRow(lp.Row{Name: "plant2", Index: []int{y}, Coef: []float64{2}, Lower: math.Inf(-1), Upper: 12})
	m.AddRow(lp.Row{Name: "plant3", Index: []int{x, y}, Coef: []float64{3, 2}, Lower: math.Inf(-1), Upper: 18})
	if err := m.Check(); err != nil {
		log.Fatal(err)
	}
	if err := lp.WriteLP(os.Stdout, m); err != nil {
		log.Fatal(err)
	}
	// Output:
	// \ Problem: wyndor
	// Maximize
	//  obj: 3 x + 5 y
	// Subject To
	//  plant1: 1 x <= 4
	//  plant2: 2 y <= 12
	//  plant3: 3 x + 2 y <= 18
	// End
}

// ExampleWriteMPS writes a one-row model as free MPS.
func ExampleWriteMPS() {
	m := &lp.Model{Name: "tiny", Offset: 1}
	m.AddVar(lp.Var{Name: "x", Lower: -1, Upper: 2, Cost: 1, Integer: true})
	m.AddRow(lp.Row{Name: "r", Index: []int{0}, Coef: []float64{2}, Lower: 0, Upper: 3})
	if err := lp.WriteMPS(os.Stdout, m); err != nil {
		log.Fatal(err)
	}
	// Output:
	// NAME tiny
	// ROWS
	//  N  OBJ
	//  L  r
	// COLUMNS
	//     MARKER  'MARKER'  'INTORG'
	//     x  OBJ  1
	//     x  r  2
	//     MARKER  'MARKER'  'INTEND'
	// RHS
	//     RHS  OBJ  -1
	//     RHS  r  3
	// RANGES
	//     RNG  r  3
	// BOUNDS
	//  LO BND  x  -1
	//  UP BND  x  2
	// ENDATA
}
