package rules_test

import (
	"os"
	"path/filepath"
	"strings"
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
			// Messages say what is wrong; why there is no fix is NoFix.
			for _, f := range findings {
				if strings.Contains(f.Message, "salint fix") {
					t.Errorf("%s: message speaks of fixes: %s", f.Pos, f.Message)
				}
				if f.Fix != nil && f.NoFix != "" {
					t.Errorf("%s: both a fix and %q", f.Pos, f.NoFix)
				}
			}
		})
	}
}
