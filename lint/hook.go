package lint

import (
	"strings"

	"github.com/salint/salint/lint/kustomize"
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
// from inference (the config's clusters, Options.Views), when the input
// holds GitOps objects or Helm charts, with --enable-exec, and when a root
// left out may need the network.
type hookFocus struct {
	changed   []string // absolute
	defaultNS string
	chosen    *kustomize.Focused
}

// hookFocus returns the focus of a hook run, or nil to build everything.
func (o Options) hookFocus() *hookFocus {
	cfg := o.Config
	if cfg == nil {
		cfg = &Config{}
	}
	if len(o.Only) == 0 || o.Views != nil || len(cfg.Clusters) > 0 {
		return nil
	}
	h := &hookFocus{defaultNS: o.Namespace}
	if h.defaultNS == "" {
		h.defaultNS = cfg.Namespace
	}
	if h.defaultNS == "" {
		h.defaultNS = "default" // as model.Build
	}
	for _, p := range o.Only {
		if p == StdinPath {
			return nil
		}
		h.changed = append(h.changed, absPath(p))
	}
	return h
}

// roots picks the roots to build, given the plain manifests (read); nil
// is all of them.
func (h *hookFocus) roots(plan *kustomize.Plan, plain []*model.File) map[string]bool {
	fp := kustomize.Footprint{}
	for _, f := range plain {
		for _, o := range f.Objects {
			if g := o.Group(); strings.HasSuffix(g, ".fluxcd.io") || g == "argoproj.io" {
				return nil // GitOps objects form views of their own
			}
			if !model.ClusterScoped(o.Kind) {
				fp.Add(h.namespace(o.Namespace))
			}
			for _, s := range model.Get(o.Node, "subjects").Items() {
				fp.Add(h.namespace(model.Get(s, "namespace").String()))
			}
		}
	}
	h.chosen = plan.Focus(h.changed, fp, h.defaultNS)
	if h.chosen == nil {
		return nil
	}
	return h.chosen.Roots
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

// load reads the input: for a hook run, only what its verdicts need (see
// hookFocus), else everything.
func (o *Options) load() []*model.File {
	focus := o.hookFocus()
	files, partial := load(o.Input, nil, focus)
	if partial && !focus.holds(files) {
		files, partial = load(o.Input, nil, nil)
	}
	o.partial = partial
	return files
}
