// Package lint drives salint's rules: it reads the inputs, builds the
// namespace model, runs every enabled rule, applies the user's silencing
// and severities, and writes reports. It knows no rule by name.
package lint

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint/gitops"
	"github.com/salint/salint/lint/kustomize"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options configure one run. Flags have already been merged over Config.
type Options struct {
	Input
	// Config is the loaded .salint.yaml, or nil.
	Config *Config
	// Namespace overrides Config.Namespace when set.
	Namespace string
	// Enable and Disable are rule ids from the command line.
	Enable, Disable []string
	// Settings are passed to rules; Run fills the config's lists in.
	Settings rules.Settings
	// Catalog is the rule set; rules.All() when nil.
	Catalog []*rules.Rule
	// Views are the cluster views to judge in, formed by a source that
	// knows them (the config, GitOps objects); when nil, Check infers
	// them from the input (InferViews).
	Views []*ClusterView
	// Root is the repository root GitOps objects' paths are relative
	// to; when empty, the repository holding the first of Paths (else
	// that path's directory).
	Root string
	// OnlyViews, when set, limits the run to the views of these names
	// (--view).
	OnlyViews []string
	// Only, when set, limits the report to findings and input errors in
	// these paths (files, or directories and everything below them). The
	// bundle is still built from every input, so an account defined in a
	// file outside them still counts: this is how a pre-commit hook lints
	// the changed files against the whole repository (--root). Only the
	// kustomize roots whose builds can change a verdict on them are
	// built (hook.go).
	Only []string
	// Changed, with Only unset, names what a change touched since the
	// revision --new-from-rev compares with (ForNewFromRev): the run
	// reports in every file, and builds only the kustomize roots whose
	// builds the change can reach (hook.go); empty is no change.
	Changed []string

	partial bool     // some kustomize roots were left out (hook.go)
	chosen  []string // with Changed: kustomization files the working tree's run chose (knownAt)
}

// Result is what a run found.
type Result struct {
	// Bundle is the model of the whole input; each view has its own.
	Bundle *model.Bundle
	// Views are the cluster views the input was judged in; one when
	// the input forms no more.
	Views    []*ClusterView
	Findings []rules.Finding
	Errors   []model.Error
	// Notices are said about how inputs were read (a kustomization not
	// built); they do not change the exit code.
	Notices []model.Error
	Files   int
	Objects int
	// Suppressed counts findings silenced by annotation or config;
	// Silenced holds them, in report order.
	Suppressed int
	Silenced   []Suppression
	// Unreported counts input errors in files read only for context
	// (outside Options.Only): the model may lack what they hold.
	Unreported int
	// Known counts findings and input errors left out because a baseline
	// or an earlier revision already had them (Result.Subtract).
	Known int

	focus *hookFocus // what a run with Options.Changed built, when not everything

	// secrets are the Secret values of every input, read or not in
	// scope, each also as messages quote it and writers escape it.
	secrets *model.SecretValues
	viewErr error // a --view no view has
}

// Run lints the inputs. The error is for the user's own mistakes (an
// unknown rule id, a --view no view has); problems with the inputs are
// in Result.Errors.
func Run(opts Options) (*Result, error) {
	active, err := opts.ActiveRules()
	if err != nil {
		return nil, err
	}
	res := opts.run(active)
	return res, res.viewErr
}

// Model reads the inputs and builds the namespace model exactly as Run
// does, without running any rule: for views of the model (salint accounts).
// Result.Findings is empty.
func Model(opts Options) *Result {
	return Check(Load(opts.Input), opts, nil)
}

