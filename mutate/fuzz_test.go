package mutate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// FuzzFixRoundTrip fixes arbitrary files with every rule and every fix
// enabled: the fix loop must not fail (a fix that would break a file, or
// fixes that never settle, is a bug), what it writes must parse with no
// more errors than the input had, and fixing the result again must change
// nothing. The seeds are the golden fix cases (testdata/fix/*/in). CI runs
// it for a short fixed time (.ci/run).
func FuzzFixRoundTrip(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "fix", "*", "in", "*"))
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	opts := lint.Options{Enable: []string{"all"}}
	opts.Settings = rules.Settings{CreateMissingAccounts: true, AutomountFix: rules.AutomountFixAccount}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := model.Read(&model.Source{Path: "in.yaml", Data: data})
		res, _ := fixFiles(t, []*model.File{in}, opts)
		if len(res.Changes) == 0 {
			return
		}
		out := model.Read(&model.Source{Path: "in.yaml", Data: res.Changes[0].New})
		if len(out.Errors) > len(in.Errors) {
			t.Fatalf("fixed file has errors the input had not: %v\n--- input\n%s\n--- fixed\n%s", out.Errors, data, res.Changes[0].New)
		}
		again, _ := fixFiles(t, []*model.File{out}, opts)
		if len(again.Changes) > 0 {
			t.Fatalf("fixing twice changed the file again\n--- once\n%s\n--- twice\n%s", res.Changes[0].New, again.Changes[0].New)
		}
	})
}
