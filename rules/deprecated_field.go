package rules

import (
	"strconv"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// DeprecatedServiceAccountField finds pod specs that use the deprecated
// serviceAccount alias.
var DeprecatedServiceAccountField = &Rule{
	ID:       "deprecated-service-account-field",
	Summary:  "pod spec uses the deprecated serviceAccount field (an error when it differs from serviceAccountName)",
	Severity: Warning,
	Check:    checkDeprecatedField,
	Fix:      "renames a lone serviceAccount to serviceAccountName, or removes the alias when serviceAccountName is set (the pods keep running as the same account)",
}

func checkDeprecatedField(pass *Pass) {
	for _, pod := range pass.Bundle.Pods {
		alias := pod.ServiceAccount.String()
		if alias == "" {
			continue // absent or empty: defaulting ignores it
		}
		name := pod.ServiceAccountName.String()
		var f Finding
		switch name {
		case "":
			f = PodFinding(pod, pod.ServiceAccount.Key, "serviceAccount",
				"%s sets the deprecated serviceAccount %q; use serviceAccountName", pod.Object, alias)
		case alias:
			f = PodFinding(pod, pod.ServiceAccount.Key, "serviceAccount",
				"%s sets the deprecated serviceAccount %q next to serviceAccountName with the same value; remove it", pod.Object, alias)
		default:
			f = PodFinding(pod, pod.ServiceAccount.Key, "serviceAccount",
				"%s sets serviceAccount %q, but serviceAccountName %q wins and the alias is silently ignored; the pods run as %q",
				pod.Object, alias, name, name)
			f.Severity = Error
		}
		attachFix(&f, func() (*SuggestedFix, error) { return deprecatedFieldFix(pod) })
		pass.Report(f)
	}
}

// deprecatedFieldFix keeps the account the pods run as (spec §2): a lone
// alias becomes serviceAccountName (an empty serviceAccountName next to it
// goes, or the keys would clash); an alias next to a set
// serviceAccountName is ignored by the cluster, so it is removed.
func deprecatedFieldFix(pod *model.PodSpec) (*SuggestedFix, error) {
	src, spec := pod.Object.Source, pod.Node
	if err := yamledit.EditablePath(pod.Object.Node, spec); err != nil {
		return nil, err
	}
	if pod.ServiceAccountName.String() != "" {
		e, err := yamledit.DeleteField(src, spec, pod.ServiceAccount.Key)
		if err != nil {
			return nil, err
		}
		return &SuggestedFix{Message: "removed the deprecated serviceAccount; serviceAccountName " + strconv.Quote(pod.ServiceAccountName.String()) + " stays", Edits: []TextEdit{e}}, nil
	}
	rename, err := yamledit.RenameKey(src, pod.ServiceAccount.Key, "serviceAccountName")
	if err != nil {
		return nil, err
	}
	fix := &SuggestedFix{Message: "renamed serviceAccount to serviceAccountName", Edits: []TextEdit{rename}}
	if pod.ServiceAccountName.Present() {
		del, err := yamledit.DeleteField(src, spec, pod.ServiceAccountName.Key)
		if err != nil {
			return nil, err
		}
		fix.Edits = append(fix.Edits, del)
		fix.Message += " (replacing the empty one)"
	}
	return fix, nil
}
