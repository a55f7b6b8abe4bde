NAME golden
OBJSENSE
    MAX
ROWS
 N  OBJ
 L  cap
 G  demand
 E  bal
 L  band
 L  R4
COLUMNS
    x  OBJ  3
    x  cap  1
    x  demand  2
    x  band  1
    y  OBJ  -1
    y  cap  1
    y  bal  1
    z  OBJ  0.1
    z  cap  1
    z  bal  -1
    z  R4  0.5
    w  demand  -1
    MARKER  'MARKER'  'INTORG'
    b  OBJ  5
    b  bal  1
    b  R4  1
    n  OBJ  1
    n  band  1
    MARKER  'MARKER'  'INTEND'
    C6  band  0.001
RHS
    RHS  OBJ  2.5
    RHS  cap  10
    RHS  demand  1
    RHS  band  8
    RHS  R4  3
RANGES
    RNG  band  10
BOUNDS
 LO BND  y  -1
 UP BND  y  4
 FR BND  z
 FX BND  w  2
 UP BND  b  1
 LO BND  n  -3
 MI BND  C6
 UP BND  C6  7
ENDATA
