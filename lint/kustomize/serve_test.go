package kustomize

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// snapshot prints all that a build gives the rest of salint: files with
// their counts, errors and notices, and each object's built value, the
// position of every node, and what Built says.
func snapshot(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "roots %v\n", res.Roots)
	for _, f := range res.Files {
		fmt.Fprintf(&b, "file %s built=%v objects=%d skipped=%d\n", f.Source.Path, f.Built, len(f.Objects), f.Skipped)
		for _, e := range f.Errors {
			fmt.Fprintf(&b, "  error %s\n", e.Error())
		}
		for _, e := range f.Notices {
			fmt.Fprintf(&b, "  notice %s\n", e.Error())
		}
		for _, o := range f.Objects {
			text, _ := yaml.String(o.Node)
			fmt.Fprintf(&b, "  object %s doc=%d prefix=%q\n%s", o, o.DocIndex, o.FieldPrefix, text)
			bt := o.Built
			if bt == nil {
				continue
			}
			fmt.Fprintf(&b, "  via %v ns-note %q nofix %q span %d-%d\n", bt.Via, bt.NamespaceNote, bt.NoFix, bt.DocStart, bt.DocEnd)
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				fmt.Fprintf(&b, " %d:%d", n.Line, n.Column)
				if p, ok := bt.Elsewhere[n]; ok {
					fmt.Fprintf(&b, "@%s", p)
				}
				for _, c := range n.Content {
					walk(c)
				}
			}
			walk(o.Node)
			var notes []string
			for p, n := range bt.Notes {
				notes = append(notes, p.String()+"="+n)
			}
			sort.Strings(notes)
			fmt.Fprintf(&b, "\n  notes %q rewritten %v grown %v\n", notes, sortedKeys(bt.Rewritten), sortedKeys(bt.Grown))
		}
	}
	return b.String()
}

