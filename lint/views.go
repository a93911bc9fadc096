package lint

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A DeployUnit is what one apply or one GitOps sync sends: the output of
// a kustomization root no other kustomization of the input uses (an
// overlay), or the plain manifests no kustomization reads, together; or,
// named by a source of views (the config), everything at or below a path;
// or what a UnitSource (a GitOps object) says it holds.
type DeployUnit struct {
	// Name is the root's directory as reached, PlainUnit, or the path
	// as the source of views wrote it.
	Name string
	// Root is the kustomization directory built; "" for the plain
	// manifests.
	Root string
	// Under, when set, makes the unit every root and plain file at or
	// below it (absolute, clean); Except leaves out what is at or below
	// any of these (the default view of what no cluster covers).
	Under  string
	Except []string
	// Source, when set, decides what the unit holds and what the tool
	// that applies it does to its objects.
	Source UnitSource
	// Chart, when set, is the Helm chart directory (absolute) the unit
	// renders with a GitOps object's values, and Rendered that render:
	// in the view it replaces the render of the chart's own values.
	Chart    string
	Rendered []*model.File
}

// A UnitSource names a deploy unit from outside the input's own layout
// (a GitOps object): what the unit holds, and what the tool that applies
// it does to each object.
type UnitSource interface {
	// Holds reports whether the unit applies file, read as written
	// (builtRoot ""), or the objects built from the kustomization
	// directory builtRoot.
	Holds(file, builtRoot string) bool
	// Apply is o as the tool applies it: o, or a changed copy (o is
	// shared with other views). fixBlocked says, by position, why a fix
	// must leave a value the tool rewrites.
	Apply(o *model.Object) (applied *model.Object, fixBlocked map[model.Position]string)
	// String describes the unit, for salint views.
	String() string
}

// PlainUnit names the deploy unit of the manifests read as written.
const PlainUnit = "(plain manifests)"

// holds reports whether the unit holds what root's build produced, or
// when root is "", file read as written.
func (u *DeployUnit) holds(file, root string) bool {
	switch {
	case u.Source != nil:
		return u.Source.Holds(file, root)
	case u.Under == "" && u.Except == nil:
		return u.Root == root
	case root != "":
		return u.covers(root)
	}
	return u.covers(file)
}

// String describes the unit, for salint views: its source's
// description, else its name.
func (u *DeployUnit) String() string {
	if u.Source != nil {
		return u.Source.String()
	}
	return u.Name
}

func (u *DeployUnit) covers(path string) bool {
	abs := absPath(path)
	for _, e := range u.Except {
		if within(abs, e) {
			return false
		}
	}
	return u.Under == "" || within(abs, u.Under)
}

// within reports whether abs is dir or below it.
func within(abs, dir string) bool {
	return abs == dir || strings.HasPrefix(abs, dir+string(filepath.Separator))
}

// A ClusterView is a set of deploy units applied to one cluster. Every
// verdict is given per view: an object is judged in each view that holds
// it, against what that view defines.
type ClusterView struct {
	// Name is what reports call the view: the overlay's path when
	// inferred, the cluster's name in the config.
	Name string
	// Origin says where the view came from: OriginInferred, OriginConfig,
	// or another source's own (a GitOps object's file:line).
	Origin string
	Units  []*DeployUnit
	// Namespace, when set, is where the view's objects that set no
	// namespace land (else the run's default).
	Namespace string
	// Bundle is the model of what the view holds, once Check built it.
	Bundle *model.Bundle

	// fixBlocked says, by file and line (lineOf), why a fix must leave
	// a value a unit's source rewrites there (Files fills it in).
	fixBlocked map[model.Position]string
}

// whole reports the view of the whole input, the one view InferViews
// forms when no units are alternatives.
func (v *ClusterView) whole() bool { return v.Name == "" && v.Origin == OriginInferred }

// Origins of views.
const (
	// OriginInferred: formed from the input alone (see InferViews).
	OriginInferred = "inferred"
	// OriginConfig: a cluster of the config's clusters:, or the default
	// view of what none covers.
	OriginConfig = "config"
)

// DefaultView names the view of what no configured cluster covers.
const DefaultView = "default"

// unit is the first unit of the view that holds objects of the build
// of root ("" for the plain manifests: then of file), or nil.
func (v *ClusterView) unit(root, file string) *DeployUnit {
	for _, u := range v.Units {
		if u.holds(file, root) {
			return u
		}
	}
	return nil
}

