package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// IgnoredAccountPullSecrets finds pods whose own imagePullSecrets hide
// their account's.
var IgnoredAccountPullSecrets = &Rule{
	ID:       "ignored-account-pull-secrets",
	Summary:  "pod lists its own imagePullSecrets, so those of its ServiceAccount are silently not used",
	Severity: Warning,
	Check:    checkIgnoredAccountPullSecrets,
	Fix:      "appends the account's missing pull secrets to the pod's imagePullSecrets (it only adds credentials the author evidently expected)",
}

func checkIgnoredAccountPullSecrets(pass *Pass) {
	b := pass.Bundle
	for _, pod := range b.Pods {
		refs, from := b.EffectivePullSecrets(pod)
		if from != model.FromPod || pod.IsMirror() {
			continue // mirror pods are never changed by admission (spec §1.2)
		}
		name, _ := pod.AccountName()
		acct := b.AppliedAccount(pod.Namespace(), name)
		if acct == nil {
			continue
		}
		own := map[string]bool{}
		for _, r := range refs {
			own[r.Name] = true
		}
		var lost []string
		for _, r := range acct.ImagePullSecrets {
			if r.Name != "" && !own[r.Name] {
				own[r.Name] = true // name each lost secret once
				lost = append(lost, r.Name)
			}
		}
		if len(lost) == 0 {
			continue
		}
		f := PodFinding(pod, pod.ImagePullSecrets.Key, "imagePullSecrets",
			"%s lists its own imagePullSecrets, so admission does not copy those of ServiceAccount %s/%s (there is no merge); its pods lose %s: add them to the pod's list, or remove the pod's list to use the account's",
			pod.Object, pod.Namespace(), name, quotedNames(lost))
		attachFix(&f, func() (*SuggestedFix, error) {
			e, err := appendRefs(pod.Object, pod.ImagePullSecrets.Value, lost)
			if err != nil {
				return nil, err
			}
			return &SuggestedFix{
				Message: fmt.Sprintf("added %s of ServiceAccount %s/%s to the pod's imagePullSecrets", quotedNames(lost), pod.Namespace(), name),
				Edits:   []TextEdit{e},
			}, nil
		})
		pass.Report(f)
	}
}
