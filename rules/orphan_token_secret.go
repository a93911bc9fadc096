package rules

import (
	"github.com/salint/salint/rules/model"
)

// OrphanTokenSecret finds service-account-token Secrets whose account is
// missing or not named.
var OrphanTokenSecret = &Rule{
	ID:       "orphan-token-secret",
	Summary:  "service-account-token Secret names no existing ServiceAccount, or none at all",
	Severity: Error,
	Check:    checkOrphanTokenSecret,
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
		hints, others := accountHints(b, o.Namespace, name)
		pass.Report(ObjectFinding(o, ann.Key, "metadata.annotations."+model.AccountNameAnnotation,
			"token Secret %s/%s belongs to ServiceAccount %q, which is not defined in namespace %s; the tokens controller deletes the Secret%s",
			o.Namespace, o.Name, name, o.Namespace, hintText(hints)).judgedIn(o.Namespace).judgedIn(others...))
	}
}
