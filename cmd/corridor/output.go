package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// outputs writes the files a command produces (--out, --csv, --json, --geojson, --mps,
// --samples, --html, data export and data init): every file through a temporary file in its
// folder, flushed to disk and renamed into place, the folder flushed after the renames; a set of
// files all or nothing; errors naming the file the user asked for, never a temporary one.
//
// An output path that is a symbolic link is refused, naming where it points, unless force is set:
// then the file (or folder) the link points to is written, replaced as a whole, and the link is
// kept. Without the check a link planted at an output path would be replaced by a file, and
// with a naive write the file it points to would be overwritten in place.
type outputs struct {
	force bool
}

// forceUsage is the help text of the --force flag of the commands that write files.
const forceUsage = "write output files and folders through symbolic links (refused by default)"

// check fails, before any work, when an output file's folder does not exist or an output file or
// folder is a symbolic link (without force). "" and "-" (standard output) are skipped. A folder
// of outputs need not exist: it is created.
func (o outputs) check(files, dirs []string) error {
	for _, f := range files {
		if f == "" || f == "-" {
			continue
		}
		dir := filepath.Dir(f)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageError{fmt.Errorf("cannot write %s: there is no folder %s", f, dir)}
		}
		if _, err := o.target(f); err != nil {
			return usageError{err}
		}
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := o.target(d); err != nil {
			return usageError{err}
		}
	}
	return nil
}

// target returns the path to write for path: path itself, or, when path is a symbolic link and
// force is set, the path it points to (resolved through every link). Without force a link is an
// error naming it and where it points.
func (o outputs) target(path string) (string, error) {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return path, nil // not there yet, or not a link
	}
	to, err := os.Readlink(path)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if !o.force {
		return "", fmt.Errorf("cannot write %s: it is a symbolic link to %s (give --force to write there)", path, to)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real, nil
	}
	// a link to a file not there yet: write where it points
	if !filepath.IsAbs(to) {
		to = filepath.Join(filepath.Dir(path), to)
	}
	return to, nil
}

// file writes what write produces to path, all or nothing. Errors name path.
func (o outputs) file(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// the folder holding an output file is the user's to choose, a link or not (/tmp is one on
	// some systems): only the file's own path is checked
	return o.set(filepath.Dir(path), map[string][]byte{filepath.Base(path): buf.Bytes()}, false)
}

// files writes a set of files into dir (created if needed; names may hold folders of dir that
// exist) all or nothing: each goes to a temporary file flushed to disk first, and only when every
// one is written are they renamed into place. Errors name the file. dir is an output path too: a
// link there is refused without force.
func (o outputs) files(dir string, files map[string][]byte) error { return o.set(dir, files, true) }

// set is files, with the link check on dir only when it is itself an output.
func (o outputs) set(dir string, files map[string][]byte, dirIsOutput bool) (err error) {
	if dirIsOutput {
		if dir, err = o.target(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := slices.Sorted(maps.Keys(files))
	paths := make([]string, len(names))
	for i, name := range names {
		p := filepath.Join(dir, name)
		if paths[i], err = o.target(p); err != nil {
			return err
		}
	}
	temps := make([]string, 0, len(names))
	defer func() {
		for _, t := range temps {
			os.Remove(t) // gone already when renamed
		}
	}()
	for i, name := range names {
		t, err := writeTemp(filepath.Join(dir, name), paths[i], files[name])
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}
	folders := map[string]bool{}
	for i, name := range names {
		if err := os.Rename(temps[i], paths[i]); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
		folders[filepath.Dir(paths[i])] = true
	}
	for f := range folders {
		if err := syncDir(f); err != nil {
			return fmt.Errorf("write %s: flush the folder: %w", f, err)
		}
	}
	return nil
}

// writeTemp writes data to a new temporary file beside path, flushed to disk and readable by
// all (0644), and returns its name. Errors name shown, the path the user gave.
func writeTemp(shown, path string, data []byte) (name string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", shown, err)
		}
	}()
	f, err := os.CreateTemp(filepath.Dir(path), ".corridor-*")
	if pe := new(fs.PathError); errors.As(err, &pe) {
		return "", pe.Err // the temporary file's name means nothing to the user
	} else if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // CreateTemp makes it 0600
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncDir flushes a folder's entries (the renames into it) to disk. File systems that cannot
// sync a folder (some network and Windows ones) are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
