package lint

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// The hostile-input suite (issue 7): a bundle where most files are broken
// in a different way. Each broken file must give a located error, the good
// files must still be linted (their findings reported), and nothing may
// panic. The CLI turns any input error into exit code 2 (see
// cmd/salint's TestLint_HostileBundleExitsTwo).

const goodWorkload = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: ghost
      containers: [{name: web, image: nginx}]
`

func bomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: lol, namespace: shop}\nspec:\n")
	b.WriteString(`  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i, c := range "bcdefghi" {
		fmt.Fprintf(&b, "  %c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+string(rune('a'+i))+",", 10), ","))
	}
	b.WriteString("  containers: *i\n")
	return b.String()
}

// hostileFile is one broken input and the error it must give.
type hostileFile struct {
	name    string // path under the bundle
	content string
	line    int    // 0: the error is about the whole file (it could not be read)
	msg     string // substring of the error message
}

func hostileFiles() []hostileFile {
	return []hostileFile{
		{"bomb.yaml", bomb(), 10, "alias bomb"},
		{"deep.yaml", "apiVersion: v1\nkind: Pod\nspec: " + strings.Repeat("[", 10_001) + "\n", 3, "exceeded max depth"},
		{"utf8.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: caf\xe9\n", 4, "invalid UTF-8"},
		{"nul.yaml", "apiVersion: v1\nkind: Pod\n\x00\n", 3, "NUL byte"},
		{"binary.yaml", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00", 1, "NUL byte"},
		{"tabs.yaml", "apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n", 4, "invalid YAML"},
		{"dup.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n", 5, "duplicate key"},
		{"helm.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n  {{- if .Values.x }}\n  labels: {}\n  {{- end }}\n", 5, "invalid YAML"},
	}
}

// writeHostileBundle writes the good files and every broken file under a
// temporary directory and returns it.
func writeHostileBundle(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("good/web.yaml", goodWorkload)
	// A directory named like a manifest is walked, not read.
	write("x.yaml/inner.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n")
	for _, h := range hostileFiles() {
		write(h.name, h.content)
	}
	// A symlink loop.
	for _, l := range [][2]string{{"loop-b.yaml", "loop-a.yaml"}, {"loop-a.yaml", "loop-b.yaml"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// failingOpen is an Input.Open that fails for files whose base name is in
// fails: a permission error (which chmod cannot cause when tests run as
// root, as in CI) or the file vanishing after the walk listed it.
func failingOpen(fails map[string]func(string) error) func(string) (*os.File, error) {
	return func(name string) (*os.File, error) {
		if fail := fails[filepath.Base(name)]; fail != nil {
			if err := fail(name); err != nil {
				return nil, err
			}
		}
		return os.Open(name)
	}
}

func TestLoad_HostileBundle(t *testing.T) {
	dir := writeHostileBundle(t)
	for _, name := range []string{"locked.yaml", "gone.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(goodWorkload), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	open := failingOpen(map[string]func(string) error{
		"locked.yaml": func(name string) error {
			return &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		},
		"gone.yaml": os.Remove, // removed after the walk, before the read
	})
	paths := []string{dir}
	corpus, ok := rulestest.FindCorpus()
	bad := filepath.Join(corpus, "_bad")
	if ok {
		paths = append(paths, bad)
	} else {
		t.Log("shared corpus absent: the Helm templates of its _bad/ are not part of this run")
	}

	res, err := Run(Options{Input: Input{Paths: paths, Open: open}})
	if err != nil {
		t.Fatal(err)
	}

	// Every broken file: a located error.
	type want struct {
		line int
		msg  string
	}
	wants := map[string]want{
		"locked.yaml": {0, "cannot read: permission denied"},
		"gone.yaml":   {0, "cannot read: no such file or directory"},
		"loop-a.yaml": {0, "too many levels of symbolic links"},
		"loop-b.yaml": {0, "too many levels of symbolic links"},
	}
	for _, h := range hostileFiles() {
		wants[h.name] = want{h.line, h.msg}
	}
	got := map[string][]model.Error{}
	for _, e := range res.Errors {
		rel, err := filepath.Rel(dir, e.Pos.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = e.Pos.File
		}
		got[rel] = append(got[rel], e)
	}
	for name, w := range wants {
		errs := got[name]
		if len(errs) != 1 {
			t.Errorf("%s: got errors %v, want one containing %q", name, errs, w.msg)
			continue
		}
		if e := errs[0]; e.Pos.Line != w.line || !strings.Contains(e.Message, w.msg) {
			t.Errorf("%s: got %v, want line %d containing %q", name, e, w.line, w.msg)
		}
		delete(got, name)
	}
	// The Helm templates of the shared corpus: each an error with a line.
	helm := 0
	for name, errs := range got {
		if !strings.HasPrefix(name, bad) {
			t.Errorf("unexpected errors for %s: %v", name, errs)
			continue
		}
		for _, e := range errs {
			if e.Pos.Line < 1 || !strings.Contains(e.Message, "invalid YAML") {
				t.Errorf("Helm template error %v: want a line and \"invalid YAML\"", e)
			}
		}
		helm++
	}
	if ok && helm != 3 {
		t.Errorf("%d Helm templates of %s gave errors, want 3", helm, bad)
	}

	// The rest of the bundle is still linted: the good workload's finding
	// is there, and the account in the directory named x.yaml was read.
	var found bool
	for _, f := range res.Findings {
		if f.Rule == "missing-service-account" && strings.HasSuffix(f.Pos.File, filepath.Join("good", "web.yaml")) && f.Pos.Line == 9 {
			found = true
		}
	}
	if !found {
		t.Errorf("the good workload's missing-service-account finding is missing: %v", res.Findings)
	}
	if len(res.Bundle.AccountDefs("shop", "web")) != 1 {
		t.Error("the ServiceAccount in directory x.yaml/ was not read")
	}
}

func TestLoad_UnreadableFileWithChmod(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode; TestLoad_HostileBundle simulates the permission error")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "locked.yaml")
	if err := os.WriteFile(path, []byte(goodWorkload), 0o000); err != nil {
		t.Fatal(err)
	}
	files := Load(Input{Paths: []string{dir}})
	if len(files) != 1 || len(files[0].Errors) != 1 || !strings.Contains(files[0].Errors[0].Message, "permission denied") {
		t.Fatalf("got %v, want one permission error", files)
	}
}

// TestLoad_BigFileIsHeldOnce reads a 50 MB single-document file: it is an
// error (over the API server's 3 MiB), and reading it allocates the file's
// size once, not the doubling copies of a growing buffer.
func TestLoad_BigFileIsHeldOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	const size = 50 << 20
	writeBig := func() error {
		return os.WriteFile(path, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "+strings.Repeat("x", size)+"\n"), 0o600)
	}
	if err := writeBig(); err != nil {
		t.Fatal(err)
	}
	var files []*model.File
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	files = Load(Input{Paths: []string{path}})
	runtime.ReadMemStats(&after)
	if len(files) != 1 || len(files[0].Errors) != 1 || !strings.Contains(files[0].Errors[0].Message, "larger than the API server accepts") {
		t.Fatalf("got %v, want one oversize error", files)
	}
	if e := files[0].Errors[0]; e.Pos.Line != 1 {
		t.Errorf("error at line %d, want 1 (the document's first line)", e.Pos.Line)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > size+size/8 {
		t.Errorf("reading a %d MiB file allocated %d MiB, want about its size once", size>>20, n>>20)
	}
}

func TestLoad_FileOverMaxFileSizeIsNotRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size is all that is looked at.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	files := Load(Input{Paths: []string{dir}})
	if len(files) != 1 || len(files[0].Errors) != 1 || !strings.Contains(files[0].Errors[0].Message, "larger than 64 MiB") {
		t.Fatalf("got %v, want one size error", files)
	}
}

func TestLoad_StdinIsReadAndBounded(t *testing.T) {
	files := Load(Input{Paths: []string{StdinPath}, Stdin: strings.NewReader(strings.Repeat(goodWorkload+"---\n", 1000))})
	if len(files) != 1 || len(files[0].Errors) != 0 || len(files[0].Objects) != 1000 {
		t.Fatalf("got %d files, errors %v, %d objects; want 1000 objects from stdin", len(files), files[0].Errors, len(files[0].Objects))
	}
}
