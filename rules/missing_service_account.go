package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// MissingServiceAccount finds pod specs that run as an account the
// namespace does not have.
var MissingServiceAccount = &Rule{
	ID:       "missing-service-account",
	Summary:  "pod or pod template runs as a ServiceAccount that does not exist in its namespace",
	Severity: Error,
	Check:    checkMissingServiceAccount,
	FixFlag:  "--create-missing-accounts",
	Fix:      "adds a ServiceAccount document (same namespace) to the file that first references the account, unless a close name suggests a typo",
}

func checkMissingServiceAccount(pass *Pass) {
	b := pass.Bundle
	first := map[string]*model.PodSpec{} // ns/name → first pod that needs it
	for _, pod := range b.Pods {
		if pod.IsMirror() {
			continue // admission neither defaults nor looks up mirror pods (spec §1.2)
		}
		name, field := pod.AccountName()
		ns := pod.Namespace()
		if name == "" || b.AccountExists(ns, name) || !validAccountName(name) {
			continue // an invalid name is invalid-service-account-name's: one finding for one mistake
		}
		key := pod.AccountKey()
		if field.Key == pod.ServiceAccount.Key {
			key = "serviceAccount"
		}
		var consequence string
		switch {
		case pod.Location.Reconciler != "":
			consequence = pod.Location.Reconciler + " applies as that account, so the reconciliation fails"
		case pod.Location.AccountOnly:
			consequence = "its operator cannot create pods that run as it"
		case pod.Location.Template:
			consequence = templateRejected(pod)
		default:
			consequence = fmt.Sprintf("the API server will reject the pod: %s", forbidden(pod, model.AccountNotFound(ns, name)))
		}
		msg := fmt.Sprintf("%s %s ServiceAccount %q, which is not defined in namespace %s; %s", pod.Object, runsAs(pod), name, ns, consequence)
		if key == "serviceAccount" {
			msg += " (named by the deprecated serviceAccount field)"
		}
		hints, others := accountHints(b, ns, name)
		msg += hintText(hints)
		f := PodFinding(pod, field.Key, key, "%s", msg).judgedIn(ns).judgedIn(others...)
		f.Needs = &Needed{Kind: model.KindServiceAccount, Namespace: ns, Name: name}
		if pass.Settings.CreateMissingAccounts {
			if len(hints) > 0 {
				f.NoFix = "salint fix does not create it: the name looks like a mistake for a human to correct"
			} else {
				if first[ns+"/"+name] == nil {
					first[ns+"/"+name] = pod
				}
				owner := first[ns+"/"+name]
				attachFix(&f, func() (*SuggestedFix, error) { return createAccount(owner, ns, name) })
			}
		}
		pass.Report(f)
	}
}

// runsAs is what pod does with its account, for messages: a GitOps
// object's controller reconciles as it; pods run as it.
func runsAs(pod *model.PodSpec) string {
	if pod.Location.Reconciler != "" {
		return "reconciles as"
	}
	return "runs as"
}

// createAccount appends a ServiceAccount to the file of pod, the first
// that references it. Every finding about the same account gets the same
// edit, which is applied once. The namespace is written only when the pod's
// is, so that the account lands wherever the pod does (spec §7).
func createAccount(pod *model.PodSpec, ns, name string) (*SuggestedFix, error) {
	meta := yamledit.Map{{Key: "name", Value: name}}
	if pod.Object.NamespaceSet {
		meta = append(meta, yamledit.KV{Key: "namespace", Value: ns})
	}
	e, err := yamledit.NewDocument(pod.Object.Source, yamledit.Map{{Key: "apiVersion", Value: "v1"}, {Key: "kind", Value: "ServiceAccount"}, {Key: "metadata", Value: meta}})
	if err != nil {
		return nil, err
	}
	return &SuggestedFix{
		Message: fmt.Sprintf("added ServiceAccount %s/%s to %s", ns, name, pod.Object.Source.Path),
		Edits:   []TextEdit{e},
	}, nil
}
