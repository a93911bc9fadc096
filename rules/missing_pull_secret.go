package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// MissingPullSecret finds imagePullSecrets entries the kubelet cannot use.
var MissingPullSecret = &Rule{
	ID:       "missing-pull-secret",
	Summary:  "imagePullSecrets entry of a pod or ServiceAccount names no usable pull secret (missing, wrong type, empty or duplicate)",
	Severity: Warning,
	Check:    checkMissingPullSecret,
}

func checkMissingPullSecret(pass *Pass) {
	b := pass.Bundle
	reportWrongTypes(pass, func(key string) bool { return key == "imagePullSecrets" })
	for _, pod := range b.Pods {
		if pod.Location.AccountOnly {
			continue
		}
		checkPullSecretList(pass, pod.PullSecretRefs(), pod.Namespace(), pod.Object.String(), "", "the API server warns about duplicates", func(i int, r model.Ref) Finding {
			return PodFinding(pod, r.NameKey(), fmt.Sprintf("imagePullSecrets[%d].name", i), "")
		})
	}
	for _, acct := range b.Accounts {
		o := acct.Object
		const consequence = "; pods that run as it and list no pull secrets of their own get this entry copied"
		// Only a ServiceAccount's metadata is validated (spec §3); pods warn
		// about duplicates they get copied (spec §5).
		const dup = "the API server accepts the account silently and warns about the duplicate in each pod that gets the list copied"
		checkPullSecretList(pass, acct.ImagePullSecrets, o.Namespace, "ServiceAccount "+o.Namespace+"/"+o.Name, consequence, dup, func(i int, r model.Ref) Finding {
			return ObjectFinding(o, r.NameKey(), fmt.Sprintf("imagePullSecrets[%d].name", i), "")
		})
	}
}

// checkPullSecretList reports the unusable entries of one imagePullSecrets
// list; dupNote says what the API server does with a repeated name; at builds
// the finding for entry i.
func checkPullSecretList(pass *Pass, refs []model.Ref, ns, owner, consequence, dupNote string, at func(int, model.Ref) Finding) {
	b := pass.Bundle
	first := map[string]int{}
	for i, r := range refs {
		var msg string
		var judgedIn []string
		if j, dup := first[r.Name]; dup && r.Name != "" {
			msg = fmt.Sprintf("%s: imagePullSecrets[%d] repeats %q (imagePullSecrets[%d]); %s: remove it", owner, i, r.Name, j, dupNote)
		} else {
			first[r.Name] = i
			problem, _ := pullSecretProblem(b, ns, r.Name)
			if problem == "" {
				continue
			}
			msg = fmt.Sprintf("%s: imagePullSecrets[%d] %s%s", owner, i, problem, consequence)
			if r.Name != "" && len(b.SecretDefs(ns, r.Name)) == 0 {
				msg += missingSecretHints(b, ns, r.Name)
				judgedIn = []string{ns} // "not defined in namespace ns"
			}
		}
		f := at(i, r)
		f.Message = msg
		pass.Report(f.judgedIn(judgedIn...))
	}
}
