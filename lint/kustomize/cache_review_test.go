package kustomize

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A builtin plugin's configuration (transformers:, generators:,
// validators:, in a file or inline) may name a patch by URL, which
// kustomize's loader would fetch over HTTP, not through the filesystem:
// such a tree is not built at all (hermetic builds, see
// TestBuild_PluginConfigsThatFetchAreNotBuilt), so nothing is fetched and
// nothing is kept.
func TestCache_WhatAPluginFetchesIsNoAnswerSoItsBuildIsNotKept(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n" +
			"      automountServiceAccountToken: true\n"))
	}))
	defer srv.Close()
	config := "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: " + srv.URL + "/patch.yaml\n"
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"InAFile", map[string]string{
			"overlay/kustomization.yaml": "resources: [../base]\ntransformers: [patch.yaml]\n",
			"overlay/patch.yaml":         config,
		}},
		{"Inline", map[string]string{
			"overlay/kustomization.yaml": "resources: [../base]\ntransformers:\n- |\n" + indent(config, "  "),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for p, c := range cacheTree {
				if strings.HasPrefix(p, "base/") {
					files[p] = c
				}
			}
			for p, c := range tt.files {
				files[p] = c
			}
			dir := writeFiles(t, files)
			overlay := filepath.Join(dir, "overlay")
			opts := Options{Stub: true, CacheDir: t.TempDir()}
			for range 2 {
				res := Build([]string{overlay}, opts)
				if got := snapshot(res); len(res.Roots) != 0 || res.cached[overlay] || !strings.Contains(got, "not built: needs network") {
					t.Fatalf("want not built, with a notice:\n%s", got)
				}
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests reached the server", n)
			}
			if entries := cacheFiles(t, opts.CacheDir); len(entries) != 0 {
				t.Errorf("entries %v kept", entries)
			}
		})
	}
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+by) + "\n"
}

// References to nodes already read make a graph whose tree, as every walk
// of the objects sees it, can be exponentially larger than the entry
// (each node two references to the one before): such objects are
// refused, while the sharing kustomize makes (labels in two places) is
// read.
func TestCacheNodes_ReferencesThatExpandBeyondTheEntryAreRefused(t *testing.T) {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}
	for range 64 {
		n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{n, n}}
	}
	bomb := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "kind"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "Pod"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "spec"}, n,
	}}
	data, ok := encodeObjects(&built{how: builtCut, objects: []*yaml.RNode{yaml.NewRNode(bomb)}, origins: []*resource.Origin{nil}})
	if !ok {
		t.Fatal("not written")
	}
	if _, ok := decodeObjects(data); ok {
		t.Error("objects whose tree has 2^64 nodes were read from an entry of a few hundred bytes")
	}

	labels := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "app"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "web"},
	}}
	pod := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "kind"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "Pod"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "labels"}, labels,
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "selector"}, labels,
	}}
	data, ok = encodeObjects(&built{how: builtCut, objects: []*yaml.RNode{yaml.NewRNode(pod)}, origins: []*resource.Origin{nil}})
	if !ok {
		t.Fatal("not written")
	}
	if _, ok := decodeObjects(data); !ok {
		t.Error("labels shared as kustomize shares them were refused")
	}
}

