package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
)

// yamlBlock is a fenced YAML block of a Markdown page.
var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// exampleOf returns the YAML of a rule page's "Example" section, its
// blocks joined as the documents of one file.
func exampleOf(page string) string {
	_, section, ok := strings.Cut(page, "\n## Example\n")
	if !ok {
		return ""
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var docs []string
	for _, m := range yamlBlock.FindAllStringSubmatch(section, -1) {
		docs = append(docs, m[1])
	}
	return strings.Join(docs, "---\n")
}

// TestRuleDocExamples_FireTheirRule pastes each rule page's Example into
// `salint lint --enable all`, as a reader would: the rule must fire.
func TestRuleDocExamples_FireTheirRule(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			example := exampleOf(rules.Markdown(r))
			if example == "" {
				t.Fatalf("docs/rules/%s.md has no ```yaml block under \"## Example\"", r.ID)
			}
			file := filepath.Join(t.TempDir(), "example.yaml")
			if err := os.WriteFile(file, []byte(example), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := Run(Options{Input: Input{Paths: []string{file}}, Enable: []string{"all"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				if f.Rule == r.ID {
					return
				}
				got = append(got, f.Rule+": "+f.Message)
			}
			t.Errorf("the Example of docs/rules/%s.md does not make %s fire (%d objects, errors %v); findings:\n%s\n--- example:\n%s",
				r.ID, r.ID, res.Objects, res.Errors, strings.Join(got, "\n"), example)
		})
	}
}
