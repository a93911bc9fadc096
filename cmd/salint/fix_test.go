package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
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
