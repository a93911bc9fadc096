package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/lint/gitops"
	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// NotSyncedView names the view of what the input's GitOps objects sync
// to no cluster (an app of apps' root Application, applied by hand): it
// is judged on its own, so that no finding is lost.
const NotSyncedView = "unsynced"

// GitOpsViews forms the views the input's GitOps objects name (grouping
// rule 2, see docs/cluster-views.md): one per Flux cluster directory and
// per Argo CD destination, a unit per synced path, and the view
// NotSyncedView of what none syncs. root is the repository root their
// paths are relative to. Views are nil when the input names none;
// notices say what could not be followed.
func GitOpsViews(files []*model.File, root string) ([]*ClusterView, []model.Error) {
	d := gitops.Discover(files, root)
	if len(d.Views) == 0 {
		return nil, d.Notices
	}
	var views []*ClusterView
	var synced notSynced
	var charts []*DeployUnit
	for _, gv := range d.Views {
		v := &ClusterView{Name: gv.Name, Origin: gv.Origin}
		for _, u := range gv.Units {
			du := &DeployUnit{Name: u.CleanPath(), Source: u}
			v.Units = append(v.Units, du)
			synced = append(synced, u)
			if u.Helm != nil {
				charts = append(charts, du)
			}
		}
		views = append(views, v)
	}
	var walked map[string]string
	edited := map[string]*model.File{} // as salint fix holds them
	if len(charts) > 0 {
		walked = chartsAsWalked(files)
		for _, f := range files {
			if !f.Built {
				edited[f.Source.Path] = f
			}
		}
	}
	model.Parallel(len(charts), func(i int) {
		u := charts[i].Source.(*gitops.Unit)
		dir, opts := helmOptions(u, walked)
		charts[i].Rendered = helm.Render(dir, opts.Editing(edited))
		charts[i].Chart = absPath(u.Dir)
		valuesFiles := opts.ValuesPaths(dir)
		secrets := &model.SecretValues{}
		for _, v := range u.Helm.Values {
			if v.Secret {
				secrets.AddScalars(v.Doc)
			}
		}
		for _, f := range charts[i].Rendered {
			// The values files feed every object of the render: a fix to
			// one must agree in each view that renders from it, and a hook
			// that changed one judges the render.
			for _, o := range f.Objects {
				o.Built.Via = append(slices.Clip(o.Built.Via), valuesFiles...)
			}
			f.AddSecretValues(secrets) // scrubbed from every message of the run
		}
	})
	rest := &ClusterView{Name: NotSyncedView, Origin: "synced by no GitOps object of the input", Units: []*DeployUnit{{Name: NotSyncedView, Source: synced}}}
	if len(rest.Files(files)) > 0 {
		views = append(views, rest)
	}
	return views, d.Notices
}

// helmOptions are the chart directory and options of the render of
// GitOps unit u, paths spelled as the walk reached the chart (walked, by
// absolute directory), so that findings match those of its own render.
func helmOptions(u *gitops.Unit, walked map[string]string) (string, helm.Options) {
	h, dir := u.Helm, u.Dir
	if w, ok := walked[u.Dir]; ok {
		dir = w
	}
	opts := helm.Options{ReleaseName: h.ReleaseName, Namespace: h.Namespace}
	for _, f := range h.ValueFiles {
		if rel, err := filepath.Rel(u.Dir, f); err == nil {
			f = filepath.Join(dir, rel)
		}
		opts.ValuesFiles = append(opts.ValuesFiles, f)
	}
	for _, v := range h.Values {
		opts.Given = append(opts.Given, helm.Given{By: v.File, Doc: v.Doc})
	}
	// helm applies every --set before every --set-string.
	for _, asString := range []bool{false, true} {
		for _, p := range h.Parameters {
			if p.ForceString == asString {
				at := fmt.Sprintf("%s:%d", p.At.File, p.At.Line)
				opts.Given = append(opts.Given, helm.Given{By: at, Set: p.Assignment(), String: asString})
			}
		}
	}
	return dir, opts
}

// chartsAsWalked are the chart directories Load rendered, by absolute
// path: their objects', and the Chart.yaml of a chart's problems.
func chartsAsWalked(files []*model.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		if helmProblems(f) {
			out[absPath(filepath.Dir(f.Source.Path))] = filepath.Dir(f.Source.Path)
		}
		for _, o := range f.Objects {
			if o.Built != nil && o.Built.Chart != "" {
				out[absPath(o.Built.Chart)] = o.Built.Chart
			}
		}
	}
	return out
}

// notSynced is the unit of what none of the GitOps units holds.
type notSynced []*gitops.Unit

func (n notSynced) Holds(file, builtRoot string) bool {
	for _, u := range n {
		if u.Holds(file, builtRoot) {
			return false
		}
	}
	return true
}

func (n notSynced) Apply(o *model.Object) (*model.Object, map[model.Position]string) {
	return o, nil
}

func (n notSynced) String() string { return "what no GitOps object of the input syncs" }

// repoRoot is the directory GitOps objects' paths are relative to: Root
// when set, else the repository holding the first PATH (the nearest
// directory above it with .git), else that PATH's directory.
func (o Options) repoRoot() string {
	if o.Root != "" {
		return o.Root
	}
	for _, p := range o.Paths {
		if p == StdinPath {
			continue
		}
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			p = filepath.Dir(p)
		}
		return fingerprint.RepoRoot(p)
	}
	return "."
}

// explain completes the findings of view v on objects a unit's source
// changed: where the tool set the namespace a finding judges in, and no
// fix that would edit a value the tool rewrites (a substituted Flux
// variable): what is written there is not what the cluster receives.
func (v *ClusterView) explain(findings []rules.Finding) {
	for i := range findings {
		f := &findings[i]
		if o := f.Object; o != nil && o.PlacedBy != nil && slices.Contains(f.Namespaces, o.Namespace) {
			f.Related = append(slices.Clip(f.Related), rules.Related{Pos: o.PlacedBy.Pos, Message: o.PlacedBy.Message})
		}
		if f.Fix == nil || len(v.fixBlocked) == 0 {
			continue
		}
		why, ok := v.fixBlocked[lineOf(f.Pos)]
		for _, e := range f.Fix.Edits {
			if ok {
				break
			}
			why, ok = v.editBlocked(e)
		}
		if ok {
			f.Fix, f.NoFix = nil, "salint fix leaves this to you: "+why
		}
	}
}

// editBlocked says why edit e must not be made, when it touches a line
// holding a value a unit's source rewrites.
func (v *ClusterView) editBlocked(e rules.TextEdit) (string, bool) {
	if e.Source == nil {
		return "", false
	}
	first, last := e.Source.LineOf(e.Start), e.Source.LineOf(max(e.Start, e.End-1))
	for line := first; line <= last; line++ {
		if why, ok := v.fixBlocked[model.Position{File: e.Source.Path, Line: line}]; ok {
			return why, true
		}
	}
	return "", false
}

// lineOf is the line of pos, the key of ClusterView.fixBlocked: a
// finding is placed at the key of the value a unit rewrote.
func lineOf(pos model.Position) model.Position { return model.Position{File: pos.File, Line: pos.Line} }
