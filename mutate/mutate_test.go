package mutate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

func finding(edits ...rules.TextEdit) rules.Finding {
	return rules.Finding{Rule: "r", Fix: &rules.SuggestedFix{Message: "m", Edits: edits}}
}

func TestSelect_DefersOverlappingFixesAndMergesIdenticalEdits(t *testing.T) {
	a := model.NewSource("a", []byte("0123456789"))
	b := model.NewSource("b", []byte("0123456789"))
	fs := []rules.Finding{
		finding(rules.TextEdit{Source: a, Start: 2, End: 4, New: "x"}),
		finding(rules.TextEdit{Source: a, Start: 3, End: 5, New: "y"}),      // overlaps the first
		finding(rules.TextEdit{Source: a, Start: 10, End: 10, New: "doc"}),  // insertion
		finding(rules.TextEdit{Source: a, Start: 10, End: 10, New: "doc"}),  // same insertion: merged
		finding(rules.TextEdit{Source: a, Start: 10, End: 10, New: "doc2"}), // another insertion there: next round
		finding(rules.TextEdit{Source: b, Start: 3, End: 5, New: "y"}),      // other file
		finding(rules.TextEdit{Source: a, Start: 4, End: 4, New: "z"}),      // touches the first's end: fine
	}
	chosen, edits := Select(fs)
	if len(chosen) != 5 {
		t.Fatalf("chose %d fixes, want 5", len(chosen))
	}
	got, err := Apply(a.Bytes(), edits[a])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "01xz456789doc" {
		t.Fatalf("a = %q", got)
	}
	if got, _ := Apply(b.Bytes(), edits[b]); string(got) != "012y56789" {
		t.Fatalf("b = %q", got)
	}
}

func TestApply_RejectsOverlap(t *testing.T) {
	src := model.NewSource("", []byte("abcdef"))
	_, err := Apply(src.Bytes(), []rules.TextEdit{{Source: src, Start: 1, End: 3}, {Source: src, Start: 2, End: 4}})
	if !errors.Is(err, ErrOverlap) {
		t.Fatalf("err = %v, want ErrOverlap", err)
	}
}

