package gitops

import (
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
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
		{"FluxSubstituteDisabledByLabel", strings.Replace(doc, "namespace: written}", "namespace: written, labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}}", 1), flux, "target", "${account}", nil},
		{"FluxSubstituteDisabledByAnnotation", strings.Replace(doc, "namespace: written}", "namespace: written, annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}}", 1), flux, "target", "${account}", nil},
		{"FluxSubstituteNotDisabledByAnotherValue", strings.Replace(doc, "namespace: written}", "namespace: written, labels: {kustomize.toolkit.fluxcd.io/substitute: enabled}}", 1), flux, "target", "api", []string{"test.yaml:7:27"}},
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

// TestUnit_ApplySubstitutesText: Flux writes the object as YAML with
// sigs.k8s.io/yaml, substitutes its postBuild variables in that text and
// reads it back (YAML 1.1): the emitter quotes by the string's value, so
// how the source quoted it does not matter; only a value the emitter
// quotes or writes as a block stays a string.
func TestUnit_ApplySubstitutesText(t *testing.T) {
	u := &Unit{Tool: Flux, Object: &model.Object{Kind: "Kustomization", Name: "apps", Namespace: "flux-system"}}
	tests := []struct {
		written, value string
		wantTag        string
		wantValue      string
		wantBool       string // Field.Bool: "true", "false" or "" when not a boolean
	}{
		{"${v}", "false", "!!bool", "false", "false"},
		{"${v}", "true", "!!bool", "true", "true"},
		{`"${v}"`, "false", "!!bool", "false", "false"}, // the source's quotes are gone in the emitted text
		{"'${v}'", "false", "!!bool", "false", "false"},
		{"!!str ${v}", "false", "!!bool", "false", "false"}, // so is the tag
		{"${v}", "no", "!!bool", "false", "false"},          // YAML 1.1
		{`"${v}"`, "on", "!!bool", "true", "true"},
		{"|\n  ${v}", "false", "!!str", "false\n", ""},  // the emitter writes a block
		{`"x: ${v}"`, "false", "!!str", "x: false", ""}, // the emitter quotes it
		{`"${v} "`, "false", "!!str", "false ", ""},
		{"${v}", "", "!!null", "", ""},
		{"${v}", "null", "!!null", "", ""},
		{"${v}", "5", "!!int", "5", ""},
		{"${v}", "0x10", "!!int", "16", ""}, // YAML 1.1 hexadecimal
		{"${v}", "1.5", "!!float", "1.5", ""},
		{"${v}", `"5"`, "!!str", "5", ""},
		{"${v}", `"false"`, "!!str", "false", ""},
		{"x-${v}", "5", "!!str", "x-5", ""},
		{"${v}", "web", "!!str", "web", ""},
		{"${v}", "[a]", "!!str", "[a]", ""},   // a list: the text is kept as a string
		{"${v}", "a: b", "!!str", "a: b", ""}, // a map: likewise
		{"${v}", "'", "!!str", "'", ""},       // no YAML: Flux fails; the text is kept
		{"${unset}", "false", "!!str", "${unset}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.written+"="+tt.value, func(t *testing.T) {
			doc := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\nautomountServiceAccountToken: " + tt.written + "\n"
			o := model.Read(model.NewSource("sa.yaml", []byte(doc))).Objects[0]
			u.Substitute = map[string]string{"v": tt.value}
			applied, _ := u.Apply(o)
			f := model.Get(applied.Node, "automountServiceAccountToken")
			gotBool := ""
			if b, ok := f.Bool(); ok {
				gotBool = strconv.FormatBool(b)
			}
			if f.Value.Tag != tt.wantTag || f.Value.Value != tt.wantValue || gotBool != tt.wantBool {
				t.Errorf("%s with v=%q: tag %s, value %q, bool %q; want %s, %q, %q", tt.written, tt.value, f.Value.Tag, f.Value.Value, gotBool, tt.wantTag, tt.wantValue, tt.wantBool)
			}
			if f.Value.Line != 4 {
				t.Errorf("value at line %d, want 4, where it is written", f.Value.Line)
			}
		})
	}
}

