package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// RegistryWithoutPullSecret finds images from registries that need
// credentials which no effective pull secret of the pod supplies.
var RegistryWithoutPullSecret = &Rule{
	ID:       "registry-without-pull-secret",
	Summary:  "container image comes from a registry that needs credentials, and no pull secret of the pod covers it",
	Severity: Error,
	Check:    checkRegistryWithoutPullSecret,
	Fix:      "when exactly one pull secret of the namespace covers the registry, adds it to the ServiceAccount's imagePullSecrets when the pod has no list of its own, else to the pod's list",
}

func checkRegistryWithoutPullSecret(pass *Pass) {
	b := pass.Bundle
	if len(pass.Settings.PrivateRegistries) == 0 && !b.ListsRegistries() {
		return // no registry needs credentials
	}
	for _, pod := range b.Pods {
		if len(pod.Containers) == 0 || pod.IsMirror() {
			continue
		}
		refs, from := b.EffectivePullSecrets(pod)
		if from == model.FromUnknown || from == model.FromNone {
			continue // the account's pull secrets are not in the bundle
		}
		ns := pod.Namespace()
		for _, c := range pod.Containers {
			img, err := model.NormalizeImage(c.Image.String())
			if err != nil {
				continue // not an image reference (empty, a placeholder)
			}
			why := needsCredentials(pass, img)
			if why == nil || coveredBy(b, ns, refs, img) {
				continue
			}
			msg := fmt.Sprintf("%s: %s %q pulls image %q from registry %s, which needs credentials (%s), but %s; the kubelet will pull without credentials and the pod will not start (ErrImagePull, ImagePullBackOff)",
				pod.Object, c.Noun(), c.Name, c.Image.String(), img.Domain, why(), pullSecretsText(b, pod, refs, from))
			covering := coveringSecrets(b, ns, img)
			if len(covering) > 0 {
				msg += fmt.Sprintf("; Secret %s/%s covers it: add it to the imagePullSecrets of %s", ns, covering[0], pullSecretTarget(pod, from))
			}
			f := PodFinding(pod, c.Image.Key, c.Key()+".image", "%s", msg)
			switch {
			case len(covering) == 1:
				attachFix(&f, func() (*SuggestedFix, error) { return addCoveringSecret(b, pod, from, covering[0]) })
			case len(covering) > 1:
				f.NoFix = fmt.Sprintf("salint fix does not choose: Secrets %s all cover it", quotedNames(covering))
			}
			pass.Report(f)
		}
	}
}

// needsCredentials returns what says why img's registry needs
// credentials, nil when nothing does as far as the bundle and the config
// say. The reason is worded only for a finding: most images are covered.
func needsCredentials(pass *Pass, img model.ImageRef) func() string {
	for _, p := range pass.Settings.PrivateRegistries {
		if model.HostMatches(p, img.Domain, true) {
			return func() string { return fmt.Sprintf("privateRegistries has %q", p) }
		}
	}
	if s := pass.Bundle.SecretListing(img); s != nil {
		return func() string {
			return fmt.Sprintf("Secret %s/%s at %s has auths for it", s.Object.Namespace, s.Name, s.Object.Pos(nil))
		}
	}
	return nil
}

// coveredBy reports whether one of refs may supply credentials for img. A
// pull secret that missing-pull-secret reports, or whose content is not
// in the bundle, is assumed to: its own finding names the problem.
func coveredBy(b *model.Bundle, ns string, refs []model.Ref, img model.ImageRef) bool {
	for _, r := range refs {
		why, s := pullSecretFault(b, ns, r.Name)
		if why != nil || s == nil || s.Covers(img) {
			return true
		}
	}
	return false
}

// coveringSecrets names the usable pull secrets of ns whose auths cover
// img, sorted.
func coveringSecrets(b *model.Bundle, ns string, img model.ImageRef) []string {
	var out []string
	for _, name := range pullSecretNames(b, ns) {
		if s := b.AppliedSecret(ns, name); s.Pull == model.PullConfigRead && s.Covers(img) {
			out = append(out, name)
		}
	}
	return out
}

// addCoveringSecret adds the one covering pull secret where admission will
// give it to the pod (spec §1.7): to the pod's own list when it has one
// (the account's are not copied then); else to the ServiceAccount, the way
// the Kubernetes documentation recommends, so every pod of it gets it; and
// to the pod when its account is the implicit default, which no file holds.
func addCoveringSecret(b *model.Bundle, pod *model.PodSpec, from model.Origin, secret string) (*SuggestedFix, error) {
	name, _ := pod.AccountName()
	acct := b.AppliedAccount(pod.Namespace(), name)
	var e TextEdit
	var err error
	var edited *model.Object
	where := "the pod's imagePullSecrets"
	switch {
	case from == model.FromPod || acct == nil:
		e, err = addPullSecret(pod.Object, pod.Node, secret)
	default:
		e, err = addPullSecret(acct.Object, nil, secret)
		edited = acct.Object
		where = fmt.Sprintf("the imagePullSecrets of ServiceAccount %s/%s", pod.Namespace(), name)
	}
	if err != nil {
		return nil, err
	}
	return &SuggestedFix{Message: fmt.Sprintf("added pull secret %q to %s", secret, where), Edits: []TextEdit{e}, Edited: edited}, nil
}

// pullSecretsText describes the pod's effective pull secrets.
func pullSecretsText(b *model.Bundle, pod *model.PodSpec, refs []model.Ref, from model.Origin) string {
	name, _ := pod.AccountName()
	acct := pod.Namespace() + "/" + name
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
	}
	switch from {
	case model.FromPod:
		return fmt.Sprintf("none of the pod's imagePullSecrets (%s) has auths for it", quotedNames(names))
	case model.FromAccount:
		return fmt.Sprintf("none of the imagePullSecrets of its ServiceAccount %s (%s) has auths for it", acct, quotedNames(names))
	}
	if b.AppliedAccount(pod.Namespace(), name) == nil {
		return fmt.Sprintf("the pod lists no imagePullSecrets and its ServiceAccount %s is the namespace's implicit default, which has none", acct)
	}
	return fmt.Sprintf("neither the pod nor its ServiceAccount %s lists imagePullSecrets", acct)
}

// pullSecretTarget says where a pull secret should be added: the pod's own
// list when it has one (the account's are not copied then), else the account.
func pullSecretTarget(pod *model.PodSpec, from model.Origin) string {
	if from == model.FromPod {
		return "the pod"
	}
	name, _ := pod.AccountName()
	return "ServiceAccount " + pod.Namespace() + "/" + name + " (or of the pod)"
}
