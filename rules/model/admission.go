package model

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The API server's own words for what ServiceAccount admission refuses:
// rules quote them in findings and mutate/admit in its preview, so they
// live with the model both read.

// AccountNotFound is the ServiceAccount admission plugin's reason for
// refusing a pod whose account ns/name does not exist (spec §1.4).
func AccountNotFound(ns, name string) string {
	return fmt.Sprintf("error looking up service account %s/%s: serviceaccount %q not found", ns, name, name)
}

// FirstUnmountable returns the first secret use admission refuses, in its
// order (spec §1.8), with admission's error text; reason is "" when none.
func FirstUnmountable(pod *PodSpec, acct *Account) (node *yaml.Node, key, reason string) {
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
		case u.Kind == SecretVolume:
			reason = fmt.Sprintf("volume with secret.secretName=%q is not allowed because service account %s does not reference that secret", u.Name, sa)
		case u.Container == nil || u.Container.List == EphemeralContainers:
			continue // projected, CSI, ephemeral: not checked at create
		case u.Kind == SecretEnv:
			reason = fmt.Sprintf("%s %s with envVar %s referencing secret.secretName=%q is not allowed because service account %s does not reference that secret",
				u.Container.Noun(), u.Container.Name, u.EnvName, u.Name, sa)
		case u.Kind == SecretEnvFrom:
			reason = fmt.Sprintf("%s %s with envFrom referencing secret.secretName=%q is not allowed because service account %s does not reference that secret",
				u.Container.Noun(), u.Container.Name, u.Name, sa)
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
			return r.NameKey(), fmt.Sprintf("imagePullSecrets[%d].name", i),
				fmt.Sprintf("imagePullSecrets[%d].name=%q is not allowed because service account %s does not reference that imagePullSecret", i, r.Name, sa)
		}
	}
	return nil, "", ""
}

// Noun is what the API server calls the container in its messages.
func (c *Container) Noun() string {
	switch c.List {
	case InitContainers:
		return "init container"
	case EphemeralContainers:
		return "ephemeral container"
	}
	return "container"
}

// NameKey locates a reference at its name key (the item when it has none).
func (r Ref) NameKey() *yaml.Node {
	if k := Get(r.Item, "name").Key; k != nil {
		return k
	}
	return r.Item
}
