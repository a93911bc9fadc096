package lint

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A lint that only reports (Input.ReportOnly) does not keep the files' bytes:
// a fix is computed from the file read again, and only from the bytes it
// held when salint read it.

const deprecatedPod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccount: web
  containers: [{name: c, image: nginx}]
`

// lintReleased reads dir as salint lint does, lets change run between
// reading and the rules, and returns the deprecated-service-account-field
// finding.
func lintReleased(t *testing.T, prune bool, change func(path string)) (msg string, fixable bool) {
	t.Helper()
	return lintReleasedOpening(t, prune, nil, change)
}

// lintReleasedOpening is lintReleased with files opened by open.
func lintReleasedOpening(t *testing.T, prune bool, open func(string) (*os.File, error), change func(path string)) (msg string, fixable bool) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "pod.yaml")
	if err := os.WriteFile(path, []byte(deprecatedPod), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{Input: Input{Paths: []string{dir}, Prune: prune, ReportOnly: prune, Open: open}}
	files := Load(opts.Input)
	if prune && files[0].Source.Loaded() {
		t.Fatal("a pruned read kept the file's bytes")
	}
	change(path)
	active, err := opts.ActiveRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Check(files, opts, active).Findings {
		if f.Rule == "deprecated-service-account-field" {
			return f.Text(), f.Fix != nil
		}
	}
	t.Fatal("no deprecated-service-account-field finding")
	return "", false
}

func TestRelease_FixIsComputedFromTheFileReadAgain(t *testing.T) {
	same := func(string) {}
	fullMsg, fullFix := lintReleased(t, false, same)
	msg, fix := lintReleased(t, true, same)
	if !fullFix || !fix || msg != fullMsg {
		t.Errorf("released: fixable %v %q; kept: fixable %v %q", fix, msg, fullFix, fullMsg)
	}
}

func TestRelease_ChangedFileIsNotFixedFromOtherBytes(t *testing.T) {
	for name, change := range map[string]func(string){
		"same size": func(p string) {
			if err := os.WriteFile(p, []byte(strings.Replace(deprecatedPod, "web", "api", 1)), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"shorter": func(p string) {
			if err := os.WriteFile(p, []byte("kind: Pod\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"replaced by a symlink": func(p string) {
			other := p + ".other"
			if err := os.WriteFile(other, []byte(strings.Replace(deprecatedPod, "web", "api", 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(other, p); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
		},
		"removed": func(p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			msg, fix := lintReleased(t, true, change)
			if fix {
				t.Error("a fix was computed from bytes salint did not read")
			}
			if !strings.Contains(msg, "salint fix leaves this to you: ") || !strings.Contains(msg, "pod.yaml") {
				t.Errorf("message does not say why there is no fix: %q", msg)
			}
		})
	}
}

// A released file whose size changed is not read again at all: its bytes
// cannot be the ones read, and it may have grown far beyond them.
func TestRelease_FileOfAnotherSizeIsNotReadAgain(t *testing.T) {
	for name, size := range map[string]int64{"grew to 10 GB": 10 << 30, "one byte more": int64(len(deprecatedPod)) + 1} {
		t.Run(name, func(t *testing.T) {
			var changed atomic.Bool
			open := func(name string) (*os.File, error) {
				if changed.Load() && filepath.Base(name) == "pod.yaml" {
					t.Errorf("%s was opened again though its size changed", name)
				}
				return os.Open(name)
			}
			msg, fix := lintReleasedOpening(t, true, open, func(p string) {
				if err := os.Truncate(p, size); err != nil {
					t.Skipf("cannot grow a file here: %v", err)
				}
				changed.Store(true)
			})
			if fix || !strings.Contains(msg, "changed on disk") {
				t.Errorf("fixable %v, message %q", fix, msg)
			}
		})
	}
}
