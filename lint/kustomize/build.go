// Package kustomize lints what the cluster receives from a kustomization:
// it builds kustomization directories in-process with kustomize's own
// library (krusty), hermetically, and turns the built objects into model
// objects located in the source files a person edits.
//
// A directory is built when it holds a kustomization that no other
// kustomization of the input uses as a base or component; the files a
// build reads are not read again on their own. Builds cannot reach the
// network (see offline.go): a build that needs it (remote bases, URLs,
// Helm charts) fails, the directory is read raw and a notice says so.
package kustomize

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options configure builds.
type Options struct {
	// EnableExec lets kustomizations run exec and container plugins
	// (KRM functions). Off by default: a lint must not run code from the
	// repository it reads.
	EnableExec bool
	// Sources, by absolute path, replace the disk's content of those
	// files: fix rebuilds from sources it edited in memory, and built
	// objects then point at these Sources.
	Sources map[string]*model.Source

	// RenderChart renders the Helm charts of helmCharts entries (see
	// helm.go); nil leaves them uninflated, with a notice.
	RenderChart ChartRenderer

	// annotated builds with kustomize's origin annotations only, never
	// marked (see serve.go): for tests that compare the two.
	annotated bool
}

// Result is what building the kustomizations of an input produced.
type Result struct {
	// Files hold the built objects, one File per source file (objects
	// produced by a generator belong to its kustomization file), and the
	// kustomization files that carry errors or notices.
	Files []*model.File
	// Roots lists the kustomization directories built, in input order.
	Roots []string

	consumed map[string]bool   // absolute paths read by a build
	inflated map[string]bool   // chart directories builds rendered (Inflated)
	owned    map[string]bool   // directories of the kustomizations built
	how      map[string]string // root directory -> builtMarked or builtAnnotated
}

// How a root was built, for tests (see build).
const (
	builtMarked    = "marked"    // marked (see serve.go)
	builtAnnotated = "annotated" // with kustomize's origin annotations
)

// Consumes reports whether path belongs to a build, so that it must not be
// read again raw: the build read it, or it lies beside a kustomization
// that was built (or failed to build) without being listed there, so that
// the cluster does not receive it through that kustomization either
// (kubebuilder's config/rbac keeps such files for optional features).
func (r *Result) Consumes(path string) bool {
	return consumes(r.consumed, r.owned, path)
}

func consumes(consumed, owned map[string]bool, path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && (consumed[abs] || owned[filepath.Dir(abs)])
}

// Build builds the kustomizations found in dirs (directories holding a
// kustomization file, as the user reaches them). It never fails as a
// whole: problems are located errors or notices in the result's files.
func Build(dirs []string, opts Options) *Result {
	return Start(dirs, opts).Wait()
}

// Pending is a Build under way; which files belong to it is known
// before it starts (Plan.Consumes), so that the caller reads the other
// files while kustomize runs.
type Pending struct {
	done chan struct{}
	res  *Result
}

// Wait returns the result once every build has ended.
func (p *Pending) Wait() *Result {
	<-p.done
	return p.res
}

// Start reads and checks the kustomizations found in dirs, as Build does,
// and builds them in the background.
func Start(dirs []string, opts Options) *Pending {
	return Prepare(dirs, opts).Start(nil)
}

// A Plan is what is known of the kustomizations found in dirs before any
// build: the kustomization files are read (not the files they name), so
// which files belong to builds is known (Consumes), and Focus can tell
// which roots a hook run needs.
type Plan struct {
	b          *builder
	candidates []*kustFile
	referenced map[string]bool // used by another kustomization of the input
}

// Prepare reads the kustomizations found in dirs and those they use.
func Prepare(dirs []string, opts Options) *Plan {
	p := &Plan{b: newBuilder(opts), referenced: map[string]bool{}}
	seen := map[string]bool{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil || seen[abs] {
			continue
		}
		seen[abs] = true
		p.candidates = append(p.candidates, p.b.load(d, abs))
	}
	for _, k := range p.b.kusts {
		for _, e := range k.entries {
			if e.dir && e.kind != entryFile {
				p.referenced[e.abs] = true
			}
		}
	}
	// What belongs to the builds: what tryAll owns, as the bases of a
	// failed root lie inside its closure.
	for _, k := range p.candidates {
		if !k.foreign && !p.referenced[k.abs] && !k.none {
			p.b.own(p.b.closure(k))
		}
	}
	return p
}

