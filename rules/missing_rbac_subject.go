package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// MissingRBACSubject finds binding subjects that name a ServiceAccount
// that does not exist, or that the API server rejects.
var MissingRBACSubject = &Rule{
	ID:       "missing-rbac-subject",
	Summary:  "RoleBinding or ClusterRoleBinding grants a role to a ServiceAccount that does not exist (an error when the subject is invalid)",
	Severity: Warning,
	Check:    checkMissingRBACSubject,
}

func checkMissingRBACSubject(pass *Pass) {
	b := pass.Bundle
	for _, bd := range b.Bindings {
		o := bd.Object
		for i := range bd.Subjects {
			s := &bd.Subjects[i]
			if s.Kind != model.KindServiceAccount {
				continue
			}
			if problem := invalidSASubject(bd, s); problem != "" {
				f := ObjectFinding(o, s.Node, fmt.Sprintf("subjects[%d]", i), "%s: subjects[%d] (ServiceAccount %q) %s; the API server rejects the binding", o, i, s.Name, problem)
				f.Severity = Error
				pass.Report(f)
			}
		}
		// Grants resolves subject namespaces as the API server does (spec §8).
		for _, g := range bd.Grants() {
			if b.AccountExists(g.Namespace, g.Name) {
				continue
			}
			node := g.Subject.NameNode
			if node == nil {
				node = g.Subject.Node
			}
			hints, others := accountHints(b, g.Namespace, g.Name)
			pass.Report(ObjectFinding(o, node, fmt.Sprintf("subjects[%d].name", g.Subject.Index),
				"%s grants %s %s to ServiceAccount %s/%s, which is not defined in namespace %s; the API server accepts the binding and it grants nothing%s",
				o, bd.RoleKind, bd.RoleName, g.Namespace, g.Name, g.Namespace, hintText(hints)).judgedIn(g.Namespace).judgedIn(others...))
		}
	}
}

// invalidSASubject says why the API server rejects a ServiceAccount
// subject (spec §8), "" when it does not.
func invalidSASubject(bd *model.Binding, s *model.Subject) string {
	switch {
	case s.Name == "":
		return "has no name"
	case s.APIGroup != "":
		return fmt.Sprintf("has apiGroup %q, which must be empty for a ServiceAccount", s.APIGroup)
	case s.Namespace.String() == "" && bd.Object.Kind == model.KindClusterRoleBinding:
		return "has no namespace, which a ClusterRoleBinding requires"
	}
	return ""
}