// An entry's questions are asked before its seal can be checked, so
// whoever can write the cache directory chooses them: a read of a file no
// build would give kustomize (larger than maxBuildFileSize, not a regular
// file) or a glob (kustomize never globs; a pattern may walk the whole
// disk) is not asked, and the entry is not used, even when its answers
// and seal are right.
func TestCache_QuestionsNoBuildAsksAreNotAsked(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	write(t, small, "kind: Pod\n")
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxBuildFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = f.Close()
	tests := []struct {
		name string
		q    question
		used bool
	}{
		{"SmallFileRead", question{askRead, small}, true},
		{"HugeFileRead", question{askRead, huge}, false},
		{"Glob", question{askGlob, filepath.Join(dir, "*")}, false},
	}
	// rawAsk answers as the disk does, as whoever forges an entry can.
	rawAsk := func(q question) (digest, digest) {
		switch q.op {
		case askRead:
			data, err := os.ReadFile(q.path)
			return hashAnswer(err, data), sealPart(q.path, data)
		case askGlob:
			names, err := filepath.Glob(q.path)
			return hashList(names, err), digest{}
		}
		t.Fatalf("no raw answer to %v", q)
		return digest{}, digest{}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openCache(t.TempDir())
			key := c.key(&kustFile{abs: dir}, Options{})
			questions := []question{tt.q}
			d, _ := rawAsk(tt.q)
			answers := []digest{d}
			seal, _ := answered(rawAsk, questions, answers)
			data, ok := encodeEntry(key, questions, answers, seal, &built{how: builtCut})
			if !ok {
				t.Fatal("not written")
			}
			if err := os.MkdirAll(filepath.Dir(c.path(key)), 0o700); err != nil {
				t.Fatal(err)
			}
			write(t, c.path(key), string(data))
			if _, ok := c.load(key, newInputFS(nil, nil)); ok != tt.used {
				t.Errorf("used %v, want %v", ok, tt.used)
			}
		})
	}
}

// Trimming removes entries, and only entries: a cache directory given by
// mistake where files of the user's lie (--cache-dir . in a repository
// with a kustomize/ directory) loses none of them, however old.
func TestCache_TrimRemovesOnlyEntries(t *testing.T) {
	cache := writeFiles(t, map[string]string{
		"kustomize/base/deployment.yaml":          "kind: Deployment\n",
		"kustomize/ab/notes.txt":                  "mine\n",
		"kustomize/ab/" + strings.Repeat("c", 64): "not an entry of this subdirectory\n",
	})
	long := time.Now().Add(-cacheTrimAge - time.Hour)
	var users []string
	for _, p := range []string{"kustomize/base/deployment.yaml", "kustomize/ab/notes.txt", "kustomize/ab/" + strings.Repeat("c", 64)} {
		users = append(users, filepath.Join(cache, p))
		if err := os.Chtimes(users[len(users)-1], long, long); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Stub: true, CacheDir: cache}
	first := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(first, "overlay")}, opts) // trims: no trim.txt yet
	var entry string
	for _, f := range cacheFiles(t, cache) {
		if !slices.Contains(users, f) {
			entry = f
		}
	}
	if err := os.Chtimes(entry, long, long); err != nil {
		t.Fatal(err)
	}
	day := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(filepath.Join(cache, "kustomize", "trim.txt"), day, day); err != nil {
		t.Fatal(err)
	}
	second := writeFiles(t, cacheTree)
	Build([]string{filepath.Join(second, "overlay")}, opts)
	for _, f := range users {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("a file that is no entry was trimmed: %v", err)
		}
	}
	if _, err := os.Stat(entry); err == nil {
		t.Errorf("the old entry %s was not trimmed", entry)
	}
}

// What generators read (an env file, a file) is an answer like any
// other: changed or removed, the build runs again and gives what it gives
// without a cache.
func TestCache_AChangeToWhatAGeneratorReadBuildsAgain(t *testing.T) {
	tree := map[string]string{
		"app/kustomization.yaml": "resources: [sa.yaml]\n" +
			"secretGenerator: [{name: s, envs: [s.env], files: [key=k.txt]}]\n" +
			"configMapGenerator: [{name: c, files: [conf/a.conf]}]\n",
		"app/sa.yaml":     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		"app/s.env":       "A=1\n",
		"app/k.txt":       "key\n",
		"app/conf/a.conf": "a\n",
	}
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"EnvFileEdited", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "app/s.env"), "A=2\n") }},
		{"KeyFileEdited", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "app/k.txt"), "other\n") }},
		{"FileEdited", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "app/conf/a.conf"), "z\n") }},
		{"FileRemoved", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "app/conf/a.conf")); err != nil {
				t.Fatal(err)
			}
		}},
		{"FileMadeADirectory", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "app/k.txt")); err != nil {
				t.Fatal(err)
			}
			writeTree(t, dir, map[string]string{"app/k.txt/x": "x\n"})
		}},
	}
	for _, tt := range tests {
		for _, stub := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stub=%v", tt.name, stub), func(t *testing.T) {
				dir := writeFiles(t, tree)
				app := filepath.Join(dir, "app")
				opts := Options{Stub: stub, CacheDir: t.TempDir()}
				warm(t, app, opts)
				tt.change(t, dir)
				rebuilt(t, app, opts, "changed")
			})
		}
	}
}

