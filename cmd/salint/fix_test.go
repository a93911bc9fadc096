package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// TestFix_LeavesUntouchedFilesAloneAndKeepsMode checks what a testscript
// cannot see: a file without a change is not rewritten (its mtime stays),
// and a fixed file keeps its permission bits.
func TestFix_LeavesUntouchedFilesAloneAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	fixed := filepath.Join(dir, "pod.yaml")
	clean := filepath.Join(dir, "clean.yaml")
	if err := os.WriteFile(fixed, []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccount: default\n  containers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clean, []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(clean, old, old); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"fix", "--no-config", dir}, &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if fi, err := os.Stat(clean); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("untouched file was rewritten: %v %v", fi.ModTime(), err)
	}
	fi, err := os.Stat(fixed)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("fixed file mode %v, want 0600 (%v)", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(fixed); !bytes.Contains(data, []byte("  serviceAccountName: default\n")) {
		t.Errorf("not fixed:\n%s", data)
	}
}

// TestFix_SummaryNamesFilesNotWritten: a file that cannot be written is
// an error, and the summary says so instead of "no findings remain"
// (issue 15). The file's name is so long that the temporary file beside
// it cannot be created, which fails for root too.
func TestFix_SummaryNamesFilesNotWritten(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, strings.Repeat("p", 240)+".yaml")
	if err := os.WriteFile(long, []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccount: default\n  containers: []\n"), 0o644); err != nil {
		t.Skip("cannot create a file with a 245-byte name here:", err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"fix", "--no-config", long}, &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if !strings.Contains(stderr.String(), long+": error: ") {
		t.Errorf("no located write error:\n%s", stderr.String())
	}
	want := "salint fix: fixed 0 findings in 0 files; no other findings remain; not written: " + long + "\n"
	if stdout.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", stdout.String(), want)
	}
}

// TestFn_FixModeSaysWhyAFixWasLeftOut: the function's fix mode drops a fix
// that would break a file as salint fix does, and says why on its log
// rather than leaving the finding unexplained.
func TestFn_FixModeSaysWhyAFixWasLeftOut(t *testing.T) {
	bad := model.Read(model.NewSource("bad.yaml", []byte("kind: Pod\nspec: {}\n")))
	check := func(files []*model.File) []rules.Finding {
		src := files[0].Source
		breaking := yamledit.TextEdit{Source: src, Start: len(src.Bytes()), End: len(src.Bytes()), New: "  - {name: x\n"}
		return []rules.Finding{{Rule: "some-rule", Pos: model.Position{File: "bad.yaml", Line: 2}, Fix: &rules.SuggestedFix{Message: "add x", Edits: []yamledit.TextEdit{breaking}}}}
	}
	var log bytes.Buffer
	if _, err := fnFixer(&log)([]*model.File{bad}, check); err != nil {
		t.Fatal(err)
	}
	if want := "bad.yaml:2: some-rule: not fixed: it would make bad.yaml invalid"; !strings.HasPrefix(log.String(), want) {
		t.Errorf("log = %q, want it to start with %q", log.String(), want)
	}
}