// Check runs active rules over files already read, once per cluster
// view (Options.Views, else InferViews), and joins the findings: one
// that several views give at the same place with the same message is
// reported once, with its views. One view is the whole input, judged
// once, as before views existed.
func Check(files []*model.File, opts Options, active []ActiveRule) *Result {
	cfg := opts.config()
	modelOpts := model.Options{
		DefaultNamespace: opts.defaultNamespace(),
		ExternalAccounts: cfg.ExternalAccounts,
		ExternalSecrets:  cfg.ExternalSecrets,
	}
	views, notices, viewErr := opts.views(cfg, files)
	files = withoutValuesFiles(files, opts.valuesFiles(views))
	b := model.Build(files, modelOpts)
	settings := opts.Settings
	settings.PrivateRegistries = append(slices.Clone(cfg.PrivateRegistries), settings.PrivateRegistries...)

	res := &Result{Bundle: b}
	res.Views = views
	if viewErr != nil {
		res.viewErr = viewErr
		res.Errors = append(res.Errors, model.Error{Message: viewErr.Error()})
	}
	scope := newScope(opts.Only)
	paths := make(map[string]bool, len(files))
	renderedFiles, charts := renders(views)
	problems := func(f *model.File) {
		if scope.has(f.Source.Path) {
			res.Errors = append(res.Errors, f.Errors...)
			res.Notices = append(res.Notices, f.Notices...)
		} else {
			res.Unreported += len(f.Errors)
		}
	}
	for _, f := range files {
		// A kustomization read raw also carries the notice that it was not
		// built: one file, counted once. Only files read count: not a
		// Helm template left out (helmNotice), nor a PATH that could not
		// be read or a directory without manifests (errorFile).
		read := f.Source.HasContent() || f.Count() > 0
		if !paths[f.Source.Path] && read {
			paths[f.Source.Path] = true
			res.Files++
		}
		res.Objects += f.Count()
		if !defaultRender(f, charts) {
			problems(f)
		}
	}
	for _, f := range renderedFiles {
		problems(f)
	}
	for _, n := range notices {
		if scope.has(n.Pos.File) {
			res.Notices = append(res.Notices, n)
		}
	}
	if len(active) > 0 {
		res.Notices = append(res.Notices, unknownIgnored(b, opts.Catalog, scope)...)
	}
	j := &judge{active: active, settings: &settings, scope: scope, cfg: cfg}
	switch {
	case viewErr != nil:
	case len(views) == 1 && views[0].whole():
		// One view of everything: the whole input, judged once.
		views[0].Bundle = b
		res.Findings, res.Silenced = j.run(b)
	default:
		res.Findings, res.Silenced = j.perView(views, files, modelOpts)
		if slices.ContainsFunc(views, func(v *ClusterView) bool { return v.Namespace != "" }) {
			res.Bundle = model.Build(files, modelOpts) // objects back in the run's default namespace
		}
	}
	res.Suppressed = len(res.Silenced)
	if len(active) > 0 && !opts.partial {
		// An entry that matches nothing built may match a root left out.
		res.Notices = append(res.Notices, cfg.unmatchedIgnores(b.Objects, res.Silenced)...)
	}
	sortErrors(res.Errors)
	sortErrors(res.Notices)
	secrets := &model.SecretValues{}
	for _, f := range append(slices.Clip(files), renderedFiles...) {
		secrets.Merge(f.SecretValues())
	}
	// A message may quote a value (%q), a writer escape it: each form is
	// scrubbed.
	res.secrets = secrets.Encoded(safetext.GoQuoted, safetext.Escape, safetext.JSONString)
	res.scrub()
	return res
}

// valuesFiles are the files the run renders Helm charts with, by
// absolute path: --values, the config's helm.charts values, and the
// valueFiles of the charts the views render (an Argo CD Application's).
func (o Options) valuesFiles(views []*ClusterView) map[string]bool {
	set := map[string]bool{}
	add := func(paths []string) {
		for _, p := range paths {
			set[absPath(p)] = true
		}
	}
	add(o.Helm.ValuesFiles)
	for _, chart := range o.HelmCharts {
		add(chart.ValuesFiles)
	}
	for _, v := range views {
		for _, u := range v.Units {
			if unit, ok := u.Source.(*gitops.Unit); ok && unit.Helm != nil {
				add(unit.Helm.ValueFiles)
			}
		}
	}
	return set
}

// withoutValuesFiles leaves out of files those read from a values file:
// values, not manifests, wherever they are in the PATHs, as a chart's
// values.yaml (helm.IsChartFile). No command reads them as documents
// (admit would print their passwords as it passes documents other than
// objects through) nor counts them.
func withoutValuesFiles(files []*model.File, values map[string]bool) []*model.File {
	if len(values) == 0 {
		return files
	}
	return slices.DeleteFunc(slices.Clone(files), func(f *model.File) bool {
		return !f.Built && f.Source.Path != StdinPath && values[absPath(f.Source.Path)]
	})
}

// config is the run's config, empty when there is none.
func (o Options) config() *Config {
	if o.Config == nil {
		return &Config{}
	}
	return o.Config
}

// defaultNamespace is where objects that set no namespace land: the
// flag, else the config's; "" leaves model.Build's default.
func (o Options) defaultNamespace() string {
	if o.Namespace != "" {
		return o.Namespace
	}
	return o.config().Namespace
}

// judge runs the active rules over a bundle.
type judge struct {
	active   []ActiveRule
	settings *rules.Settings
	scope    *scope
	cfg      *Config
}