// Objects an entry holds go to the rest of salint as kustomize's output
// does; an entry sealed right (by whoever has the files the build read)
// with objects kustomize never gives (a mapping of an odd number of
// nodes, which kyaml reads in pairs past its end; a scalar, a sequence or
// an empty document in an object's place) is refused or read without a
// crash.
func TestCache_ObjectsKustomizeNeverGivesCrashNothing(t *testing.T) {
	s := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	m := func(c ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: c} }
	seq := func(c ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: c} }
	meta := m(s("name"), s("web"))
	tests := []struct {
		name    string
		obj     *yaml.Node
		refused bool // else read, and given to the rest of salint
	}{
		{"Scalar", s("x"), true},
		{"Sequence", seq(s("a")), true},
		{"EmptyDocument", &yaml.Node{Kind: yaml.DocumentNode}, true},
		{"Document", &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m(s("kind"), s("Pod"), s("metadata"), meta)}}, true},
		{"OddMapping", m(s("kind")), true},
		{"OddMappingAfterKind", m(s("kind"), s("Pod"), s("metadata")), true},
		{"OddMetadata", m(s("kind"), s("Pod"), s("metadata"), m(s("name"))), true},
		{"MetadataAScalar", m(s("kind"), s("Pod"), s("metadata"), s("str")), false},
		{"NameAMapping", m(s("kind"), s("Pod"), s("metadata"), m(s("name"), m())), false},
		{"KindAMapping", m(s("kind"), m(), s("metadata"), meta), false},
		{"SpecAScalar", m(s("kind"), s("Deployment"), s("metadata"), meta, s("spec"), s("x")), false},
		{"OddPodSpec", m(s("kind"), s("Deployment"), s("metadata"), meta, s("spec"), m(s("template"), m(s("spec"), m(s("containers"))))), true},
		{"ContainersAScalar", m(s("kind"), s("Deployment"), s("metadata"), meta, s("spec"), m(s("template"), m(s("spec"), m(s("containers"), s("x"))))), false},
		{"ListItemsAScalar", m(s("kind"), s("List"), s("items"), s("x")), false},
		{"ListOfOddItems", m(s("kind"), s("List"), s("items"), seq(s("a"), m(s("kind")))), true},
	}
	dir := writeFiles(t, cacheTree)
	overlay := filepath.Join(dir, "overlay")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	entryPath := oneEntry(t, overlay, opts)
	data, err := os.ReadFile(entryPath)
	if err != nil {
		t.Fatal(err)
	}
	c := openCache(opts.CacheDir)
	key := c.key(&kustFile{abs: overlay}, opts)
	e, ok := decodeHeader(data, key)
	if !ok {
		t.Fatal("the entry as written has no header")
	}
	seal, ok := answered(func(q question) (digest, digest) { return ask(newInputFS(nil, nil), q) }, e.questions, e.answers)
	if !ok {
		t.Fatal("the entry as written is not answered")
	}
	for _, tt := range tests {
		for _, origin := range []*resource.Origin{nil, {Path: "../base/deploy.yaml"}, {ConfiguredIn: "kustomization.yaml"}} {
			t.Run(tt.name, func(t *testing.T) {
				w := &writer{}
				w.str(builtCut)
				w.uint(1)
				w.origin(origin)
				w.node(tt.obj)
				forged, ok := sealEntry(key, e.questions, e.answers, seal, w.b)
				if !ok {
					t.Fatal("not sealed")
				}
				write(t, entryPath, string(forged))
				// A panic here ends the test binary.
				if res := Build([]string{overlay}, opts); res.cached[overlay] == tt.refused {
					t.Errorf("taken from the cache %v, want %v", res.cached[overlay], !tt.refused)
				}
			})
		}
	}
}

