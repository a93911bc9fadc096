package rules

import (
	"fmt"
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
			if problem := bd.SubjectProblem(s); problem != "" {
				f := ObjectFinding(o, s.Node, fmt.Sprintf("subjects[%d]", i), "%s: subjects[%d] (%s %q) %s; the API server rejects the binding", o, i, s.Kind, s.Name, problem)
				f.Severity = Error
				pass.Report(f)
			}
		}
		// Grants resolves subject namespaces as the API server does (spec
		// §8); a rejected binding grants nothing, and is reported above.
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
