package kustomize

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// cacheFiles lists the entries in a cache directory.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err == nil && !d.IsDir() && d.Name() != "trim.txt" {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cachedRoots counts the roots whose build came from the cache.
func cachedRoots(res *Result) int {
	n := 0
	for _, c := range res.cached {
		if c {
			n++
		}
	}
	return n
}

// A build taken from the cache gives the rest of salint exactly what a
// build gives, for every tree of the corpus and the repository, with
// whole and with cut documents; and every root built is taken from it.
func TestCache_WarmBuildsGiveWhatBuildsGive(t *testing.T) {
	for name, dirs := range comparisonTrees(t) {
		for _, stub := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stub=%v", name, stub), func(t *testing.T) {
				want := snapshot(Build(dirs, Options{Stub: stub}))
				opts := Options{Stub: stub, CacheDir: t.TempDir()}
				cold := Build(dirs, opts)
				if got := snapshot(cold); got != want {
					t.Fatalf("the build that filled the cache differs:\n%s", firstDiff(got, want))
				}
				if n := cachedRoots(cold); n != 0 {
					t.Errorf("%d roots from an empty cache", n)
				}
				warm := Build(dirs, opts)
				if got := snapshot(warm); got != want {
					t.Errorf("the build from the cache differs:\n%s", firstDiff(got, want))
				}
				if n := cachedRoots(warm); n != len(warm.Roots) {
					t.Errorf("%d of %d roots built came from the cache", n, len(warm.Roots))
				}
			})
		}
	}
}

// warm builds root into opts.CacheDir and checks that the next build
// comes from the cache.
func warm(t *testing.T, root string, opts Options) {
	t.Helper()
	Build([]string{root}, opts)
	if res := Build([]string{root}, opts); cachedRoots(res) != 1 {
		t.Fatalf("unchanged, the build did not come from the cache: %v", res.cached)
	}
}

// rebuilt builds root with opts and checks that, after what happened
// (what), the build did not come from the cache and gives what a build
// without cache gives.
func rebuilt(t *testing.T, root string, opts Options, what string) {
	t.Helper()
	want := snapshot(Build([]string{root}, Options{Stub: opts.Stub, Sources: opts.Sources}))
	res := Build([]string{root}, opts)
	if cachedRoots(res) != 0 {
		t.Errorf("%s, the build still came from the cache", what)
	}
	if got := snapshot(res); got != want {
		t.Errorf("%s, the build differs from one without cache:\n%s", what, firstDiff(got, want))
	}
}

// oneEntry builds root into opts.CacheDir, which must be empty, and
// returns the one entry the build wrote.
func oneEntry(t *testing.T, root string, opts Options) string {
	t.Helper()
	Build([]string{root}, opts)
	files := cacheFiles(t, opts.CacheDir)
	if len(files) != 1 {
		t.Fatalf("%d entries, want 1", len(files))
	}
	return files[0]
}

// cacheTree is an overlay with a patch file over a base.
var cacheTree = map[string]string{
	"base/kustomization.yaml": "resources: [sa.yaml, deploy.yaml]\n",
	"base/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
	"base/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n" +
		"      serviceAccountName: web\n      containers: [{name: c, image: nginx}]\n",
	"overlay/kustomization.yaml": "resources: [../base]\nnamespace: shop\npatches: [{path: patch.yaml}]\n",
	"overlay/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n" +
		"      automountServiceAccountToken: false\n",
}

// Whatever a build read, changed, makes the next build run kustomize
// again, and give what it gives without a cache.
func TestCache_AChangeToWhatABuildReadBuildsAgain(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"ResourceEdited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "base/deploy.yaml"), strings.Replace(cacheTree["base/deploy.yaml"], "name: web}", "name: api}", 1))
		}},
		{"PatchEdited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "overlay/patch.yaml"), strings.Replace(cacheTree["overlay/patch.yaml"], "false", "true", 1))
		}},
		{"KustomizationEdited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "overlay/kustomization.yaml"), "resources: [../base]\nnamespace: prod\npatches: [{path: patch.yaml}]\n")
		}},
		{"BaseKustomizationEdited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "base/kustomization.yaml"), "resources: [deploy.yaml]\n")
		}},
		{"ResourceRemoved", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "base/sa.yaml")); err != nil {
				t.Fatal(err)
			}
		}},
		{"KustomizationRenamed", func(t *testing.T, dir string) {
			// kustomize takes kustomization.yml when there is no .yaml.
			if err := os.Rename(filepath.Join(dir, "base/kustomization.yaml"), filepath.Join(dir, "base/kustomization.yml")); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "base/kustomization.yml"), "resources: [deploy.yaml]\n")
		}},
		{"FileAddedBesideTheKustomization", func(t *testing.T, dir string) {
			// kustomize refuses a directory with two kustomization files.
			write(t, filepath.Join(dir, "overlay/Kustomization"), "resources: [../base]\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, cacheTree)
			overlay := filepath.Join(dir, "overlay")
			opts := Options{Stub: true, CacheDir: t.TempDir()}
			warm(t, overlay, opts)
			tt.change(t, dir)
			rebuilt(t, overlay, opts, "changed")
		})
	}
}