// Consumes is Result.Consumes, known before the builds run; valid only
// until Start, whose builds go on to fill the result.
func (p *Plan) Consumes(path string) bool {
	return consumes(p.b.res.consumed, p.b.res.owned, path)
}

// Start builds the plan's roots in the background: all of them, or with
// only set (see Focus) those it names by directory; the files of the
// others belong to them all the same, and are neither built nor read.
func (p *Plan) Start(only map[string]bool) *Pending {
	b, candidates, referenced := p.b, p.candidates, p.referenced
	skip := func(k *kustFile) bool { return only != nil && !only[k.abs] }
	// kustomize's state is process-wide (see buildMu); within one Build,
	// the roots tried first are built in parallel, and their objects are
	// then added one root after another in input order, as are the builds
	// of the bases of a failed overlay, so the result does not depend on
	// scheduling.
	buildMu.Lock()
	// The roots to build: those tried first, and the bases of those
	// that fail their checks, as try does below.
	var ahead []*kustFile
	var plan func(k *kustFile)
	plan = func(k *kustFile) {
		if _, ok := b.attempts[k.abs]; ok || k.kind == "Component" || k.none {
			return
		}
		a := b.prepare(k)
		b.attempts[k.abs] = a
		if len(a.errs) == 0 {
			ahead = append(ahead, k)
			return
		}
		for _, e := range k.entries {
			if sub := b.kusts[e.abs]; e.dir && e.kind == entryResource && sub != nil {
				plan(sub)
			}
		}
	}
	for _, k := range candidates {
		if !k.foreign && !referenced[k.abs] && !skip(k) {
			plan(k)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	for _, k := range b.kusts {
		if model.Get(k.root, "openapi").Present() {
			// kustomize sets the OpenAPI schema of the root's build in a
			// global, and keeps a custom one for the builds after: one
			// at a time, in input order, as before.
			workers = 1
		}
	}
	pending := &Pending{done: make(chan struct{}), res: b.res}
	go func() {
		defer close(pending.done)
		defer buildMu.Unlock()
		defer silence()()
		defer offline(b.opts.EnableExec)()
		b.relay = b.startRelay()
		defer b.relay.stop()
		if workers > 1 && len(ahead) > 1 {
			// kyaml reads its OpenAPI schema on first use, writing maps
			// that another build may be reading unlocked (IsNamespaceScoped
			// of a kind it does not know): read it before the builds start.
			openapi.Schema()
		}
		model.ParallelWorkers(workers, len(ahead), func(i int) {
			b.attempts[ahead[i].abs].run(b, ahead[i])
		})
		// What the builds own is known now (see buildRoot): a build
		// that needs the network owns nothing.
		b.res.consumed, b.res.owned = map[string]bool{}, map[string]bool{}
		b.tryAll(candidates, referenced, skip)
		b.relay.report(b.res)
	}()
	return pending
}

// tryAll builds candidates as their use says, in order.
// Those skipped are owned unbuilt (Focus only skips roots that cannot
// need the network, which would own nothing).
func (b *builder) tryAll(candidates []*kustFile, referenced map[string]bool, skip func(*kustFile) bool) {
	attempted := map[string]bool{}
	var try func(k *kustFile)
	try = func(k *kustFile) {
		if attempted[k.abs] || k.kind == "Component" || k.none {
			return
		}
		attempted[k.abs] = true
		if b.buildRoot(k) {
			return
		}
		// What a failed build would have received from its bases is
		// still worth linting: each base is built on its own.
		var bases []string
		for _, e := range k.entries {
			if sub := b.kusts[e.abs]; e.dir && e.kind == entryResource && sub != nil && !sub.none && sub.kind != "Component" && !attempted[sub.abs] {
				bases = append(bases, sub.dir)
				try(sub)
			}
		}
		if len(bases) > 0 {
			b.notice(k, k.pos(nil), fmt.Sprintf("kustomization %s not built; its bases %s are linted on their own", k.dir, strings.Join(bases, ", ")))
		}
	}
	for _, k := range candidates {
		switch {
		case k.foreign:
			// read as written
		case referenced[k.abs]:
			// built by the kustomizations that use it
		case k.kind == "Component":
			// A component no kustomization of the input uses is built by
			// none: its patches are fragments, not objects to read raw.
			b.own(b.closure(k))
		case skip(k):
			if !k.none {
				b.own(b.closure(k))
			}
		default:
			try(k)
		}
	}
}

// own marks the directories and files of kusts as belonging to kustomize,
// so that they are not read as written.
func (b *builder) own(kusts []*kustFile) {
	for _, k := range kusts {
		b.res.owned[k.abs] = true
		b.res.consumed[k.file()] = true
		for _, e := range k.entries {
			if e.exists && !e.dir {
				b.res.consumed[e.abs] = true
			}
		}
	}
}

type builder struct {
	opts     Options
	kusts    map[string]*kustFile   // by absolute directory
	sources  map[string]*sourceFile // by absolute path
	seen     map[string][]*kept     // objects added, by source document (see keep)
	chains   map[string][]*kustFile // see chain
	relay    *relay                 // serves helm to the builds; nil without Helm charts
	relayErr error                  // why no relay could start
	// charts are the chart entries of the input's kustomizations, by
	// chart directory (allChartEntries).
	charts       map[string][]chartEntry
	chartsByReal map[string]string // a chart directory, links resolved -> as charts names it
	chartsOnce   sync.Once
	reported     map[string]bool     // errors already recorded (see fail)
	attempts     map[string]*attempt // roots built ahead, by directory
	guarded      map[string]verdict  // see builder.guard
	res          *Result
}

func newBuilder(opts Options) *builder {
	return &builder{
		opts:     opts,
		kusts:    map[string]*kustFile{},
		sources:  map[string]*sourceFile{},
		seen:     map[string][]*kept{},
		chains:   map[string][]*kustFile{},
		reported: map[string]bool{},
		attempts: map[string]*attempt{},
		guarded:  map[string]verdict{},
		res:      &Result{consumed: map[string]bool{}, owned: map[string]bool{}, how: map[string]string{}},
	}
}

// load reads the kustomization in dir and, recursively, those it uses.
func (b *builder) load(dir, abs string) *kustFile {
	if k := b.kusts[abs]; k != nil {
		return k
	}
	k := readKustFile(dir, abs)
	b.kusts[abs] = k
	for _, e := range k.entries {
		if e.dir && e.kind != entryFile {
			b.load(filepath.Join(dir, e.value), e.abs)
		}
	}
	return k
}

// closure lists root and every kustomization it uses, root first.
func (b *builder) closure(root *kustFile) []*kustFile {
	var out []*kustFile
	seen := map[string]bool{}
	var walk func(k *kustFile)
	walk = func(k *kustFile) {
		if seen[k.abs] {
			return
		}
		seen[k.abs] = true
		out = append(out, k)
		for _, e := range k.entries {
			if e.dir && e.kind != entryFile {
				if sub := b.kusts[e.abs]; sub != nil {
					walk(sub)
				}
			}
		}
	}
	walk(root)
	return out
}

// attempt is a root's build: what is checked before kustomize runs, and
// what kustomize gave. prepare and build fill it without touching the
// builder's state, so that roots are built in parallel (see Build).
type attempt struct {
	kusts []*kustFile
	errs  []model.Error // not built: input kustomize would fail on, or must not read
	out   *built
	err   error
}

// prepare reads what root's build would read and checks it.
func (b *builder) prepare(root *kustFile) *attempt {
	a := &attempt{kusts: b.closure(root)}
	for _, k := range a.kusts {
		if k.err != nil {
			a.errs = append(a.errs, *k.err)
			continue
		}
		if e, ok := b.guard(k.file(), k.src.Path); !ok {
			a.errs = append(a.errs, e)
		}
		for _, e := range k.entries {
			if e.exists && !e.dir {
				if g, ok := b.guard(e.abs, filepath.Join(k.dir, e.value)); !ok {
					a.errs = append(a.errs, g)
				}
			}
			if !e.exists && !e.remote {
				a.errs = append(a.errs, model.Error{Pos: k.pos(e.node),
					Message: fmt.Sprintf("kustomization lists %s %q, which does not exist; kustomize build fails", e.field, e.value)})
			}
			if sub := b.kusts[e.abs]; e.dir && sub != nil && sub.none {
				a.errs = append(a.errs, model.Error{Pos: k.pos(e.node),
					Message: fmt.Sprintf("kustomization lists %s %q, a directory without kustomization.yaml, kustomization.yml or Kustomization; kustomize build fails", e.field, e.value)})
			}
		}
	}
	return a
}

// run runs kustomize for a prepared root that passed its checks.
func (a *attempt) run(b *builder, root *kustFile) {
	if len(a.errs) > 0 {
		return
	}
	a.out, a.err = b.build(root, a.kusts)
}

// buildRoot builds root (unless Build built it already) and adds its
// objects; false when it failed (the errors are in the result).
func (b *builder) buildRoot(root *kustFile) bool {
	a := b.attempts[root.abs]
	if a == nil {
		a = b.prepare(root)
		a.run(b, root)
	}
	if a.err != nil {
		// Not built (see offline.go): the files are read as written.
		if n, ok := networkNotice(root, a.kusts, a.err, b.relayErr); ok {
			b.notice(root, n.Pos, n.Message)
			return true
		}
	}
	// From here on the files belong to this build: when it fails, the
	// error stands for them rather than findings on half-applied input.
	b.own(a.kusts)
	if len(a.errs) > 0 {
		b.fail(root, a.errs...)
		return false
	}
	b.res.how[root.dir] = a.out.how
	if a.err != nil {
		if e, ok := renderFailure(a.kusts, a.err); ok {
			b.fail(root, e)
			return false
		}
		pos, msg := locateError(a.kusts, a.err)
		b.fail(root, model.Error{Pos: pos, Message: "kustomize build failed: " + msg})
		return false
	}
	b.res.Roots = append(b.res.Roots, root.dir)
	for i, o := range a.out.objects {
		b.addObject(root, o, a.out.origins[i])
	}
	return true
}

// build builds root and says where each object came from: marked (see
// serve.go), and with kustomize's own origin annotations when marks
// cannot be used or a marked build fails or leaves an object unexplained,
// so that the result (objects, origins, and any error message) is always
// that of the build with origin annotations.
func (b *builder) build(root *kustFile, kusts []*kustFile) (*built, error) {
	if !b.opts.annotated {
		if m, origins, ok := b.buildMarked(root, kusts); ok {
			return newBuilt(m, origins, builtMarked), nil
		}
	}
	m, err := b.run(root, nil)
	if err != nil {
		return &built{how: builtAnnotated}, err
	}
	origins := make([]*resource.Origin, 0, m.Size())
	for _, r := range m.Resources() {
		o, _ := r.GetOrigin()
		origins = append(origins, o)
	}
	return newBuilt(m, origins, builtAnnotated), nil
}

// built is what a root's build gave: its objects, each with where it
// came from, and how it was built (see build).
type built struct {
	objects []*yaml.RNode
	origins []*resource.Origin
	how     string
}

func newBuilt(m resmap.ResMap, origins []*resource.Origin, how string) *built {
	out := &built{origins: origins, how: how}
	for _, r := range m.Resources() {
		out.objects = append(out.objects, &r.RNode)
	}
	return out
}

// buildMarked builds root marked; ok is false when the marks cannot be
// used, the marked build failed, or its objects cannot be told apart by
// their marks.
func (b *builder) buildMarked(root *kustFile, kusts []*kustFile) (m resmap.ResMap, origins []*resource.Origin, ok bool) {
	mk := b.markable(kusts)
	if mk == nil {
		return nil, nil, false
	}
	m, err := b.run(root, mk)
	if mk.unmarked || err != nil {
		return nil, nil, false
	}
	origins = make([]*resource.Origin, 0, m.Size())
	for _, r := range m.Resources() {
		if b.relay.marked(r.YNode()) {
			origins = append(origins, nil) // rendered: see addObject
			continue
		}
		o, ok := mk.origin(root, r)
		if !ok {
			return nil, nil, false
		}
		origins = append(origins, o)
	}
	return m, origins, true
}

// fail records the errors of root's build, each once: a base that fails
// on its own repeats the errors of the overlay that used it.
func (b *builder) fail(root *kustFile, errs ...model.Error) {
	f := b.kustOutput(root)
	for _, e := range errs {
		if key := e.Error(); !b.reported[key] {
			b.reported[key] = true
			f.Errors = append(f.Errors, e)
		}
	}
}

func (b *builder) notice(root *kustFile, pos model.Position, msg string) {
	f := b.kustOutput(root)
	f.Notices = append(f.Notices, model.Error{Pos: pos, Message: msg})
}

// kustOutput is the output File of a kustomization file.
func (b *builder) kustOutput(k *kustFile) *model.File {
	abs := k.file()
	sf := b.sources[abs]
	if sf == nil {
		sf = &sourceFile{src: k.src, parsed: &model.File{Source: k.src}}
		b.sources[abs] = sf
	}
	return b.output(sf)
}

func (b *builder) output(sf *sourceFile) *model.File {
	if sf.out == nil {
		sf.out = &model.File{Source: sf.src, Errors: sf.parsed.Errors, Built: true}
		b.res.Files = append(b.res.Files, sf.out)
	}
	return sf.out
}

// buildMu serialises calls of Build: kustomize keeps its OpenAPI schema
// in a global, and silence replaces the process's os.Stderr while
// kustomize runs. Within one Build, roots are built in parallel: kustomize
// sets up its global OpenAPI schema under a lock and only reads it after
// (kyaml openapi: initSchema, SetSchema with the default schema changes
// nothing), each build has its own Kustomizer, loader and resource
// factory, and the standard logger is safe for concurrent use; a root that
// sets its own schema (openapi:) makes Build run its builds one by one.
var buildMu sync.Mutex

// run builds root with krusty over the disk, serving resource files as
// mk says (see serve.go) or, with mk nil, with origin annotations
// switched on (see overlayFS).
func (b *builder) run(root *kustFile, mk *marking) (m resmap.ResMap, err error) {
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.PluginConfig = types.DisabledPluginConfig()
	if b.opts.EnableExec {
		opts.PluginConfig = types.MakePluginConfig(types.PluginRestrictionsNone, types.BploUseStaticallyLinked)
		opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	}
	if b.relay != nil {
		if helm, err := b.relay.command(root); err == nil {
			opts.PluginConfig.HelmConfig.Enabled = true
			opts.PluginConfig.HelmConfig.Command = helm
		}
	}
	fs := newOverlayFS(root.abs, newInputFS(b.opts.Sources))
	fs.marks = mk

	defer func() {
		// kustomize panics on some malformed input; that is the input's
		// fault, reported as a build error, never a crash.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("kustomize panicked: %v", r)
		}
	}()
	return krusty.MakeKustomizer(opts).Run(fs, root.abs)
}

// silence discards what kustomize prints (deprecation warnings on
// os.Stderr, log output) during a build; salint reports on its own.
func silence() func() {
	savedLog := log.Writer()
	log.SetOutput(io.Discard)
	savedErr := os.Stderr
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err == nil {
		os.Stderr = devNull
	}
	return func() {
		log.SetOutput(savedLog)
		if err == nil {
			os.Stderr = savedErr
			_ = devNull.Close()
		}
	}
}

// pointerRE matches a Go-printed struct of pointers, with the space before it.
var pointerRE = regexp.MustCompile(` ?&\{0x[0-9a-f]+(?: 0x[0-9a-f]+)*\}`)

// locateError finds the kustomization entry a build error is about and
// words the error for the report: kustomize's message with stable paths,
// plus what salint adds. The entry is found in kustomize's words only.
func locateError(kusts []*kustFile, err error) (model.Position, string) {
	// Some kustomize errors print Go pointers ("merging from generator
	// &{0xc000123 0xc000456}"), which differ on every run; a report must
	// not.
	msg := pointerRE.ReplaceAllString(err.Error(), "")
	for _, k := range kusts {
		msg = strings.ReplaceAll(msg, k.abs+string(filepath.Separator), k.dir+string(filepath.Separator))
		msg = strings.ReplaceAll(msg, k.abs, k.dir)
	}
	pos := errorEntry(kusts, msg)
	if at, hint, ok := unknownField(kusts, msg); ok {
		pos = at
		msg += hint
	}
	if pluginsDisabled(msg) {
		msg += " (salint runs exec and container plugins only with --enable-exec)"
	}
	return pos, msg
}

func pluginsDisabled(msg string) bool { return strings.Contains(msg, "external plugins disabled") }

// errorEntry is the entry kustomize's error message msg is about: the
// entry whose path it names (the innermost), the plugin entries when
// plugins were refused, the patch it names, else the root kustomization.
func errorEntry(kusts []*kustFile, msg string) model.Position {
	type hit struct {
		pos   model.Position
		score int
	}
	var hits []hit
	for _, k := range kusts {
		for _, e := range k.entries {
			if i := strings.Index(msg, "'"+e.value+"'"); i >= 0 {
				hits = append(hits, hit{k.pos(e.node), len(msg) - i})
			} else if strings.Contains(msg, e.value) && e.kind == entryFile {
				hits = append(hits, hit{k.pos(e.node), 0})
			}
		}
	}
	if pluginsDisabled(msg) {
		for _, k := range kusts {
			for _, e := range k.entries {
				if e.field == "transformers" || e.field == "generators" || e.field == "validators" {
					return k.pos(e.node)
				}
			}
		}
	}
	if len(hits) == 0 {
		if pos, ok := locatePatchError(kusts, msg); ok {
			return pos
		}
		return kusts[0].pos(nil)
	}
	// The innermost cause comes last in kustomize's wrapped messages.
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score < hits[j].score })
	return hits[0].pos
}

