package rules_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

func lockedAccount(annotation string) string {
	return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: locked
  namespace: shop
  annotations: {kubernetes.io/enforce-mountable-secrets: "` + annotation + `"}
secrets: [{name: allowed}]
imagePullSecrets: [{name: pull}]
---
`
}

// TestUnmountableSecret_AnnotationIsParseBool checks spec §1.8: the
// annotation enforces when strconv.ParseBool reads true, and only then.
func TestUnmountableSecret_AnnotationIsParseBool(t *testing.T) {
	const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: locked
  volumes: [{name: v, secret: {secretName: other}}]
  containers: [{name: c, image: x}]
`
	for value, enforced := range map[string]bool{
		"1": true, "t": true, "T": true, "true": true, "TRUE": true, "True": true,
		"0": false, "f": false, "false": false, "yes": false, "on": false, "": false, "tRUE": false, " true": false, "y": false,
	} {
		fs := rulestest.CheckYAML(t, rules.UnmountableSecret, lockedAccount(value)+pod, model.Options{}, nil)
		if got := len(fs) == 1; got != enforced {
			t.Errorf("annotation %q: %d findings, want enforced=%v", value, len(fs), enforced)
		}
	}
}

// TestUnmountableSecret_FirstFailureWins checks the order of spec §1.8:
// secret volumes, then init containers' env and envFrom, then containers',
// then the pod's own imagePullSecrets; projected and CSI secrets and
// ephemeral containers are not checked.
func TestUnmountableSecret_FirstFailureWins(t *testing.T) {
	type parts struct{ volumes, init, containers, ephemeral, pull string }
	render := func(p parts) string {
		s := `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: locked
`
		if p.pull != "" {
			s += "  imagePullSecrets: " + p.pull + "\n"
		}
		if p.volumes != "" {
			s += "  volumes: " + p.volumes + "\n"
		}
		if p.init != "" {
			s += "  initContainers: " + p.init + "\n"
		}
		s += "  containers: " + p.containers + "\n"
		if p.ephemeral != "" {
			s += "  ephemeralContainers: " + p.ephemeral + "\n"
		}
		return s
	}
	const (
		okContainer    = `[{name: c, image: x}]`
		badEnv         = `[{name: c, image: x, env: [{name: E, valueFrom: {secretKeyRef: {name: c-env, key: k}}}]}]`
		badEnvFrom     = `[{name: c, image: x, envFrom: [{secretRef: {name: c-envfrom}}]}]`
		badEnvAndFrom  = `[{name: c, image: x, envFrom: [{secretRef: {name: c-envfrom}}], env: [{name: E, valueFrom: {secretKeyRef: {name: c-env, key: k}}}]}]`
		badInit        = `[{name: i, image: x, envFrom: [{secretRef: {name: i-envfrom}}]}]`
		badVolume      = `[{name: v, secret: {secretName: vol}}]`
		projectedOnly  = `[{name: p, projected: {sources: [{secret: {name: proj}}]}}, {name: c, csi: {driver: d, nodePublishSecretRef: {name: csi}}}]`
		allowedEnvFrom = `[{name: c, image: x, envFrom: [{secretRef: {name: allowed}}]}]`
	)
	tests := []struct {
		name string
		pod  parts
		want string // the admission error quoted, "" for none
	}{
		{"VolumeBeforeEverything", parts{volumes: badVolume, init: badInit, containers: badEnv, pull: "[{name: other}]"},
			`volume with secret.secretName="vol" is not allowed because service account locked does not reference that secret`},
		{"InitContainersBeforeContainers", parts{init: badInit, containers: badEnv},
			`init container i with envFrom referencing secret.secretName="i-envfrom" is not allowed`},
		{"EnvBeforeEnvFromInOneContainer", parts{containers: badEnvAndFrom},
			`container c with envVar E referencing secret.secretName="c-env" is not allowed`},
		{"EnvFrom", parts{containers: badEnvFrom},
			`container c with envFrom referencing secret.secretName="c-envfrom" is not allowed`},
		{"ContainersBeforePullSecrets", parts{containers: badEnv, pull: "[{name: other}]"},
			`container c with envVar E referencing`},
		{"OwnPullSecretNotInAccount", parts{containers: okContainer, pull: "[{name: pull}, {name: other}]"},
			`imagePullSecrets[1].name="other" is not allowed because service account locked does not reference that imagePullSecret`},
		{"PullSecretsCopiedFromAccountAreAllowed", parts{containers: okContainer}, ""},
		{"EmptyPullSecretListCopiesAccounts", parts{containers: okContainer, pull: "[]"}, ""},
		{"ProjectedAndCSINotChecked", parts{volumes: projectedOnly, containers: okContainer}, ""},
		{"EphemeralContainersNotCheckedAtCreate", parts{containers: okContainer, ephemeral: badEnvFrom}, ""},
		{"ListedSecretsAllowed", parts{volumes: `[{name: v, secret: {secretName: allowed}}]`, containers: allowedEnvFrom}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := rulestest.CheckYAML(t, rules.UnmountableSecret, lockedAccount("true")+render(tt.pod), model.Options{}, nil)
			switch {
			case tt.want == "" && len(fs) != 0:
				t.Errorf("unexpected finding: %s", fs[0].Message)
			case tt.want != "" && len(fs) != 1:
				t.Errorf("%d findings, want 1 quoting %q", len(fs), tt.want)
			case tt.want != "" && !strings.Contains(fs[0].Message, `pods "p" is forbidden: `+tt.want):
				t.Errorf("message %q does not quote %q", fs[0].Message, tt.want)
			}
		})
	}
}
