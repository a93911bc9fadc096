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
	Doc: `Reports a Pod or pod template whose pods get an API token mounted, computed
with the real precedence (spec §1.5): the pod's
` + "`automountServiceAccountToken`" + ` wins when set; otherwise the account's; when
neither is set, the token **is** mounted. So a pod with ` + "`false`" + ` is fine
whatever its account says, and a pod that sets nothing is fine when its
account says ` + "`false`" + ` — checks that look at one object alone get both wrong.

Opt-in: most workloads that do not call the Kubernetes API should not carry a
token, but many do call it. Not reported: pods whose account is not in the
bundle (declared external: its setting is unknown), mirror pods (no token,
spec §1.2), and custom resources whose operator builds the pods.

## Why it matters
The mounted token (a projected volume at
` + "`/var/run/secrets/kubernetes.io/serviceaccount`" + `, spec §1.6) lets anyone who
gets code execution in the container call the API server with the account's
permissions.

## Example
` + "```yaml" + `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}        # automountServiceAccountToken not set
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  serviceAccountName: web    # not set either: the token is mounted
` + "```" + `

## Fix
Set ` + "`automountServiceAccountToken: false`" + ` on the ServiceAccount (every pod of it
loses the token) or on the pod. A pod that needs the token can set ` + "`true`" + `
itself; then silence this rule for it.

` + silenceDoc("token-automount", "the object or its pod template"),
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
			a := b.FirstAccount(pod.Namespace(), name)
			why = fmt.Sprintf("its ServiceAccount %s sets automountServiceAccountToken: true (%s) and the pod does not override it", acct, a.Object.Pos(a.Automount.Key))
		default:
			why = fmt.Sprintf("neither the pod nor its ServiceAccount %s sets automountServiceAccountToken, and the default is to mount", acct)
		}
		pass.Report(PodFinding(pod, node, key,
			"%s gets an API token for ServiceAccount %s mounted in every container: %s; set automountServiceAccountToken: false on the account or the pod unless it calls the Kubernetes API",
			pod.Object, acct, why))
	}
}