// unknownFieldRE matches kustomize's refusal of a field it does not know;
// its message names the field, not the file nor the line.
var unknownFieldRE = regexp.MustCompile(`invalid Kustomization: json: unknown field "([^"]*)"`)

// unknownField locates the key kustomize refused (the first kustomization,
// root first, that has it; its top level first) and, for a top-level key,
// says the closest field kustomize knows.
func unknownField(kusts []*kustFile, msg string) (model.Position, string, bool) {
	m := unknownFieldRE.FindStringSubmatch(msg)
	if m == nil {
		return model.Position{}, "", false
	}
	for _, k := range kusts {
		key, depth := findKey(k.root, m[1])
		if key == nil {
			continue
		}
		hint := ""
		if c := rules.Closest(m[1], kustomizationFields()); depth == 0 && c != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", c)
		}
		return k.pos(key), hint, true
	}
	return model.Position{}, "", false
}

// findKey is the first mapping key named name under n, breadth first, and
// how many mappings deep it is.
func findKey(n *yaml.Node, name string) (*yaml.Node, int) {
	level := []*yaml.Node{n}
	for depth := 0; len(level) > 0; depth++ {
		var next []*yaml.Node
		for _, n := range level {
			if n == nil {
				continue
			}
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == name {
						return n.Content[i], depth
					}
				}
			}
			next = append(next, n.Content...)
		}
		level = next
	}
	return nil, 0
}