// run gives the findings of b, sorted and joined as reported, and those
// silenced.
func (j *judge) run(b *model.Bundle) ([]rules.Finding, []Suppression) {
	// Rules only read the bundle (Bundle.Memo locks), so they run on
	// every core; each keeps its findings apart and they are joined in
	// rule order, so the result is the same as one rule after another.
	out := make([]ruleResult, len(j.active))
	model.Parallel(len(j.active), func(i int) {
		ar, r := j.active[i], &out[i]
		pass := rules.NewPass(ar.Rule, b, j.settings, func(f rules.Finding) {
			if !j.scope.has(f.Pos.File) && !j.scope.hasBuilt(f.Object) {
				return
			}
			if s, ok := suppressed(f, j.cfg); ok {
				r.suppressed = append(r.suppressed, s)
				return
			}
			if ar.Severity != 0 {
				f.Severity = ar.Severity
			}
			kustomize.Explain(&f)
			r.findings = append(r.findings, f)
		})
		ar.Rule.Check(pass)
	})
	var findings []rules.Finding
	var silenced []Suppression
	for _, r := range out {
		findings = append(findings, r.findings...)
		silenced = append(silenced, r.suppressed...)
	}
	sort.SliceStable(silenced, func(i, j int) bool { return rules.FindingLess(silenced[i].Finding, silenced[j].Finding) })
	rules.SortFindings(findings)
	return kustomize.Dedupe(findings), silenced
}