// Content given in Options.Sources (what fix edited, what a hook stages)
// is what a build reads: an entry made from the disk is not used for it.
func TestCache_SourcesInPlaceOfTheDiskAreAnswersToo(t *testing.T) {
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	Build([]string{overlay}, opts)
	abs := filepath.Join(dir, "base/sa.yaml")
	opts.Sources = map[string]*model.Source{abs: {Path: abs, Data: []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n")}}
	rebuilt(t, overlay, opts, "with other content in Sources")
}

// The canary is put in every place a Secret value comes from: data,
// stringData, a pull secret's auths, a generator's literals and env file.
const canary = "CANARY-7f3e9a1c-do-not-store"

// No cache file holds a Secret value, plain or base64, though the builds
// that hold Secrets are cached.
func TestCache_EntriesHoldNoSecretValue(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(canary))
	auths := base64.StdEncoding.EncodeToString([]byte(`{"auths":{"registry.example.com":{"auth":"` + b64 + `"}}}`))
	dir := writeFiles(t, map[string]string{
		"kustomization.yaml": "resources: [secrets.yaml, pod.yaml]\nsecretGenerator:\n- name: gen\n  literals: [token=" + canary + "]\n  envs: [creds.env]\n",
		"creds.env":          "PASSWORD=" + canary + "\n",
		"secrets.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: plain}\ndata: {token: " + b64 + "}\nstringData: {password: " + canary + "}\n---\n" +
			"apiVersion: v1\nkind: Secret\nmetadata: {name: pull}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: " + auths + "}\n",
		"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  imagePullSecrets: [{name: pull}]\n  containers: [{name: c, image: registry.example.com/app}]\n",
	})
	cache := t.TempDir()
	for _, stub := range []bool{false, true} {
		opts := Options{Stub: stub, CacheDir: cache}
		want := snapshot(Build([]string{dir}, Options{Stub: stub}))
		if !strings.Contains(want, canary) {
			t.Fatalf("the build's objects lack the canary: the test checks nothing")
		}
		Build([]string{dir}, opts)
		res := Build([]string{dir}, opts)
		if !res.cached[dir] {
			t.Fatalf("stub=%v: a build that holds Secrets was not cached", stub)
		}
		if got := snapshot(res); got != want {
			t.Errorf("stub=%v: differs from a build without cache:\n%s", stub, firstDiff(got, want))
		}
	}
	files := cacheFiles(t, cache)
	if len(files) == 0 {
		t.Fatal("no entry written")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{canary, b64, auths, "registry.example.com"} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds %q", f, v)
			}
		}
	}
}

// An entry changed in any one byte is not used (the build runs again
// and gives what it gives), and never crashes salint.
func TestCache_DamagedEntriesAreNotUsed(t *testing.T) {
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	entryPath := oneEntry(t, overlay, opts)
	good, err := os.ReadFile(entryPath)
	if err != nil {
		t.Fatal(err)
	}
	c := openCache(opts.CacheDir)
	key := c.key(&kustFile{abs: overlay}, opts)
	in := newInputFS(nil, nil)
	if _, ok := c.load(key, in); !ok {
		t.Fatal("the entry as written is not used")
	}
	damaged := func(name string, data []byte) {
		write(t, entryPath, string(data))
		if _, ok := c.load(key, in); ok {
			t.Errorf("%s: used", name)
		}
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x20
		damaged(fmt.Sprintf("byte %d changed", i), bad)
	}
	for _, n := range []int{0, 1, len(cacheFormat), len(good) / 2, len(good) - 1} {
		damaged(fmt.Sprintf("cut to %d bytes", n), good[:n])
	}
	damaged("longer", append(bytes.Clone(good), 0))
	// An entry for another root, in this root's place.
	other := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(other, "overlay")}, opts)
	for _, f := range cacheFiles(t, opts.CacheDir) {
		if f != entryPath {
			data, _ := os.ReadFile(f)
			damaged("another root's entry", data)
		}
	}
	rebuilt(t, overlay, opts, "with a damaged entry")
	if res := Build([]string{overlay}, opts); !res.cached[overlay] {
		t.Error("the build after a damaged entry did not replace it")
	}
}

