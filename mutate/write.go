package mutate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/salint/salint/rules/model"
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
// `patch -p1` take the diff as it is — except for a hunk that shows a line
// of a Secret (see model.Source.SecretDocuments): such lines are replaced
// by RedactedLine, because diffs end up in CI logs and secret values never
// reach salint's output.
func Diff(c Change) []byte {
	name := filepath.ToSlash(c.Path)
	var d []byte
	if filepath.IsAbs(c.Path) || c.Path == "-" {
		d = diff.Diff(name, c.Old, name, c.New)
	} else {
		d = diff.Diff("a/"+name, c.Old, "b/"+name, c.New)
	}
	return redactSecrets(d, secretLines(c.Old), secretLines(c.New))
}

// RedactedLine stands in a diff for a line of a Secret document.
const RedactedLine = "<line of a Secret: not shown>"

// secretLines returns the 1-based lines of data that belong to documents
// that may hold Secret values.
func secretLines(data []byte) map[int]bool {
	src := &model.Source{Data: data}
	var lines map[int]bool
	for _, d := range src.SecretDocuments() {
		if lines == nil {
			lines = map[int]bool{}
		}
		end := d.Line + bytes.Count(data[d.Start:d.End], []byte{'\n'})
		if d.End > d.Start && data[d.End-1] != '\n' {
			end++ // a last line without a newline
		}
		for l := d.Line; l < end; l++ {
			lines[l] = true
		}
	}
	return lines
}

// redactSecrets replaces the secret lines of a unified diff: context and
// removed lines by their line in the old text, added lines by the new.
func redactSecrets(d []byte, oldSecret, newSecret map[int]bool) []byte {
	if len(oldSecret) == 0 && len(newSecret) == 0 {
		return d
	}
	var out bytes.Buffer
	oldLine, newLine := 0, 0
	inHunk := false
	for _, line := range bytes.SplitAfter(d, []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("@@ ")) {
			oldLine, newLine = hunkStarts(line)
			inHunk = true
			out.Write(line)
			continue
		}
		if !inHunk {
			out.Write(line)
			continue
		}
		secret := false
		switch line[0] {
		case ' ':
			secret = oldSecret[oldLine]
			oldLine++
			newLine++
		case '-':
			secret = oldSecret[oldLine]
			oldLine++
		case '+':
			secret = newSecret[newLine]
			newLine++
		}
		if secret {
			out.WriteByte(line[0])
			out.WriteString(RedactedLine + "\n")
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// hunkStarts reads the start lines of a hunk header ("@@ -18,9 +18,10 @@";
// a one-line range omits its count).
func hunkStarts(header []byte) (oldStart, newStart int) {
	for _, f := range strings.Fields(string(header)) {
		n, _, _ := strings.Cut(f[min(1, len(f)):], ",")
		switch {
		case strings.HasPrefix(f, "-"):
			oldStart, _ = strconv.Atoi(n)
		case strings.HasPrefix(f, "+"):
			newStart, _ = strconv.Atoi(n)
		}
	}
	return oldStart, newStart
}