func TestWriteFile_KeepsModeAndWritesThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.yaml")
	if err := os.WriteFile(target, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteFile(link, []byte("old\n"), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	data, _ := os.ReadFile(target)
	fi, _ := os.Stat(target)
	if string(data) != "new\n" || fi.Mode().Perm() != 0o640 {
		t.Fatalf("target = %q mode %v", data, fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteFile_RefusesAFileChangedSinceRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(p, []byte("edited by someone else\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("what salint read\n"), []byte("fixed\n")); err == nil {
		t.Fatal("want an error")
	}
	if data, _ := os.ReadFile(p); string(data) != "edited by someone else\n" {
		t.Fatalf("file changed: %q", data)
	}
}

func TestWriteFile_OriginalIntactWhenDirectoryIsReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chmod(dir, 0o755) }()
	if err := WriteFile(p, []byte("old\n"), []byte("new\n")); err == nil {
		t.Fatal("want an error")
	}
	if data, _ := os.ReadFile(p); string(data) != "old\n" {
		t.Fatalf("file changed: %q", data)
	}
}

func TestDiff_PrefixesRelativePaths(t *testing.T) {
	d := string(Diff(Change{Path: "k/x.yaml", Old: []byte("a\nb\n"), New: []byte("a\nc\n")}))
	want := "diff a/k/x.yaml b/k/x.yaml\n--- a/k/x.yaml\n+++ b/k/x.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	if d != want {
		t.Fatalf("got:\n%s\nwant:\n%s", d, want)
	}
}

// TestFix_DropsOnlyTheFixThatBreaksAFile: a fix that would make a file
// invalid, change a value it does not edit, or edit a file outside the
// input or outside what may be edited (--root) is dropped with its reason; the other fixes of the run are applied
// (issue 15: one unsafe fix aborted every fix of the run).
func TestFix_DropsOnlyTheFixThatBreaksAFile(t *testing.T) {
	const badFile = "kind: Pod\nspec:\n  imagePullSecrets:\n  - name: \"oth\\\n  er\"\n"
	inString := len("kind: Pod\nspec:\n  imagePullSecrets:\n  - name: \"oth\\\n")
	cases := []struct {
		name     string
		edit     func(bad *model.Source) rules.TextEdit
		reason   string
		editable func(path string) bool
	}{
		{"ChangesAValueItDoesNotEdit", func(bad *model.Source) rules.TextEdit {
			return rules.TextEdit{Source: bad, Start: inString, End: inString, New: "  - name: regcred\n"}
		}, `it would change bad.yaml, document 1: spec.imagePullSecrets[0].name, which it does not edit`, nil},
		{"MakesTheFileInvalid", func(bad *model.Source) rules.TextEdit {
			return rules.TextEdit{Source: bad, Start: len(badFile), End: len(badFile), New: "  - {name: x\n"}
		}, "it would make bad.yaml invalid", nil},
		{"EditsAFileOutsideTheInput", func(*model.Source) rules.TextEdit {
			return rules.TextEdit{Source: model.NewSource("other.yaml", []byte("a: 1\n")), Start: 0, End: 0, New: "b: 2\n"}
		}, "it edits other.yaml, which is not part of the input", nil},
		{"EditsAFileOutsideWhatMayBeEdited", func(bad *model.Source) rules.TextEdit {
			return rules.TextEdit{Source: bad, Start: 0, End: 0, New: "# x\n"}
		}, "it edits bad.yaml, which is not one of the files to fix", func(path string) bool { return path == "good.yaml" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := model.Read(model.NewSource("bad.yaml", []byte(badFile)))
			good := model.Read(model.NewSource("good.yaml", []byte("kind: Pod\nspec: {}\n")))
			rounds := 0
			check := func(fs []*model.File) []rules.Finding {
				rounds++
				// The breaking fix is found every round, as a rule
				// would: it must be tried once, not until MaxRounds.
				out := []rules.Finding{finding(c.edit(fs[0].Source))}
				if g := fs[1].Source; !strings.Contains(string(g.Bytes()), "fixed") {
					out = append(out, finding(rules.TextEdit{Source: g, Start: len(g.Bytes()), End: len(g.Bytes()), New: "fixed: true\n"}))
				}
				return out
			}
			res, err := Fix([]*model.File{bad, good}, check, c.editable)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Dropped) != 1 || !strings.HasPrefix(res.Dropped[0].Reason, c.reason) {
				t.Fatalf("dropped %+v, want one with reason %q", res.Dropped, c.reason)
			}
			if len(res.Changes) != 1 || res.Changes[0].Path != "good.yaml" || !strings.HasSuffix(string(res.Changes[0].New), "fixed: true\n") {
				t.Fatalf("changes %+v, want good.yaml fixed", res.Changes)
			}
			if len(res.Applied) != 1 || rounds != 2 {
				t.Fatalf("applied %d fixes in %d rounds, want 1 in 2", len(res.Applied), rounds)
			}
		})
	}
}

// TestChangedOutsideEdits compares only the documents edits touch, and
// finds a changed value in any of them with the others' edits around.
func TestChangedOutsideEdits(t *testing.T) {
	data := []byte("a: 1\n---\nb: \"x\\\n  y\"\nc: 2\n---\nd: 3\n---\ne: [1,\n  2]\n")
	src := model.NewSource("", data)
	at := func(s string) int { return strings.Index(string(data), s) }
	rename := rules.TextEdit{Source: src, Start: at("a:"), End: at("a:") + 1, New: "aa"}
	appendDoc := rules.TextEdit{Source: src, Start: len(data), End: len(data), New: "---\nf: 4\n"}
	cases := []struct {
		name  string
		edits []rules.TextEdit
		want  string
	}{
		{"RenameAndNewDocument", []rules.TextEdit{rename, appendDoc}, ""},
		{"InsideAQuotedScalar", []rules.TextEdit{rename, {Source: src, Start: at("  y"), End: at("  y"), New: "z: 1\n"}, appendDoc}, "document 2:.b"},
		{"InsideAFlowSequence", []rules.TextEdit{{Source: src, Start: at("  2]"), End: at("  2]"), New: "  0,\n"}}, "document 4:.e[1]"},
		{"ReplacedValue", []rules.TextEdit{{Source: src, Start: at("3"), End: at("3") + 1, New: "30"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited, err := Apply(data, c.edits)
			if err != nil {
				t.Fatal(err)
			}
			if got := changedOutsideEdits(data, edited, c.edits); got != c.want {
				t.Errorf("changed %q, want %q\n%s", got, c.want, edited)
			}
		})
	}
}

// TestChangedOutsideEditsEmptyDocument: a document appended after a
// trailing "---" is written into the empty document it starts
// (rules.NewDocument); an empty document has no value to change.
func TestChangedOutsideEditsEmptyDocument(t *testing.T) {
	cases := []struct{ name, data, appended, want string }{
		{"TrailingMarker", "a: 1\n---\n", "kind: ServiceAccount\n", ""},
		{"TrailingMarkerNoNewline", "a: 1\n---", "\nkind: ServiceAccount\n", ""},
		{"TrailingMarkerAndComment", "a: 1\n---\n# end\n", "kind: ServiceAccount\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.data)
			edit := rules.TextEdit{Source: model.NewSource("", data), Start: len(data), End: len(data), New: c.appended}
			edited, err := Apply(data, []rules.TextEdit{edit})
			if err != nil {
				t.Fatal(err)
			}
			if got := changedOutsideEdits(data, edited, []rules.TextEdit{edit}); got != c.want {
				t.Errorf("changed %q, want %q\n%s", got, c.want, edited)
			}
		})
	}
}

