package rules_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

const saShopWeb = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
---
`

func TestUnusedServiceAccount(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "line:col" of each finding
	}{
		{"DefinedAndNothingUsesIt", saShopWeb, []string{"4:3"}},
		{"UsedByDeploymentInSameNamespace", saShopWeb + `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
`, nil},
		{"PodOfSameNameInOtherNamespaceDoesNotCount", saShopWeb + `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: other}
spec:
  serviceAccountName: web
`, []string{"4:3"}},
		{"UsedThroughDeprecatedServiceAccountField", saShopWeb + `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccount: web
`, nil},
		{"UsedByOperatorResource", saShopWeb + `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: shop}
spec:
  serviceAccountName: web
`, nil},
		{"RoleBindingSubjectWithoutNamespaceTakesBindingNamespace", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - kind: ServiceAccount
    name: web
`, nil},
		{"RoleBindingInOtherNamespaceWithoutSubjectNamespaceDoesNotCount", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - kind: ServiceAccount
    name: web
`, []string{"4:3"}},
		{"ClusterRoleBindingSubjectWithNamespace", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: web, namespace: shop}
`, nil},
		{"ClusterRoleBindingSubjectWithoutNamespaceNamesNothing", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: web}
`, []string{"4:3"}},
		{"SubjectWithAPIGroupIsNotAnAccount", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - {kind: ServiceAccount, apiGroup: rbac.authorization.k8s.io, name: web}
`, []string{"4:3"}},
		{"UserSubjectInServiceAccountForm", saShopWeb + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccount:shop:web"}
`, nil},
		{"TokenSecretBelongsToIt", saShopWeb + `apiVersion: v1
kind: Secret
metadata:
  name: web-token
  namespace: shop
  annotations: {kubernetes.io/service-account.name: web}
type: kubernetes.io/service-account-token
`, nil},
		{"OpaqueSecretWithTheAnnotationDoesNotCount", saShopWeb + `apiVersion: v1
kind: Secret
metadata:
  name: web-token
  namespace: shop
  annotations: {kubernetes.io/service-account.name: web}
type: Opaque
`, []string{"4:3"}},
		{"DefaultAccountIsNeverReported", `apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
`, nil},
		{"DefinedTwiceReportedOnce", saShopWeb + saShopWeb, []string{"4:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range rulestest.CheckYAML(t, rules.UnusedServiceAccount, tt.yaml, model.Options{}, nil) {
				got = append(got, f.Pos.String()[len("test.yaml:"):])
				if f.Severity != rules.Info || f.Field != "metadata.name" || !strings.Contains(f.Message, "shop/web") {
					t.Errorf("finding %+v: want info on metadata.name naming shop/web", f)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("findings at %v, want %v", got, tt.want)
			}
		})
	}
}
