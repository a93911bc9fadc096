package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// TokenAutomount finds pods that get an API token mounted (opt-in).
var TokenAutomount = &Rule{
	ID:       "token-automount",
	Summary:  "pod gets a ServiceAccount API token mounted because neither it nor its account opts out",
	Severity: Warning,
	OptIn:    true,
	Check:    checkTokenAutomount,
}

func checkTokenAutomount(pass *Pass) {
	b := pass.Bundle
	for _, pod := range b.Pods {
		mounted, from, ok := b.EffectiveAutomount(pod)
		if !ok || !mounted {
			continue
		}
		name, field := pod.AccountName()
		acct := pod.Namespace() + "/" + name
		node, key := field.Key, pod.AccountKey()
		var why string
		switch from {
		case model.FromPod:
			node, key = pod.Automount.Key, "automountServiceAccountToken"
			why = "it sets automountServiceAccountToken: true"
		case model.FromAccount:
			a := b.AppliedAccount(pod.Namespace(), name)
			why = fmt.Sprintf("its ServiceAccount %s sets automountServiceAccountToken: true (%s) and the pod does not override it", acct, a.Object.Pos(a.Automount.Key))
		default:
			why = fmt.Sprintf("neither the pod nor its ServiceAccount %s sets automountServiceAccountToken, and the default is to mount", acct)
		}
		pass.Report(PodFinding(pod, node, key,
			"%s gets an API token for ServiceAccount %s mounted in every container: %s; set automountServiceAccountToken: false on the account or the pod unless it calls the Kubernetes API",
			pod.Object, acct, why))
	}
}
