package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRelease_SnapshotStampsVersion runs the release recipe in snapshot
// mode for this machine's platform: the binary is built without VCS data
// (-buildvcs=false, -trimpath), says the version it was stamped with, and
// SHA256SUMS holds its hash. The other five platforms run in .ci/run.
func TestRelease_SnapshotStampsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds salint with release flags (about two CPU-minutes on a cold build cache)")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the recipe is a bash script")
	}
	root := repoRoot(t)
	out := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, ".ci", "release.sh"), "--snapshot", "--out", out, "--targets", runtime.GOOS+"/"+runtime.GOARCH)
	cmd.Dir = root
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("release.sh: %v\n%s", err, log)
	}
	commit, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	bins, _ := filepath.Glob(filepath.Join(out, "salint_*"))
	if len(bins) != 1 {
		t.Fatalf("want one binary in %s, got %q\n%s", out, bins, log)
	}
	bin := bins[0]
	said, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "salint 0.0.0-snapshot+" + strings.TrimSpace(string(commit))
	if got := strings.TrimSpace(string(said)); got != want && got != want+".dirty" {
		t.Errorf("salint version = %q, want %q", got, want)
	}
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(meta), "vcs.revision") || !strings.Contains(string(meta), "-trimpath=true") {
		t.Errorf("want a -trimpath build without VCS data:\n%s", meta)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if wantLine := hex.EncodeToString(sum[:]) + "  " + filepath.Base(bin) + "\n"; string(sums) != wantLine {
		t.Errorf("SHA256SUMS = %q, want %q", sums, wantLine)
	}
}
