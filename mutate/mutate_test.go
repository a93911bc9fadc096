package mutate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

func finding(edits ...rules.TextEdit) rules.Finding {
	return rules.Finding{Rule: "r", Fix: &rules.SuggestedFix{Message: "m", Edits: edits}}
}

func TestSelect_DefersOverlappingFixesAndMergesIdenticalEdits(t *testing.T) {
	a := &model.Source{Path: "a", Data: []byte("0123456789")}
	b := &model.Source{Path: "b", Data: []byte("0123456789")}
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
	got, err := Apply(a.Data, edits[a])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "01xz456789doc" {
		t.Fatalf("a = %q", got)
	}
	if got, _ := Apply(b.Data, edits[b]); string(got) != "012y56789" {
		t.Fatalf("b = %q", got)
	}
}

func TestApply_RejectsOverlap(t *testing.T) {
	src := &model.Source{Data: []byte("abcdef")}
	_, err := Apply(src.Data, []rules.TextEdit{{Source: src, Start: 1, End: 3}, {Source: src, Start: 2, End: 4}})
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