// The bases of an overlay that fails are built on their own (tryAll):
// from the cache too, with the overlay's error and notice as without it,
// and two roots over one base each keep an entry of their own.
func TestCache_BasesOfAFailedOverlayAndSharedBases(t *testing.T) {
	tree := maps.Clone(cacheTree)
	tree["broken/kustomization.yaml"] = "resources: [../base]\npatches: [{path: missing.yaml}]\n"
	tree["broken/missing.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nowhere}\nspec: {replicas: 2}\n"
	tree["other/kustomization.yaml"] = "resources: [../base]\nnamespace: other\n"
	dir := writeFiles(t, tree)
	roots := []string{filepath.Join(dir, "broken"), filepath.Join(dir, "overlay"), filepath.Join(dir, "other")}
	base := filepath.Join(dir, "base")
	want := snapshot(Build(roots, Options{Stub: true}))
	if !strings.Contains(want, "kustomize build failed") || !strings.Contains(want, "linted on their own") {
		t.Fatalf("the broken overlay did not fail with its bases built alone:\n%s", want)
	}
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	Build(roots, opts)
	res := Build(roots, opts)
	if got := snapshot(res); got != want {
		t.Errorf("differs from a build without cache:\n%s", firstDiff(got, want))
	}
	for _, r := range []string{base, roots[1], roots[2]} {
		if !res.cached[r] {
			t.Errorf("%s not taken from the cache: %v", r, res.cached)
		}
	}
	write(t, filepath.Join(dir, "base/sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n")
	want = snapshot(Build(roots, Options{Stub: true}))
	res = Build(roots, opts)
	if n := cachedRoots(res); n != 0 {
		t.Errorf("%d roots over the edited base came from the cache: %v", n, res.cached)
	}
	if got := snapshot(res); got != want {
		t.Errorf("differs from a build without cache:\n%s", firstDiff(got, want))
	}
}

// What salint reads to choose how a build is served (hashSuffixed reads
// the patch files) is an answer too: a patch file changed between that
// read and kustomize's (here given the annotation that hashes the mark
// into a name) spoils the entry, rather than keeping a build that no
// later build gives.
func TestCache_AFileChangedBetweenSalintsReadAndKustomizesIsNotKept(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"app/kustomization.yaml": "resources: [sa.yaml, pod.yaml]\npatches: [{path: p.yaml}]\n",
		"app/p.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ghost\n  annotations: {a: b}\n",
		"app/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ghost}\n",
		"app/pod.yaml":           "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: ghost\n  containers: [{name: c, image: nginx}]\n",
	})
	app := filepath.Join(dir, "app")
	opts := Options{Stub: true, CacheDir: t.TempDir()}
	b := newBuilder(opts)
	b.cache = openCache(opts.CacheDir)
	root := b.load(app, app)
	a := b.prepare(root)
	for _, k := range a.kusts {
		b.hashSuffixed(k, nil)
	}
	write(t, filepath.Join(dir, "app/p.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ghost\n"+
		"  annotations: {internal.config.kubernetes.io/needsHashSuffix: enabled}\n")
	buildMu.Lock()
	a.run(b, root)
	buildMu.Unlock()
	rebuilt(t, app, opts, "read the patch two ways")
}

// An entry's questions are asked before its seal is checked, and anyone
// who can write the cache can answer "is /nowhere/N a directory?" right:
// an entry of more questions than a build asks (the corpus's largest
// asks 111) is refused before any is asked, and is not written.
func TestCache_EntriesOfTooManyQuestionsAreNotAsked(t *testing.T) {
	c := openCache(t.TempDir())
	key := c.key(&kustFile{abs: "/x"}, Options{})
	n := maxQuestions + 1
	questions := make([]question, n)
	answers := make([]digest, n)
	for i := range questions {
		questions[i] = question{askIsDir, fmt.Sprintf("/nowhere/%d", i)}
		answers[i] = hashBool(false)
	}
	data, ok := sealEntry(key, questions, answers, digest{}, nil)
	if !ok {
		t.Fatal("not written")
	}
	if err := os.MkdirAll(filepath.Dir(c.path(key)), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, c.path(key), string(data))
	if _, ok := c.load(key, newInputFS(nil, nil)); ok {
		t.Error("used")
	}
	if len(c.answers.m) != 0 {
		t.Errorf("%d questions asked", len(c.answers.m))
	}

	dir := t.TempDir()
	c = openCache(dir)
	rec := newRecorder()
	for i, q := range questions {
		rec.add(q, answers[i])
	}
	c.store(key, rec, newInputFS(nil, nil), &built{how: builtCut})
	if files := cacheFiles(t, dir); len(files) != 0 {
		t.Errorf("an entry of %d questions was written: %v", n, files)
	}
}

// Checking entries keeps, for the rest of the Build, a hash of each
// answer, not what each read gave: the content of every file the cached
// builds read (or a hostile entry names) is not held in memory.
func TestCache_CheckingEntriesHoldsNoFileContent(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	write(t, big, strings.Repeat("# padding\n", 3<<20)) // 30 MiB
	c := openCache(t.TempDir())
	key := c.key(&kustFile{abs: dir}, Options{})
	answer := func() digest { // the content is not held past here
		data, err := os.ReadFile(big)
		if err != nil {
			t.Fatal(err)
		}
		return hashAnswer(nil, data)
	}()
	questions, answers := []question{{askRead, big}}, []digest{answer}
	seal, _ := answered(func(q question) (digest, digest) { return ask(newInputFS(nil, nil), q) }, questions, answers)
	entry, ok := sealEntry(key, questions, answers, seal, nil)
	if !ok {
		t.Fatal("not sealed")
	}
	if err := os.MkdirAll(filepath.Dir(c.path(key)), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, c.path(key), string(entry))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c.load(key, newInputFS(nil, nil))
	runtime.GC()
	runtime.ReadMemStats(&after)
	if held := int64(after.HeapInuse) - int64(before.HeapInuse); held > 8<<20 {
		t.Errorf("%d MiB held after checking an entry that reads a 30 MiB file", held>>20)
	}
	runtime.KeepAlive(c)
}

// Two builds of salint can share path, size, time and build information
// (a rebuild without VCS stamping, installed with normalized times: a
// one-character change to cacheFormat left the size as it was): the Go
// build ID, a hash of what was compiled, tells them apart.
func TestCache_BinariesThatDifferOnlyInWhatWasCompiledAreTwo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no executable:", err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	id := goBuildID(exe)
	if id == "" {
		t.Skip("no Go build ID found in this binary's format")
	}
	at := bytes.Index(data, []byte(id))
	if at < 0 {
		t.Fatalf("build ID %q not in the binary", id)
	}
	copyAt := filepath.Join(t.TempDir(), "salint")
	same := time.Now().Add(-time.Hour)
	install := func(content []byte) string {
		write(t, copyAt, string(content))
		if err := os.Chtimes(copyAt, same, same); err != nil {
			t.Fatal(err)
		}
		return identityOf(copyAt)
	}
	first := install(data)
	if again := install(data); again != first {
		t.Errorf("the same binary has two identities")
	}
	other := bytes.Clone(data)
	other[at] ^= 1 // another build: another ID, same size
	if install(other) == first {
		t.Errorf("two builds with one path, size and time have one identity")
	}
}
