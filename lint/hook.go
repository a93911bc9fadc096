package lint

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/salint/salint/lint/kustomize"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// A hook run (Options.Only: pre-commit's --root with the changed files)
// reports on a few files of a repository that may hold hundreds of
// kustomize overlays. It builds only the roots whose builds can change a
// verdict on those files (kustomize.Plan.Focus): the roots that read a
// changed file, and every root that shares a file or a possible
// namespace with them, transitively. Then each changed unit's view holds
// what it holds in a full run, as far as any rule can see.
//
// That holds only when every unit chosen is an alternative to another
// (has a view of its own): a unit that is an alternative to none joins
// every view, and its findings name every view, which only building
// everything tells. So that is checked once built, and otherwise the run
// builds everything. It also builds everything when views do not come
// from inference (the config's clusters, Options.Views), with --view,
// when the input holds GitOps objects or Helm charts, with --enable-exec,
// and when a root may need the network.
//
// A finding's message may also name other namespaces that define the
// account or Secret it lacks ("an account of that name is defined in
// namespace other"), from any unit of its view: so when a root left out,
// or the plain manifests when not chosen, may write an object named like
// a name a reported message quotes, the run builds everything too.
//
// With --new-from-rev (Options.Changed) the run reports what it builds
// in any file, and the revision's tree is built the same way: see
// Result.SubtractRev for why the new findings are those of building
// everything in both. The roots a changed kustomization file reads, or
// reads no more, are not known without building both trees' plans
// together: such a change builds everything. (A generator's input or a
// CRD, which Focus does not weigh, lies below its kustomization's
// directory, kustomize's load restriction: a change to it chooses the
// roots that read that kustomization.)
type hookFocus struct {
	since           bool     // Options.Changed: report everything built
	changed         []string // absolute
	chosenElsewhere []string // kustomization files the other tree's run chose
	defaultNS       string
	plan            *kustomize.Plan
	plain           []*model.File
	chosen          *kustomize.Focused
}

// hookFocus returns the focus of a hook run, or nil to build everything.
func (o Options) hookFocus() *hookFocus {
	cfg := o.config()
	changed, since := o.Only, false
	if len(changed) == 0 && o.Changed != nil {
		changed, since = o.Changed, true
	}
	if (len(changed) == 0 && !since) || o.Views != nil || len(cfg.Clusters) > 0 || len(o.OnlyViews) > 0 {
		return nil // --view names views of roots that may be left out
	}
	h := &hookFocus{since: since, changed: []string{}, defaultNS: o.defaultNamespace()}
	if h.defaultNS == "" {
		h.defaultNS = "default" // as model.Build
	}
	for _, p := range changed {
		if p == StdinPath {
			return nil
		}
		h.changed = append(h.changed, absPath(p))
	}
	h.chosenElsewhere = o.chosen
	return h
}

// roots picks the roots to build, given the plain manifests (read); nil
// is all of them.
func (h *hookFocus) roots(plan *kustomize.Plan, plain []*model.File) map[string]bool {
	if h.since {
		changed, ok := h.weighed(plan, plain)
		if !ok {
			return nil
		}
		h.changed = changed
	}
	fp := kustomize.Footprint{}
	for _, f := range plain {
		for _, o := range f.Objects {
			if g := o.Group(); strings.HasSuffix(g, ".fluxcd.io") || g == "argoproj.io" {
				return nil // GitOps objects form views of their own
			}
			switch {
			case o.Kind == model.KindSecret:
				fp.Any = true // a pull Secret's registries need credentials in every namespace
			case !model.ClusterScoped(o.Kind):
				fp.Add(h.namespace(o.Namespace))
			}
			for _, s := range model.Get(o.Node, "subjects").Items() {
				fp.Add(h.namespace(model.Get(s, "namespace").String()))
			}
		}
	}
	h.plan, h.plain = plan, plain
	h.chosen = plan.Focus(append(slices.Clone(h.changed), h.chosenElsewhere...), fp, h.defaultNS)
	if h.chosen == nil {
		return nil
	}
	return h.chosen.Roots
}

