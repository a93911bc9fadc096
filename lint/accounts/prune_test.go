package accounts_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/accounts"
	"github.com/salint/salint/lint/bundlegen"
	"github.com/salint/salint/rules/rulestest"
)

// The safety net of lint.Input.Prune: linting with pruning must report
// exactly what linting the full trees does (findings with their rule,
// position, message, field and whether they are fixable, input errors,
// counts) and show the same `salint accounts --format json`. Suggested
// edits are compared too, though a lint reports only whether there is one.

// pruneOutputs lints paths as `salint lint --enable all --format json`
// and models them as `salint accounts --format json`, with or without
// pruning.
func pruneOutputs(t *testing.T, paths []string, kustomize string, prune bool) (report, view, edits []byte) {
	t.Helper()
	in := lint.Input{Paths: paths, Kustomize: kustomize, Prune: prune}
	res, err := lint.Run(lint.Options{Input: in, Enable: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	var r, v, e bytes.Buffer
	if err := lint.WriteJSON(&r, lint.Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Fix == nil {
			continue
		}
		fmt.Fprintf(&e, "%s %s %s\n", f.Pos, f.Rule, f.Fix.Message)
		for _, ed := range f.Fix.Edits {
			fmt.Fprintf(&e, "  %s [%d,%d) %q\n", ed.Source.Path, ed.Start, ed.End, ed.New)
		}
	}
	m := lint.Model(lint.Options{Input: in})
	view1 := accounts.Build(m.Bundle)
	view1.SetInputs(m.Errors, m.Notices)
	if err := accounts.WriteJSON(&v, view1); err != nil {
		t.Fatal(err)
	}
	return r.Bytes(), v.Bytes(), e.Bytes()
}

func requireSamePruned(t *testing.T, paths []string, kustomize string) {
	t.Helper()
	fullR, fullV, fullE := pruneOutputs(t, paths, kustomize, false)
	prR, prV, prE := pruneOutputs(t, paths, kustomize, true)
	if !bytes.Equal(fullR, prR) {
		t.Errorf("lint report differs with pruning:\n%s", firstDiff(fullR, prR))
	}
	if !bytes.Equal(fullV, prV) {
		t.Errorf("accounts view differs with pruning:\n%s", firstDiff(fullV, prV))
	}
	if !bytes.Equal(fullE, prE) {
		t.Errorf("suggested edits differ with pruning:\n%s", firstDiff(fullE, prE))
	}
	if len(fullR) == 0 || len(fullV) == 0 {
		t.Fatal("nothing was reported")
	}
}

// firstDiff shows the first line that differs.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range max(len(al), len(bl)) {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			return fmt.Sprintf("line %d:\n full:   %s\n pruned: %s", i+1, x, y)
		}
	}
	return "(same lines)"
}

func TestPrune_CorpusReportsTheSame(t *testing.T) {
	corpus := rulestest.Corpus(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{lint.KustomizeOff, lint.KustomizeAuto} {
		t.Run("all/kustomize="+mode, func(t *testing.T) { requireSamePruned(t, []string{corpus}, mode) })
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join(corpus, e.Name())
			t.Run(e.Name()+"/kustomize="+mode, func(t *testing.T) { requireSamePruned(t, []string{dir}, mode) })
		}
	}
}

func TestPrune_TestdataReportsTheSame(t *testing.T) {
	root := filepath.Join(repoRoot(t), "testdata")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{lint.KustomizeOff, lint.KustomizeAuto} {
		for _, dir := range dirs {
			rel, _ := filepath.Rel(root, dir)
			t.Run(rel+"/kustomize="+mode, func(t *testing.T) {
				// A directory of nothing but subdirectories or non-manifests
				// still runs: both sides must report the same nothing.
				requireSamePruned(t, []string{dir}, mode)
			})
		}
	}
}

func TestPrune_GeneratedBundlesReportTheSame(t *testing.T) {
	for _, spec := range []bundlegen.Spec{
		{Files: 30, Docs: 300, Namespaces: 7},
		{Files: 40, Docs: 400, Namespaces: 13, Dense: true},
		{Files: 25, Docs: 500, Namespaces: 3, FixEvery: 7},
		{Files: 60, Docs: 600, Namespaces: 50, Dense: true, FixEvery: 3},
	} {
		t.Run(fmt.Sprintf("%+v", spec), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := bundlegen.Write(dir, spec); err != nil {
				t.Fatal(err)
			}
			requireSamePruned(t, []string{dir}, lint.KustomizeAuto)
		})
	}
}
