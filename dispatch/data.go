package dispatch

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/corridor-dev/corridor/pipeline"
)

// job is one chunk of a run as published: everything a worker needs besides the data set,
// which it fetches from the data bucket by name.
type job struct {
	Run       string        `json:"run"`
	Lo        int           `json:"lo"`
	Hi        int           `json:"hi"`
	Version   string        `json:"version"` // pipeline.Version of the coordinator
	Spec      pipeline.Spec `json:"spec"`
	InputHash string        `json:"input_hash"`
	Data      string        `json:"data"` // object name in DataBucket
}

// zipData packs every file of fsys into a zip archive in path order (no times, so the same files
// give the same bytes) and returns it with its object name: "data-" and its SHA-256.
func zipData(fsys fs.FS) ([]byte, string, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := pipeline.EachFile(fsys, func(p string, b []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, "", fmt.Errorf("dispatch: pack the data set: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), "data-" + hex.EncodeToString(sum[:]), nil
}

// unzipData opens an archive written by zipData as a file system.
func unzipData(b []byte) (fs.FS, error) {
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("dispatch: unpack the data set: %w", err)
	}
	return r, nil
}
