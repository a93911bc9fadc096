package rules

import (
	"github.com/salint/salint/rules/model"
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
		node, key, reason := model.FirstUnmountable(pod, acct)
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
