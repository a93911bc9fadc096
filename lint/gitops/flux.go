package gitops

import (
	"encoding/base64"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fluxClusterDirs are the directories holding a flux-system sync (the
// Flux Kustomization flux bootstrap writes to
// <cluster>/flux-system/gotk-sync.yaml): each is a cluster directory.
// Deepest first, so that a nested one wins.
func (d *discoverer) fluxClusterDirs(objects []*model.Object) []string {
	var dirs []string
	for _, o := range objects {
		if o.Kind != "Kustomization" || o.Group() != fluxKustomizeGroup || o.Name != "flux-system" {
			continue
		}
		dir := filepath.Dir(absPath(o.Source.Path))
		if filepath.Base(dir) == "flux-system" {
			dir = filepath.Dir(dir)
		}
		dirs = append(dirs, dir)
	}
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	return dirs
}

// clusterDir names the view of Flux Kustomization o after the directory
// Flux reads it from (its file's, or the root that built it from a base
// anywhere): the cluster directory holding that (a flux-system sync's,
// else the first directory under clusters/), else the directory itself;
// relative to the repository root.
func (d *discoverer) clusterDir(o *model.Object, syncDirs []string) string {
	dir := filepath.Dir(absPath(o.Source.Path))
	if o.Built != nil {
		dir = absPath(o.Built.Root)
	}
	for _, sync := range syncDirs {
		if within(sync, dir) {
			return d.rel(sync)
		}
	}
	rel := d.rel(dir)
	parts := strings.Split(rel, "/")
	if i := slices.Index(parts, "clusters"); i >= 0 && i+1 < len(parts) {
		return strings.Join(parts[:i+2], "/")
	}
	return rel
}

// fluxUnit is the unit Flux Kustomization o names, or nil when its
// content is not in the input (said in a notice). Its postBuild variables
// are read once its view's units are known (see substitutions).
func (d *discoverer) fluxUnit(o *model.Object, objects []*model.Object) *Unit {
	spec := model.Get(o.Node, "spec").Value
	if !d.fluxSourceHere(o, spec, objects) {
		return nil
	}
	pathField := model.Get(spec, "path")
	p := pathField.String()
	origin := o.Pos(pathField.Value)
	if pathField.Value == nil {
		origin = o.Pos(nil)
	}
	dir, ok := d.inInput(p)
	if !ok {
		d.notice(o, pathField.Value, "%s syncs path %q, which is not in the input: its objects are not judged", o, p)
		return nil
	}
	target := model.Get(spec, "targetNamespace")
	// kustomize-controller builds the kustomization at the path alone;
	// where there is none it generates one listing the path's files and
	// subdirectories.
	_, own := readKustomization(dir)
	u := &Unit{
		Tool: Flux, Object: o, Origin: origin, Path: p, Dir: dir, Recurse: !own, kustomized: true,
		Namespace: target.String(), NamespaceAt: o.Pos(target.Value),
	}
	for _, dep := range model.Get(spec, "dependsOn").Items() {
		ns := model.Get(dep, "namespace").String()
		if ns == "" {
			ns = o.Namespace
		}
		u.DependsOn = append(u.DependsOn, ns+"/"+model.Get(dep, "name").String())
	}
	return u
}

// fluxSourceHere reports whether the source of Flux Kustomization o is
// this repository: a GitRepository not in the input is taken to be; one
// whose URL is another repository's, or an OCI or bucket source, is not
// (said in a notice).
func (d *discoverer) fluxSourceHere(o *model.Object, spec *yaml.Node, objects []*model.Object) bool {
	ref := model.Get(spec, "sourceRef")
	kind := model.Get(ref.Value, "kind").String()
	name := model.Get(ref.Value, "name").String()
	if kind != "" && kind != "GitRepository" {
		d.notice(o, ref.Value, "%s takes its content from %s %s, which needs the network: its objects are not judged", o, kind, name)
		return false
	}
	ns := model.Get(ref.Value, "namespace").String()
	if ns == "" {
		ns = o.Namespace
	}
	for _, src := range objects {
		if src.Kind != "GitRepository" || src.Group() != fluxSourceGroup || src.Name != name || src.Namespace != ns {
			continue
		}
		url := model.Lookup(src.Node, "spec", "url").String()
		if !d.thisRepo(url) {
			d.notice(o, ref.Value, "%s syncs GitRepository %s/%s (%s), another repository than the input: its objects are not judged", o, ns, name, url)
			return false
		}
	}
	return true
}

// substitutions are the postBuild variables of the Flux Kustomization of
// u, one of view's units: substituteFrom in order (a later source wins),
// then substitute.
func (d *discoverer) substitutions(u *Unit, view *View) map[string]string {
	o := u.Object
	postBuild := model.Lookup(o.Node, "spec", "postBuild").Value
	vars := map[string]string{}
	for _, from := range model.Get(postBuild, "substituteFrom").Items() {
		kind, name := model.Get(from, "kind").String(), model.Get(from, "name").String()
		obj, found := d.objectData(kind, o.Namespace, name, view)
		if !found {
			if optional, _ := model.Get(from, "optional").Bool(); !optional {
				d.notice(o, from, "%s substitutes variables from %s %s/%s, which is not in the input: the variables it sets stay unresolved", o, kind, o.Namespace, name)
			}
			continue
		}
		maps.Copy(vars, obj.data(kind, nil))
	}
	maps.Copy(vars, model.Get(postBuild, "substitute").StringMap())
	if len(vars) == 0 {
		return nil
	}
	for k, v := range vars {
		vars[k] = strings.ReplaceAll(v, "\n", "") // as Flux reads every value
	}
	return vars
}

// A dataObject is a ConfigMap or Secret of the input as written: the
// file holding it and its node; a nil node when it is not in the input.
type dataObject struct {
	file string
	node *yaml.Node
}

// data is the object's data, a Secret's decoded, with expand (when not
// nil) applied to what Flux substitutes as it applies the object: a
// ConfigMap's data, a Secret's stringData (its data is base64, which
// holds no ${var}); none when the object disables substitution.
func (v dataObject) data(kind string, expand func(string) string) map[string]string {
	if substitutionDisabled(v.node) {
		expand = nil
	}
	return objectValues(v.node, kind, expand)
}

// objectData is ConfigMap or Secret ns/name of the input as view's
// cluster receives it, read again from its source: the model keeps
// neither (ConfigMaps are not parsed; pruning empties Secrets). An object
// without a namespace lands in the one it is applied to, so it matches
// any. Clusters of a fleet define objects of the same name: the one a
// Flux Kustomization of the view applies is taken first, then one below
// the cluster directory (a Flux view is named by it), then any. Found
// once per view and object: Kustomizations of a view share theirs.
func (d *discoverer) objectData(kind, ns, name string, view *View) (dataObject, bool) {
	key := view.Name + "\x00" + kind + "/" + ns + "/" + name
	if v, ok := d.data[key]; ok {
		return v, v.node != nil
	}
	v := d.findObjectData(kind, ns, name, view)
	if d.data == nil {
		d.data = map[string]dataObject{}
	}
	d.data[key] = v
	return v, v.node != nil
}

func (d *discoverer) findObjectData(kind, ns, name string, view *View) dataObject {
	if kind != "ConfigMap" && kind != model.KindSecret {
		return dataObject{}
	}
	cluster := filepath.Join(d.root, filepath.FromSlash(view.Name))
	rank := func(file string) int {
		switch {
		case fluxApplying(view.Units, file) != nil:
			return 0
		case within(cluster, absPath(file)):
			return 1
		}
		return 2
	}
	for r := range 3 {
		for _, f := range d.files {
			if f.Built || !d.mayHold(f, kind, name) || rank(f.Source.Path) != r || f.Source.Load() != nil {
				continue
			}
			if n := objectIn(f.Source, kind, ns, name); n != nil {
				return dataObject{file: f.Source.Path, node: n}
			}
		}
	}
	return dataObject{}
}

// objectIn is the node of the object kind ns/name in src, nil when none.
func objectIn(src *model.Source, kind, ns, name string) *yaml.Node {
	data := src.Bytes()
	for _, r := range src.Documents() {
		// An uncertain sniff (a quoted "\n" is enough) says nothing: parse.
		if k, certain := model.SniffKind(data[r.Start:r.End]); certain && k != kind {
			continue
		}
		var doc yaml.Node
		if yaml.Unmarshal(data[r.Start:r.End], &doc) != nil || len(doc.Content) != 1 {
			continue
		}
		n := doc.Content[0]
		meta := model.Get(n, "metadata").Value
		if model.Get(n, "kind").String() != kind || model.Get(n, "apiVersion").String() != "v1" || model.Get(meta, "name").String() != name {
			continue
		}
		if objNS := model.Get(meta, "namespace").String(); objNS != "" && objNS != ns {
			continue
		}
		return n
	}
	return nil
}

// mayHold reports whether f may hold the object, to read again only
// files that may: a Secret is parsed, a ConfigMap only counted.
func (d *discoverer) mayHold(f *model.File, kind, name string) bool {
	if kind == "ConfigMap" {
		return f.Skipped > 0
	}
	for _, o := range f.Objects {
		if o.Kind == kind && o.Name == name {
			return true
		}
	}
	return false
}

// objectValues are a ConfigMap's data, or a Secret's data (decoded) and
// stringData; expand, when not nil, applies to the values written as
// they are (see dataObject.data).
func objectValues(n *yaml.Node, kind string, expand func(string) string) map[string]string {
	expanded := func(m map[string]string) map[string]string {
		if expand != nil {
			for k, v := range m {
				m[k] = expand(v)
			}
		}
		return m
	}
	out := model.Get(n, "data").StringMap()
	if kind != model.KindSecret {
		return expanded(out)
	}
	for k, v := range out {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			out[k] = string(b)
		} else {
			delete(out, k)
		}
	}
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, expanded(model.Get(n, "stringData").StringMap()))
	return out
}
