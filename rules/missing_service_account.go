package rules

import (
	"fmt"
	"strings"
)

// MissingServiceAccount finds pod specs that run as an account the
// namespace does not have.
var MissingServiceAccount = &Rule{
	ID:       "missing-service-account",
	Summary:  "pod or pod template runs as a ServiceAccount that does not exist in its namespace",
	Severity: Error,
	Check:    checkMissingServiceAccount,
	Doc: `Reports a Pod or pod template whose ServiceAccount (serviceAccountName, or
the deprecated serviceAccount when serviceAccountName is empty) is not defined in
the pod's namespace by any file of the bundle, nor declared in ` + "`externalAccounts`" + `.

## Why it matters
The ServiceAccount admission plugin looks the account up in the pod's own
namespace and rejects the pod when it is not there (spec §1.4):

    pods "web" is forbidden: error looking up service account shop/web-sa: serviceaccount "web-sa" not found

A bare Pod fails at ` + "`kubectl apply`" + `. A Deployment, Job or other template is
accepted, and then **every** pod its controller tries to create is rejected
(` + "`FailedCreate`" + `), forever (spec §1.1). The ` + "`default`" + ` account always exists
(spec §3), and an empty serviceAccountName means ` + "`default`" + ` (spec §1.3, §2).
Namespaces are compared as the cluster does: an object without
metadata.namespace lands in ` + "`--namespace`" + ` (default ` + "`default`" + `, spec §7).

## Example
` + "```yaml" + `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web-sa   # no ServiceAccount web-sa in namespace shop
` + "```" + `

## Fix
Define the account in the same namespace, correct the name (the message
suggests a close one), or declare an account that is created elsewhere in
.salint.yaml: ` + "`externalAccounts: [shop/web-sa]`" + `.

## Silence
Annotation ` + "`salint.io/ignore: missing-service-account`" + ` on the object or on its
pod template, or a config ` + "`ignore:`" + ` entry.`,
}

func checkMissingServiceAccount(pass *Pass) {
	b := pass.Bundle
	for _, pod := range b.Pods {
		if pod.IsMirror() {
			continue // admission neither defaults nor looks up mirror pods (spec §1.2)
		}
		name, field := pod.AccountName()
		ns := pod.Namespace()
		if name == "" || b.AccountExists(ns, name) {
			continue
		}
		key := "serviceAccountName"
		if field.Key == pod.ServiceAccount.Key {
			key = "serviceAccount"
		}
		var consequence string
		switch {
		case pod.Location.AccountOnly:
			consequence = "its operator cannot create pods that run as it"
		case pod.Location.Template:
			consequence = fmt.Sprintf("the API server will reject every pod the %s controller creates (FailedCreate)", pod.Object.Kind)
		default:
			podName := pod.Object.Name
			if podName == "" {
				podName = pod.Object.GenerateName
			}
			consequence = fmt.Sprintf("the API server will reject the pod: pods %q is forbidden: error looking up service account %s/%s: serviceaccount %q not found", podName, ns, name, name)
		}
		msg := fmt.Sprintf("%s runs as ServiceAccount %q, which is not defined in namespace %s; %s", pod.Object, name, ns, consequence)
		if key == "serviceAccount" {
			msg += " (named by the deprecated serviceAccount field)"
		}
		var hints []string
		if c := closest(name, b.AccountNames(ns)); c != "" {
			hints = append(hints, fmt.Sprintf("did you mean %q?", c))
		}
		if others := b.NamespacesDefining(name, ns); len(others) > 0 {
			hints = append(hints, fmt.Sprintf("an account of that name is defined in namespace %s", strings.Join(others, ", ")))
		}
		if len(hints) > 0 {
			msg += " (" + strings.Join(hints, "; ") + ")"
		}
		pass.Report(PodFinding(pod, field.Key, key, "%s", msg))
	}
}
