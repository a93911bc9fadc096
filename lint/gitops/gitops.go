// Package gitops reads the GitOps objects of the input (Flux
// Kustomizations, Argo CD Applications) as a source of cluster views: each
// object names a deploy unit (a directory of the repository and what the
// tool does to its objects), and the objects of one cluster form one view.
// It reads; it builds nothing and judges nothing.
package gitops

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Tools that name units.
const (
	Flux   = "Flux"
	ArgoCD = "Argo CD"
)

// A Unit is one directory a GitOps object syncs, and what the tool does
// to the objects it applies from there.
type Unit struct {
	Tool string
	// Object is the Flux Kustomization or Argo CD Application naming the
	// unit; Origin is where it names it (spec.path, source.path).
	Object *model.Object
	Origin model.Position
	// Path is the path as written; Dir is it made absolute below the
	// repository root.
	Path, Dir string
	// Recurse is true when the tool reads a plain directory's
	// subdirectories too: for Flux when the path holds no kustomization
	// file, with directory.recurse for Argo CD.
	Recurse bool
	// Namespace, when set, is the namespace of every namespaced object
	// (Flux targetNamespace, Argo CD source.kustomize.namespace);
	// DefaultNamespace that of objects that set none (Argo CD
	// destination.namespace).
	Namespace, DefaultNamespace string
	// NamespaceAt and DefaultNamespaceAt locate the fields that set them.
	NamespaceAt, DefaultNamespaceAt model.Position
	// NamePrefix and NameSuffix are Argo CD's source.kustomize options.
	NamePrefix, NameSuffix string
	// Substitute holds Flux's postBuild variables: substituteFrom in
	// order, then substitute, which wins. Values of Secrets are among
	// them: never print them.
	Substitute map[string]string
	// DependsOn names the Flux Kustomizations ("namespace/name") this one
	// is applied after: ordering only.
	DependsOn []string
	// Helm, when set, says the unit is a chart directory the tool renders
	// with these options: what the cluster receives is that render, not
	// the one of the chart's own values.
	Helm *HelmSource

	// kustomized is true when the tool builds the unit with kustomize,
	// which then applies its options (Flux always; Argo CD when the
	// path holds a kustomization); ownPrefix and ownSuffix are those of
	// that kustomization, which Argo CD's replace.
	kustomized           bool
	ownPrefix, ownSuffix string
	// layer is what the options do to names and binding subjects; nil
	// when nothing.
	layer *kustomizeLayer
}

// String describes u for `salint views`: its path, the object naming it
// and what the tool does to its objects (variable names, never values).
func (u *Unit) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s %s (%s)", u.CleanPath(), u.Tool, u.Object.Kind, u.Object.Namespace+"/"+u.Object.Name, u.Origin)
	if u.Recurse && u.Tool == ArgoCD {
		b.WriteString(", with subdirectories")
	}
	for _, opt := range []struct{ name, value string }{
		{"namespace", u.Namespace}, {"default namespace", u.DefaultNamespace},
		{"namePrefix", u.NamePrefix}, {"nameSuffix", u.NameSuffix},
	} {
		if opt.value != "" {
			fmt.Fprintf(&b, ", %s %s", opt.name, opt.value)
		}
	}
	if len(u.Substitute) > 0 {
		b.WriteString(", substitutes " + strings.Join(slices.Sorted(maps.Keys(u.Substitute)), ", "))
	}
	if len(u.DependsOn) > 0 {
		b.WriteString(", after " + strings.Join(u.DependsOn, ", "))
	}
	if u.Helm != nil {
		b.WriteString(", " + u.Helm.String())
	}
	return b.String()
}

// A View is the units one cluster receives.
type View struct {
	// Name is the Flux cluster directory (relative to the repository
	// root) or the Argo CD destination (name, else server).
	Name string
	// Origin says where the view came from, for `salint views`.
	Origin string
	Units  []*Unit
}

// Discovery is what the GitOps objects of the input say.
type Discovery struct {
	Views []*View
	// Notices are what could not be followed (a path missing from the
	// input, another repository, a source that needs the network, an
	// ApplicationSet): said, never an error.
	Notices []model.Error
}

