//go:build unix

package kustomize

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe in an entry's place is not opened (the read would wait
// for a writer): the build runs as without a cache.
func TestCache_NamedPipeInAnEntrysPlaceIsNotRead(t *testing.T) {
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	want := snapshot(Build([]string{overlay}, opts))
	files := cacheFiles(t, opts.CacheDir)
	if len(files) != 1 {
		t.Fatalf("%d entries, want 1", len(files))
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(files[0], 0o600); err != nil {
		t.Fatal(err)
	}
	res := Build([]string{overlay}, opts)
	if res.cached[overlay] {
		t.Error("a named pipe was read as an entry")
	}
	if got := snapshot(res); got != want {
		t.Errorf("differs from a build without cache:\n%s", firstDiff(got, want))
	}
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
