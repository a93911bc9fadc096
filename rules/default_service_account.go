package rules

// DefaultServiceAccount finds workloads that run as their namespace's
// default account (opt-in).
var DefaultServiceAccount = &Rule{
	ID:       "default-service-account",
	Summary:  "pod or pod template runs as the namespace's default ServiceAccount",
	Severity: Warning,
	OptIn:    true,
	Check:    checkDefaultServiceAccount,
	Doc: `Reports a Pod or pod template that runs as ` + "`default`" + `: it names no account
(an empty ` + "`serviceAccountName`" + ` and ` + "`serviceAccount`" + ` mean ` + "`default`" + `, spec §1.3, §2)
or names ` + "`default`" + ` explicitly. Opt-in: many namespaces run harmless pods as
` + "`default`" + `; enable it where every workload should have its own identity.

Mirror pods are not reported (they run with no account, spec §1.2), nor are
custom resources whose operator picks the account.

## Why it matters
Every namespace has a ` + "`default`" + ` account and every pod that names none runs as
it (spec §3, §1.3). A role bound to ` + "`default`" + ` reaches all of those pods, and
its token is mounted in each of them unless disabled (spec §1.5). A dedicated
account per workload keeps permissions and audit logs apart.

## Example
` + "```yaml" + `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:                 # no serviceAccountName: runs as "default"
      containers: [{name: web, image: nginx}]
` + "```" + `

## Fix
Create a ServiceAccount for the workload and set ` + "`serviceAccountName`" + `; give it
only the roles the workload needs.

` + silenceDoc("default-service-account", "the object or its pod template"),
}

func checkDefaultServiceAccount(pass *Pass) {
	for _, pod := range pass.Bundle.Pods {
		if pod.Location.AccountOnly || pod.IsMirror() {
			continue
		}
		name, field := pod.AccountName()
		if name != "default" {
			continue
		}
		how := "names no ServiceAccount, so it runs as"
		key := "serviceAccountName"
		node := field.Key
		if node == nil {
			node = pod.ServiceAccountName.Key // set to "", or absent: the spec
		}
		if field.Present() {
			how = "runs as"
			if field.Key == pod.ServiceAccount.Key {
				key = "serviceAccount"
			}
		}
		pass.Report(PodFinding(pod, node, key,
			"%s %s the default ServiceAccount of namespace %s, shared with every pod there that names none; give it its own ServiceAccount",
			pod.Object, how, pod.Namespace()))
	}
}
