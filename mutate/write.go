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
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// WriteFile replaces the file at path with data, atomically: data goes to a
// temporary file in the same directory, which is then renamed over the
// target, so readers see the old or the new content and never a mix, and
// on any error the original is intact. A symbolic link is written through
// to its target (the link stays a link). The file's owner, group and mode
// (setuid, setgid and sticky bits too) are kept. old is what was read: if
// the file changed since, nothing is written. The check and the rename
// hold an advisory lock on the file (flock, on Unix), so that of two
// salint runs fixing one file, the second sees the first's change instead
// of overwriting it.
func WriteFile(path string, old, data []byte) error {
	return disk{}.writeFile(path, old, data)
}

// writeFile is WriteFile on d.
func (d disk) writeFile(path string, old, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	unlock, err := lockFile(target)
	if err != nil {
		return err
	}
	defer unlock()
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	current, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(current, old) {
		return errors.New("the file changed while salint was fixing it (another program wrote it); not written")
	}
	return d.replaceFile(target, data, info)
}

// replaceFile writes data to a temporary file beside target, with the
// owner, group and mode of info (target's), and renames it over target.
func (d disk) replaceFile(target string, data []byte, info fs.FileInfo) error {
	tmp, err := d.createBeside(target)
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		discard(tmp)
		return err
	}
	return d.finish(tmp, target, info)
}

// createBeside creates the temporary file that will replace target, in
// its directory (a rename across file systems is not atomic), hidden and
// named so that no directory walk reads it as a manifest.
func (d disk) createBeside(target string) (tempFile, error) {
	dir, base := filepath.Split(target)
	pattern := "." + base + ".salint-*"
	if d.createTemp != nil {
		return d.createTemp(dir, pattern)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err // not a non-nil interface holding a nil *os.File
	}
	return f, nil
}

// discard closes and removes a temporary file that will not be renamed.
func discard(tmp tempFile) {
	_ = tmp.Close()
	_ = os.Remove(tmp.Name())
}