// TestUnit_ApplyKustomizeLayer states, object by object of
// kustomizeResources read as a plain file, what kustomize does on top of
// the unit's own build with the tool's options: Argo CD's namePrefix
// renames the unit's objects and the references kustomize follows to
// objects the unit defines in the referrer's namespace (not the
// deprecated serviceAccount, not a ReplicaSet's account, not a pull
// secret of another namespace), binding subjects of any kind included;
// a namespace (Flux targetNamespace) goes to the subjects named
// "default" and to those naming the unit's accounts. A plain directory
// Argo CD does not build with kustomize keeps its names.
func TestUnit_ApplyKustomizeLayer(t *testing.T) {
	app := &model.Object{Kind: "Application", Name: "prod", Namespace: "argocd"}
	argo := func(prefix string, kustomized bool) *Unit {
		return &Unit{Tool: ArgoCD, Object: app, NamePrefix: prefix, kustomized: kustomized}
	}
	flux := &Unit{Tool: Flux, Object: &model.Object{Kind: "Kustomization", Name: "apps", Namespace: "flux-system"}, Namespace: "podinfo", kustomized: true}
	tests := []struct {
		name    string
		unit    *Unit
		doc     int               // of kustomizeResources
		want    map[string]string // field path: value after Apply ("-": absent)
		blocked int               // positions whose fix is blocked
	}{
		{"ArgoPrefixRenamesAnAccountNotAPullSecretOfAnotherNamespace", argo("prod-", true), 0, map[string]string{
			"metadata.name": "prod-api", "imagePullSecrets[0].name": "regcred", "imagePullSecrets[1].name": "outside", "secrets[0].name": "regcred"}, 1},
		{"ArgoPrefixFollowsPodSpecReferencesWithinTheNamespace", argo("prod-", true), 2, map[string]string{
			"metadata.name":                                   "prod-web",
			"spec.template.spec.serviceAccountName":           "api", // the account is in namespace app
			"spec.template.spec.serviceAccount":               "api",
			"spec.template.spec.imagePullSecrets[0].name":     "prod-regcred",
			"spec.template.spec.volumes[0].secret.secretName": "prod-regcred",
		}, 3},
		{"ArgoPrefixFollowsTheAccountNotTheDeprecatedField", argo("prod-", true), 4, map[string]string{
			"metadata.name": "prod-app", "spec.serviceAccountName": "prod-api", "spec.imagePullSecrets[0].name": "regcred"}, 2},
		{"ArgoPrefixLeavesAReplicaSetsAccount", argo("prod-", true), 3, map[string]string{
			"metadata.name": "prod-rs", "spec.template.spec.serviceAccountName": "api"}, 1},
		{"ArgoPrefixFollowsSubjectsOfAnyKind", argo("prod-", true), 5, map[string]string{
			"subjects[0].name": "prod-api", "subjects[0].namespace": "app",
			"subjects[1].name": "default", "subjects[1].namespace": "-",
			"subjects[2].name": "ops", "subjects[4].name": "api", "subjects[4].namespace": "elsewhere",
			"subjects[3].name": "prod-api", "subjects[5].name": "prod-api", "roleRef.name": "view"}, 4},
		{"ArgoPlainDirectoryKeepsNames", argo("prod-", false), 4, map[string]string{
			"metadata.name": "app", "spec.serviceAccountName": "api"}, 0},
		{"FluxTargetNamespaceGoesToSubjects", flux, 5, map[string]string{
			"subjects[0].name": "api", "subjects[0].namespace": "podinfo",
			"subjects[1].namespace": "podinfo", "subjects[2].namespace": "ops",
			"subjects[3].namespace": "podinfo", "subjects[4].namespace": "elsewhere", "subjects[5].namespace": "podinfo"}, 4},
		{"FluxTargetNamespaceLeavesNames", flux, 2, map[string]string{
			"metadata.name": "web", "spec.template.spec.serviceAccountName": "api"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeTree(t, map[string]string{"app/r.yaml": kustomizeResources})
			files := readTree(t)
			dir, _ := filepath.Abs("app")
			u := *tt.unit
			u.Dir = dir
			u.setLayer(files)
			const file = "app/r.yaml"
			var o *model.Object
			for _, fo := range files[0].Objects {
				if fo.DocIndex == tt.doc {
					o = fo
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

// kustomizeResources are the unit TestUnit_ApplyKustomizeLayer reads and
// TestUnit_ApplyAgreesWithKustomize builds: an account of namespace app
// with pull secrets of the unit and not, a Secret without namespace,
// workloads of both namespaces that reference them, and bindings whose
// subjects name accounts of the unit and not.
const kustomizeResources = `apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: app}
imagePullSecrets: [{name: regcred}, {name: outside}]
secrets: [{name: regcred}]
---
apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: api
      serviceAccount: api
      imagePullSecrets: [{name: regcred}]
      volumes: [{name: s, secret: {secretName: regcred}}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {template: {spec: {serviceAccountName: api}}}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: app}
spec: {serviceAccountName: api, imagePullSecrets: [{name: regcred}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
subjects:
- {kind: ServiceAccount, name: api}
- {kind: ServiceAccount, name: default}
- {kind: ServiceAccount, name: ops, namespace: ops}
- {kind: ServiceAccount, name: api, namespace: app}
- {kind: ServiceAccount, name: api, namespace: elsewhere}
- {kind: User, name: api}
roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
subjects:
- {kind: ServiceAccount, name: api}
- {kind: ServiceAccount, name: api, namespace: app}
- {kind: ServiceAccount, name: default, namespace: kube-system}
roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: app}
spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: api, imagePullSecrets: [{name: regcred}]}}}}}
`

// TestUnit_ApplyAgreesWithKustomize is the oracle: the unit's build
// (kustomize without the tool's options) with Apply's layer on top reads
// as kustomize's build with them, in every field the model reads.
func TestUnit_ApplyAgreesWithKustomize(t *testing.T) {
	tests := []struct {
		name, own, options string // kustomization lines: its own, the tool's
		unit               Unit
	}{
		{"ArgoNamePrefix", "", "namePrefix: prod-\n", Unit{Tool: ArgoCD, NamePrefix: "prod-"}},
		{"ArgoNameSuffixReplacesTheOwn", "nameSuffix: -own\n", "nameSuffix: -z\n", Unit{Tool: ArgoCD, NameSuffix: "-z", ownSuffix: "-own"}},
		{"FluxTargetNamespace", "", "namespace: target\n", Unit{Tool: Flux, Namespace: "target"}},
		{"ArgoPrefixAndNamespace", "namePrefix: o-\n", "namePrefix: prod-\nnamespace: target\n", Unit{Tool: ArgoCD, NamePrefix: "prod-", ownPrefix: "o-", Namespace: "target"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			base := kustomizeBuild(t, tt.own, kustomizeResources)
			u := tt.unit
			u.Object, u.Dir, u.kustomized = &model.Object{Kind: "Application", Name: "app"}, absPath("app"), true
			u.setLayer([]*model.File{base})
			var got []string
			for _, o := range base.Objects {
				applied, _ := u.Apply(o)
				got = append(got, readFields(applied))
			}
			var want []string
			for _, o := range kustomizeBuild(t, tt.own+tt.options, kustomizeResources).Objects {
				want = append(want, readFields(o))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("applied:\n%s\nkustomize builds:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestUnit_ApplyLeavesRoleRef pins a known difference from kustomize:
// its namePrefix renames a Role the unit defines and the roleRef naming
// it; Apply, which reads no Role, leaves the roleRef as written (no rule
// judges a roleRef, see docs/cluster-views.md).
func TestUnit_ApplyLeavesRoleRef(t *testing.T) {
	const resources = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: app}
subjects: [{kind: ServiceAccount, name: api}]
roleRef: {kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io}
`
	// roleRef is the binding's name and the role it names.
	roleRef := func(f *model.File) string {
		for _, o := range f.Objects {
			if o.Kind == model.KindRoleBinding {
				return model.Lookup(o.Node, "metadata", "name").String() + " -> " + model.Lookup(o.Node, "roleRef", "name").String()
			}
		}
		return ""
	}
	if got := roleRef(kustomizeBuild(t, "namePrefix: prod-\n", resources)); got != "prod-read -> prod-reader" {
		t.Fatalf("kustomize builds %q, want prod-read -> prod-reader", got)
	}
	built := kustomizeBuild(t, "", resources)
	u := Unit{Tool: ArgoCD, NamePrefix: "prod-", Object: &model.Object{Kind: "Application", Name: "app"}, Dir: absPath("app"), kustomized: true}
	u.setLayer([]*model.File{built})
	for i, o := range built.Objects {
		built.Objects[i], _ = u.Apply(o)
	}
	if got := roleRef(built); got != "prod-read -> reader" {
		t.Errorf("Apply gives %q, want the roleRef as written: prod-read -> reader", got)
	}
}

// kustomizeBuild builds resources with kustomization lines
// kustomization, read as the plain file app/built.yaml.
func kustomizeBuild(t *testing.T, kustomization, resources string) *model.File {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/app/kustomization.yaml", []byte(kustomization+"resources: [r.yaml]\n")); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/app/r.yaml", []byte(resources)); err != nil {
		t.Fatal(err)
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/app")
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return model.Read(model.NewSource(filepath.Join("app", "built.yaml"), out))
}

// readFields lists what the model reads of o's names and references.
func readFields(o *model.Object) string {
	fields := []string{o.Kind, o.Namespace, o.Name}
	spec := model.Get(o.Node, "spec").Value
	for _, path := range [][]string{{"template", "spec"}, {"jobTemplate", "spec", "template", "spec"}} {
		if t := model.Lookup(spec, path...).Value; t != nil {
			spec = t
		}
	}
	for _, key := range []string{"serviceAccountName", "serviceAccount"} {
		fields = append(fields, key+"="+model.Get(spec, key).String())
	}
	for _, path := range [][]string{{"imagePullSecrets", "name"}, {"volumes", "secret", "secretName"}} {
		for _, n := range append(scalarsAt(spec, path), scalarsAt(o.Node, path)...) {
			fields = append(fields, path[0]+"="+n.Value)
		}
	}
	for _, n := range scalarsAt(o.Node, []string{"secrets", "name"}) {
		fields = append(fields, "secrets="+n.Value)
	}
	for _, s := range model.Get(o.Node, "subjects").Items() {
		fields = append(fields, "subject="+model.Get(s, "kind").String()+"/"+model.Get(s, "namespace").String()+"/"+model.Get(s, "name").String())
	}
	return strings.Join(fields, " ")
}
