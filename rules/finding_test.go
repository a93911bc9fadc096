package rules_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

func TestFinding_TextComposesMessageNoFixAndRelated(t *testing.T) {
	at := model.Position{File: "k.yaml", Line: 3, Col: 1}
	tests := []struct {
		name string
		f    rules.Finding
		want string
	}{
		{"message only", rules.Finding{Message: "m"}, "m"},
		{"no fix", rules.Finding{Message: "m", NoFix: "salint fix leaves this to you: why"}, "m; salint fix leaves this to you: why"},
		{"related", rules.Finding{Message: "m", Related: []rules.Related{{Pos: at, Message: "a"}, {Pos: at, Message: "b"}}}, "m (a; b)"},
		{"both", rules.Finding{Message: "m", NoFix: "n", Related: []rules.Related{{Pos: at, Message: "a"}}}, "m; n (a)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Text(); got != tt.want {
				t.Errorf("Text() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRules_SayWhyNoFixInNoFix checks that a rule that does not fix a
// finding says why in NoFix, and leaves the message to what is wrong.
func TestRules_SayWhyNoFixInNoFix(t *testing.T) {
	tests := []struct {
		name     string
		rule     *rules.Rule
		yaml     string
		settings rules.Settings
		noFix    string
	}{
		{"merge keys", rules.DeprecatedServiceAccountField, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
x-common: &common
  serviceAccountName: sa
  serviceAccount: sa
spec:
  template:
    spec:
      <<: *common
      containers: [{name: c, image: nginx}]
`, rules.Settings{}, "salint fix leaves this to you: the file uses YAML merge keys (<<), so a field may apply away from where it is written"},
		{"typo is not created", rules.MissingServiceAccount, `{apiVersion: v1, kind: ServiceAccount, metadata: {name: web, namespace: shop}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: wbe
  containers: [{name: c, image: nginx}]
`, rules.Settings{CreateMissingAccounts: true}, "salint fix does not create it: the name looks like a mistake for a human to correct"},
		{"two covering secrets", rules.RegistryWithoutPullSecret, `{apiVersion: v1, kind: Secret, metadata: {name: a, namespace: shop}, type: kubernetes.io/dockerconfigjson, data: {.dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7fX19}}
---
{apiVersion: v1, kind: Secret, metadata: {name: b, namespace: shop}, type: kubernetes.io/dockerconfigjson, data: {.dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7fX19}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: [{name: c, image: ghcr.io/corp/app:1}]
`, rules.Settings{}, `salint fix does not choose: Secrets "a", "b" all cover it`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := rulestest.CheckYAML(t, tt.rule, tt.yaml, model.Options{}, &tt.settings)
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.NoFix != tt.noFix || f.Fix != nil {
				t.Errorf("NoFix %q (fix %v), want %q and no fix", f.NoFix, f.Fix != nil, tt.noFix)
			}
			if strings.Contains(f.Message, "salint fix") {
				t.Errorf("message speaks of fixes: %s", f.Message)
			}
			if want := f.Message + "; " + tt.noFix; f.Text() != want {
				t.Errorf("Text() = %q, want %q", f.Text(), want)
			}
		})
	}
}
