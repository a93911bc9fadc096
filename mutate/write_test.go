package mutate

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Data safety of WriteFile (issue 7): whatever fails, the original file is
// intact and no partial file is left where a manifest is looked for. The
// failures a test cannot cause for real (a full disk; permissions, as CI
// runs as root; a crash) are simulated by a disk whose createTemp or
// rename fails.

const (
	original = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n"
	fixed    = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n"
)

// fileIn writes the original into a new directory and returns its path.
func fileIn(t *testing.T, mode fs.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sa.yaml")
	if err := os.WriteFile(p, []byte(original), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return p
}

// assertIntact checks that path still holds the original with its mode,
// and that nothing else is in its directory.
func assertIntact(t *testing.T, path string, mode fs.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || string(data) != original {
		t.Errorf("original changed: %q, %v", data, err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != mode {
		t.Errorf("mode changed: %v, %v", info, err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left beside the original: %v", names)
	}
}

// fullDisk is a temporary file that takes half of what is written, then
// fails as a full disk does.
type fullDisk struct{ *os.File }

func (f fullDisk) Write(p []byte) (int, error) {
	n, _ := f.File.Write(p[:len(p)/2])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

func TestWriteFile_FullDiskLeavesTheOriginalAndNoTempFile(t *testing.T) {
	p := fileIn(t, 0o640)
	full := disk{createTemp: func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return fullDisk{f}, nil
	}}
	err := full.writeFile(p, []byte(original), []byte(fixed))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error %v, want no space left on device", err)
	}
	assertIntact(t, p, 0o640)
}

func TestWriteFile_ReadOnlyDirectoryLeavesTheOriginal(t *testing.T) {
	p := fileIn(t, 0o644)
	// Root writes into a read-only directory, so simulate what any other
	// user gets.
	readOnly := disk{createTemp: func(dir, _ string) (tempFile, error) {
		return nil, &fs.PathError{Op: "createtemp", Path: dir, Err: fs.ErrPermission}
	}}
	if err := readOnly.writeFile(p, []byte(original), []byte(fixed)); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v, want permission denied", err)
	}
	assertIntact(t, p, 0o644)
}

func TestWriteFile_FailedRenameLeavesTheOriginalAndNoTempFile(t *testing.T) {
	p := fileIn(t, 0o600)
	crossDevice := disk{rename: func(string, string) error {
		return &os.LinkError{Op: "rename", Err: syscall.EXDEV}
	}}
	if err := crossDevice.writeFile(p, []byte(original), []byte(fixed)); err == nil {
		t.Error("want an error")
	}
	assertIntact(t, p, 0o600)
}

const crashEnv = "SALINT_WRITE_CRASH_FILE"

// TestWriteFile_CrashBeforeRenameLeavesNoPartialFile kills a process (this
// test binary, re-executed) between writing the temporary file and the
// rename. The original must be byte-identical, and the only other file a
// complete hidden temporary whose name no directory walk reads as a
// manifest.
func TestWriteFile_CrashBeforeRenameLeavesNoPartialFile(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crash := disk{rename: func(string, string) error {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal arrives
		}}
		_ = crash.writeFile(path, []byte(original), []byte(fixed))
		t.Fatal("the process was not killed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := fileIn(t, 0o644)
	cmd := exec.Command(self, "-test.run=^TestWriteFile_CrashBeforeRenameLeavesNoPartialFile$")
	cmd.Env = append(os.Environ(), crashEnv+"="+p)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v\n%s", err, out)
	}
	if data, err := os.ReadFile(p); err != nil || string(data) != original {
		t.Errorf("original changed by a crash: %q, %v", data, err)
	}
	entries, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == filepath.Base(p) {
			continue
		}
		if !strings.HasPrefix(name, ".sa.yaml.salint-") {
			t.Errorf("unexpected file %s after the crash", name)
			continue
		}
		// Hidden, and not named *.yaml/*.yml/*.json: a later run does not
		// read it. Its content is complete: the crash came after the sync.
		if ext := filepath.Ext(name); ext == ".yaml" || ext == ".yml" || ext == ".json" {
			t.Errorf("temporary %s has a manifest extension", name)
		}
		if data, _ := os.ReadFile(filepath.Join(filepath.Dir(p), name)); string(data) != fixed {
			t.Errorf("temporary %s is partial: %q", name, data)
		}
	}
}

func TestWriteFile_SymlinkToAnotherDirectoryIsWrittenThrough(t *testing.T) {
	target := fileIn(t, 0o640)
	linkDir := t.TempDir()
	link := filepath.Join(linkDir, "sa.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteFile(link, []byte(original), []byte(fixed)); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a regular file: %v, %v", info, err)
	}
	if data, _ := os.ReadFile(target); string(data) != fixed {
		t.Errorf("target not written: %q", data)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640", info.Mode())
	}
	for _, dir := range []string{linkDir, filepath.Dir(target)} {
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s holds %d entries, want 1 (no temporary left)", dir, len(entries))
		}
	}
}

