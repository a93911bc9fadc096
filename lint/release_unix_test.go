//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRelease_PipeKeepsItsBytes(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pod.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		_, _ = w.WriteString(deprecatedPod)
		_ = w.Close()
	}()
	// As in `salint lint <(kustomize build)`: a pipe named on the command
	// line cannot be read a second time for the fix.
	opts := Options{Input: Input{Paths: []string{fifo}, Prune: true, ReportOnly: true}}
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "deprecated-service-account-field" {
			if f.Fix == nil || strings.Contains(f.Text(), "leaves this to you") {
				t.Errorf("a pipe's finding lost its fix: %q", f.Text())
			}
			return
		}
	}
	t.Fatalf("no deprecated-service-account-field finding in %v (errors %v)", res.Findings, res.Errors)
}

// A released file replaced by a named pipe between the read and the fix
// must not be opened: opening a pipe for reading waits for a writer, so
// the lint would hang.
func TestRelease_FileReplacedByPipeIsNotOpened(t *testing.T) {
	done := make(chan string, 1)
	go func() {
		msg, fix := lintReleased(t, true, func(p string) {
			if err := os.Remove(p); err != nil {
				t.Error(err)
			}
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Errorf("no named pipes here: %v", err)
			}
		})
		if fix {
			t.Error("a fix was computed from a pipe")
		}
		done <- msg
	}()
	select {
	case msg := <-done:
		if !strings.Contains(msg, "salint fix leaves this to you: ") {
			t.Errorf("message does not say why there is no fix: %q", msg)
		}
	case <-time.After(time.Minute):
		t.Fatal("reading the released file again waits on a named pipe")
	}
}