// finish gives tmp the owner, group and mode of info (0644 when nil: a new
// file), makes it durable and renames it over target; on any error tmp is
// removed and target is as it was.
func (d disk) finish(tmp tempFile, target string, info fs.FileInfo) error {
	fail := func(err error) error {
		discard(tmp)
		return err
	}
	mode := fs.FileMode(0o644)
	if info != nil {
		// The owner first: changing it clears the setuid and setgid bits.
		if err := keepOwner(tmp, info); err != nil {
			return fail(err)
		}
		mode = info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	rename := os.Rename
	if d.rename != nil {
		rename = d.rename
	}
	if err := rename(tmp.Name(), target); err != nil {
		_ = os.Remove(tmp.Name())
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
	Chown(uid, gid int) error
	Sync() error
	Close() error
	Name() string
}

// disk is how a write creates its temporary file and renames it into
// place: os.CreateTemp and os.Rename, unless set. The data-safety tests
// (write_test.go) set them to fail as a full disk, a read-only directory
// when tests run as root, or a crash before the rename would.
type disk struct {
	createTemp func(dir, pattern string) (tempFile, error)
	rename     func(oldpath, newpath string) error
}

// Diff returns the unified diff of a change, nil when nothing changed.
// Relative paths get git's "a/" and "b/" prefixes, so `git apply` and
// `patch -p1` take the diff as it is. Diffs end up in CI logs, and secret
// values never reach salint's output: the value lines of Secrets
// (secretValueLines) are left out of the context, the hunks split around
// them so that the diff still applies; a changed value line is shown as
// RedactedLine (no fix changes one).
func Diff(c Change) []byte {
	name := filepath.ToSlash(c.Path)
	var d []byte
	if filepath.IsAbs(c.Path) || c.Path == "-" {
		d = diff.Diff(name, c.Old, name, c.New)
	} else {
		d = diff.Diff("a/"+name, c.Old, "b/"+name, c.New)
	}
	return redactSecrets(d, secretValueLines(c.Old), secretValueLines(c.New))
}

// RedactedLine stands in a diff for a changed value line of a Secret.
const RedactedLine = "<line of a Secret: not shown>"

// secretValueLines returns the 1-based lines of data that may show a
// Secret's value, decided from the parsed kind: for each Secret (a
// document, or an item of a List) the lines of its data and stringData,
// of its kubectl.kubernetes.io/last-applied-configuration annotation
// (which holds them all) and of anchored values (an alias in data may
// name them). A document that does not parse but may be a Secret (the
// word appears in it) is all value lines.
func secretValueLines(data []byte) map[int]bool {
	src := model.NewSource("", data)
	lines := map[int]bool{}
	mark := func(from, to int) {
		for l := from; l <= to; l++ {
			lines[l] = true
		}
	}
	for _, d := range src.Documents() {
		last := d.Line + bytes.Count(data[d.Start:d.End], []byte{'\n'})
		if d.End > d.Start && data[d.End-1] == '\n' {
			last-- // the line after the final newline is not the document's
		}
		var doc yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(data[d.Start:d.End])).Decode(&doc)
		if err != nil && !errors.Is(err, io.EOF) {
			if bytes.Contains(data[d.Start:d.End], []byte(model.KindSecret)) {
				mark(d.Line, last)
			}
			continue
		}
		if len(doc.Content) != 1 {
			continue
		}
		// Lines of the chunk are file lines from d.Line on.
		at := func(n *yaml.Node) int { return d.Line + n.Line - 1 }
		var secret func(obj *yaml.Node, end int)
		secret = func(obj *yaml.Node, end int) {
			switch model.Get(obj, "kind").String() {
			case model.KindSecret:
				for _, f := range []string{"data", "stringData"} {
					if k := model.Get(obj, f).Key; k != nil {
						mark(at(k), fieldEnd(obj, k, end, at))
					}
				}
				annotations := model.Get(model.Get(obj, "metadata").Value, "annotations").Value
				if k := model.Get(annotations, lastApplied).Key; k != nil {
					mark(at(k), fieldEnd(annotations, k, fieldEnd(obj, model.Get(obj, "metadata").Key, end, at), at))
				}
				walkAnchors(obj, func(n *yaml.Node) { mark(at(n), at(n)) })
			default:
				items := model.Get(obj, "items").Value
				if items == nil || items.Kind != yaml.SequenceNode {
					return
				}
				itemsEnd := fieldEnd(obj, model.Get(obj, "items").Key, end, at)
				for i, item := range items.Content {
					itemEnd := itemsEnd
					if i+1 < len(items.Content) {
						itemEnd = max(at(item), at(items.Content[i+1])-1)
					}
					secret(item, itemEnd)
				}
			}
		}
		secret(doc.Content[0], last)
	}
	return lines
}

// lastApplied is the annotation kubectl apply keeps the whole object in.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// fieldEnd is the last line of the field whose key is k in mapping m,
// which ends on line end: the line before the next key's (its own when
// that shares it), or end for the last field.
func fieldEnd(m, k *yaml.Node, end int, at func(*yaml.Node) int) int {
	if m == nil || k == nil {
		return end
	}
	for i := 0; i+2 < len(m.Content); i += 2 {
		if m.Content[i] == k {
			return max(at(k), at(m.Content[i+2])-1)
		}
	}
	return end
}

// walkAnchors calls f for each node under n that carries an anchor.
func walkAnchors(n *yaml.Node, f func(*yaml.Node)) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		if n.Anchor != "" {
			f(n)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
}

// diffLine is one line of a hunk with the lines it stands at.
type diffLine struct {
	text             []byte // with its leading ' ', '-', '+' or '\\'
	oldLine, newLine int    // the line of the old (new) text it is at or before
}

// redactSecrets rewrites the hunks of a unified diff so that no Secret
// value line shows: context lines that are one are left out, the hunk
// split there (a part with no change left is dropped, the headers are
// recomputed, so `git apply` takes the result); removed and added lines
// that are one are replaced by RedactedLine.
func redactSecrets(d []byte, oldSecret, newSecret map[int]bool) []byte {
	if len(oldSecret) == 0 && len(newSecret) == 0 {
		return d
	}
	var out bytes.Buffer
	var hunk []diffLine
	flush := func() {
		writeHunk(&out, hunk)
		hunk = hunk[:0]
	}
	oldLine, newLine := 0, 0
	inHunk := false
	for _, line := range bytes.SplitAfter(d, []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("@@ ")) {
			flush()
			oldLine, newLine = hunkStarts(line)
			inHunk = true
			continue
		}
		if !inHunk {
			out.Write(line)
			continue
		}
		l := diffLine{text: line, oldLine: oldLine, newLine: newLine}
		switch line[0] {
		case '\\': // "\ No newline at end of file", about the line before
			if len(hunk) == 0 {
				continue // that line was left out
			}
		case ' ':
			oldLine++
			newLine++
			if oldSecret[l.oldLine] || newSecret[l.newLine] {
				flush()
				continue
			}
		case '-':
			oldLine++
			if oldSecret[l.oldLine] {
				l.text = []byte("-" + RedactedLine + "\n")
			}
		case '+':
			newLine++
			if newSecret[l.newLine] {
				l.text = []byte("+" + RedactedLine + "\n")
			}
		}
		hunk = append(hunk, l)
	}
	flush()
	return out.Bytes()
}

// writeHunk writes lines as one hunk with its header, nothing when no line
// is a change. Leading and trailing context stays as it is.
func writeHunk(out *bytes.Buffer, lines []diffLine) {
	changes := false
	oldCount, newCount := 0, 0
	for _, l := range lines {
		switch l.text[0] {
		case ' ':
			oldCount++
			newCount++
		case '-':
			oldCount++
			changes = true
		case '+':
			newCount++
			changes = true
		}
	}
	if !changes {
		return
	}
	// A range of no lines names the line before it (as diff does).
	oldStart, newStart := lines[0].oldLine, lines[0].newLine
	if oldCount == 0 {
		oldStart--
	}
	if newCount == 0 {
		newStart--
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
	for _, l := range lines {
		out.Write(l.text)
	}
}

// hunkRange writes a hunk header's range ("18,9"; a one-line range omits
// its count).
func hunkRange(start, count int) string {
	if count == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(count)
}

// hunkStarts reads the start lines of a hunk header ("@@ -18,9 +18,10 @@";
// a one-line range omits its count). A range of no lines names the line
// before it: the next line is the one after.
func hunkStarts(header []byte) (oldStart, newStart int) {
	for _, f := range strings.Fields(string(header)) {
		n, count, _ := strings.Cut(f[min(1, len(f)):], ",")
		start, _ := strconv.Atoi(n)
		if count == "0" {
			start++
		}
		switch {
		case strings.HasPrefix(f, "-"):
			oldStart = start
		case strings.HasPrefix(f, "+"):
			newStart = start
		}
	}
	return oldStart, newStart
}