func TestWriteFile_DanglingSymlinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "sa.yaml")
	if err := os.Symlink(filepath.Join(dir, "gone.yaml"), link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteFile(link, []byte(original), []byte(fixed)); err == nil {
		t.Error("want an error for a link to nothing")
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", info, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries in the directory, want only the link", len(entries))
	}
}

func TestDiff_RedactsChangedSecretValueLines(t *testing.T) {
	old := "kind: ConfigMap\nx: a\n---\napiVersion: v1\nkind: Secret\ndata: {k: OLD-VALUE}\n"
	nw := "kind: ConfigMap\nx: b\n---\napiVersion: v1\nkind: Secret\ndata: {k: NEW-VALUE}\n"
	d := string(Diff(Change{Path: "x.yaml", Old: []byte(old), New: []byte(nw)}))
	for _, leak := range []string{"OLD-VALUE", "NEW-VALUE"} {
		if strings.Contains(d, leak) {
			t.Errorf("diff shows %q:\n%s", leak, d)
		}
	}
	for _, want := range []string{"-x: a\n", "+x: b\n", "-" + RedactedLine + "\n", "+" + RedactedLine + "\n", " kind: Secret\n"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
}

// TestDiff_ShowsWhatIsNoSecretValueAndApplies: redaction is decided from
// the parsed kind (issue 15: the lines added to a ServiceAccount,
// "imagePullSecrets:" among them, were shown as Secret lines), only value
// lines of Secrets are kept out, and they are left out of the context
// rather than replaced, so that `git apply` takes the diff.
func TestDiff_ShowsWhatIsNoSecretValueAndApplies(t *testing.T) {
	const secret = "apiVersion: v1\nkind : Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"data\": {\"k\": \"S3CRET-A\"}}\n    other: x\nstringData:\n  k: S3CRET-B\n  j: &v S3CRET-C\ntype: Opaque\n"
	cases := []struct {
		name, old, new string
		show           []string
	}{
		{"AccountAfterASecret",
			secret + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
			secret + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\nimagePullSecrets:\n- name: regcred\n",
			[]string{"+imagePullSecrets:\n", "+- name: regcred\n", " kind: ServiceAccount\n", "   name: app\n"}},
		{"SecretValuesInTheMiddleOfAHunk",
			"kind: ServiceAccount\nmetadata: {name: a}\n---\nkind: Secret\ndata:\n  k: S3CRET-D\n---\nkind: Pod\nspec:\n  serviceAccount: a\n",
			"kind: ServiceAccount\nmetadata: {name: a}\nimagePullSecrets: [{name: r}]\n---\nkind: Secret\ndata:\n  k: S3CRET-D\n---\nkind: Pod\nspec:\n  serviceAccountName: a\n",
			[]string{"+imagePullSecrets: [{name: r}]\n", "+  serviceAccountName: a\n", " kind: Secret\n"}},
		{"SecretItemOfAList",
			"kind: List\nitems:\n- kind: Pod\n  spec:\n    serviceAccount: a\n- kind: Secret\n  stringData:\n    k: S3CRET-F\n- {kind: Secret, data: {k: S3CRET-E}}\n",
			"kind: List\nitems:\n- kind: Pod\n  spec:\n    serviceAccountName: a\n- kind: Secret\n  stringData:\n    k: S3CRET-F\n- {kind: Secret, data: {k: S3CRET-E}}\n",
			[]string{"-    serviceAccount: a\n", "+    serviceAccountName: a\n", "- kind: Secret\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := string(Diff(Change{Path: "x.yaml", Old: []byte(c.old), New: []byte(c.new)}))
			if strings.Contains(d, "S3CRET") || strings.Contains(d, RedactedLine) {
				t.Errorf("diff shows a secret value or redacts a line it need not:\n%s", d)
			}
			for _, want := range c.show {
				if !strings.Contains(d, want) {
					t.Errorf("diff lacks %q:\n%s", want, d)
				}
			}
			gitApply(t, c.old, c.new, d)
		})
	}
}

// gitApply applies d to a repository holding old as x.yaml with git apply
// and wants new.
func gitApply(t *testing.T, old, new, d string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git apply not checked: no git on PATH")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fix.diff"), []byte(d), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "apply", "--unsafe-paths", "fix.diff")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\n--- diff\n%s", err, out, d)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "x.yaml")); string(got) != new {
		t.Fatalf("git apply made:\n%s\nwant:\n%s", got, new)
	}
}

