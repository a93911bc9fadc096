package rules

// silenceDoc is the "Silence" section of a rule's Doc: the annotation goes
// on where (the objects the rule reports on), or a config ignore entry.
func silenceDoc(id, where string) string {
	return "## Silence\nAnnotation `salint.io/ignore: " + id + "` on " + where +
		", or a config `ignore:` entry (for manifests you do not edit)."
}
