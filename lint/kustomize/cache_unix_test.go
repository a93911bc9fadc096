//go:build unix

package kustomize

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A named pipe in an entry's place is not opened (the read would wait
// for a writer): the build runs as without a cache.
func TestCache_NamedPipeInAnEntrysPlaceIsNotRead(t *testing.T) {
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	entryPath := oneEntry(t, overlay, opts)
	if err := os.Remove(entryPath); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(entryPath, 0o600); err != nil {
		t.Fatal(err)
	}
	rebuilt(t, overlay, opts, "with a named pipe in its entry's place")
}

// What an entry asks to read is read only when a build could have read
// it: a named pipe (the read would wait for a writer) and a device that
// never ends are not read.
func TestCache_EntryQuestionsReadNoPipeOrDevice(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		if d, _ := ask(newInputFS(nil, nil), question{askRead, path}); d != unasked {
			t.Errorf("%s was read", path)
		}
	}
}

// A build through symlinks is taken from the cache only while every
// link still leads where it led: a symlinked root, base or resource
// retargeted at other content builds again, and gives what a build
// without cache gives; a link made a loop fails as without cache.
func TestCache_RetargetedSymlinksBuildAgain(t *testing.T) {
	other := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other}\n"
	relink := func(t *testing.T, link, target string) {
		t.Helper()
		if err := os.Remove(link); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) string // returns the root to build
		change func(t *testing.T, dir string)
	}{
		{"Root", func(t *testing.T, dir string) string {
			writeTree(t, dir, map[string]string{"overlay2/kustomization.yaml": "resources: [../base]\nnamespace: other\n"})
			if err := os.Symlink("overlay", filepath.Join(dir, "root")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "root")
		}, func(t *testing.T, dir string) { relink(t, filepath.Join(dir, "root"), "overlay2") }},
		{"Base", func(t *testing.T, dir string) string {
			writeTree(t, dir, map[string]string{
				"base2/kustomization.yaml": "resources: [sa.yaml]\n",
				"base2/sa.yaml":            other,
				"top/kustomization.yaml":   "resources: [../link]\n",
			})
			if err := os.Symlink("base", filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "top")
		}, func(t *testing.T, dir string) { relink(t, filepath.Join(dir, "link"), "base2") }},
		{"Resource", func(t *testing.T, dir string) string {
			writeTree(t, dir, map[string]string{"base/other.yaml": other, "base/real.yaml": cacheTree["base/sa.yaml"]})
			relink(t, filepath.Join(dir, "base/sa.yaml"), "real.yaml")
			return filepath.Join(dir, "overlay")
		}, func(t *testing.T, dir string) { relink(t, filepath.Join(dir, "base/sa.yaml"), "other.yaml") }},
		{"ResourceLoop", func(t *testing.T, dir string) string {
			writeTree(t, dir, map[string]string{"base/real.yaml": cacheTree["base/sa.yaml"]})
			relink(t, filepath.Join(dir, "base/sa.yaml"), "real.yaml")
			return filepath.Join(dir, "overlay")
		}, func(t *testing.T, dir string) { relink(t, filepath.Join(dir, "base/sa.yaml"), "sa.yaml") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, cacheTree)
			root := tt.setup(t, dir)
			opts := Options{Stub: true, CacheDir: t.TempDir()}
			warm(t, root, opts)
			tt.change(t, dir)
			rebuilt(t, root, opts, "retargeted")
		})
	}
}

// The trim mark is replaced, never written through: a symlink in its
// place (a cache restored from elsewhere) does not make salint overwrite
// the file it points at.
func TestCache_TrimMarkIsNotWrittenThroughASymlink(t *testing.T) {
	victim := filepath.Join(t.TempDir(), "victim")
	write(t, victim, "precious\n")
	long := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(victim, long, long); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	writeTree(t, cache, map[string]string{"kustomize/.keep": ""})
	if err := os.Symlink(victim, filepath.Join(cache, "kustomize", "trim.txt")); err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(dir, "overlay")}, Options{Stub: true, CacheDir: cache})
	if data, err := os.ReadFile(victim); err != nil || string(data) != "precious\n" {
		t.Errorf("the file the mark pointed at now holds %q (%v)", data, err)
	}
	if len(cacheFiles(t, cache)) == 0 {
		t.Error("no entry written")
	}
}

// readRegular, which reads what an entry's questions name and the entry
// itself, never waits on a named pipe, even one it did not look at first,
// and answers a missing file with the error a build's read gives.
func TestReadRegular_PipesAreNotReadAndErrorsAreTheBuildsOwn(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	go func() {
		_, ok, _ := readRegular(fifo, maxBuildFileSize)
		done <- ok
	}()
	select {
	case ok := <-done:
		if ok {
			t.Error("a named pipe was read")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
	file := filepath.Join(dir, "f.yaml")
	write(t, file, "kind: Pod\n")
	if data, ok, err := readRegular(file, 9); ok || err != nil || data != nil {
		t.Errorf("a file over the limit: %q, %v, %v", data, ok, err)
	}
	if data, ok, err := readRegular(file, 10); !ok || err != nil || string(data) != "kind: Pod\n" {
		t.Errorf("a regular file: %q, %v, %v", data, ok, err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	_, wantErr := os.ReadFile(missing)
	if _, ok, err := readRegular(missing, 10); !ok || err == nil || err.Error() != wantErr.Error() {
		t.Errorf("a missing file: %v, %v; want the error %v", ok, err, wantErr)
	}
}
