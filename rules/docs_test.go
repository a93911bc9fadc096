package rules_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/rulestest"
)

var update = flag.Bool("update", false, "rewrite generated docs and golden files")

// TestRuleDocsAreCurrent keeps each page docs/rules/<id>.md, the source of
// the rule's documentation, in step with the rule's catalog entry (its
// title, summary and severity lines and its footer; the prose between is
// the page's own), every page with a rule, and the README table with the
// catalog; run with -update to rewrite the generated parts.
func TestRuleDocsAreCurrent(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range rules.All() {
		ids[r.ID] = true
		path := filepath.Join("..", "docs", "rules", r.ID+".md")
		if rules.Markdown(r) == "" {
			t.Errorf("rule %s has no page %s", r.ID, path)
			continue
		}
		checkGenerated(t, path, pageHeader(r)+r.Doc()+"\n\n"+pageFooter)
	}
	pages, err := filepath.Glob(filepath.Join("..", "docs", "rules", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if id := strings.TrimSuffix(filepath.Base(p), ".md"); !ids[id] {
			t.Errorf("%s documents no rule of the catalog", p)
		}
	}
	readme := filepath.Join("..", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin", "<!-- rules:end -->"
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", begin, end)
	}
	i += strings.Index(text[i:], "\n") + 1
	checkGenerated(t, readme, text[:i]+rulesTable()+text[j:])
}

// pageHeader is what a rule page says before its Doc, from the catalog entry.
func pageHeader(r *rules.Rule) string {
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
		"Default severity: **" + r.Severity.String() + "**; " + state + "; `salint fix`: " + fix + ".\n\n"
}

const pageFooter = "_\"spec §N\" refers to sections of [How Kubernetes treats ServiceAccounts](../k8s-service-accounts.md)._\n"

func rulesTable() string {
	var b strings.Builder
	b.WriteString("| rule | severity | default | fix | what it catches |\n|---|---|---|---|---|\n")
	for _, r := range rules.All() {
		def, fix := "on", r.FixSummary()
		if r.OptIn {
			def = "opt-in"
		}
		if r.FixFlag != "" {
			fix = "with `" + r.FixFlag + "`"
		}
		fmt.Fprintf(&b, "| [`%s`](docs/rules/%s.md) | %s | %s | %s | %s |\n", r.ID, r.ID, r.Severity, def, fix, r.Summary)
	}
	return b.String()
}

func checkGenerated(t *testing.T, path, want string) {
	t.Helper()
	rulestest.Golden(t, path, []byte(want), *update)
}

// TestEveryRuleCitesTheSpec checks each rule is complete and its Doc
// cites the behaviour spec and says how to silence the rule.
func TestEveryRuleCitesTheSpec(t *testing.T) {
	for _, r := range rules.All() {
		doc := r.Doc()
		if !strings.Contains(doc, "spec §") {
			t.Errorf("%s: Doc cites no section of the behaviour spec", r.ID)
		}
		if !strings.Contains(doc, "## Silence\n") || !strings.Contains(doc, "`salint.io/ignore: "+r.ID+"`") {
			t.Errorf("%s: Doc has no Silence section naming its annotation", r.ID)
		}
		if r.ID == "" || r.Summary == "" || r.Severity == 0 || r.Check == nil {
			t.Errorf("%+v: incomplete rule", r)
		}
	}
}

// TestBehaviourSpecCopyIsCurrent keeps docs/k8s-service-accounts.md, which
// rule docs link to, identical to the project's shared behaviour spec.
func TestBehaviourSpecCopyIsCurrent(t *testing.T) {
	shared, err := os.ReadFile(filepath.Join("..", "..", "shared", "k8s-service-accounts.md"))
	if err != nil {
		t.Skipf("shared behaviour spec not found beside the repository: %v", err)
	}
	checkGenerated(t, filepath.Join("..", "docs", "k8s-service-accounts.md"), string(shared))
}
