package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// positions renders findings as "line:col" for compact expectations.
func positions(fs []rules.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%d", f.Pos.Line, f.Pos.Col))
	}
	return out
}

func samePositions(t *testing.T, fs []rules.Finding, want []string) {
	t.Helper()
	got := positions(fs)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		for _, f := range fs {
			t.Logf("%s: %s", f.Pos, f.Message)
		}
		t.Errorf("findings at %q, want %q", got, want)
	}
}

// A namespace "shop" with an account "web" whose pull secret covers
// registry.corp.example, and a Docker Hub pull secret "hub" no account uses.
const pullBase = `apiVersion: v1
kind: Secret
metadata: {name: corp, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{"registry.corp.example":{}}}'}
---
apiVersion: v1
kind: Secret
metadata: {name: hub, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{"https://index.docker.io/v1/":{}}}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
imagePullSecrets: [{name: corp}]
---
`

// pod returns a Pod in shop running as account, with the given
// imagePullSecrets line (may be empty) and image; the image is on line 20
// of pullBase+pod, column 14.
func pod(account, pullSecrets, image string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: ` + account + `
  ` + pullSecrets + `
  containers:
    - name: c
      image: ` + image + `
`
}

// TestEffectivePullSecrets_Spec17 covers spec §1.7 through the rules that
// depend on it: the account's pull secrets are copied only when the pod
// has none, an empty list counts as none, and nothing is merged.
func TestEffectivePullSecrets_Spec17(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		registry []string // registry-without-pull-secret findings
		ignored  []string // ignored-account-pull-secrets findings
	}{
		{"PodWithoutListGetsAccountsCopied", pod("web", "", "registry.corp.example/app:1"), nil, nil},
		{"EmptyListCountsAsNone", pod("web", "imagePullSecrets: []", "registry.corp.example/app:1"), nil, nil},
		{"NullListCountsAsNone", pod("web", "imagePullSecrets: null", "registry.corp.example/app:1"), nil, nil},
		{"OwnListHidesAccountsNoMerge", pod("web", "imagePullSecrets: [{name: hub}]", "registry.corp.example/app:1"), []string{"26:7"}, []string{"23:3"}},
		{"OwnListThatCoversIsEnough", pod("web", "imagePullSecrets: [{name: corp}]", "registry.corp.example/app:1"), nil, nil},
		{"OwnListWithEmptyEntryStillHidesAccounts", pod("web", "imagePullSecrets: [{}]", "registry.corp.example/app:1"), nil, []string{"23:3"}},
		{"AccountWithoutPullSecrets", pod("default", "", "registry.corp.example/app:1"), []string{"26:7"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := pullBase + tt.yaml
			samePositions(t, rulestest.CheckYAML(t, rules.RegistryWithoutPullSecret, text, model.Options{}, nil), tt.registry)
			samePositions(t, rulestest.CheckYAML(t, rules.IgnoredAccountPullSecrets, text, model.Options{}, nil), tt.ignored)
		})
	}
}

func TestRegistryWithoutPullSecret(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		opts     model.Options
		settings rules.Settings
		want     []string
	}{
		{"DockerHubImageNeedsHubSecretListedInBundle", pod("web", "", "nginx:1.27"), model.Options{}, rules.Settings{}, []string{"26:7"}},
		{"DockerHubImageCoveredByLegacyKey", pod("web", "imagePullSecrets: [{name: hub}]", "docker.io/library/nginx"), model.Options{}, rules.Settings{}, nil},
		{"PublicRegistryNotListedAnywhere", pod("web", "", "quay.io/prometheus/prometheus:v3"), model.Options{}, rules.Settings{}, nil},
		{"PrivateRegistriesConfigMakesItNeedCredentials", pod("web", "", "ghcr.io/corp/app:1"), model.Options{},
			rules.Settings{PrivateRegistries: []string{"ghcr.io"}}, []string{"26:7"}},
		{"PrivateRegistriesWildcard", pod("web", "", "eu.registry.example/app"), model.Options{},
			rules.Settings{PrivateRegistries: []string{"*.registry.example"}}, []string{"26:7"}},
		{"PrivateRegistriesPortlessPatternMatchesAnyPort", pod("web", "", "ghcr.example:5000/app"), model.Options{},
			rules.Settings{PrivateRegistries: []string{"ghcr.example"}}, []string{"26:7"}},
		{"PrivateRegistriesPortMustMatch", pod("web", "", "ghcr.example:5000/app"), model.Options{},
			rules.Settings{PrivateRegistries: []string{"ghcr.example:443"}}, nil},
		{"ExternalAccountIsNotJudged", pod("ci", "", "registry.corp.example/app"), model.Options{ExternalAccounts: []string{"shop/ci"}}, rules.Settings{}, nil},
		{"MissingAccountIsNotJudged", pod("ghost", "", "registry.corp.example/app"), model.Options{}, rules.Settings{}, nil},
		{"DeclaredExternalSecretIsAssumedToCover", pod("web", "imagePullSecrets: [{name: vault}]", "registry.corp.example/app"),
			model.Options{ExternalSecrets: []string{"shop/vault"}}, rules.Settings{}, nil},
		{"MissingSecretIsLeftToMissingPullSecret", pod("web", "imagePullSecrets: [{name: nope}]", "registry.corp.example/app"), model.Options{}, rules.Settings{}, nil},
		{"PlaceholderImageIsSkipped", pod("web", "", "$(IMAGE)"), model.Options{}, rules.Settings{PrivateRegistries: []string{"*"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			samePositions(t, rulestest.CheckYAML(t, rules.RegistryWithoutPullSecret, pullBase+tt.yaml, tt.opts, &tt.settings), tt.want)
		})
	}
}

func TestRegistryWithoutPullSecret_SealedSecretIsAssumedToCover(t *testing.T) {
	text := `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: shop}
