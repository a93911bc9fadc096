//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
	opts := Options{Input: Input{Paths: []string{fifo}, Prune: true}}
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "deprecated-service-account-field" {
			if f.Fix == nil || strings.Contains(f.Message, "leaves this to you") {
				t.Errorf("a pipe's finding lost its fix: %q", f.Message)
			}
			return
		}
	}
	t.Fatalf("no deprecated-service-account-field finding in %v (errors %v)", res.Findings, res.Errors)
}
