// Package rules holds salint's rule catalog. A rule is a value, in the
// manner of golang.org/x/tools/go/analysis: an id, a doc, a default
// severity and a Check function that reports findings over the namespace
// model. A finding may carry a suggested fix as byte edits. Drivers (lint,
// mutate) run any rule without knowing it by name.
package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Severity orders findings; a run fails on findings at or above --fail-on.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Error} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Rule is one check.
type Rule struct {
	// ID is the stable name used in config, annotations and output.
	ID string
	// Summary is one line for listings.
	Summary string
	// Severity is the default severity of its findings.
	Severity Severity
	// OptIn rules run only when enabled explicitly.
	OptIn bool
	// Fix says what `salint fix` does about it; empty when nothing.
	Fix string
	// FixFlag is the `salint fix` flag the fix needs ("--automount=account");
	// empty when the fix is applied by default. Findings carry a fix only
	// when the matching setting is on, so a JSON finding's "fixable" says
	// what a plain `salint fix` does.
	FixFlag string
	// Check reports the rule's findings through pass.
	Check func(pass *Pass)
}

// Doc is the rule's documentation in Markdown: what it catches, why it
// matters (with the behaviour spec section), an example, the fix and how to
// silence it. It is the body of the rule's page, docs/rules/<id>.md (see
// Markdown), without the page's title, summary and severity lines and its
// footer; empty for a rule without a page.
func (r *Rule) Doc() string {
	page := Markdown(r)
	start := 0
	for range pageHeadParagraphs {
		i := strings.Index(page[start:], "\n\n")
		if i < 0 {
			return ""
		}
		start += i + 2
	}
	end := strings.LastIndex(page, "\n\n")
	if end < start {
		return ""
	}
	return page[start:end]
}

// pageHeadParagraphs is how many paragraphs open a rule page before its
// Doc: the title, the summary and the severity line.
const pageHeadParagraphs = 3

// Fixable reports whether salint fix, with no extra flags, can fix the rule.
func (r *Rule) Fixable() bool { return r.Fix != "" && r.FixFlag == "" }

// FixSummary is the rule's fix column in listings: "yes", "no", or
// "with FLAG" for a fix that needs a flag.
func (r *Rule) FixSummary() string {
	switch {
	case r.Fix == "":
		return "no"
	case r.FixFlag != "":
		return "with " + r.FixFlag
	}
	return "yes"
}

// Settings are the user's choices that rules read.
type Settings struct {
	// PrivateRegistries are host patterns of registries that need credentials.
	PrivateRegistries []string
	// CreateMissingAccounts lets missing-service-account add an account.
	CreateMissingAccounts bool
	// AutomountFix is "account" when the user asked automount-conflict
	// fixes to drop the pod's override.
	AutomountFix string
}

// Pass is what a rule's Check sees: the model, the settings and a way to
// report.
type Pass struct {
	Rule     *Rule
	Bundle   *model.Bundle
	Settings *Settings
	report   func(Finding)
}

// NewPass prepares a pass of rule over b; report receives each finding.
func NewPass(r *Rule, b *model.Bundle, s *Settings, report func(Finding)) *Pass {
	if s == nil {
		s = &Settings{}
	}
	return &Pass{Rule: r, Bundle: b, Settings: s, report: report}
}

// Finding is one reported problem. Like a go/analysis Diagnostic, it keeps
// apart what is wrong (Message), where else to look (Related) and why no
// fix is offered (NoFix); writers compose them with Text.
type Finding struct {
	Rule     string
	Severity Severity
	// Message says what is wrong, and nothing about fixes or builds.
	Message string
	Pos     model.Position
	// Related are the other places that explain the finding: the patch
	// that set a value, the transformation that set the namespace.
	Related []Related
	// NoFix, when set, says why salint fix leaves the finding to the user
	// ("salint fix leaves this to you: …"); a finding has a Fix or a
	// NoFix, never both.
	NoFix string
	// Namespaces are the namespaces the message judges in (where the rule
	// looked a name up), so that a driver that knows how one of them was
	// set can relate that.
	Namespaces []string
	// Object holds the offending field: the workload for pod specs.
	Object *model.Object
	// Pod is set when the finding is about a pod spec (its template's
	// ignore annotation applies).
	Pod *model.PodSpec
	// Field is the field path in the object's document.
	Field string
	// Fix, when set, is a suggested fix that salint fix applies.
	Fix *SuggestedFix
	// Needs, when set, is the object whose absence the finding reports,
	// so that a driver judging several cluster views can say which view
	// defines it.
	Needs *Needed
	// Views are the cluster views the finding holds in, set by the
	// driver only when the input forms more than one.
	Views []string
}

// Needed names an object a finding reports missing.
type Needed struct {
	Kind, Namespace, Name string
}

