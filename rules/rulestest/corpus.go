package rulestest

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot is the directory holding go.mod, found from the working
// directory upward; "" when there is none.
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// FindCorpus returns where the shared corpus of third-party manifests
// should be — ../shared/corpus beside the repository root, relative to the
// working directory — and whether it is there.
func FindCorpus() (string, bool) {
	root := RepoRoot()
	if root == "" {
		return filepath.Join("..", "shared", "corpus"), false
	}
	dir := filepath.Join(root, "..", "shared", "corpus")
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil {
			dir = rel
		}
	}
	_, err := os.Stat(filepath.Join(dir, "INDEX.md"))
	return dir, err == nil
}

// Corpus returns the corpus directory, or skips the test saying where it
// looked: the corpus lives beside the repository, not in it.
func Corpus(t testing.TB) string {
	t.Helper()
	dir, ok := FindCorpus()
	if !ok {
		t.Skipf("corpus not found at %s: the corpus tests need ../shared/corpus beside the repository", dir)
	}
	return dir
}