// Files returns what the view reads of files (as Load returns them): the
// plain files it holds, and of built files the objects its units'
// builds produced, each as its own root built it (an object shared by
// several roots is held once, as its first twin in the view); each
// object as the unit's source applies it (a copy when it changes it).
// Files with no object of the view are left out; errors and notices are
// the run's, not a view's.
func (v *ClusterView) Files(files []*model.File) []*model.File {
	v.fixBlocked = nil
	var out []*model.File
	for _, f := range files {
		if !f.Built {
			if u := v.unit("", f.Source.Path); len(f.Objects) > 0 && u != nil {
				out = append(out, v.applied(f, u))
			}
			continue
		}
		var objects []*model.Object
		for _, o := range f.Objects {
			if in, u := v.instance(o); in != nil && (u.Chart == "" || o.Built.Chart == "") {
				objects = append(objects, v.apply(u, in))
			}
		}
		if len(objects) > 0 {
			out = append(out, &model.File{Source: f.Source, Objects: objects, Built: true})
		}
	}
	for _, u := range v.Units {
		for _, f := range u.Rendered {
			if len(f.Objects) > 0 {
				out = append(out, v.applied(f, u))
			}
		}
	}
	return out
}

// renders are the files of the views' units' own renders, once each
// (their errors and notices are the run's), and the chart directories
// they render.
func renders(views []*ClusterView) (files []*model.File, charts []string) {
	seen := map[*DeployUnit]bool{}
	for _, v := range views {
		for _, u := range v.Units {
			if u.Chart != "" && !seen[u] {
				seen[u] = true
				files = append(files, u.Rendered...)
				charts = append(charts, u.Chart)
			}
		}
	}
	return files, charts
}

// defaultRender reports whether f is a file of the render of the chart's
// own values of one of charts (a rendered template, or the chart's
// problems, which are said at its Chart.yaml): a unit renders the chart
// with other values, and only that render is what a cluster receives.
func defaultRender(f *model.File, charts []string) bool {
	if len(charts) == 0 || !f.Built && !helmProblems(f) {
		return false
	}
	abs := absPath(f.Source.Path)
	for _, c := range charts {
		if within(abs, c) {
			return true
		}
	}
	return false
}

// helmProblems reports the file of a chart's render errors and notices,
// said at its Chart.yaml (never read as a manifest).
func helmProblems(f *model.File) bool {
	return !f.Built && filepath.Base(f.Source.Path) == "Chart.yaml"
}

// applied is plain file f as unit u applies it: f itself unless u's
// source changes one of its objects.
func (v *ClusterView) applied(f *model.File, u *DeployUnit) *model.File {
	if u.Source == nil {
		return f
	}
	objects := make([]*model.Object, len(f.Objects))
	changed := false
	for i, o := range f.Objects {
		objects[i] = v.apply(u, o)
		changed = changed || objects[i] != o
	}
	if !changed {
		return f
	}
	return &model.File{Source: f.Source, Objects: objects, Skipped: f.Skipped, Built: f.Built}
}

// apply is o as unit u applies it, noting the values a fix must leave.
func (v *ClusterView) apply(u *DeployUnit, o *model.Object) *model.Object {
	if u.Source == nil {
		return o
	}
	applied, blocked := u.Source.Apply(o)
	for pos, why := range blocked {
		if v.fixBlocked == nil {
			v.fixBlocked = map[model.Position]string{}
		}
		v.fixBlocked[lineOf(pos)] = why
	}
	return applied
}

// instance is o as a root of the view built it, and that root's unit;
// nil when no root of the view built it.
func (v *ClusterView) instance(o *model.Object) (*model.Object, *DeployUnit) {
	if o.Built == nil {
		return nil, nil
	}
	if u := v.unit(o.Built.Root, ""); u != nil {
		return o, u
	}
	for _, t := range o.Built.Twins {
		if u := v.unit(t.Built.Root, ""); u != nil {
			return t, u
		}
	}
	return nil, nil
}

