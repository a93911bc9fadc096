package rules

import "github.com/salint/salint/rules/model"

// UnusedServiceAccount finds accounts that nothing in the bundle uses.
var UnusedServiceAccount = &Rule{
	ID:       "unused-service-account",
	Summary:  "ServiceAccount that no pod runs as, no binding names and no token Secret refers to",
	Severity: Info,
	Check:    checkUnusedServiceAccount,
	Doc: `Reports a ServiceAccount defined in the bundle that nothing in the bundle
uses: no Pod or pod template in its namespace runs as it, no RoleBinding or
ClusterRoleBinding names it as a subject, and no Secret of type
` + "`kubernetes.io/service-account-token`" + ` belongs to it. The ` + "`default`" + ` account is
never reported: every namespace has it whether or not the files define it
(spec §3).

## Why it matters
Pods find their account by name in their own namespace (spec §1.3, §1.4), so
an account that no pod spec names is not what any workload runs as. Often it
is left over from a rename (the pods moved to a new account, the old one
stayed), or its name is misspelled where it is used: then
` + "`missing-service-account`" + ` reports the other side. Bindings count with the
namespace the API server gives a subject: in a RoleBinding an empty subject
namespace is the binding's own, in a ClusterRoleBinding it is required
(spec §8); a ` + "`User`" + ` subject ` + "`system:serviceaccount:<ns>:<name>`" + ` names the account
too. A token Secret keeps its account in use: the tokens controller deletes
a token Secret whose account is gone (spec §4).

This is information, not an error: an account may be used by something the
files do not show (an operator that creates pods, a CI job that requests a
token).

## Example
` + "```yaml" + `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web-old, namespace: shop}   # the Deployment now runs as "web"
` + "```" + `

## Fix
Delete the account if nothing uses it, or fix the misspelled reference.

## Silence
Annotation ` + "`salint.io/ignore: unused-service-account`" + ` on the ServiceAccount (for
example one that an operator uses), or a config ` + "`ignore:`" + ` entry.`,
}

func checkUnusedServiceAccount(pass *Pass) {
	b := pass.Bundle
	for _, acct := range b.Accounts {
		ns, name := acct.Object.Namespace, acct.Name()
		if name == "" || name == "default" || b.FirstAccount(ns, name) != acct {
			continue // default always exists (spec §3); report one definition
		}
		if len(b.PodsRunningAs(ns, name)) > 0 || len(b.GrantsTo(ns, name)) > 0 || len(b.TokenSecretsFor(ns, name)) > 0 {
			continue
		}
		nameKey := model.Lookup(acct.Object.Node, "metadata", "name").Key
		pass.Report(ObjectFinding(acct.Object, nameKey, "metadata.name",
			"ServiceAccount %s/%s is not used by anything in these files: no pod or pod template in namespace %s runs as it, no RoleBinding or ClusterRoleBinding names it, and no token Secret belongs to it; remove it, or correct the reference that misspells it",
			ns, name, ns))
	}
}