// A cache directory that cannot be made or written is no cache: builds
// run as without one.
func TestCache_UnwritableDirectoryIsNoCache(t *testing.T) {
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	notDir := filepath.Join(t.TempDir(), "file")
	write(t, notDir, "")
	want := snapshot(Build([]string{overlay}, Options{Stub: true}))
	for range 2 {
		res := Build([]string{overlay}, Options{Stub: true, CacheDir: filepath.Join(notDir, "cache")})
		if got := snapshot(res); got != want || res.cached[overlay] {
			t.Errorf("cached %v; differs from a build without cache:\n%s", res.cached[overlay], firstDiff(got, want))
		}
	}
}

// Entries unused for cacheTrimAge go, at most once a day; others stay.
func TestCache_OldEntriesAreTrimmed(t *testing.T) {
	cache := t.TempDir()
	opts := Options{Stub: true, CacheDir: cache}
	first := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(first, "overlay")}, opts)
	old := cacheFiles(t, cache)
	if len(old) != 1 {
		t.Fatalf("%d entries, want 1", len(old))
	}
	long := time.Now().Add(-cacheTrimAge - time.Hour)
	if err := os.Chtimes(old[0], long, long); err != nil {
		t.Fatal(err)
	}
	second := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(second, "overlay")}, opts)
	if n := len(cacheFiles(t, cache)); n != 2 {
		t.Fatalf("%d entries: trimmed again within a day of the first", n)
	}
	day := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(filepath.Join(cache, "kustomize", "trim.txt"), day, day); err != nil {
		t.Fatal(err)
	}
	third := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(third, "overlay")}, opts)
	left := cacheFiles(t, cache)
	if len(left) != 2 || left[0] == old[0] || left[1] == old[0] {
		t.Errorf("entries %v: want the two recent ones, not %s", left, old[0])
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A node in two places is one node again when read; a reference to a node
// still being read (a cycle) or nesting deeper than maxCachedDepth is
// malformed, never a hang or a crash.
func TestCacheNodes_SharedNodesStaySharedAndCyclesAreRefused(t *testing.T) {
	shared := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "v", Line: 3, Column: 5}
	root := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{shared, shared}}
	w := &writer{}
	if !w.node(root) {
		t.Fatal("not written")
	}
	r := &reader{b: w.b}
	got := r.node(0)
	if r.err != nil || len(r.b) != 0 || len(got.Content) != 2 || got.Content[0] != got.Content[1] || got.Content[0].Value != "v" || got.Content[0].Line != 3 {
		t.Errorf("read %+v (err %v): want a sequence of one node twice", got, r.err)
	}

	cycle := &writer{}
	cycle.uint(uint64(yaml.SequenceNode))
	cycle.uint(0)
	for range 6 {
		cycle.str("")
	}
	cycle.uint(1)
	cycle.uint(1)
	cycle.uint(1) // one child:
	cycle.uint(0) // a reference
	cycle.uint(0) // to the sequence itself
	if r := (&reader{b: cycle.b}); r.node(0) != nil && r.err == nil {
		t.Error("a reference to an ancestor was read")
	}

	deep := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}
	for range maxCachedDepth + 1 {
		deep = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{deep}}
	}
	w = &writer{}
	w.node(deep)
	if r := (&reader{b: w.b}); r.node(0) != nil && r.err == nil {
		t.Error("nesting deeper than maxCachedDepth was read")
	}
}

// A kustomization with its own OpenAPI schema changes a global that later
// builds of the process read: from then on no build is cached or taken
// from the cache. (Last in this file: it leaves the process's flag set
// until it resets it.)
func TestCache_ACustomOpenAPISchemaTurnsTheCacheOff(t *testing.T) {
	defer func() {
		schemaTouched.Store(false)
		openapi.ResetOpenAPI()
	}()
	plain := writeFiles(t, cacheTree)
	cache := t.TempDir()
	opts := Options{Stub: true, CacheDir: cache}
	Build([]string{filepath.Join(plain, "overlay")}, opts)
	before := cacheFiles(t, cache)
	if len(before) != 1 {
		t.Fatalf("%d entries, want 1", len(before))
	}
	custom := writeFiles(t, map[string]string{
		"kustomization.yaml": "openapi:\n  path: schema.json\nresources: [sa.yaml]\n",
		"schema.json":        `{"definitions": {}}`,
		"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
	})
	for range 2 {
		res := Build([]string{custom}, opts)
		if len(res.Roots) != 1 || res.cached[custom] {
			t.Fatalf("roots %v, cached %v: want built, not from the cache", res.Roots, res.cached)
		}
	}
	if res := Build([]string{filepath.Join(plain, "overlay")}, opts); res.cached[filepath.Join(plain, "overlay")] {
		t.Error("after a custom schema, a build came from the cache")
	}
	if after := cacheFiles(t, cache); len(after) != 1 {
		t.Errorf("entries %v after builds with a custom schema: want only %v", after, before)
	}
}