func sortedKeys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// kustDirs lists the directories below dir that hold a kustomization, as
// lint's walk gives them to Build.
func kustDirs(t *testing.T, dir string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && IsKustomizationFile(d.Name()) {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// buildWith builds dirs with marks on or off.
func buildWith(t *testing.T, dirs []string, marks bool) *Result {
	t.Helper()
	plan := Prepare(dirs, Options{annotated: !marks})
	// What the plan says belongs to the builds (Plan.Consumes, before
	// Start) is what they own in the end, but for builds that turned out
	// to need the network (see offline.go).
	consumed, owned := maps.Clone(plan.b.res.consumed), maps.Clone(plan.b.res.owned)
	res := plan.Start(nil).Wait()
	if !maps.Equal(consumed, res.consumed) || !maps.Equal(owned, res.owned) {
		if !subset(res.consumed, consumed) || !subset(res.owned, owned) || !needsNetwork(res) {
			t.Errorf("Start owned %d files and %d directories, the builds %d and %d", len(consumed), len(owned), len(res.consumed), len(res.owned))
		}
	}
	return res
}

func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func needsNetwork(res *Result) bool {
	for _, f := range res.Files {
		for _, n := range f.Notices {
			if strings.Contains(n.Message, "not built: needs network") {
				return true
			}
		}
	}
	return false
}

func countHow(res *Result, how string) int {
	n := 0
	for _, h := range res.how {
		if h == how {
			n++
		}
	}
	return n
}

// Marked builds give exactly what builds with kustomize's origin
// annotations give, over the corpus's kustomize trees and the
// repository's own.
func TestBuild_MarksGiveWhatOriginAnnotationsGive(t *testing.T) {
	trees := comparisonTrees(t)
	marked := 0
	for name, dirs := range trees {
		t.Run(name, func(t *testing.T) {
			want := snapshot(buildWith(t, dirs, false))
			res := buildWith(t, dirs, true)
			if got := snapshot(res); got != want {
				t.Errorf("marked build differs from the annotated one:\n%s", firstDiff(got, want))
			}
			marked += countHow(res, builtMarked)
		})
	}
	if marked == 0 {
		t.Error("no build marked: the comparison compared annotated builds only")
	}
}

// comparisonTrees are the kustomize trees of the corpus and of the
// repository, by name, each as the directories lint gives Build.
func comparisonTrees(t *testing.T) map[string][]string {
	trees := map[string][]string{"testdata/kustomize": kustDirs(t, "../../testdata/kustomize")}
	if corpus, ok := rulestest.FindCorpus(); ok {
		for _, tree := range []string{
			"kubernetes-sigs__kustomize/examples", "kubernetes-sigs__metrics-server", "open-policy-agent__gatekeeper/config",
			"GoogleCloudPlatform__microservices-demo", "kubernetes__ingress-nginx/deploy", "longhorn__longhorn",
			"rancher__local-path-provisioner", "kubernetes__autoscaler", "cert-manager__cert-manager",
		} {
			trees[tree] = kustDirs(t, filepath.Join(corpus, tree))
		}
	} else {
		t.Log("../shared/corpus not found: only the repository's trees are compared")
	}
	return trees
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

// writeTree writes files (by path under dir) into dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, p, content)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readsTree reads fields of objects other than the ones it changes: a
// replacement from a custom resource and one from a ConfigMap into
// serviceAccountName, and a JSON patch on a CRD's schema.
var readsTree = map[string]string{
	"kustomization.yaml": `namespace: apps
namePrefix: p-
resources: [crds.yaml, config.yaml, deploy.yaml]
replacements:
- source: {kind: AccountConfig, name: accounts, fieldPath: spec.account}
  targets:
  - select: {kind: Deployment, name: web}
    fieldPaths: [spec.template.spec.serviceAccountName]
- source: {kind: ConfigMap, name: settings, fieldPath: data.account}
  targets:
  - select: {kind: Deployment, name: worker}
    fieldPaths: [spec.template.spec.serviceAccountName]
patches:
- target: {kind: CustomResourceDefinition, name: widgets.example.com}
  patch: |-
    - op: add
      path: /spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/maxLength
      value: 63
`,
	"crds.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: string}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
`,
	"config.yaml": `apiVersion: example.com/v1
kind: AccountConfig
metadata:
  name: accounts
spec:
  account: builder
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  account: runner
`,
	"deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: placeholder
      containers: [{name: c, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      serviceAccountName: placeholder
      containers: [{name: c, image: nginx}]
`,
}

func accountsOf(t *testing.T, res *Result) []string {
	t.Helper()
	var out []string
	for _, f := range res.Files {
		for _, o := range f.Objects {
			if o.Kind == "Deployment" {
				out = append(out, o.Name+"="+model.Lookup(o.Node, "spec", "template", "spec", "serviceAccountName").String())
			}
		}
	}
	return out
}

// buildSame builds dir marked and checks that it was built as want says
// and gives what the build with origin annotations gives.
func buildSame(t *testing.T, dir string, want string) *Result {
	t.Helper()
	got := buildWith(t, []string{dir}, true)
	if h := got.how[dir]; h != want {
		t.Errorf("built %s, want %s", h, want)
	}
	if g, w := snapshot(got), snapshot(buildWith(t, []string{dir}, false)); g != w {
		t.Errorf("differs from the build with origin annotations:\n%s", firstDiff(g, w))
	}
	return got
}

// Replacements from a custom resource and a ConfigMap, and a JSON patch
// on a CRD, carry no mark to their targets: the marked build gives what
// the annotated one gives.
func TestBuild_ReplacementsAndJSONPatchesOnMarkedBuilds(t *testing.T) {
	got := buildSame(t, writeFiles(t, readsTree), builtMarked)
	if a := accountsOf(t, got); !slices.Equal(a, []string{"p-web=builder", "p-worker=runner"}) {
		t.Errorf("accounts %v, want the replaced ones", a)
	}
}

// What marks cannot serve is built with kustomize's origin annotations:
// a flow-style (JSON) resource, a generator that merges into another
// object, a root that asks for build metadata of its own; and a build
// that fails marked is run so again, for kustomize's own error message.
func TestBuild_UnmarkableBuildsUseOriginAnnotations(t *testing.T) {
	deploy := readsTree["deploy.yaml"]
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"JSONResource", map[string]string{
			"kustomization.yaml": "resources: [deploy.yaml, sa.json]\n", "deploy.yaml": deploy,
			"sa.json": `{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}}`,
		}},
		{"GeneratorMerges", map[string]string{
			"kustomization.yaml": "resources: [deploy.yaml, cm.yaml]\nconfigMapGenerator:\n- name: cm\n  behavior: merge\n  literals: [a=b]\n",
			"deploy.yaml":        deploy, "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {x: y}\n",
		}},
		{"CRDWithAYAMLError", map[string]string{
			// the marked build fails: run again annotated, for kustomize's message
			"kustomization.yaml": "resources: [deploy.yaml, crd.yaml]\n", "deploy.yaml": deploy,
			"crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b}\nspec:\n  group: [b\n",
		}},
		{"OwnBuildMetadata", map[string]string{
			"kustomization.yaml": "buildMetadata: [managedByLabel]\nresources: [deploy.yaml]\n", "deploy.yaml": deploy,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buildSame(t, writeFiles(t, tt.files), builtAnnotated)
		})
	}
}

// A generated object carries no mark; the one generator that names it
// is where it is configured, as kustomize's origin says.
func TestBuild_GeneratedObjectsAreConfiguredInTheirKustomization(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"kustomization.yaml": "resources: [deploy.yaml]\nsecretGenerator:\n- name: pull\n  type: kubernetes.io/dockerconfigjson\n  literals: ['.dockerconfigjson={\"auths\":{}}']\n",
		"deploy.yaml":        readsTree["deploy.yaml"],
	})
	got := buildSame(t, dir, builtMarked)
	if !strings.Contains(snapshot(got), string(filepath.Separator)+"kustomization.yaml built=true objects=1") {
		t.Errorf("the generated Secret is not in kustomization.yaml:\n%s", snapshot(got))
	}
}

