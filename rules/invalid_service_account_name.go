package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// InvalidServiceAccountName finds account names that cannot exist.
var InvalidServiceAccountName = &Rule{
	ID:       "invalid-service-account-name",
	Summary:  "ServiceAccount name, defined or referenced, is not a valid DNS-1123 subdomain",
	Severity: Error,
	Check:    checkInvalidServiceAccountName,
}

// validAccountName is the API server's check for account names (spec §2).
func validAccountName(name string) bool { return model.ValidAccountName(name) }

const dns1123Message = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character, at most 253 characters"

func checkInvalidServiceAccountName(pass *Pass) {
	b := pass.Bundle
	reportWrongTypes(pass, func(key string) bool { return key != "imagePullSecrets" }) // the keys naming the account
	for _, acct := range b.Accounts {
		name := acct.Name()
		if name == "" || validAccountName(name) {
			continue
		}
		o := acct.Object
		pass.Report(ObjectFinding(o, model.Lookup(o.Node, "metadata", "name").Key, "metadata.name",
			"ServiceAccount %q in namespace %s has an invalid name; the API server rejects it: metadata.name: Invalid value: %q: %s", name, o.Namespace, name, dns1123Message).judgedIn(o.Namespace))
	}
	// A reference is reported where it stands, whether or not something
	// defines the name: validation rejects the referring object itself
	// (spec §2; RBAC validation of subjects), and the definition's
	// finding does not tell the user that this object fails too.
	for _, pod := range b.Pods {
		name, field := pod.AccountName()
		if !field.Present() || validAccountName(name) {
			continue
		}
		key := pod.AccountKey()
		if field.Key == pod.ServiceAccount.Key {
			key = "serviceAccount"
		}
		// Defaulting copies the deprecated alias into serviceAccountName
		// before validation (spec §2), so the API server's error names
		// serviceAccountName whichever field the user wrote.
		consequence := fmt.Sprintf("the API server rejects the %s: %s: Invalid value: %q: %s", pod.Object.Kind, pod.FieldPath(pod.AccountKey()), name, dns1123Message)
		switch {
		case pod.Location.Reconciler != "":
			consequence = "no ServiceAccount can have that name, so " + pod.Location.Reconciler + " cannot apply as it and the reconciliation fails"
		case pod.Location.AccountOnly:
			consequence = "no ServiceAccount can have that name, so its operator cannot create pods that run as it"
		case !pod.Location.Template && !pod.IsMirror():
			// A Pod meets the ServiceAccount admission plugin before
			// validation, and no account can have the name (spec §1.4).
			consequence = "the API server rejects the pod: " + forbidden(pod, model.AccountNotFound(pod.Namespace(), name))
		}
		pass.Report(PodFinding(pod, field.Key, key, "%s %s ServiceAccount %q, which is not a valid name; %s", pod.Object, runsAs(pod), name, consequence))
	}
	for _, bd := range b.Bindings {
		for i := range bd.Subjects {
			s := &bd.Subjects[i]
			if s.Kind != model.KindServiceAccount || s.Name == "" || validAccountName(s.Name) {
				continue
			}
			o := bd.Object
			pass.Report(ObjectFinding(o, s.NameNode, fmt.Sprintf("subjects[%d].name", s.Index),
				"%s names ServiceAccount %q, which is not a valid name; the API server rejects the binding: subjects[%d].name: Invalid value: %q: %s", o, s.Name, s.Index, s.Name, dns1123Message))
		}
	}
}
