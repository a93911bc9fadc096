package gitops

import (
	"path/filepath"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// argoUnits are the units Argo CD Application o names: spec.source and
// each of spec.sources whose path is in the input (others are said in
// notices).
func (d *discoverer) argoUnits(o *model.Object) []*Unit {
	spec := model.Get(o.Node, "spec").Value
	destNS := model.Lookup(spec, "destination", "namespace")
	var sources []*yaml.Node
	if s := model.Get(spec, "source").Mapping(); s != nil {
		sources = append(sources, s)
	}
	sources = append(sources, model.Get(spec, "sources").Items()...)
	refs := map[string]string{} // $ref of valueFiles: the source's repoURL
	for _, s := range sources {
		if ref := model.Get(s, "ref").String(); ref != "" {
			refs[ref] = model.Get(s, "repoURL").String()
		}
	}
	var units []*Unit
	for _, s := range sources {
		pathField, repo := model.Get(s, "path"), model.Get(s, "repoURL").String()
		if chart := model.Get(s, "chart").String(); chart != "" {
			d.notice(o, s, "%s installs Helm chart %q from %s, which needs the network: its objects are not judged", o, chart, repo)
			continue
		}
		if !pathField.Present() {
			continue // a source that only lends files (ref) to the others
		}
		p := pathField.String()
		if !d.thisRepo(repo) {
			d.notice(o, pathField.Value, "%s syncs %s of %s, another repository than the input: its objects are not judged", o, p, repo)
			continue
		}
		dir, ok := d.inInput(p)
		if !ok {
			d.notice(o, pathField.Value, "%s syncs path %q, which is not in the input: its objects are not judged", o, p)
			continue
		}
		recurse, _ := model.Lookup(s, "directory", "recurse").Bool()
		u := &Unit{Tool: ArgoCD, Object: o, Origin: o.Pos(pathField.Value), Path: p, Dir: dir, Recurse: recurse}
		if isChartDir(dir) {
			// Argo CD renders a chart with Helm, whatever kustomize options
			// the source also gives; the release namespace places objects.
			u.Helm = d.helmSource(o, s, dir, destNS.String(), refs)
			units = append(units, u)
			continue
		}
		u.DefaultNamespace, u.DefaultNamespaceAt = destNS.String(), o.Pos(destNS.Value)
		k := model.Get(s, "kustomize").Value
		ns := model.Get(k, "namespace")
		u.Namespace, u.NamespaceAt = ns.String(), o.Pos(ns.Value)
		u.NamePrefix, u.NameSuffix = model.Get(k, "namePrefix").String(), model.Get(k, "nameSuffix").String()
		if k != nil {
			// Argo CD runs `kustomize edit set` on the kustomization at
			// the path, replacing its own namePrefix and nameSuffix.
			own, ok := readKustomization(dir)
			u.kustomized, u.ownPrefix, u.ownSuffix = ok, model.Get(own, "namePrefix").String(), model.Get(own, "nameSuffix").String()
			if renames := u.renames(); renames != "" && !ok {
				d.notice(o, k, "%s of %s is not applied: %s holds no kustomization for kustomize to edit, so names are judged as written", renames, o, u.CleanPath())
			}
		}
		units = append(units, u)
	}
	return units
}

// appOfAppsRepos are the repoURLs of Applications whose source path holds
// Applications of the input (an app of apps): the input is that
// repository.
func (d *discoverer) appOfAppsRepos(objects []*model.Object) []string {
	var appFiles []string
	for _, o := range objects {
		if o.Kind == "Application" && o.Group() == argoGroup {
			appFiles = append(appFiles, absPath(o.Source.Path))
		}
	}
	var repos []string
	for _, o := range objects {
		if o.Kind != "Application" || o.Group() != argoGroup {
			continue
		}
		spec := model.Get(o.Node, "spec").Value
		for _, s := range append([]*yaml.Node{model.Get(spec, "source").Mapping()}, model.Get(spec, "sources").Items()...) {
			p := model.Get(s, "path")
			if !p.Present() {
				continue
			}
			dir := filepath.Join(d.root, filepath.FromSlash(p.String()))
			for _, f := range appFiles {
				if within(dir, f) {
					repos = append(repos, normalizeRepo(model.Get(s, "repoURL").String()))
					break
				}
			}
		}
	}
	return repos
}

// inCluster is the cluster Argo CD runs in, by its name and its server.
const (
	inCluster       = "in-cluster"
	inClusterServer = "https://kubernetes.default.svc"
)

// destination names the cluster an Application deploys to: its
// destination name, else its server; the cluster Argo CD runs in has
// both, and is called by its name.
func destination(dest *yaml.Node) string {
	name := model.Get(dest, "name").String()
	if name == "" {
		name = strings.TrimSuffix(model.Get(dest, "server").String(), "/")
	}
	if name == inClusterServer {
		return inCluster
	}
	return name
}

// renames says which of the kustomize options that rename objects the
// unit sets: "namePrefix prod-", "namePrefix a- and nameSuffix -b".
func (u *Unit) renames() string {
	return strings.Join(renameOptions(u.NamePrefix, u.NameSuffix), " and ")
}

// renameOptions names the kustomize options that rename objects, those
// set: "namePrefix prefix", "nameSuffix suffix".
func renameOptions(prefix, suffix string) []string {
	var opts []string
	if prefix != "" {
		opts = append(opts, "namePrefix "+prefix)
	}
	if suffix != "" {
		opts = append(opts, "nameSuffix "+suffix)
	}
	return opts
}
