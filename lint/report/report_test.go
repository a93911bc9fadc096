package report

import (
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules/rulestest"
)

// runExample lints the example repository.
func runExample(t *testing.T) *lint.Result {
	t.Helper()
	res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{"../../testdata/example"}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// writeFiles writes files (slash paths to contents) into a new temporary
// directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, files)
	return dir
}
