package mutate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// FuzzFixRoundTrip fixes arbitrary files with every rule and every fix
// enabled: the fix loop must not fail and drop no fix (a fix that would
// break a file, or fixes that never settle, is a bug), what it writes must
// parse with no more errors than the input had, every value of the input
// outside the fields the applied fixes are about must parse the same in
// the output, and fixing the result again must change nothing. The seeds are the golden fix cases (testdata/fix/*/in). CI runs
// it for a short fixed time (.ci/run).
func FuzzFixRoundTrip(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "fix", "*", "in", "*"))
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	// Issue 15: the last pull secret a multi-line quoted scalar or flow
	// mapping continued at the dash's column.
	for _, last := range []string{"- name: \"oth\\\n  er\"\n", "- {name: other,\n  x: y}\n"} {
		f.Add([]byte("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\nimagePullSecrets:\n- name: regcred\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: app\n  imagePullSecrets:\n  " + last + "  containers: [{name: c, image: registry.example.com/app:1}]\n"))
	}
	opts := lint.Options{Enable: []string{"all"}}
	opts.Settings = rules.Settings{CreateMissingAccounts: true, AutomountFix: rules.AutomountFixAccount}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := model.Read(model.NewSource("in.yaml", data))
		res, _ := fixFiles(t, []*model.File{in}, opts)
		for _, d := range res.Dropped {
			t.Errorf("%s: %s: fix dropped: %s\n--- input\n%s", d.Finding.Pos, d.Finding.Rule, d.Reason, data)
		}
		if len(res.Changes) == 0 {
			return
		}
		checkUnchangedOutsideFixes(t, res, data)
		out := model.Read(model.NewSource("in.yaml", res.Changes[0].New))
		if len(out.Errors) > len(in.Errors) {
			t.Fatalf("fixed file has errors the input had not: %v\n--- input\n%s\n--- fixed\n%s", out.Errors, data, res.Changes[0].New)
		}
		again, _ := fixFiles(t, []*model.File{out}, opts)
		if len(again.Changes) > 0 {
			t.Fatalf("fixing twice changed the file again\n--- once\n%s\n--- twice\n%s", res.Changes[0].New, again.Changes[0].New)
		}
	})
}

// checkUnchangedOutsideFixes wants every scalar of data at the same path
// with the same value in the fixed file, unless an applied fix is about
// that field, one around it, or a field beside it (the fix of a deprecated
// serviceAccount sets serviceAccountName). It is
// independent of Fix's own check, which compares around the edits' bytes:
// this one knows only the findings' fields.
func checkUnchangedOutsideFixes(t *testing.T, res *mutate.Result, data []byte) {
	t.Helper()
	var fixed []string
	for _, a := range res.Applied {
		if o := a.Finding.Object; o != nil {
			// Field is the object's own; a List item's is inside the document.
			fixed = append(fixed, fmt.Sprintf("document %d:.%s%s", documentOf(o)+1, o.FieldPrefix, a.Finding.Field))
		}
	}
	after := mutate.LeafValues(res.Changes[0].New)
	for path, v := range mutate.LeafValues(data) {
		if after[path] == v || slices.ContainsFunc(fixed, func(f string) bool {
			return path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[") || parent(path) == parent(f)
		}) {
			continue
		}
		t.Fatalf("%s changed from %q to %q, and no fix is about it (fixed: %v)\n--- input\n%s\n--- fixed\n%s", path, v, after[path], fixed, data, res.Changes[0].New)
	}
}

// parent cuts a path's last key: "document 1:.spec.x" is in "document 1:.spec".
func parent(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return path
}

// documentOf is the index of o's document as Source.Documents cuts its
// file (which LeafValues numbers), found by line: DocIndex counts as
// model.Read does, which differs after a document that does not parse.
func documentOf(o *model.Object) int {
	i := 0
	for j, d := range o.Source.Documents() {
		if d.Line <= o.Node.Line {
			i = j
		}
	}
	return i
}
