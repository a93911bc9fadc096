package mutate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// WriteFile replaces the file at path with data, atomically: data goes to a
// temporary file in the same directory, which is then renamed over the
// target, so readers see the old or the new content and never a mix, and
// on any error the original is intact. A symbolic link is written through
// to its target (the link stays a link). The file's permission bits are
// kept. old is what was read: if the file changed since, nothing is written.
func WriteFile(path string, old, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	current, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(current, old) {
		return errors.New("the file changed while salint was fixing it; not written")
	}
	dir, base := filepath.Split(target)
	tmp, err := createTemp(dir, "."+base+".salint-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := rename(name, target); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("replacing the file: %w", err)
	}
	return nil
}

// tempFile is what WriteFile needs of its temporary file: an interface so
// that tests can make a write fail (a full disk) as no real file system
// in a test will.
type tempFile interface {
	io.Writer
	Chmod(fs.FileMode) error
	Sync() error
	Close() error
	Name() string
}

// Seams for the data-safety tests (write_test.go): a full disk, a read-only
// directory when tests run as root, and a crash before the rename.
var (
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	rename = os.Rename
)

// Diff returns the unified diff of a change, nil when nothing changed.
// Relative paths get git's "a/" and "b/" prefixes, so `git apply` and
// `patch -p1` take the diff as it is.
func Diff(c Change) []byte {
	name := filepath.ToSlash(c.Path)
	if filepath.IsAbs(c.Path) || c.Path == "-" {
		return diff.Diff(name, c.Old, name, c.New)
	}
	return diff.Diff("a/"+name, c.Old, "b/"+name, c.New)
}
