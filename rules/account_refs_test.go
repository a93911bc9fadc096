package rules_test

import (
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// TestExternalAccountsSatisfyBindingsAndTokens: an account declared in
// externalAccounts exists for missing-rbac-subject and orphan-token-secret
// as it does for missing-service-account.
func TestExternalAccountsSatisfyBindingsAndTokens(t *testing.T) {
	const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
---
apiVersion: v1
kind: Secret
metadata:
  name: deployer-token
  namespace: ci
  annotations: {kubernetes.io/service-account.name: deployer}
type: kubernetes.io/service-account-token
`
	for _, r := range []*rules.Rule{rules.MissingRBACSubject, rules.OrphanTokenSecret} {
		if fs := rulestest.CheckYAML(t, r, text, model.Options{}, nil); len(fs) != 1 {
			t.Errorf("%s without externalAccounts: %d findings, want 1", r.ID, len(fs))
		}
		for _, ext := range []string{"ci/deployer", "ci/*", "*/deployer"} {
			if fs := rulestest.CheckYAML(t, r, text, model.Options{ExternalAccounts: []string{ext}}, nil); len(fs) != 0 {
				t.Errorf("%s with externalAccounts %s: %v", r.ID, ext, fs[0].Message)
			}
		}
	}
}

// TestMissingRBACSubject_NamespaceDefaulting: spec §8, an empty subject
// namespace in a RoleBinding is the binding's own namespace, which itself
// comes from --namespace when the binding sets none (spec §7).
func TestMissingRBACSubject_NamespaceDefaulting(t *testing.T) {
	const text = `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: web}]
`
	if fs := rulestest.CheckYAML(t, rules.MissingRBACSubject, text, model.Options{DefaultNamespace: "team"}, nil); len(fs) != 0 {
		t.Errorf("binding in team: %s", fs[0].Message)
	}
	fs := rulestest.CheckYAML(t, rules.MissingRBACSubject, text, model.Options{}, nil)
	if len(fs) != 1 || fs[0].Pos.Line != 9 || fs[0].Field != "subjects[0].name" {
		t.Errorf("binding in default: findings %v, want one at line 9 on subjects[0].name", fs)
	}
}