// kustomizationFields are the top-level fields of a kustomization, as
// kustomize decodes them.
var kustomizationFields = sync.OnceValue(func() []string {
	var names []string
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && name == "":
				add(f.Type)
			case f.IsExported() && name != "" && name != "-":
				names = append(names, name)
			}
		}
	}
	add(reflect.TypeFor[types.Kustomization]())
	return names
})

// inputFS is the input as builds read it: the disk, with Options.Sources
// in place of the files they name.
type inputFS struct {
	filesys.FileSystem
	sources map[string]*model.Source
}

func newInputFS(sources map[string]*model.Source) *inputFS {
	return &inputFS{FileSystem: filesys.MakeFsOnDisk(), sources: sources}
}

// ReadFile implements filesys.FileSystem.
func (fs *inputFS) ReadFile(path string) ([]byte, error) {
	if src := fs.sources[path]; src != nil {
		return src.Bytes(), nil
	}
	return fs.FileSystem.ReadFile(path)
}

// overlayFS is the input (see inputFS) as a build reads it: either the
// resource files are served marked (marks, see serve.go), or the root
// kustomization is served with buildMetadata [originAnnotations] added,
// so that every built object says which file it came from. The user's
// files are never written.
type overlayFS struct {
	*inputFS
	dirs  map[string]bool // the root directory, and its symlink-free form
	marks *marking
}

