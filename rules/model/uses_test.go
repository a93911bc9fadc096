package model_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
)

const accounts = `apiVersion: v1
kind: ServiceAccount
metadata: {name: "off", namespace: ns}
automountServiceAccountToken: false
imagePullSecrets: [{name: acct-pull}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: plain, namespace: ns}
---
`

// onePod builds accounts plus one pod in namespace ns with the given spec lines.
func onePod(t *testing.T, opts model.Options, spec string) (*model.Bundle, *model.PodSpec) {
	t.Helper()
	text := accounts + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers: []\n" + spec
	b := model.BuildText(opts, "t.yaml", text)
	if len(b.Pods) != 1 {
		t.Fatalf("want one pod spec, got %d", len(b.Pods))
	}
	return b, b.Pods[0]
}

func TestEffectiveAutomount(t *testing.T) {
	tests := []struct {
		name, spec string
		opts       model.Options
		mounted    bool
		from       model.Origin
		known      bool
	}{
		{"PodValueWinsOverAccount", "  serviceAccountName: \"off\"\n  automountServiceAccountToken: true\n", model.Options{}, true, model.FromPod, true},
		{"AccountValueWhenPodUnset", "  serviceAccountName: \"off\"\n", model.Options{}, false, model.FromAccount, true},
		{"TrueWhenNeitherSets", "  serviceAccountName: plain\n", model.Options{}, true, model.FromDefault, true},
		{"ImplicitDefaultAccountMounts", "", model.Options{}, true, model.FromDefault, true},
		{"ExternalAccountIsUnknown", "  serviceAccountName: ext\n", model.Options{ExternalAccounts: []string{"ns/ext"}}, false, model.FromUnknown, false},
		{"ExternalAccountButPodDecides", "  serviceAccountName: ext\n  automountServiceAccountToken: false\n", model.Options{ExternalAccounts: []string{"ns/ext"}}, false, model.FromPod, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, p := onePod(t, tt.opts, tt.spec)
			mounted, from, ok := b.EffectiveAutomount(p)
			if mounted != tt.mounted || from != tt.from || ok != tt.known {
				t.Errorf("got (%v, %s, %v), want (%v, %s, %v)", mounted, from, ok, tt.mounted, tt.from, tt.known)
			}
		})
	}
}

func TestEffectiveAutomount_MirrorPodGetsNoToken(t *testing.T) {
	b := model.BuildText(model.Options{}, "t.yaml", `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
  annotations: {kubernetes.io/config.mirror: abc}
spec: {containers: []}
`)
	if mounted, from, ok := b.EffectiveAutomount(b.Pods[0]); mounted || from != model.FromNone || !ok {
		t.Errorf("mirror pod: got (%v, %s, %v), want (false, none, true)", mounted, from, ok)
	}
}

func TestEffectivePullSecrets(t *testing.T) {
	tests := []struct {
		name, spec string
		want       string
		from       model.Origin
	}{
		{"AccountsCopiedWhenPodHasNone", "  serviceAccountName: \"off\"\n", "acct-pull", model.FromAccount},
		{"PodsOwnListReplacesAccountsWithoutMerge", "  serviceAccountName: \"off\"\n  imagePullSecrets: [{name: own}]\n", "own", model.FromPod},
		{"EmptyPodListStillTakesAccounts", "  serviceAccountName: \"off\"\n  imagePullSecrets: []\n", "acct-pull", model.FromAccount},
		{"NoneWhenAccountHasNone", "  serviceAccountName: plain\n", "", model.FromDefault},
		{"UnknownForUndefinedAccount", "  serviceAccountName: nowhere\n", "", model.FromUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, p := onePod(t, model.Options{}, tt.spec)
			refs, from := b.EffectivePullSecrets(p)
			var names []string
			for _, r := range refs {
				names = append(names, r.Name)
			}
			if got := strings.Join(names, ","); got != tt.want || from != tt.from {
				t.Errorf("got (%q, %s), want (%q, %s)", got, from, tt.want, tt.from)
			}
		})
	}
}