// TestWriteFile_KeepsOwnerGroupAndSpecialBits: run as root on a file of
// another user (CI containers on bind mounts), the rewritten file keeps
// its owner, group, and setuid, setgid and sticky bits (issue 15).
func TestWriteFile_KeepsOwnerGroupAndSpecialBits(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file to another user")
	}
	const mode = 0o640 | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	p := fileIn(t, 0o640)
	if err := os.Chown(p, 12345, 23456); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte(original), []byte(fixed)); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 12345 || st.Gid != 23456 {
		t.Errorf("owner %d:%d, want 12345:23456", st.Uid, st.Gid)
	}
	if info.Mode() != mode {
		t.Errorf("mode %v, want %v", info.Mode(), mode)
	}
	if data, _ := os.ReadFile(p); string(data) != fixed {
		t.Errorf("not written: %q", data)
	}
}

// TestWriteFile_ConcurrentFixersLoseNoEdit: two fixers that read the same
// content write at once; the check and the rename are atomic together, so
// one writes and the other is told the file changed, never both
// (issue 18: one edit was lost while both reported success). The rename
// is slowed so that without the lock both would pass the check.
func TestWriteFile_ConcurrentFixersLoseNoEdit(t *testing.T) {
	slow := disk{rename: func(from, to string) error {
		time.Sleep(5 * time.Millisecond)
		return os.Rename(from, to)
	}}
	for round := range 20 {
		p := fileIn(t, 0o644)
		edits := []string{fixed, original + "# the other fixer\n"}
		errs := make([]error, len(edits))
		var wg sync.WaitGroup
		for i, e := range edits {
			wg.Go(func() { errs[i] = slow.writeFile(p, []byte(original), []byte(e)) })
		}
		wg.Wait()
		data, _ := os.ReadFile(p)
		switch {
		case (errs[0] == nil) == (errs[1] == nil):
			t.Fatalf("round %d: errors %v and %v, want exactly one write to succeed", round, errs[0], errs[1])
		case errs[0] == nil && string(data) != edits[0], errs[1] == nil && string(data) != edits[1]:
			t.Fatalf("round %d: the successful write is not what the file holds: %q", round, data)
		}
		if err := errors.Join(errs...); !strings.Contains(err.Error(), "changed while salint was fixing it") {
			t.Fatalf("round %d: the loser's error %q does not say the file changed", round, err)
		}
	}
}
