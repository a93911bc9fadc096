package rules

import "github.com/salint/salint/docs"

// All returns the rule catalog in a stable order. Adding a rule is adding
// its file, one line here, its testdata directory and its page
// (docs/rules/<id>.md); CONTRIBUTING.md says how.
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

// Markdown is a rule's documentation page, docs/rules/<id>.md, embedded in
// the binary: that file is the source of the rule's documentation.
func Markdown(r *Rule) string {
	page, _ := docs.RulePage(r.ID)
	return page
}
