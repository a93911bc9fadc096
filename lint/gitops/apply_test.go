package gitops

import (
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestUnit_Holds(t *testing.T) {
	dir, err := filepath.Abs("apps")
	if err != nil {
		t.Fatal(err)
	}
	flux := &Unit{Tool: Flux, Dir: dir, Recurse: true}
	argo := &Unit{Tool: ArgoCD, Dir: dir}
	argoRecurse := &Unit{Tool: ArgoCD, Dir: dir, Recurse: true}
	tests := []struct {
		file, root string
		unit       *Unit
		want       bool
	}{
		{"apps/web.yaml", "", flux, true},
		{"apps/team/web.yaml", "", flux, true},
		{"apps/team/web.yaml", "apps/team", flux, true},
		{"appsx/web.yaml", "", flux, false},
		{"other/web.yaml", "other", flux, false},
		{"apps/web.yaml", "", argo, true},
		{"apps/team/web.yaml", "", argo, false}, // no directory.recurse
		{"apps/kustomization.yaml", "apps", argo, true},
		{"apps/base/web.yaml", "apps", argo, true}, // what the build at the path reads
		{"apps/team/web.yaml", "apps/team", argo, false},
		{"apps/team/web.yaml", "", argoRecurse, true},
	}
	for _, tt := range tests {
		if got := tt.unit.Holds(tt.file, tt.root); got != tt.want {
			t.Errorf("%s unit (recurse %v) holds %s built from %q = %v, want %v", tt.unit.Tool, tt.unit.Recurse, tt.file, tt.root, got, tt.want)
		}
	}
}

func TestUnit_Expand(t *testing.T) {
	u := &Unit{Substitute: map[string]string{"env": "prod", "empty": "", "app": "web"}}
	for in, want := range map[string]string{
		"plain":                  "plain",
		"${app}-sa":              "web-sa",
		"${app}-${env}":          "web-prod",
		"${unknown}-sa":          "${unknown}-sa", // may come from outside the input
		"${unknown:=deploy}":     "deploy",
		"${unknown:-deploy}":     "deploy",
		"${unknown-deploy}":      "deploy",
		"${empty:=deploy}":       "deploy",
		"${empty=deploy}":        "",
		"${env:-deploy}":         "prod",
		"$${app}":                "${app}",
		"${app":                  "${app",
		"${app/x/y}":             "${app/x/y}",
		"$app":                   "$app",
		"a ${app} b ${env} c $x": "a web b prod c $x",
	} {
		if got := u.Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnit_Apply states what a unit's tool does to the objects it
// applies: copies only (the shared object stays as read), positions kept.
func TestUnit_Apply(t *testing.T) {
	const doc = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: written}
spec:
  template:
    spec:
      serviceAccountName: ${account}
      nodeName: ${unset}
`
	const unset = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n"
	const clusterScoped = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: shop}\n"
	flux := &Unit{Tool: Flux, Object: &model.Object{Kind: "Kustomization", Name: "apps", Namespace: "flux-system"},
		Namespace: "target", Substitute: map[string]string{"account": "api"}}
	argo := &Unit{Tool: ArgoCD, DefaultNamespace: "dest"}
	tests := []struct {
		name, doc     string
		unit          *Unit
		wantNamespace string // "" for the object itself, unchanged
		wantAccount   string
		wantBlocked   []string // positions whose fix is blocked
	}{
		{"FluxTargetNamespaceAndVariables", doc, flux, "target", "api", []string{"test.yaml:7:27"}},
		{"FluxClusterScopedKeepsNoNamespace", clusterScoped, &Unit{Tool: Flux, Namespace: "target"}, "", "", nil},
		{"ArgoDefaultNamespaceForObjectsWithout", unset, argo, "dest", "", nil},
		{"ArgoDefaultNamespaceLeavesWritten", doc, argo, "", "${account}", nil},
		{"NoVariablesNoCopyOfNodes", unset, &Unit{Tool: Flux, Namespace: "target"}, "target", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := model.Read(model.NewSource("test.yaml", []byte(tt.doc)))
			o := f.Objects[0]
			before := o.Namespace
			got, blocked := tt.unit.Apply(o)
			if tt.wantNamespace == "" {
				if got != o && got.Namespace != o.Namespace {
					t.Errorf("Apply changed the namespace to %q", got.Namespace)
				}
			} else if got == o || got.Namespace != tt.wantNamespace || got.PlacedBy == nil {
				t.Errorf("Apply: namespace %q (placed by %v, copy %v), want %q placed in a copy", got.Namespace, got.PlacedBy, got != o, tt.wantNamespace)
			}
			if o.Namespace != before || o.PlacedBy != nil {
				t.Errorf("Apply changed the shared object: namespace %q, placed by %v", o.Namespace, o.PlacedBy)
			}
			if tt.wantAccount != "" {
				account := model.Lookup(got.Node, "spec", "template", "spec", "serviceAccountName")
				if account.String() != tt.wantAccount || account.Value.Line != 7 {
					t.Errorf("serviceAccountName = %q at line %d, want %q at line 7", account.String(), account.Value.Line, tt.wantAccount)
				}
				if orig := model.Lookup(o.Node, "spec", "template", "spec", "serviceAccountName").String(); orig != "${account}" {
					t.Errorf("the shared object's serviceAccountName became %q", orig)
				}
			}
			var positions []string
			for pos, why := range blocked {
				positions = append(positions, pos.String())
				if !strings.Contains(why, "Kustomization flux-system/apps") {
					t.Errorf("fix blocked at %s because %q, want it to name the Kustomization", pos, why)
				}
			}
			if !reflect.DeepEqual(positions, tt.wantBlocked) {
				t.Errorf("fix blocked at %v, want %v", positions, tt.wantBlocked)
			}
		})
	}
}

// unitObjects is the input TestUnit_ApplyKustomizeLayer applies units
// to, as plain files of app/.
var unitObjects = map[string]string{
	"app/sa.yaml": `apiVersion: v1
kind: ServiceAccount
metadata: {name: api}
imagePullSecrets: [{name: regcred}, {name: outside}]
---
apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
`,
	"app/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: api
      serviceAccount: api
      imagePullSecrets: [{name: regcred}]
      containers: [{name: c, image: x, env: [{name: A, valueFrom: {secretKeyRef: {name: regcred, key: k}}}]}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {template: {spec: {serviceAccountName: api}}}
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec: {serviceAccountName: elsewhere}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
subjects:
- {kind: ServiceAccount, name: api}
- {kind: ServiceAccount, name: default}
- {kind: ServiceAccount, name: ops, namespace: ops}
- {kind: ServiceAccount, name: api, namespace: elsewhere}
roleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}
`,
}

// TestUnit_ApplyKustomizeLayer states what kustomize does, on top of the
// unit's own build, with the tool's options: Argo CD's namePrefix renames
// the unit's objects (not Namespaces) and the references kustomize
// follows to objects the unit defines (not the deprecated serviceAccount,
// not a ReplicaSet's account, not what the unit does not define); a
// namespace (Flux targetNamespace) also goes to the binding subjects
// named "default" and to those naming the unit's accounts. A plain
// directory Argo CD does not build with kustomize keeps its names.
func TestUnit_ApplyKustomizeLayer(t *testing.T) {
	app := &model.Object{Kind: "Application", Name: "prod", Namespace: "argocd"}
	argo := func(prefix, own string, kustomized bool) *Unit {
		return &Unit{Tool: ArgoCD, Object: app, NamePrefix: prefix, ownPrefix: own, kustomized: kustomized}
	}
	flux := &Unit{Tool: Flux, Object: &model.Object{Kind: "Kustomization", Name: "apps", Namespace: "flux-system"}, Namespace: "podinfo", kustomized: true}
	tests := []struct {
		name    string
		unit    *Unit
		object  string            // file#document
		want    map[string]string // field path: value after Apply ("-": absent)
		blocked int               // positions whose fix is blocked
	}{
		{"ArgoPrefixRenamesTheAccountAndItsPullSecret", argo("prod-", "", true), "app/sa.yaml#0", map[string]string{
			"metadata.name": "prod-api", "imagePullSecrets[0].name": "prod-regcred", "imagePullSecrets[1].name": "outside"}, 2},
		{"ArgoPrefixFollowsPodSpecReferences", argo("prod-", "", true), "app/web.yaml#0", map[string]string{
			"metadata.name":                                                       "prod-web",
			"spec.template.spec.serviceAccountName":                               "prod-api",
			"spec.template.spec.serviceAccount":                                   "api", // kustomize does not follow the deprecated field
			"spec.template.spec.imagePullSecrets[0].name":                         "prod-regcred",
			"spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name": "prod-regcred",
		}, 4},
		{"ArgoPrefixLeavesAReplicaSetsAccount", argo("prod-", "", true), "app/web.yaml#1", map[string]string{
			"metadata.name": "prod-rs", "spec.template.spec.serviceAccountName": "api"}, 1},
		{"ArgoPrefixLeavesReferencesOutsideTheUnit", argo("prod-", "", true), "app/web.yaml#2", map[string]string{
			"metadata.name": "prod-other", "spec.serviceAccountName": "elsewhere"}, 1},
		{"ArgoPrefixFollowsSubjects", argo("prod-", "", true), "app/web.yaml#3", map[string]string{
			"subjects[0].name": "prod-api", "subjects[0].namespace": "-",
			"subjects[1].name": "default", "subjects[1].namespace": "-",
			"subjects[2].name": "ops", "subjects[3].name": "api", "roleRef.name": "r"}, 2},
		{"ArgoPrefixReplacesTheKustomizationsOwn", argo("prod-", "o-", true), "app/sa.yaml#0", map[string]string{"metadata.name": "prod-api"}, 2},
		{"ArgoPlainDirectoryKeepsNames", argo("prod-", "", false), "app/web.yaml#0", map[string]string{
			"metadata.name": "web", "spec.template.spec.serviceAccountName": "api"}, 0},
		{"FluxTargetNamespaceGoesToSubjects", flux, "app/web.yaml#3", map[string]string{
			"subjects[0].name": "api", "subjects[0].namespace": "podinfo",
			"subjects[1].namespace": "podinfo",
			"subjects[2].namespace": "ops", "subjects[3].namespace": "elsewhere"}, 2},
		{"FluxTargetNamespaceLeavesNames", flux, "app/web.yaml#0", map[string]string{
			"metadata.name": "web", "spec.template.spec.serviceAccountName": "api"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeTree(t, unitObjects)
			files := readTree(t)
			dir, _ := filepath.Abs("app")
			u := *tt.unit
			u.Dir = dir
			u.setLayer(files)
			file, doc, _ := strings.Cut(tt.object, "#")
			var o *model.Object
			for _, f := range files {
				for _, fo := range f.Objects {
					if f.Source.Path == file && strconv.Itoa(fo.DocIndex) == doc {
						o = fo
					}
				}
			}
			before, err := yaml.Marshal(o.Node)
			if err != nil {
				t.Fatal(err)
			}
			got, blocked := u.Apply(o)
			for path, want := range tt.want {
				if v := valueAt(got.Node, path); v != want {
					t.Errorf("%s = %q, want %q", path, v, want)
				}
			}
			if got.Name != valueAt(got.Node, "metadata.name") {
				t.Errorf("the applied object is named %q, its metadata.name is %q", got.Name, valueAt(got.Node, "metadata.name"))
			}
			if len(blocked) != tt.blocked {
				t.Errorf("fix blocked at %v, want %d positions", blocked, tt.blocked)
			}
			for pos, why := range blocked {
				if pos.File != file || !strings.Contains(why, u.Object.String()) {
					t.Errorf("fix blocked at %s because %q, want a position in %s and the reason naming %s", pos, why, file, u.Object)
				}
			}
			if after, _ := yaml.Marshal(o.Node); string(after) != string(before) {
				t.Errorf("Apply changed the shared object:\n%s", after)
			}
		})
	}
}

// valueAt is the scalar at a dotted path with [i] list indexes, "-" when
// there is none.
func valueAt(n *yaml.Node, path string) string {
	for _, part := range strings.Split(path, ".") {
		key, index, list := strings.Cut(strings.TrimSuffix(part, "]"), "[")
		n = model.Get(n, key).Value
		if list {
			items := model.Field{Value: n}.Items()
			i, err := strconv.Atoi(index)
			if err != nil || i >= len(items) {
				return "-"
			}
			n = items[i]
		}
		if n == nil {
			return "-"
		}
	}
	return n.Value
}

// TestKustomizeLayer_Renames: kustomize's prefix and suffix transformers
// leave CRDs, APIServices and Namespaces; an own prefix or suffix the
// tool's replace goes.
func TestKustomizeLayer_Renames(t *testing.T) {
	l := &kustomizeLayer{prefix: "p-", suffix: "-s", ownPrefix: "o-", ownSuffix: "-x"}
	for _, tt := range []struct {
		kind, group string
		want        bool
	}{
		{"ServiceAccount", "", true},
		{"ClusterRoleBinding", "rbac.authorization.k8s.io", true},
		{"Namespace", "", false},
		{"CustomResourceDefinition", "apiextensions.k8s.io", false},
		{"APIService", "apiregistration.k8s.io", false},
		{"APIService", "example.com", true},
	} {
		if got := l.renames(tt.kind, tt.group); got != tt.want {
			t.Errorf("renames %s of %q = %v, want %v", tt.kind, tt.group, got, tt.want)
		}
	}
	for in, want := range map[string]string{"o-api-x": "p-api-s", "api": "p-api-s", "o-base-api-x": "p-base-api-s"} {
		if got := l.renamed(in); got != want {
			t.Errorf("renamed(%q) = %q, want %q", in, got, want)
		}
	}
	if (&kustomizeLayer{namespace: "ns"}).renames("ServiceAccount", "") {
		t.Error("a layer without prefix or suffix renames")
	}
}