func newOverlayFS(root string, in *inputFS) *overlayFS {
	dirs := map[string]bool{root: true}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		dirs[real] = true
	}
	return &overlayFS{inputFS: in, dirs: dirs}
}

// ReadFile implements filesys.FileSystem.
func (fs *overlayFS) ReadFile(path string) ([]byte, error) {
	data, err := fs.inputFS.ReadFile(path)
	if err != nil {
		return data, err
	}
	if fs.marks != nil {
		if mark, ok := fs.marks.byPath[path]; ok {
			if served, ok := fs.marks.serve(data, mark); ok {
				return served, nil
			}
			// Not marked: the build is run again with origin annotations.
			fs.marks.unmarked = true
		}
		return data, nil
	}
	if !fs.dirs[filepath.Dir(path)] || !IsKustomizationFile(filepath.Base(path)) {
		return data, nil
	}
	return withBuildMetadata(data), nil
}

// withBuildMetadata adds originAnnotations to a kustomization; input
// it cannot edit is returned unchanged for kustomize to report.
func withBuildMetadata(data []byte) []byte {
	n, err := yaml.Parse(string(data))
	if err != nil || n.YNode().Kind != yaml.MappingNode {
		return data
	}
	have := map[string]bool{}
	list := n.Field("buildMetadata")
	if list != nil && list.Value.YNode().Kind == yaml.SequenceNode {
		for _, v := range list.Value.YNode().Content {
			have[v.Value] = true
		}
	} else {
		if err := n.PipeE(yaml.SetField("buildMetadata", yaml.NewListRNode())); err != nil {
			return data
		}
		list = n.Field("buildMetadata")
		if list == nil {
			return data
		}
	}
	if !have[types.OriginAnnotations] {
		list.Value.YNode().Content = append(list.Value.YNode().Content, yaml.NewStringRNode(types.OriginAnnotations).YNode())
	}
	s, err := n.String()
	if err != nil {
		return data
	}
	return []byte(s)
}

// patchIDRE matches the resource id kustomize names in patch errors:
// "Deployment.v1.apps/web.[noNs]" (kind, version and group, name, namespace).
var patchIDRE = regexp.MustCompile(`patch "?([A-Za-z0-9]+)\.[^/" ]*/([^/" ]+)\.\[`)

// locatePatchError finds the patch entry an error like `no resource
// matches strategic merge patch "Deployment.v1.apps/web.[noNs]"` is about.
func locatePatchError(kusts []*kustFile, msg string) (model.Position, bool) {
	m := patchIDRE.FindStringSubmatch(msg)
	if m == nil {
		return model.Position{}, false
	}
	kind, name := m[1], m[2]
	for _, k := range kusts {
		for _, p := range k.patches() {
			if p.node.Kind == yaml.MappingNode && model.Get(p.node, "kind").String() == kind &&
				model.Lookup(p.node, "metadata", "name").String() == name {
				return k.pos(p.entry), true
			}
		}
	}
	return model.Position{}, false
}