// ConfigViews forms the views of cfg's clusters (grouping rule 1), and
// the view "default" of what none covers when files hold any; nil when
// the config names no cluster.
func ConfigViews(cfg *Config, files []*model.File) []*ClusterView {
	if cfg == nil || len(cfg.Clusters) == 0 {
		return nil
	}
	var views []*ClusterView
	var covered []string
	for _, name := range slices.Sorted(maps.Keys(cfg.Clusters)) {
		c := cfg.Clusters[name]
		v := &ClusterView{Name: name, Origin: OriginConfig, Namespace: c.Namespace}
		for _, p := range c.Paths {
			abs := filepath.Clean(filepath.Join(cfg.dir, filepath.FromSlash(p)))
			covered = append(covered, abs)
			v.Units = append(v.Units, &DeployUnit{Name: p, Under: abs})
		}
		views = append(views, v)
	}
	rest := &ClusterView{Name: DefaultView, Origin: OriginConfig, Units: []*DeployUnit{{Name: "(not covered by clusters:)", Except: covered}}}
	if len(rest.Files(files)) > 0 {
		views = append(views, rest)
	}
	return views
}

// InferViews forms views from the input alone (grouping rule 3, see
// docs/cluster-views.md). Two deploy units are alternatives when they
// write the same namespaced object (apiVersion group, kind, namespace,
// name) with different content, or build it from the same source
// document (overlays of one base): they cannot both be applied to one
// cluster. A unit that is an alternative to another gets a view of its
// own; units that are alternatives to none join every view. Without
// alternatives there is one view of every unit: today's single bundle.
func InferViews(files []*model.File) []*ClusterView {
	units, alternatives := unitsOf(files)
	var shared, own []*DeployUnit
	for _, u := range units {
		if alternatives[u.Root] {
			own = append(own, u)
		} else {
			shared = append(shared, u)
		}
	}
	if len(own) == 0 {
		return []*ClusterView{{Name: "", Origin: OriginInferred, Units: units}}
	}
	views := make([]*ClusterView, 0, len(own))
	for _, u := range own {
		views = append(views, &ClusterView{Name: u.Name, Origin: OriginInferred, Units: append([]*DeployUnit{u}, shared...)})
	}
	sort.SliceStable(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	return views
}

// unitsOf lists the deploy units of files (kustomize roots in sorted
// order, then the plain manifests) and which of them, by root, are an
// alternative to another.
func unitsOf(files []*model.File) ([]*DeployUnit, map[string]bool) {
	roots := map[string]bool{}
	plain := false
	type written struct {
		o    *model.Object
		root string
	}
	byKey := map[string][]written{}
	add := func(o *model.Object, root string) {
		if model.ClusterScoped(o.Kind) || o.Name == "" {
			return // many units declare the namespace they deploy into
		}
		key := o.Group() + "\x00" + o.Kind + "\x00" + o.Namespace + "\x00" + o.Name
		byKey[key] = append(byKey[key], written{o, root})
	}
	for _, f := range files {
		if !f.Built {
			plain = plain || len(f.Objects) > 0
			continue
		}
		for _, o := range f.Objects {
			roots[o.Built.Root] = true
			for _, t := range o.Built.Twins {
				roots[t.Built.Root] = true
			}
		}
	}
	var units []*DeployUnit
	for _, r := range slices.Sorted(maps.Keys(roots)) {
		units = append(units, &DeployUnit{Name: r, Root: r})
	}
	if plain {
		units = append(units, &DeployUnit{Name: PlainUnit})
	}
	alternatives := map[string]bool{}
	if len(units) < 2 {
		return units, alternatives // nothing to compare: plain files keep their speed
	}
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Built == nil {
				add(o, "")
				continue
			}
			add(o, o.Built.Root)
			for _, t := range o.Built.Twins {
				add(t, t.Built.Root)
			}
		}
	}
	for _, ws := range byKey {
		for i := range ws {
			for j := i + 1; j < len(ws); j++ {
				a, b := ws[i], ws[j]
				if a.root == b.root || (alternatives[a.root] && alternatives[b.root]) {
					continue
				}
				if sameDocument(a.o, b.o) || !sameContent(model.Unpruned(a.o.Source, a.o.Node), model.Unpruned(b.o.Source, b.o.Node)) {
					alternatives[a.root], alternatives[b.root] = true, true
				}
			}
		}
	}
	return units, alternatives
}

// sameDocument reports objects read from one source document.
func sameDocument(a, b *model.Object) bool { return documentKey(a) == documentKey(b) }

// maxCompared bounds the nodes sameContent visits (aliases are followed):
// objects too large to compare are taken as different.
const maxCompared = 1 << 20

