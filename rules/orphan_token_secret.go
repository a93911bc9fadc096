package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// OrphanTokenSecret finds service-account-token Secrets whose account is
// missing or not named.
var OrphanTokenSecret = &Rule{
	ID:       "orphan-token-secret",
	Summary:  "service-account-token Secret names no existing ServiceAccount, or none at all",
	Severity: Error,
	Check:    checkOrphanTokenSecret,
	Doc: `Reports a Secret of type ` + "`kubernetes.io/service-account-token`" + ` that

- lacks the ` + "`kubernetes.io/service-account.name`" + ` annotation (or leaves it empty),
  or
- names an account that is not defined in the Secret's namespace by the
  bundle, nor declared in ` + "`externalAccounts`" + ` (` + "`default`" + ` always exists).

## Why it matters
The annotation is required: the API server rejects such a Secret with
` + "`Required value`" + ` (spec §4). When the annotation names an account that does
not exist, the Secret is accepted and the tokens controller **deletes** it
(spec §4): whatever expected the token (a CI system, an external client)
finds nothing. Token Secrets are no longer created automatically since
Kubernetes 1.24, so a manifest that declares one is the only source of that
token.

## Example
` + "```yaml" + `
apiVersion: v1
kind: Secret
metadata:
  name: ci-token
  namespace: build
  annotations:
    kubernetes.io/service-account.name: ci-bot   # no ServiceAccount ci-bot in build
type: kubernetes.io/service-account-token
` + "```" + `

## Fix
Define the account in the Secret's namespace (or correct the annotation;
the message suggests a close name), or declare an account created outside
these files: ` + "`externalAccounts: [build/ci-bot]`" + `. Prefer short-lived tokens
(` + "`kubectl create token`" + `, projected volumes) to token Secrets.

` + silenceDoc("orphan-token-secret", "the Secret"),
}

func checkOrphanTokenSecret(pass *Pass) {
	b := pass.Bundle
	for _, s := range b.Secrets {
		if s.Produced || s.Type != "kubernetes.io/service-account-token" {
			continue
		}
		o := s.Object
		ann := model.Get(model.Lookup(o.Node, "metadata", "annotations").Value, model.AccountNameAnnotation)
		name := ann.String()
		if name == "" {
			node := ann.Key
			if node == nil {
				node = s.TypeNode
			}
			pass.Report(ObjectFinding(o, node, "metadata.annotations", "Secret %s/%s has type kubernetes.io/service-account-token but no %s annotation; the API server rejects it (Required value): name the account the token belongs to",
				o.Namespace, o.Name, model.AccountNameAnnotation))
			continue
		}
		if b.AccountExists(o.Namespace, name) {
			continue
		}
		pass.Report(ObjectFinding(o, ann.Key, "metadata.annotations."+model.AccountNameAnnotation,
			"%s",
			fmt.Sprintf("token Secret %s/%s belongs to ServiceAccount %q, which is not defined in namespace %s; the tokens controller deletes the Secret", o.Namespace, o.Name, name, o.Namespace)+
				hintText(accountHints(b, o.Namespace, name))))
	}
}