// Discover reads the GitOps objects of files. root is the repository
// root that spec.path and source.path are relative to.
func Discover(files []*model.File, root string) *Discovery {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	d := &discoverer{root: root, files: files, repos: originURLs(root)}
	docs := documents(files)
	// objects holds each GitOps object once, as the first root built it:
	// what the others refer to (sources, app of apps) is not patched apart.
	objects := make([]*model.Object, 0, len(docs))
	for _, instances := range docs {
		objects = append(objects, instances[0])
	}
	for _, o := range objects {
		if o.Kind == "GitRepository" && o.Name == "flux-system" {
			// flux bootstrap points the flux-system source at the
			// repository that holds it.
			d.repos = append(d.repos, normalizeRepo(model.Lookup(o.Node, "spec", "url").String()))
		}
	}
	d.repos = append(d.repos, d.appOfAppsRepos(objects)...)
	views := map[string]*View{}
	add := func(name, origin string, u *Unit) {
		v := views[name]
		if v == nil {
			v = &View{Name: name, Origin: origin}
			views[name] = v
		}
		v.Units = append(v.Units, u)
	}
	syncDirs := d.fluxClusterDirs(objects)
	var releases [][]*model.Object // HelmReleases, found once the units that apply them are known
	for _, instances := range docs {
		switch o := instances[0]; {
		case o.Kind == "Kustomization" && o.Group() == fluxKustomizeGroup:
			// Applied from the cluster directory of the root that built it.
			for _, in := range perView(instances, func(in *model.Object) string { return d.clusterDir(in, syncDirs) }) {
				if u := d.fluxUnit(in.object, objects); u != nil {
					add(in.view, "Flux cluster directory "+in.view, u)
				}
			}
		case o.Kind == "Application" && o.Group() == argoGroup:
			for _, in := range perView(instances, func(in *model.Object) string {
				return destination(model.Lookup(in.Node, "spec", "destination").Value)
			}) {
				for _, u := range d.argoUnits(in.object) {
					add(in.view, "Argo CD destination "+in.view, u)
				}
			}
		case o.Kind == "ApplicationSet" && o.Group() == argoGroup:
			d.notice(o, nil, "%s is not expanded: the Applications it generates are not read as cluster views", o)
		case isHelmRelease(o):
			releases = append(releases, instances)
		}
	}
	// First: a unit Flux cannot build applies no HelmRelease and
	// substitutes in no valuesFrom object.
	d.dropHelmInflating(views)
	// Then the variables, which may come from what the view's units apply.
	for _, name := range slices.Sorted(maps.Keys(views)) {
		for _, u := range views[name].Units {
			if u.fluxKustomization() {
				u.Substitute = d.substitutions(u, views[name])
			}
		}
	}
	d.helmReleaseUnits(releases, objects, views)
	for _, name := range slices.Sorted(maps.Keys(views)) {
		d.out.Views = append(d.out.Views, views[name])
		for _, u := range views[name].Units {
			u.setLayer(files)
		}
	}
	sort.SliceStable(d.out.Notices, func(i, j int) bool { return posLess(d.out.Notices[i].Pos, d.out.Notices[j].Pos) })
	return &d.out
}

const (
	fluxKustomizeGroup = "kustomize.toolkit.fluxcd.io"
	fluxSourceGroup    = "source.toolkit.fluxcd.io"
	fluxHelmGroup      = "helm.toolkit.fluxcd.io"
	argoGroup          = "argoproj.io"
)

type discoverer struct {
	root  string
	files []*model.File
	// repos are the URLs (normalizeRepo) of the repository the input is:
	// its git remotes and the flux-system source; empty when unknown,
	// and then every repoURL is taken to be this one.
	repos []string
	held  []string // heldPaths, once needed
	// data memoizes objectData by view, kind, namespace and name.
	data map[string]dataObject
	out  Discovery
}

// notice says what could not be followed, once: twins of a GitOps object
// in several views say the same at the same place.
func (d *discoverer) notice(o *model.Object, n *yaml.Node, format string, args ...any) {
	e := model.Error{Pos: o.Pos(n), Message: fmt.Sprintf(format, args...)}
	if slices.Contains(d.out.Notices, e) {
		return
	}
	d.out.Notices = append(d.out.Notices, e)
}

// documents are the input's GitOps objects, each as the instances of one
// source document: the object a plain file holds, or each object
// kustomize roots built from the document (overlays that patch it apart
// build several; the twins of each are found through it, see withTwins).
func documents(files []*model.File) [][]*model.Object {
	index := map[string]int{}
	var out [][]*model.Object
	for _, f := range files {
		for _, o := range f.Objects {
			if !isGitOpsKind(o) {
				continue
			}
			key := documentKey(o)
			if i, ok := index[key]; ok {
				out[i] = append(out[i], o)
				continue
			}
			index[key] = len(out)
			out = append(out, []*model.Object{o})
		}
	}
	return out
}