// sameContent reports whether a and b hold the same values, whatever
// their positions, styles, comments and key order.
func sameContent(a, b *yaml.Node) bool {
	budget := maxCompared
	var same func(a, b *yaml.Node) bool
	same = func(a, b *yaml.Node) bool {
		for a != nil && a.Kind == yaml.AliasNode {
			a = a.Alias
		}
		for b != nil && b.Kind == yaml.AliasNode {
			b = b.Alias
		}
		if budget--; budget < 0 || a == nil || b == nil {
			return a == b && budget >= 0
		}
		if a.Kind == yaml.DocumentNode && len(a.Content) == 1 {
			a = a.Content[0]
		}
		if b.Kind == yaml.DocumentNode && len(b.Content) == 1 {
			b = b.Content[0]
		}
		if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return false
		}
		switch a.Kind {
		case yaml.ScalarNode:
			return a.Value == b.Value && a.ShortTag() == b.ShortTag()
		case yaml.MappingNode:
			values := make(map[string]*yaml.Node, len(a.Content)/2)
			for i := 0; i+1 < len(a.Content); i += 2 {
				values[a.Content[i].Value] = a.Content[i+1]
			}
			for i := 0; i+1 < len(b.Content); i += 2 {
				v, ok := values[b.Content[i].Value]
				if !ok || !same(v, b.Content[i+1]) {
					return false
				}
			}
			return true
		}
		for i := range a.Content {
			if !same(a.Content[i], b.Content[i]) {
				return false
			}
		}
		return true
	}
	return same(a, b)
}