spec: {template: {type: kubernetes.io/dockerconfigjson}}
---
` + pod("default", "imagePullSecrets: [{name: sealed}]", "ghcr.io/corp/app")
	fs := rulestest.CheckYAML(t, rules.RegistryWithoutPullSecret, text, model.Options{}, &rules.Settings{PrivateRegistries: []string{"ghcr.io"}})
	samePositions(t, fs, nil)
}

func TestMissingPullSecret_ExternalSecrets(t *testing.T) {
	tests := []struct {
		name     string
		external []string
		want     []string
	}{
		{"NotDeclared", nil, []string{"6:23"}},
		{"DeclaredByName", []string{"shop/made-by-ci"}, nil},
		{"DeclaredAnyNamespace", []string{"*/made-by-ci"}, nil},
		{"DeclaredAnyName", []string{"shop/*"}, nil},
		{"DeclaredInOtherNamespace", []string{"tools/made-by-ci"}, []string{"6:23"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := pod("default", "imagePullSecrets: [{name: made-by-ci}]", "nginx")
			fs := rulestest.CheckYAML(t, rules.MissingPullSecret, text, model.Options{ExternalSecrets: tt.external}, nil)
			samePositions(t, fs, tt.want)
		})
	}
}

func TestMissingPullSecret_AccountEntriesReportedOnceOnTheAccount(t *testing.T) {
	text := `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
imagePullSecrets:
  - name: gone
---
` + pod("web", "", "nginx") + "---\n" + strings.Replace(pod("web", "", "nginx"), "name: p,", "name: q,", 1)
	fs := rulestest.CheckYAML(t, rules.MissingPullSecret, text, model.Options{}, nil)
	samePositions(t, fs, []string{"5:5"})
	if len(fs) == 1 && fs[0].Object.Kind != "ServiceAccount" {
		t.Errorf("finding is on %s, want the ServiceAccount", fs[0].Object)
	}
}