// scrub takes every Secret value of the input out of the result's
// messages: every writer reads them from here, and whatever produced a
// message (a kustomize error quotes the node it failed on) must not make
// salint print a secret.
func (r *Result) scrub() {
	for _, errs := range [][]model.Error{r.Errors, r.Notices} {
		for i := range errs {
			errs[i].Message = r.secrets.Scrub(errs[i].Message)
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Message = r.secrets.Scrub(f.Message)
		f.NoFix = r.secrets.Scrub(f.NoFix)
		cloned := false
		for j, rel := range f.Related {
			if m := r.secrets.Scrub(rel.Message); m != rel.Message {
				if !cloned {
					f.Related, cloned = slices.Clone(f.Related), true // may be shared by the findings Dedupe joined
				}
				f.Related[j].Message = m
			}
		}
		if f.Fix == nil {
			continue
		}
		if m := r.secrets.Scrub(f.Fix.Message); m != f.Fix.Message {
			fix := *f.Fix // may be shared by the findings Dedupe joined
			fix.Message = m
			f.Fix = &fix
		}
	}
}

// Scrub takes every Secret value of the input out of s (as read, quoted,
// and escaped by safetext and the JSON encoder): for the outputs that
// print what the input holds (admit's objects, accounts' names), which
// scrub their data whole, however a value reached it (a render or a
// postBuild substitution may put one in a name).
func (r *Result) Scrub(s string) string { return r.secrets.Scrub(s) }

// Scrubber is Scrub, or nil when the input holds no Secret value: a
// writer that scrubs whole documents (admit's) then passes them through
// as they are, without reading them again.
func (r *Result) Scrubber() func(string) string {
	if r.secrets.Empty() {
		return nil
	}
	return r.Scrub
}

// unknownIgnored says of each rule id in an ignore annotation (of an
// object or a pod template, in scope) that no rule of the catalog has,
// with the closest, as --disable does: a mistyped id silences nothing.
func unknownIgnored(b *model.Bundle, catalog []*rules.Rule, scope *scope) []model.Error {
	if catalog == nil {
		catalog = rules.All()
	}
	known := map[string]bool{"all": true}
	for _, r := range catalog {
		known[strings.ToLower(r.ID)] = true
	}
	var out []model.Error
	say := func(o *model.Object, at *yaml.Node, whose string, ids []string) {
		for _, entry := range ids {
			if id, _ := model.IgnoreEntry(entry); !known[strings.ToLower(id)] {
				out = append(out, model.Error{Pos: o.Pos(at), Message: fmt.Sprintf("%s: %ssalint.io/ignore names %s; it silences nothing", o, whose, rules.UnknownRule(id))})
			}
		}
	}
	for _, o := range b.Objects {
		if ids := o.Ignored(); len(ids) > 0 && scope.has(o.Source.Path) {
			at := model.Lookup(o.Node, "metadata", "annotations", model.IgnoreAnnotation).Value
			if at == nil {
				at = o.Node // pruned away: the object
			}
			say(o, at, "", ids)
		}
	}
	for _, p := range b.Pods {
		if len(p.Ignored) > 0 && scope.has(p.Object.Source.Path) {
			at := p.KeyNode
			if at == nil {
				at = p.Node
			}
			say(p.Object, at, "the pod template's ", p.Ignored)
		}
	}
	return out
}

// ruleResult is what one rule reported in Check.
type ruleResult struct {
	findings   []rules.Finding
	suppressed []Suppression
}

// Suppression is a finding silenced by the ignore annotation (InSource)
// or an ignore: entry of the config, with the reason the annotation gave.
type Suppression struct {
	rules.Finding
	InSource bool
	Reason   string
}

// scope answers whether a file is among the paths to report on. Rules
// ask it concurrently.
type scope struct {
	paths []string // absolute
	mu    sync.Mutex
	memo  map[string]bool
}

func newScope(only []string) *scope {
	if len(only) == 0 {
		return nil
	}
	s := &scope{memo: map[string]bool{}}
	for _, p := range only {
		if p == StdinPath {
			s.paths = append(s.paths, p)
		} else {
			s.paths = append(s.paths, absPath(p))
		}
	}
	return s
}

// hasBuilt reports whether o was built by kustomize through a file in
// scope: a changed overlay changes objects located in its bases.
func (s *scope) hasBuilt(o *model.Object) bool {
	if o == nil || o.Built == nil {
		return false
	}
	for _, k := range o.Built.Via {
		if s.has(k) {
			return true
		}
	}
	return false
}

// has reports whether file is one of the paths or below one; a nil scope
// has every file.
func (s *scope) has(file string) bool {
	if s == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.memo[file]
	if ok {
		return in
	}
	abs := file
	if file != StdinPath {
		abs = absPath(file)
	}
	for _, p := range s.paths {
		if abs == p || (p != StdinPath && strings.HasPrefix(abs, p) && (strings.HasSuffix(p, string(filepath.Separator)) || abs[len(p)] == filepath.Separator)) {
			in = true
			break
		}
	}
	s.memo[file] = in
	return in
}

// ActiveRule is a rule that runs, with the severity the user set (0: the
// finding's own).
type ActiveRule struct {
	Rule     *rules.Rule
	Severity rules.Severity
}

// ActiveRules resolves which rules run: defaults, then the config, then
// --enable and --disable.
func (o Options) ActiveRules() ([]ActiveRule, error) {
	catalog := o.Catalog
	if catalog == nil {
		catalog = rules.All()
	}
	known := map[string]*rules.Rule{}
	enabled := map[string]bool{}
	for _, r := range catalog {
		known[r.ID] = r
		enabled[r.ID] = !r.OptIn
	}
	severity := map[string]rules.Severity{}
	if o.Config != nil {
		for id, rc := range o.Config.Rules {
			if rc.Enabled != nil {
				enabled[id] = *rc.Enabled
			}
			if rc.Severity != "" {
				severity[id], _ = rules.ParseSeverity(rc.Severity)
			}
		}
	}
	for _, list := range []struct {
		ids []string
		on  bool
	}{{o.Enable, true}, {o.Disable, false}} {
		for _, id := range list.ids {
			if id == "all" {
				for k := range enabled {
					enabled[k] = list.on
				}
				continue
			}
			if known[id] == nil {
				return nil, errors.New(rules.UnknownRule(id))
			}
			enabled[id] = list.on
		}
	}
	var out []ActiveRule
	for _, r := range catalog {
		if enabled[r.ID] {
			out = append(out, ActiveRule{Rule: r, Severity: severity[r.ID]})
		}
	}
	return out, nil
}

// suppressed applies the ignore annotation (object or pod template) and
// the config's ignore entries.
func suppressed(f rules.Finding, cfg *Config) (Suppression, bool) {
	var entries []string
	if f.Object != nil {
		entries = f.Object.Ignored()
	}
	if f.Pod != nil {
		entries = append(entries, f.Pod.Ignored...)
	}
	for _, entry := range entries {
		if id, reason := model.IgnoreEntry(entry); id == "all" || strings.EqualFold(id, f.Rule) {
			return Suppression{Finding: f, InSource: true, Reason: reason}, true
		}
	}
	return Suppression{Finding: f}, cfg.ignores(&f)
}

// Failed reports whether any finding reaches failOn.
func (r *Result) Failed(failOn rules.Severity) bool {
	for _, f := range r.Findings {
		if f.Severity >= failOn {
			return true
		}
	}
	return false
}

// InScope returns whether findings and errors in file are reported: every
// file unless Options.Only limits the report (--root).
func (o Options) InScope() func(file string) bool {
	return newScope(o.Only).has
}

// Covers returns whether a file is among what the run read and reports
// on: below the Only paths, else below the PATHs. A baseline entry for a
// file not covered was not looked for, so it is not stale.
func (o Options) Covers() func(file string) bool {
	if len(o.Only) > 0 {
		return newScope(o.Only).has
	}
	return newScope(o.Paths).has
}
