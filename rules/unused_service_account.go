package rules

import "github.com/salint/salint/rules/model"

// UnusedServiceAccount finds accounts that nothing in the bundle uses.
var UnusedServiceAccount = &Rule{
	ID:       "unused-service-account",
	Summary:  "ServiceAccount that no pod runs as, no binding names and no token Secret refers to",
	Severity: Info,
	Check:    checkUnusedServiceAccount,
}

func checkUnusedServiceAccount(pass *Pass) {
	b := pass.Bundle
	for _, acct := range b.Accounts {
		ns, name := acct.Object.Namespace, acct.Name()
		if name == "" || name == "default" || b.AccountDefs(ns, name)[0] != acct {
			continue // default always exists (spec §3); report one definition, the first
		}
		if len(b.PodsRunningAs(ns, name)) > 0 || len(b.GrantsTo(ns, name)) > 0 || len(b.TokenSecretsFor(ns, name)) > 0 {
			continue
		}
		nameKey := model.Lookup(acct.Object.Node, "metadata", "name").Key
		pass.Report(ObjectFinding(acct.Object, nameKey, "metadata.name",
			"ServiceAccount %s/%s is not used by anything in these files: no pod or pod template in namespace %s runs as it, no RoleBinding or ClusterRoleBinding names it, and no token Secret belongs to it; remove it, or correct the reference that misspells it",
			ns, name, ns).judgedIn(ns))
	}
}
