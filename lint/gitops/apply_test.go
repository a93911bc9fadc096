package gitops

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
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
