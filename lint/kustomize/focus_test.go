package kustomize

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/rules/rulestest"
)

func TestScanFile_TellsTheNamespacesAFileMayPutObjectsInOrName(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // namespaces, sorted, comma-separated; "any": not told
		gitops     bool
	}{
		{"block metadata", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: shop\n", "shop", false},
		{"flow metadata, quoted", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: \"shop\"}\n", "shop", false},
		{"JSON", `{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "namespace": 'shop'}}`, "default,shop", false},
		{"binding subjects", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r, namespace: a}\nsubjects:\n- {kind: ServiceAccount, name: s, namespace: b}\n", "a,b", false},
		{"kustomization field", "namespace: prod # the overlay's\nresources: [../../base]\n", "prod", false},
		{"none", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n", "", false},
		{"kind Namespace, comment, longer words", "# every namespace of the team\napiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {namespaces: x}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {namespaceSelector: {}}\n", "", false},
		{"JSON patch path", "- {op: replace, path: /metadata/namespace, value: app}\n", "any", false},
		{"field path", "replacements:\n- targets: [{fieldPaths: [metadata.namespace]}]\n", "any", false},
		{"value on the next line", "metadata:\n  namespace:\n    app\n", "any", false},
		{"empty value", "metadata: {namespace: \"\"}\n", "any", false},
		{"an alias", "metadata: {namespace: *ns}\n", "any", false},
		{"a hash inside quotes is no comment", "metadata: {annotations: {a: \"#\"}, namespace: [x]}\n", "any", false},
		{"a kind kustomize does not namespace", "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata: {name: f}\n", "default", false},
		{"a kind not told", "{apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n", "default", false},
		{"a pull Secret", "apiVersion: v1\nkind: Secret\nmetadata: {name: hub, namespace: a}\ntype: kubernetes.io/dockerconfigjson\n", "any", false},
		{"Flux", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\n", "flux-system", true},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			s := scanFile(path, "default", true)
			got := "any"
			if !s.fp.Any {
				var names []string
				for ns := range s.fp.Namespaces {
					names = append(names, ns)
				}
				slices.Sort(names)
				got = strings.Join(names, ",")
			}
			if got != tt.want || s.gitops != tt.gitops {
				t.Errorf("footprint %q, GitOps %v; want %q, %v", got, s.gitops, tt.want, tt.gitops)
			}
		})
	}
}

func TestFocus_PicksTheRootsThatShareAFileOrANamespaceWithAChangedOne(t *testing.T) {
	dir := t.TempDir()
	// Patch targets name kinds: no object of the kustomization's own.
	patch := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n"
	overlay := func(ns, base string) string {
		return "namespace: " + ns + "\nresources: [../../bases/" + base + "]\npatches:\n- path: patch.yaml\n  target: {kind: ServiceAccount}\n"
	}
	rulestest.WriteFiles(t, dir, map[string]string{
		"bases/a/kustomization.yaml":     "resources: [web.yaml]\n",
		"bases/a/web.yaml":               "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		"bases/b/kustomization.yaml":     "resources: [web.yaml]\n",
		"bases/b/web.yaml":               "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		"overlays/a1/kustomization.yaml": overlay("a", "a"),
		"overlays/a2/kustomization.yaml": overlay("x", "a"),                      // shares base a
		"overlays/x/kustomization.yaml":  "namespace: x\nresources: [sa.yaml]\n", // shares namespace x with a2
		"overlays/x/sa.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n",
		"overlays/b/kustomization.yaml":  overlay("b", "b"),
		"overlays/a1/patch.yaml":         patch,
		"overlays/a2/patch.yaml":         patch,
		"overlays/b/patch.yaml":          patch,
		"remote/kustomization.yaml":      "resources:\n- github.com/org/repo//deploy?ref=v1\n",
	})
	abs := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	var dirs []string
	for _, d := range []string{"bases/a", "bases/b", "overlays/a1", "overlays/a2", "overlays/x", "overlays/b"} {
		dirs = append(dirs, abs(d))
	}
	roots := func(f *Focused) string {
		if f == nil {
			return "all"
		}
		var out []string
		for r := range f.Roots {
			rel, _ := filepath.Rel(dir, r)
			out = append(out, filepath.ToSlash(rel))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	tests := []struct {
		name    string
		dirs    []string
		changed string
		plain   Footprint
		want    string
	}{
		{"a base's file: its overlays, and what shares their namespaces", dirs, "bases/a/web.yaml", Footprint{}, "overlays/a1 overlays/a2 overlays/x"},
		{"an overlay's file: the same", dirs, "overlays/a1/kustomization.yaml", Footprint{}, "overlays/a1 overlays/a2 overlays/x"},
		{"the other group", dirs, "bases/b/web.yaml", Footprint{}, "overlays/b"},
		{"a root may need the network", append(dirs[:len(dirs):len(dirs)], abs("remote")), "bases/b/web.yaml", Footprint{}, "all"},
		{"a changed root may need the network", append(dirs[:len(dirs):len(dirs)], abs("remote")), "remote/kustomization.yaml", Footprint{}, "all"},
		{"every root", dirs, "bases", Footprint{}, "all"},
		{"plain manifests in namespace b join the groups", dirs, "plain.yaml", Footprint{Namespaces: map[string]bool{"b": true, "a": true}}, "all"},
		{"plain manifests elsewhere", dirs, "plain.yaml", Footprint{Namespaces: map[string]bool{"c": true}}, ""},
		{"plain manifests not told", dirs, "plain.yaml", Footprint{Any: true}, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := roots(Prepare(tt.dirs, Options{}).Focus([]string{abs(tt.changed)}, tt.plain, "default"))
			if got != tt.want {
				t.Errorf("roots %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNaming_SaysWhetherARootLeftOutMayWriteAName(t *testing.T) {
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"a/kustomization.yaml":      "namespace: a\nresources: [sa.yaml]\n",
		"a/sa.yaml":                 "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n",
		"b/kustomization.yaml":      "namespace: b\nresources: [sa.yaml]\n",
		"b/sa.yaml":                 "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker}\n",
		"prefix/kustomization.yaml": "namespace: c\nnamePrefix: team-\nresources: [sa.yaml]\n",
		"prefix/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n",
	})
	abs := func(p string) string { return filepath.Join(dir, p) }
	tests := []struct {
		name  string
		dirs  []string
		built []string
		want  map[string]bool
	}{
		{"a name in a file left out", []string{abs("a"), abs("b")}, []string{abs("a")}, map[string]bool{"worker": true, "api": false, "work": false, "worker-2": false}},
		{"nothing left out", []string{abs("a"), abs("b")}, []string{abs("a"), abs("b")}, map[string]bool{"worker": false}},
		{"a prefix composes any name", []string{abs("a"), abs("prefix")}, []string{abs("a")}, map[string]bool{"team-api": true, "other": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			built := map[string]bool{}
			for _, d := range tt.built {
				built[d] = true
			}
			names := Prepare(tt.dirs, Options{}).Naming(built)
			for name, want := range tt.want {
				if got := names(name); got != want {
					t.Errorf("%s: %v, want %v", name, got, want)
				}
			}
		})
	}
}
