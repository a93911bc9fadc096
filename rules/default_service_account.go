package rules

// DefaultServiceAccount finds workloads that run as their namespace's
// default account (opt-in).
var DefaultServiceAccount = &Rule{
	ID:       "default-service-account",
	Summary:  "pod or pod template runs as the namespace's default ServiceAccount",
	Severity: Warning,
	OptIn:    true,
	Check:    checkDefaultServiceAccount,
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
			pod.Object, how, pod.Namespace()).judgedIn(pod.Namespace()))
	}
}
