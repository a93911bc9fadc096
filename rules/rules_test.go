package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// TestRulesAgainstTestdata runs each rule over testdata/rules/<id>, whose
// `# want "regexp"` comments state every expected finding. Every rule must
// have such a directory with positive and negative cases.
func TestRulesAgainstTestdata(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "rules", r.ID)
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("rule %s has no testdata directory %s", r.ID, dir)
			}
			findings := rulestest.Run(t, dir, r, model.Options{}, &rules.Settings{})
			if len(findings) == 0 {
				t.Errorf("testdata for %s has no positive case", r.ID)
			}
		})
	}
}