// kustomize reads files by their symlink-free paths; a base reached
// through a symlinked directory, and a symlinked resource file, are
// marked all the same and located where the user reaches them.
func TestBuild_MarksThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	overlay := filepath.Join(dir, "overlay")
	for _, d := range []string{real, overlay} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(real, "kustomization.yaml"):    "resources: [deploy.yaml, sa.yaml]\n",
		filepath.Join(real, "deploy.yaml"):           readsTree["deploy.yaml"],
		filepath.Join(real, "sa-target.yaml"):        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		filepath.Join(overlay, "kustomization.yaml"): "namespace: prod\nresources: [../base]\n",
	}
	for p, content := range files {
		write(t, p, content)
	}
	if err := os.Symlink(real, filepath.Join(dir, "base")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink("sa-target.yaml", filepath.Join(real, "sa.yaml")); err != nil {
		t.Fatal(err)
	}
	got := buildSame(t, overlay, builtMarked)
	if s := snapshot(got); !strings.Contains(s, filepath.Join(dir, "base", "sa.yaml")+" built=true objects=1") {
		t.Errorf("the account is not located in base/sa.yaml:\n%s", s)
	}
}

// A served document says what it said, comments included, plus its mark:
// whatever its last value (block scalars keeping their trailing lines, a
// list at column 0, no final line break, CRLF line ends) and wherever its
// comments.
func TestServe_TheMarkChangesNothingElse(t *testing.T) {
	docs := []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  keep: |+\n    text\n\n\n",
		"kind: ConfigMap\ndata:\n  clip: |\n    text\n\n  strip: >-\n    folded\n    text\n",
		"kind: Role\nrules:\n- apiGroups: ['']\n  resources: [pods]\n# trailing comment",
		"kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers: [{name: c, image: x}]\r\n",
		"# only a comment\n---\nkind: A\nx: \"multi\n  line\"\n---\n# c\nkind: B\ny: plain\n  continued\n",
		// comments at both ends of a document stay where they were
		"# a\n\n# b\nkind: A # k\nmeta:\n  a:\n    b: 1\n    # deep\n  # mid\n# top\n---\n#a\nkind: B\n\n#b\nx: 1\n#c1\n#c2\n",
		"kind: A\nx:\n  - a\n  # in list\n# top\n---\nkind: B\nx: |\n  text\n# c\n",
	}
	mk := &marking{nonce: "n", key: markKey + "-n"}
	for _, doc := range docs {
		served, ok := mk.serve([]byte(doc), 7)
		if !ok {
			t.Errorf("not served marked:\n%s", doc)
			continue
		}
		want := parseAll([]byte(doc))
		got := parseAll(served)
		if len(got) != len(want) {
			t.Errorf("%d documents served, want %d:\n%s", len(got), len(want), served)
			continue
		}
		for i := range got {
			if mark := model.Get(got[i], mk.key).String(); mark != "7-n" {
				t.Errorf("document %d has mark %q:\n%s", i, mark, served)
			}
			unmark(got[i], 0)
			g, _ := yaml.String(got[i])
			w, _ := yaml.String(want[i])
			if g != w {
				t.Errorf("document %d reads\n%s\nwant\n%s", i, g, w)
			}
		}
	}
}
