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

// TestRuleDocsAreCurrent keeps docs/rules/<id>.md and the README table in
// step with the catalog; run with -update to regenerate them.
func TestRuleDocsAreCurrent(t *testing.T) {
	for _, r := range rules.All() {
		checkGenerated(t, filepath.Join("..", "docs", "rules", r.ID+".md"), rules.Markdown(r))
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

func TestEveryRuleCitesTheSpec(t *testing.T) {
	for _, r := range rules.All() {
		if !strings.Contains(r.Doc, "spec §") {
			t.Errorf("%s: Doc cites no section of the behaviour spec", r.ID)
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