// DefinedIn locates n's definitions in b (at their names).
func (n *Needed) DefinedIn(b *model.Bundle) []model.Position {
	var objects []*model.Object
	switch n.Kind {
	case model.KindServiceAccount:
		for _, a := range b.AccountDefs(n.Namespace, n.Name) {
			objects = append(objects, a.Object)
		}
	case model.KindSecret:
		for _, s := range b.SecretDefs(n.Namespace, n.Name) {
			objects = append(objects, s.Object)
		}
	}
	out := make([]model.Position, 0, len(objects))
	for _, o := range objects {
		out = append(out, o.Pos(model.Lookup(o.Node, "metadata", "name").Value))
	}
	return out
}

// Related is a place that explains a finding, with what it says there.
type Related struct {
	Pos     model.Position
	Message string
}

// Text is the finding's message as reported: Message, then NoFix after a
// semicolon, then the related messages in parentheses.
func (f *Finding) Text() string {
	if f.NoFix == "" && len(f.Related) == 0 {
		return f.Message
	}
	var b strings.Builder
	b.WriteString(f.Message)
	if f.NoFix != "" {
		b.WriteString("; ")
		b.WriteString(f.NoFix)
	}
	for i, r := range f.Related {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(r.Message)
	}
	if len(f.Related) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// SuggestedFix is a set of byte edits that fix a finding.
type SuggestedFix struct {
	Message string
	Edits   []TextEdit
	// Edited, when set, is the object whose document the edits change
	// when it is not the finding's (the ServiceAccount of a pod): a
	// build's rules for editing its source are that object's.
	Edited *model.Object
}

// TextEdit replaces Source.Bytes()[Start:End] with New; the yamledit
// toolkit computes them.
type TextEdit = yamledit.TextEdit

// Report records a finding; Rule and Severity default to the pass's rule.
func (p *Pass) Report(f Finding) {
	if f.Rule == "" {
		f.Rule = p.Rule.ID
	}
	if f.Severity == 0 {
		f.Severity = p.Rule.Severity
	}
	p.report(f)
}

// PodFinding builds a finding about pod spec pod, located at node (the
// spec's key when nil), for field key of the spec.
func PodFinding(pod *model.PodSpec, node *yaml.Node, key, format string, args ...any) Finding {
	if node == nil {
		node = pod.KeyNode
	}
	if node == nil {
		node = pod.Node
	}
	return Finding{
		Message: fmt.Sprintf(format, args...),
		Pos:     pod.Object.Pos(node),
		Object:  pod.Object,
		Pod:     pod,
		Field:   pod.FieldPath(key),
	}
}

// ObjectFinding builds a finding about object o at node for field path.
func ObjectFinding(o *model.Object, node *yaml.Node, field, format string, args ...any) Finding {
	return Finding{
		Message: fmt.Sprintf(format, args...),
		Pos:     o.Pos(node),
		Object:  o,
		Field:   field,
	}
}

// judgedIn records namespaces in f.Namespaces.
func (f Finding) judgedIn(namespaces ...string) Finding {
	f.Namespaces = append(f.Namespaces, namespaces...)
	return f
}

// SortFindings orders findings by file, line, column and rule.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return FindingLess(fs[i], fs[j]) })
}

// FindingLess is the order of SortFindings.
func FindingLess(a, b Finding) bool {
	if a.Pos.File != b.Pos.File {
		return a.Pos.File < b.Pos.File
	}
	if a.Pos.Line != b.Pos.Line {
		return a.Pos.Line < b.Pos.Line
	}
	if a.Pos.Col != b.Pos.Col {
		return a.Pos.Col < b.Pos.Col
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Text() < b.Text()
}

// reportWrongTypes reports, as errors, the fields of the rejected pod
// specs and accounts (model.WrongType) for which mine is true: the API
// server refuses the object when it decodes it, so that is the verdict
// on it, not what it would do.
func reportWrongTypes(pass *Pass, mine func(key string) bool) {
	b := pass.Bundle
	const format = "%s sets %s to %s, which is not %s; the API server rejects the %s when it decodes it"
	for _, pod := range b.RejectedPods {
		for _, w := range pod.WrongTypes {
			if mine(w.Key) {
				fnd := PodFinding(pod, w.Node, w.Path, format, pod.Object, pod.FieldPath(w.Path), w.What, w.Want, pod.Object.Kind)
				fnd.Severity = Error
				pass.Report(fnd)
			}
		}
	}
	for _, acct := range b.RejectedAccounts {
		for _, w := range acct.WrongTypes {
			if o := acct.Object; mine(w.Key) {
				fnd := ObjectFinding(o, w.Node, w.Path, format, o, w.Path, w.What, w.Want, o.Kind)
				fnd.Severity = Error
				pass.Report(fnd)
			}
		}
	}
}
