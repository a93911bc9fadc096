package gitops

import (
	"path/filepath"
	"testing"
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