// ViewList says which views a finding holds in, for messages:
// "overlays/prod", "overlays/prod and overlays/staging".
func ViewList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return fmt.Sprintf("%s and %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// views are the run's views (Options.Views, else the config's, else the
// GitOps objects', with what they could not follow as notices, else
// inferred), limited to OnlyViews.
func (o Options) views(cfg *Config, files []*model.File) (views []*ClusterView, notices []model.Error, err error) {
	views = o.Views
	if views == nil {
		views = ConfigViews(cfg, files)
	}
	if views == nil {
		views, notices = GitOpsViews(files, o.repoRoot())
	}
	if views == nil {
		views = InferViews(files)
	}
	if len(o.OnlyViews) == 0 {
		return views, notices, nil
	}
	names := make([]string, 0, len(views))
	for _, v := range views {
		names = append(names, v.Name)
	}
	var out []*ClusterView
	for _, v := range views {
		if slices.Contains(o.OnlyViews, v.Name) {
			out = append(out, v)
		}
	}
	for _, want := range o.OnlyViews {
		if !slices.Contains(names, want) {
			listed := strings.Join(names, ", ")
			if len(views) == 1 && views[0].Name == "" {
				listed = "one, of the whole input"
			}
			return nil, notices, fmt.Errorf("--view: no view %q (views: %s)", want, listed)
		}
	}
	return out, notices, nil
}

// perView builds and judges each view (one after the other: a view with
// its own namespace places the objects it shares with others) and joins
// what they give.
func (j *judge) perView(views []*ClusterView, files []*model.File, opts model.Options) ([]rules.Finding, []Suppression) {
	type key struct {
		rule, message string
		pos           model.Position
		severity      rules.Severity
	}
	keyOf := func(f *rules.Finding) key { return key{f.Rule, f.Message, f.Pos, f.Severity} }
	var findings []rules.Finding
	var silenced []Suppression
	findingAt, silencedAt := map[key]int{}, map[key]int{}
	for _, v := range views {
		vopts := opts
		if v.Namespace != "" {
			vopts.DefaultNamespace = v.Namespace
		}
		v.Bundle = model.Build(v.Files(files), vopts)
		fs, ss := j.run(v.Bundle)
		v.explain(fs)
		for _, f := range fs {
			if i, ok := findingAt[keyOf(&f)]; ok {
				joinView(&findings[i], &f, v.Name)
				continue
			}
			findingAt[keyOf(&f)] = len(findings)
			f.Views = []string{v.Name}
			findings = append(findings, f)
		}
		for _, s := range ss {
			if i, ok := silencedAt[keyOf(&s.Finding)]; ok {
				joinView(&silenced[i].Finding, &s.Finding, v.Name)
				continue
			}
			silencedAt[keyOf(&s.Finding)] = len(silenced)
			s.Views = []string{v.Name}
			silenced = append(silenced, s)
		}
	}
	contrast(findings, views)
	agree(findings, views)
	rules.SortFindings(findings)
	sort.SliceStable(silenced, func(i, j int) bool { return rules.FindingLess(silenced[i].Finding, silenced[j].Finding) })
	return findings, silenced
}

// joinView adds view's f to the same finding joined: its view, and the
// related places it adds (a view's build sets the namespace from its own
// kustomization). Views that would fix it differently get no fix.
func joinView(joined, f *rules.Finding, view string) {
	joined.Views = append(joined.Views, view)
	for _, r := range f.Related {
		if !slices.Contains(joined.Related, r) {
			joined.Related = append(slices.Clip(joined.Related), r)
		}
	}
	if joined.Fix != nil && (f.Fix == nil || !slices.Equal(joined.Fix.Edits, f.Fix.Edits)) {
		joined.Fix = nil
		joined.NoFix = fmt.Sprintf("salint fix leaves this to you: the views %s need different edits", ViewList(joined.Views))
	}
}

// contrast says, of a finding about something missing that holds in some
// views only, where the other views that judge the same source define
// it: "overlays/staging defines it at overlays/staging/sa.yaml:4:3".
func contrast(findings []rules.Finding, views []*ClusterView) {
	documents := make([]map[string]bool, len(views)) // per view, built on demand
	holds := func(i int, o *model.Object) bool {
		if documents[i] == nil {
			documents[i] = map[string]bool{}
			for _, o := range views[i].Bundle.Objects {
				documents[i][documentKey(o)] = true
			}
		}
		return documents[i][documentKey(o)]
	}
	for fi := range findings {
		f := &findings[fi]
		if f.Needs == nil || f.Object == nil || len(f.Views) == len(views) {
			continue
		}
		for i, v := range views {
			if slices.Contains(f.Views, v.Name) || !holds(i, f.Object) {
				continue
			}
			for _, pos := range f.Needs.DefinedIn(v.Bundle) {
				f.Related = append(slices.Clip(f.Related), rules.Related{Pos: pos, Message: fmt.Sprintf("%s defines it at %s", v.Name, pos)})
			}
		}
	}
}

// documentKey names the source document an object was read or built from.
func documentKey(o *model.Object) string {
	return fmt.Sprintf("%s\x00%d\x00%s", o.Source.Path, o.DocIndex, o.FieldPrefix)
}

// agree keeps a fix only when every view that reads a file it edits
// agrees: the finding holds there, or a finding of the same rule at the
// same place makes the same edits. An edit to a shared base that is
// right in one overlay can break another ("salint fix" removing a
// deprecated serviceAccount that only one overlay's patch makes
// redundant); then no view gets it, and NoFix names the view.
func agree(findings []rules.Finding, views []*ClusterView) {
	reads := make([]map[string]bool, len(views)) // per view, built on demand
	readBy := func(i int, path string) bool {
		if reads[i] == nil {
			reads[i] = map[string]bool{}
			for _, o := range views[i].Bundle.Objects {
				reads[i][o.Source.Path] = true
				if o.Built != nil {
					for _, p := range o.Built.Via {
						reads[i][p] = true
					}
				}
			}
		}
		return reads[i][path]
	}
	type place struct {
		rule string
		pos  model.Position
	}
	edits := map[place][]*rules.Finding{}
	for i := range findings {
		if f := &findings[i]; f.Fix != nil {
			edits[place{f.Rule, f.Pos}] = append(edits[place{f.Rule, f.Pos}], f)
		}
	}
	agrees := func(f *rules.Finding, view string) bool {
		for _, g := range edits[place{f.Rule, f.Pos}] {
			if slices.Contains(g.Views, view) && slices.Equal(g.Fix.Edits, f.Fix.Edits) {
				return true
			}
		}
		return false
	}
	var refused []*rules.Finding
	var why []string
	for i := range findings {
		f := &findings[i]
		if f.Fix == nil || len(f.Views) == len(views) {
			continue
		}
	views:
		for vi, v := range views {
			if agrees(f, v.Name) {
				continue
			}
			for _, e := range f.Fix.Edits {
				if readBy(vi, e.Source.Path) {
					refused = append(refused, f)
					why = append(why, fmt.Sprintf("salint fix leaves this to you: the edit to %s would also change view %s, where this finding does not hold", e.Source.Path, v.Name))
					break views
				}
			}
		}
	}
	// Refused after every verdict, so that a refused fix still counts
	// as agreement for the findings it matches.
	for i, f := range refused {
		f.Fix, f.NoFix = nil, why[i]
	}
}
