package rules

// All returns the rule catalog in a stable order. Adding a rule is adding
// its file and one line here.
func All() []*Rule {
	return []*Rule{
		MissingServiceAccount,
		DeprecatedServiceAccountField,
		AutomountConflict,
		UnusedServiceAccount,
		MissingPullSecret,
		IgnoredAccountPullSecrets,
		RegistryWithoutPullSecret,
		UnmountableSecret,
		OrphanTokenSecret,
		MissingRBACSubject,
		InvalidServiceAccountName,
		DefaultServiceAccount,
		TokenAutomount,
	}
}

// ByID finds a rule in the catalog.
func ByID(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Markdown renders a rule's documentation page (docs/rules/<id>.md).
func Markdown(r *Rule) string {
	state := "on by default"
	if r.OptIn {
		state = "opt-in (enable with `--enable " + r.ID + "`)"
	}
	fix := "no automatic fix"
	if r.Fix != "" {
		fix = r.Fix
	}
	if r.FixFlag != "" {
		fix = "with `" + r.FixFlag + "`, " + fix
	}
	return "# " + r.ID + "\n\n" + r.Summary + ".\n\n" +
		"Default severity: **" + r.Severity.String() + "**; " + state + "; `salint fix`: " + fix + ".\n\n" +
		r.Doc + "\n\n" +
		"_\"spec §N\" refers to sections of [How Kubernetes treats ServiceAccounts](../k8s-service-accounts.md)._\n"
}