// TestStructureCheckOnReadsParse: the check takes the edited documents'
// values from the parse that reads the file (model.ReadOptions.Decoded)
// and finds what it finds parsing them itself, for documents Read decodes
// in one stream, one by one (an error, an alias to another document's
// anchor), or not at all (a kind no rule reads), and sees every document
// of the edits decoded once.
func TestStructureCheckOnReadsParse(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  x: \"a\\\n  b\"\n  y: [1,\n  2]\n"
	texts := map[string]string{
		"Joined":      pod + "---\n" + pod + "---\n" + pod,
		"Skipped":     "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: \"a\\\n  b\"\n  y: [1,\n  2]\n---\n" + pod,
		"Invalid":     pod + "---\n" + pod + "  z: [\n---\n" + pod,
		"ForeignKeys": pod + "  a: &a 1\n---\n" + pod + "  b: *a\n---\n" + pod,
		"TwoInOne":    pod + "...\n" + pod,
	}
	for name, text := range texts {
		data := []byte(text)
		src := model.NewSource("", data)
		at := func(s string) []int {
			var offs []int
			for i := 0; ; {
				j := strings.Index(text[i:], s)
				if j < 0 {
					return offs
				}
				offs = append(offs, i+j)
				i += j + 1
			}
		}
		var inQuote, inFlow, safe []rules.TextEdit
		for _, off := range at("  b\"") {
			inQuote = append(inQuote, rules.TextEdit{Source: src, Start: off, End: off, New: "z: 1\n"})
		}
		for _, off := range at("  2]") {
			inFlow = append(inFlow, rules.TextEdit{Source: src, Start: off, End: off, New: "  0,\n"})
		}
		for _, off := range at("name: p") {
			safe = append(safe, rules.TextEdit{Source: src, Start: off + 6, End: off + 7, New: "q"})
		}
		appendDoc := append(safe, rules.TextEdit{Source: src, Start: len(data), End: len(data), New: "---\nf: 4\n"})
		for i, edits := range [][]rules.TextEdit{inQuote, inFlow, safe, appendDoc} {
			breaks := i < 2
			t.Run(name, func(t *testing.T) {
				edited, err := Apply(data, edits)
				if err != nil {
					t.Fatal(err)
				}
				want := changedOutsideEdits(data, edited, edits)
				check := newStructureCheck(data, edits, model.NewSource("", edited))
				calls := map[int]int{}
				model.ReadWith(check.edited, model.ReadOptions{Decoded: func(d model.DecodedDocument) {
					if d.Index == 0 {
						calls[d.Start]++
					}
					check.decoded(d)
				}})
				if got := check.changed(); got != want {
					t.Errorf("on Read's parse: changed %q, want %q (as parsed again)\n%s", got, want, edited)
				}
				if (want != "") != breaks {
					t.Errorf("changed %q: want a change %v", want, breaks)
				}
				for start, ch := range check.chunks {
					if ch.read != (calls[start] > 0) || name == "Joined" && i < 3 && !ch.read { // "f: 4" has no kind: not decoded
						t.Errorf("document at %d: recorded %v, decoded %d times", start, ch.read, calls[start])
					}
				}
			})
		}
	}
}