// weighed is what of a --new-from-rev run's change (a git diff: any
// file) can change a verdict in this tree: what kustomize reads, and the
// plain manifests that hold objects. A file read here as plain without
// objects (a workflow, package.json), or not here at all, gives nothing
// to judge; the other tree weighs what it held there. Not ok when a
// kustomization file changed (see hookFocus).
func (h *hookFocus) weighed(plan *kustomize.Plan, plain []*model.File) (changed []string, ok bool) {
	objects := map[string]bool{}
	for _, f := range plain {
		if f.Count() > 0 {
			objects[absPath(f.Source.Path)] = true
		}
	}
	changed = []string{}
	for _, c := range h.changed {
		switch {
		case kustomize.IsKustomizationFile(filepath.Base(c)):
			return nil, false
		case plan.Consumes(c) || objects[c]:
			changed = append(changed, c)
		}
	}
	return changed, true
}

func (h *hookFocus) namespace(ns string) string {
	if ns == "" {
		return h.defaultNS
	}
	return ns
}

// holds reports whether files, as read for the focus, give each changed
// unit the views a full run gives it: every unit chosen is an alternative
// to another.
func (h *hookFocus) holds(files []*model.File) bool {
	units, alternatives := unitsOf(files)
	for _, u := range units {
		if (u.Root != "" || h.chosen.Plain) && !alternatives[u.Root] {
			return false
		}
	}
	return true
}

// quotedRE matches what a message quotes: the names it judges.
var quotedRE = regexp.MustCompile(`"([^"\\]+)"`)

// namesHold reports whether no unit left out of the focused run, nor the
// plain manifests when not chosen, may write an object named like a name
// a message of res quotes.
func (h *hookFocus) namesHold(res *Result) bool {
	messages := make([]string, 0, len(res.Findings)+len(res.Silenced))
	for _, f := range res.Findings {
		messages = append(messages, f.Message)
	}
	for _, s := range res.Silenced {
		messages = append(messages, s.Message)
	}
	names := map[string]bool{}
	for _, msg := range messages {
		if strings.Contains(msg, `\`) {
			return false // a name quoted with escapes
		}
		for _, m := range quotedRE.FindAllStringSubmatch(msg, -1) {
			names[m[1]] = true
		}
	}
	if len(names) == 0 {
		return true
	}
	leftOut := h.plan.Naming(h.chosen.Roots)
	for name := range names {
		if leftOut(name) {
			return false
		}
	}
	if h.chosen.Plain {
		return true
	}
	for _, f := range h.plain {
		for _, o := range f.Objects {
			if names[o.Name] && !model.ClusterScoped(o.Kind) { // accounts and Secrets have a namespace
				return false
			}
		}
	}
	return true
}

// run reads the input and judges it: for a hook run, only what its
// verdicts need when that gives what building everything gives (see
// hookFocus), else everything.
func (o Options) run(active []ActiveRule) *Result {
	focus := o.hookFocus()
	files, partial := load(o.Input, nil, focus)
	if partial && focus.holds(files) {
		o.partial = true
		res := Check(files, o, active)
		if focus.since {
			// The messages that matter are those of the new findings
			// (Result.SubtractRev).
			focus.dropUnchosenPlain(res)
			res.focus = focus
			return res
		}
		if focus.namesHold(res) {
			return res
		}
		o.partial = false
	}
	if partial {
		files = Load(o.Input)
	}
	return Check(files, o, active)
}

// dropUnchosenPlain leaves out of a --new-from-rev run's report what it
// says of the plain manifests when Focus did not choose them: judged
// without the roots they share namespaces with, and unchanged.
func (h *hookFocus) dropUnchosenPlain(res *Result) {
	if h.chosen.Plain {
		return
	}
	plain := map[string]bool{}
	for _, f := range h.plain {
		plain[f.Source.Path] = true
	}
	res.Findings = slices.DeleteFunc(res.Findings, func(f rules.Finding) bool { return plain[f.Pos.File] })
	res.Silenced = slices.DeleteFunc(res.Silenced, func(s Suppression) bool { return plain[s.Pos.File] })
	res.Suppressed = len(res.Silenced)
}
