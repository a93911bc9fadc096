package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestReadme_InstallFromACheckout runs the README's install commands as
// written, in this checkout, with a temporary GOBIN first on PATH: go
// install builds salint there (the build cache warm from the tests), and
// salint version names the commit Go stamped the build with (a
// pseudo-version, or dev with the commit), or says dev where Go stamps
// none (GOFLAGS=-buildvcs=false, a git worktree).
func TestReadme_InstallFromACheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs salint")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the README's commands are for a POSIX shell")
	}
	blocks := testedDocBlocks(t, "README.md")
	if len(blocks) != 1 || blocks[0].what != "install" {
		t.Fatalf("README.md: want one tested block, install; got %q", blocks)
	}
	root, gobin := repoRoot(t), t.TempDir()
	cmd := exec.Command("sh", "-e", "-c", blocks[0].text)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README install commands: %v\n%s", err, out)
	}
	meta, err := exec.Command("go", "version", "-m", filepath.Join(gobin, "salint")).Output()
	if err != nil {
		t.Fatalf("go install put no salint in GOBIN: %v\n%s", err, out)
	}
	said := strings.TrimSuffix(string(out), "\n")
	rev := regexp.MustCompile(`(?m)^\s+build\s+vcs\.revision=([0-9a-f]{12})`).FindStringSubmatch(string(meta))
	switch {
	case strings.Contains(said, "\n") || !strings.HasPrefix(said, "salint "):
		t.Errorf("README install commands printed %q, want one line: salint VERSION", out)
	case rev == nil && said != "salint dev":
		t.Errorf("salint version = %q for a build without VCS data, want %q", said, "salint dev")
	case rev != nil && !strings.Contains(said, rev[1]):
		t.Errorf("salint version = %q, want it to name the commit the build was stamped with, %s", said, rev[1])
	}
}
