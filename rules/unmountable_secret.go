package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// UnmountableSecret finds pods that use a secret their account does not
// list while the account enforces mountable secrets.
var UnmountableSecret = &Rule{
	ID:       "unmountable-secret",
	Summary:  "pod uses a Secret that its ServiceAccount, which enforces mountable secrets, does not list",
	Severity: Error,
	Check:    checkUnmountableSecret,
}

func checkUnmountableSecret(pass *Pass) {
	b := pass.Bundle
	for _, pod := range b.Pods {
		if pod.Location.AccountOnly || pod.IsMirror() {
			continue
		}
		name, _ := pod.AccountName()
		acct := b.AppliedAccount(pod.Namespace(), name)
		if acct == nil || !acct.EnforceMountable {
			continue
		}
		node, key, reason := FirstUnmountable(pod, acct)
		if reason == "" {
			continue
		}
		var consequence string
		if pod.Location.Template {
			consequence = templateRejected(pod) + ": " + reason
		} else {
			consequence = "the API server will reject the pod: " + forbidden(pod, reason)
		}
		pass.Report(PodFinding(pod, node, key, "%s runs as ServiceAccount %s/%s, which enforces mountable secrets; %s",
			pod.Object, pod.Namespace(), name, consequence))
	}
}

// FirstUnmountable returns the first secret use admission refuses, in its
// order (spec §1.8), with admission's error text; reason is "" when none.
func FirstUnmountable(pod *model.PodSpec, acct *model.Account) (node *yaml.Node, key, reason string) {
	mountable := map[string]bool{}
	for _, r := range acct.Secrets {
		mountable[r.Name] = true
	}
	sa := acct.Name()
	for _, u := range pod.SecretUses {
		if mountable[u.Name] {
			continue
		}
		switch {
		case u.Kind == model.SecretVolume:
			reason = fmt.Sprintf("volume with secret.secretName=%q is not allowed because service account %s does not reference that secret", u.Name, sa)
		case u.Container == nil || u.Container.List == model.EphemeralContainers:
			continue // projected, CSI, ephemeral: not checked at create
		case u.Kind == model.SecretEnv:
			reason = fmt.Sprintf("%s %s with envVar %s referencing secret.secretName=%q is not allowed because service account %s does not reference that secret",
				containerWord(u.Container), u.Container.Name, u.EnvName, u.Name, sa)
		case u.Kind == model.SecretEnvFrom:
			reason = fmt.Sprintf("%s %s with envFrom referencing secret.secretName=%q is not allowed because service account %s does not reference that secret",
				containerWord(u.Container), u.Container.Name, u.Name, sa)
		default:
			continue
		}
		return u.Node, u.Key, reason
	}
	// Pull secrets copied from the account are in its list by construction;
	// only the pod's own can fail (spec §1.7, §1.8).
	pullable := map[string]bool{}
	for _, r := range acct.ImagePullSecrets {
		pullable[r.Name] = true
	}
	for i, r := range pod.PullSecretRefs() {
		if !pullable[r.Name] {
			return refKey(r), fmt.Sprintf("imagePullSecrets[%d].name", i),
				fmt.Sprintf("imagePullSecrets[%d].name=%q is not allowed because service account %s does not reference that imagePullSecret", i, r.Name, sa)
		}
	}
	return nil, "", ""
}
