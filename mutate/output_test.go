package mutate

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// closeFails is a temporary file whose close reports a delayed write
// failure, as NFS does.
type closeFails struct{ *os.File }

func (f closeFails) Close() error {
	_ = f.File.Close()
	return &os.PathError{Op: "close", Path: f.Name(), Err: syscall.EIO}
}

// TestOutput_CloseErrorIsReportedAndTheOldReportKept: an error closing the
// --output file fails Commit (issue 15), and the old report stays whole.
func TestOutput_CloseErrorIsReportedAndTheOldReportKept(t *testing.T) {
	p := fileIn(t, 0o644)
	nfs := disk{createTemp: func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return closeFails{f}, err
	}}
	out, err := nfs.createOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write([]byte("new report\n")); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Commit: %v, want the close error", err)
	}
	if err := out.Commit(); !errors.Is(err, syscall.EIO) {
		t.Errorf("second Commit: %v, want the first result", err)
	}
	assertIntact(t, p, 0o644)
}

func TestOutput_AbortKeepsTheOldReport(t *testing.T) {
	p := fileIn(t, 0o600)
	out, err := CreateOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write([]byte("half a rep")); err != nil {
		t.Fatal(err)
	}
	out.Abort()
	assertIntact(t, p, 0o600)
}

func TestOutput_NewFileAndSymlink(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.sarif")
	out, err := CreateOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write([]byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("new report: %v, %v; want mode 0644", info, err)
	}
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.sarif")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := CreateOutput(link); err == nil {
		t.Error("a symbolic link was accepted")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d entries, want the report, the victim and the link", len(entries))
	}
}
