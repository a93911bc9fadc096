package rules

import (
	"fmt"
	"strings"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// AutomountConflict finds pods that re-enable a token their account turned
// off, and accounts defined twice with different settings.
var AutomountConflict = &Rule{
	ID:       "automount-conflict",
	Summary:  "pod re-enables a token its ServiceAccount disables, or one account is defined twice with different settings",
	Severity: Warning,
	Check:    checkAutomountConflict,
	FixFlag:  "--automount=account",
	Fix:      "makes the pod's ServiceAccount's false apply (the pods lose their API token): removes the pod's automountServiceAccountToken: true or, for a pod rendered from a Helm values key, sets that key to false",
}

func checkAutomountConflict(pass *Pass) {
	b := pass.Bundle
	// A value of another type is not a conflict: the API server refuses
	// the object when it decodes it.
	notBool := func(o *model.Object, f model.Field, field string) bool {
		what := f.NotBool()
		if what != "" {
			fnd := ObjectFinding(o, f.Key, field, "%s sets automountServiceAccountToken to %s, which is not a boolean; the API server rejects the %s when it decodes it", o, what, o.Kind)
			fnd.Severity = Error
			pass.Report(fnd)
		}
		return what != ""
	}
	for _, acct := range b.Accounts {
		notBool(acct.Object, acct.Automount, "automountServiceAccountToken")
	}
	for _, pod := range b.Pods {
		if notBool(pod.Object, pod.Automount, pod.FieldPath("automountServiceAccountToken")) {
			continue
		}
		podValue, ok := pod.Automount.Bool()
		if !ok || !podValue || pod.IsMirror() {
			continue // admission never mounts a token in a mirror pod (spec §1.2)
		}
		name, _ := pod.AccountName()
		acct := b.AppliedAccount(pod.Namespace(), name)
		if acct == nil {
			continue
		}
		if v, ok := acct.Automount.Bool(); ok && !v {
			f := PodFinding(pod, pod.Automount.Key, "automountServiceAccountToken",
				"%s sets automountServiceAccountToken: true, overriding ServiceAccount %s/%s which disables it (%s); the pod's value wins, so its pods mount an API token",
				pod.Object, pod.Namespace(), name, acct.Object.Pos(acct.Automount.Key))
			// Off on the account, on for the pods that need the API is the
			// pattern the Kubernetes docs describe (kube-prometheus does it
			// for every component): worth seeing, not failing. Disagreeing
			// definitions below stay a warning.
			f.Severity = Info
			if pass.Settings.AutomountFix == AutomountFixAccount {
				attachFix(&f, func() (*SuggestedFix, error) { return dropPodAutomount(pod, name) })
			}
			pass.Report(f)
		}
	}
	for _, acct := range b.Accounts {
		defs := b.AccountDefs(acct.Object.Namespace, acct.Name())
		if len(defs) < 2 || defs[0] == acct {
			continue
		}
		first := defs[0]
		var diffs []string
		if a, b := automountText(first), automountText(acct); a != b {
			diffs = append(diffs, fmt.Sprintf("automountServiceAccountToken %s vs %s", a, b))
		}
		if a, b := refNames(first.ImagePullSecrets), refNames(acct.ImagePullSecrets); a != b {
			diffs = append(diffs, fmt.Sprintf("imagePullSecrets [%s] vs [%s]", a, b))
		}
		if len(diffs) == 0 {
			continue
		}
		name := model.Lookup(acct.Object.Node, "metadata", "name")
		pass.Report(ObjectFinding(acct.Object, name.Key, "metadata.name",
			"ServiceAccount %s/%s is defined again here, differently from %s (%s); which definition the cluster keeps depends on apply order",
			acct.Object.Namespace, acct.Name(), first.Object.Pos(model.Lookup(first.Object.Node, "metadata", "name").Key), strings.Join(diffs, "; ")))
	}
}

func automountText(a *model.Account) string {
	if v, ok := a.Automount.Bool(); ok {
		return fmt.Sprint(v)
	}
	return "unset"
}

func refNames(refs []model.Ref) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// AutomountFixAccount is the Settings.AutomountFix value that makes
// automount-conflict fixes drop the pod's override.
const AutomountFixAccount = "account"

// dropPodAutomount removes the pod's override; the account's false then
// applies (spec §1.5: pod, else account). A pod whose value a build
// copied from a values file cannot lose the field there: the value is
// set to false, which mounts no token either.
func dropPodAutomount(pod *model.PodSpec, account string) (*SuggestedFix, error) {
	if e, where, ok := valueEdit(pod.Object, pod.Automount.Value, "false"); ok {
		return &SuggestedFix{
			Message: fmt.Sprintf("set %s to false (the pod's automountServiceAccountToken is rendered from it), as ServiceAccount %q has it, so the pods get no API token", where, account),
			Edits:   []TextEdit{e},
		}, nil
	}
	if err := yamledit.EditablePath(pod.Object.Node, pod.Node); err != nil {
		return nil, err
	}
	e, err := yamledit.DeleteField(pod.Object.Source, pod.Node, pod.Automount.Key)
	if err != nil {
		return nil, err
	}
	return &SuggestedFix{
		Message: fmt.Sprintf("removed automountServiceAccountToken: true; ServiceAccount %q's false applies, so the pods get no API token", account),
		Edits:   []TextEdit{e},
	}, nil
}