func TestSecretExists(t *testing.T) {
	b := model.BuildText(model.Options{ExternalSecrets: []string{"ns/made-elsewhere", "other/*"}}, "t.yaml", `apiVersion: v1
kind: Secret
metadata: {name: plain, namespace: ns}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: ns}
spec: {template: {metadata: {name: unsealed}}}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: es, namespace: ns}
spec: {target: {}}
`)
	for name, want := range map[string]bool{
		"plain": true, "unsealed": true, "sealed": false, "es": true,
		"made-elsewhere": true, "absent": false,
	} {
		if got := b.SecretExists("ns", name); got != want {
			t.Errorf("SecretExists(ns, %s) = %v, want %v", name, got, want)
		}
	}
	if !b.SecretExists("other", "anything") {
		t.Error("other/* should make every Secret of namespace other exist")
	}
}

func TestReferencedAccounts(t *testing.T) {
	b := model.BuildText(model.Options{}, "t.yaml", accounts+`apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: ns}
spec: {template: {spec: {serviceAccountName: zeta}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: ns}
roleRef: {kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: alpha}, {kind: ServiceAccount, name: zeta}, {kind: Group, name: "system:serviceaccounts"}]
`)
	got := b.ReferencedAccounts()
	if strings.Join(got["ns"], ",") != "alpha,zeta" || len(got) != 1 {
		t.Errorf("ReferencedAccounts = %v, want ns: alpha, zeta", got)
	}
}

// A binding the API server rejects (a User subject with another apiGroup,
// spec §8) grants nothing, not even to its valid subjects.
func TestGrantsTo_RejectedBindingGrantsNothing(t *testing.T) {
	b := model.BuildText(model.Options{}, "t.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: User, apiGroup: v1, name: "system:serviceaccount:shop:web"}
- {kind: ServiceAccount, name: api}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ok, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: User, name: "system:serviceaccount:shop:db"}
`)
	for _, name := range []string{"web", "api"} {
		if g := b.GrantsTo("shop", name); len(g) != 0 {
			t.Errorf("GrantsTo(shop, %s) = %d grants from a rejected binding", name, len(g))
		}
	}
	if g := b.GrantsTo("shop", "db"); len(g) != 1 {
		t.Errorf("GrantsTo(shop, db) = %d grants, want 1 (empty apiGroup is defaulted)", len(g))
	}
}

// An account defined twice: kubectl apply of a directory (files in
// lexical order, documents in order) or of a build keeps the last
// definition, so that is the one pods get their token and pull secrets
// from.
func TestAppliedAccount_TheLastDefinitionWins(t *testing.T) {
	b := model.BuildText(model.Options{}, "t.yaml", `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: ns}
automountServiceAccountToken: false
imagePullSecrets: [{name: old}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: ns}
automountServiceAccountToken: true
imagePullSecrets: [{name: new}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec: {serviceAccountName: web, containers: [{name: c, image: i}]}
`)
	defs := b.AccountDefs("ns", "web")
	if got := b.AppliedAccount("ns", "web"); len(defs) != 2 || got != defs[1] {
		t.Fatalf("AppliedAccount = %v, want the second of %d definitions", got, len(defs))
	}
	pod := b.Pods[0]
	if mounted, from, _ := b.EffectiveAutomount(pod); !mounted || from != model.FromAccount {
		t.Errorf("EffectiveAutomount = %v from %s, want true from the last definition", mounted, from)
	}
	if refs, _ := b.EffectivePullSecrets(pod); len(refs) != 1 || refs[0].Name != "new" {
		t.Errorf("EffectivePullSecrets = %v, want [new] from the last definition", refs)
	}
}

// TestSubstituted checks which names hold a Flux variable, whose value
// only Flux knows, so that no rule calls them missing or invalid.
func TestSubstituted(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"${sa}", true},
		{"${tenant}-reconciler", true},
		{"app-${env:=dev}", true},
		{"${registry_secret:-pull}", true},
		{"plain", false},
		{"", false},
		{"$sa", false},        // Flux substitutes only the braced form
		{"${unclosed", false}, // not a variable
		{"a}b${", false},
	} {
		if got := model.Substituted(tt.name); got != tt.want {
			t.Errorf("Substituted(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if tt.want && !model.ValidAccountName(tt.name) {
			t.Errorf("ValidAccountName(%q) = false for a name Flux substitutes", tt.name)
		}
	}
}
