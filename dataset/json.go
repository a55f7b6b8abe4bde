package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// jval is a parsed JSON value that remembers the byte offset where it starts, so that errors
// can name a line and column.
type jval struct {
	off  int
	kind byte   // '{' object, '[' array, 's' string, 'n' number, 'b' bool, '0' null
	text string // string value, or number as written
	b    bool
	obj  []jmember
	arr  []*jval
}

type jmember struct {
	key string
	off int
	val *jval
}

// get returns the member called key, or nil.
func (v *jval) get(key string) *jval {
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// jsonError is a JSON syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// maxJSONDepth bounds nesting; GeoJSON needs four levels.
const maxJSONDepth = 64

type jparser struct {
	data []byte
	dec  *json.Decoder
}

// parseJSON parses one JSON value with offsets.
func parseJSON(data []byte) (*jval, error) {
	p := &jparser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	off := p.start()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &jsonError{off, "unexpected data after the top-level value"}
	}
	return v, nil
}

// start returns the offset of the next token, skipping white space and separators.
func (p *jparser) start() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jparser) fail(off int, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &jsonError{int(se.Offset), se.Error()}
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonError{len(p.data), "unexpected end of JSON input"}
	}
	return &jsonError{off, err.Error()}
}

func (p *jparser) value(depth int) (*jval, error) {
	off := p.start()
	if depth > maxJSONDepth {
		return nil, &jsonError{off, "JSON nested too deeply"}
	}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(off, err)
	}
	v := &jval{off: off}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v.kind = '{'
			for p.dec.More() {
				koff := p.start()
				kt, err := p.dec.Token()
				if err != nil {
					return nil, p.fail(koff, err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, &jsonError{koff, "expected a property name"}
				}
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, jmember{key, koff, val})
			}
		case '[':
			v.kind = '['
			for p.dec.More() {
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, val)
			}
		default:
			return nil, &jsonError{off, "unexpected " + t.String()}
		}
		eoff := p.start()
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, p.fail(eoff, err)
		}
	case string:
		v.kind, v.text = 's', t
	case json.Number:
		v.kind, v.text = 'n', string(t)
	case bool:
		v.kind, v.b = 'b', t
	case nil:
		v.kind = '0'
	}
	return v, nil
}

// lineCol converts a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
