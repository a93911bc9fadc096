package lint

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/lint/gitops"
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
	for _, gv := range d.Views {
		v := &ClusterView{Name: gv.Name, Origin: gv.Origin}
		for _, u := range gv.Units {
			v.Units = append(v.Units, &DeployUnit{Name: u.CleanPath(), Source: u})
			synced = append(synced, u)
		}
		views = append(views, v)
	}
	rest := &ClusterView{Name: NotSyncedView, Origin: "synced by no GitOps object of the input", Units: []*DeployUnit{{Name: NotSyncedView, Source: synced}}}
	if len(rest.Files(files)) > 0 {
		views = append(views, rest)
	}
	return views, d.Notices
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
