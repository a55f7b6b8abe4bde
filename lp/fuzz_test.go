package lp

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadMPS checks that ReadMPS never panics, that every error it returns starts with
// "name:line:", and that a model it reads survives WriteMPS and ReadMPS unchanged (names as the
// writer gives them). Seeds: the netlib subset in testdata and a few hand-written files.
func FuzzReadMPS(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(netlibDir, "*.mps.gz"))
	for _, name := range files {
		if data, err := readGzBytes(name); err == nil && len(data) < 8<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"NAME\nOBJSENSE MAX\nROWS\n N o\n E e\nCOLUMNS\n    M 'MARKER' 'INTORG'\n x o 1 e 1\n    M 'MARKER' 'INTEND'\nRHS\n r o 2 e 3\nRANGES\n r e -1\nBOUNDS\n UP b x -1\n BV b x\nENDATA\n",
		"NAME          FIX\nROWS\n N  COST\n G  ROW 1\nCOLUMNS\n    COL A     COST             1.   ROW 1             2.\nENDATA\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMPS(bytes.NewReader(data), "fuzz.mps")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.mps:") {
				t.Fatalf("error lacks the file prefix: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteMPS(&buf, m); err != nil {
			t.Fatalf("WriteMPS(ReadMPS(data)) = %v", err)
		}
		out := buf.String()
		m2, err := ReadMPS(&buf, "fuzz2.mps")
		if err != nil {
			t.Fatalf("ReadMPS(WriteMPS(m)) = %v\n%s", err, out)
		}
		if want := withWrittenNames(m); !reflect.DeepEqual(m2, want) {
			t.Fatalf("read(write(m)) =\n%+v\nwant\n%+v\nMPS:\n%s", m2, want, out)
		}
	})
}

func readGzBytes(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}