// withTwins is o and, when kustomize built it, the twins other roots
// built (model.Built.Twins): one text, each as its root built it.
func withTwins(o *model.Object) []*model.Object {
	if o.Built == nil {
		return []*model.Object{o}
	}
	return append([]*model.Object{o}, o.Built.Twins...)
}

// A viewInstance is an instance of a GitOps object and the view it lands in.
type viewInstance struct {
	view   string
	object *model.Object
}

// perView are the instances of one document (see documents) with the
// view each lands in (viewOf): each root's, twins included, as that root
// built it; twins (one text) landing in one view name it once.
func perView(instances []*model.Object, viewOf func(*model.Object) string) []viewInstance {
	var out []viewInstance
	for _, o := range instances {
		seen := map[string]bool{}
		for _, in := range withTwins(o) {
			if v := viewOf(in); !seen[v] {
				seen[v] = true
				out = append(out, viewInstance{view: v, object: in})
			}
		}
	}
	return out
}

// documentKey names the source document o was read or built from.
func documentKey(o *model.Object) string {
	return fmt.Sprintf("%s\x00%d\x00%s", o.Source.Path, o.DocIndex, o.FieldPrefix)
}

func isGitOpsKind(o *model.Object) bool {
	for _, k := range model.GitOpsKinds {
		if k.Kind == o.Kind && k.Group == o.Group() {
			return true
		}
	}
	return false
}

func isHelmRelease(o *model.Object) bool {
	return o.Kind == "HelmRelease" && o.Group() == fluxHelmGroup
}

// inInput resolves path (as a GitOps object writes it, relative to the
// repository root) and reports whether the input holds anything below it.
func (d *discoverer) inInput(path string) (dir string, ok bool) {
	dir = filepath.Join(d.root, filepath.FromSlash(path))
	if !within(d.root, dir) {
		return dir, false
	}
	if d.held == nil {
		d.held = heldPaths(d.files)
	}
	for _, p := range d.held {
		if within(dir, p) {
			return dir, true
		}
	}
	return dir, false
}

// heldPaths are the absolute paths of the files read and of the
// kustomization roots built, once each.
func heldPaths(files []*model.File) []string {
	seen := map[string]bool{}
	out := []string{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, absPath(p))
		}
	}
	for _, f := range files {
		add(f.Source.Path)
		for _, o := range f.Objects {
			if o.Built != nil {
				// An overlay of a base alone builds twins only.
				add(o.Built.Root)
				for _, t := range o.Built.Twins {
					add(t.Built.Root)
				}
			}
		}
	}
	return out
}

// within reports whether path is dir or below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// rel is path relative to the repository root, with forward slashes.
func (d *discoverer) rel(path string) string {
	r, err := filepath.Rel(d.root, absPath(path))
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}

func posLess(a, b model.Position) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

// dropHelmInflating takes out of views the Flux Kustomizations whose path
// builds a kustomization that inflates Helm charts (helmCharts): Flux's
// kustomize-controller never runs helm, so its build fails and it applies
// nothing of that path. What no other unit holds is then unsynced.
func (d *discoverer) dropHelmInflating(views map[string]*View) {
	inflated := map[string]string{} // built root -> a chart its build inflated
	for _, f := range d.files {
		for root, chart := range f.Inflates {
			if c, seen := inflated[root]; !seen || chart < c {
				inflated[root] = chart
			}
		}
	}
	if len(inflated) == 0 {
		return
	}
	roots := slices.Sorted(maps.Keys(inflated))
	for _, name := range slices.Sorted(maps.Keys(views)) {
		v := views[name]
		v.Units = slices.DeleteFunc(v.Units, func(u *Unit) bool {
			if u.Tool != Flux || u.Helm != nil {
				return false
			}
			for _, root := range roots {
				if u.Holds("", root) {
					d.notice(u.Object, model.Lookup(u.Object.Node, "spec", "path").Value, "%s cannot build %s: Flux's kustomize-controller does not inflate Helm charts (kustomization %s inflates %s with helmCharts), so it applies nothing of that path", u.Object, u.Path, root, inflated[root])
					return true
				}
			}
			return false
		})
	}
}
