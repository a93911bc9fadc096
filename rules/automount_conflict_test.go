package rules_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// TestAutomountConflict_Severities: a pod that turns the token back on
// under an account that turns it off is the pattern the Kubernetes docs
// describe (kube-prometheus does it on purpose), so it is reported at info
// and does not fail the default --fail-on warning; two definitions of one
// account that disagree are a mistake either way and stay a warning.
func TestAutomountConflict_Severities(t *testing.T) {
	findings := rulestest.Run(t, filepath.Join("..", "testdata", "rules", "automount-conflict"), rules.AutomountConflict, model.Options{}, &rules.Settings{})
	var pods, defs int
	for _, f := range findings {
		var want rules.Severity
		switch {
		case strings.Contains(f.Message, "overriding ServiceAccount"):
			want, pods = rules.Info, pods+1
		case strings.Contains(f.Message, "is defined again here, differently"):
			want, defs = rules.Warning, defs+1
		default:
			continue // values the API server rejects: their own severity
		}
		if f.Severity != want {
			t.Errorf("%s: severity %s, want %s: %s", f.Pos, f.Severity, want, f.Message)
		}
	}
	if pods == 0 || defs == 0 {
		t.Fatalf("testdata lacks a case: %d pod overrides, %d disagreeing definitions", pods, defs)
	}
}
