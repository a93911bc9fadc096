package lint

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/salint/salint/lint/kustomize"
	"github.com/salint/salint/rules/rulestest"
)

const maxCorpusHookRuns = 8

// TestHook_CorpusReportsWhatBuildingEverythingReports runs the hook on
// files of each corpus source that holds kustomizations (every
// kustomization file, and the first other file of each directory that
// holds one; maxCorpusHookRuns of them, spread) and compares what it
// reports with building everything.
func TestHook_CorpusReportsWhatBuildingEverythingReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every kustomize root of the corpus")
	}
	dir := rulestest.Corpus(t)
	for source := range corpusSources(t, dir) {
		root := filepath.Join(dir, source)
		var changed []string
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if kustomize.IsKustomizationFile(d.Name()) {
				changed = append(changed, path)
				siblings, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.yaml"))
				if i := slices.IndexFunc(siblings, func(s string) bool { return !kustomize.IsKustomizationFile(filepath.Base(s)) }); i >= 0 {
					changed = append(changed, siblings[i])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(changed) == 0 {
			continue
		}
		if len(changed) > maxCorpusHookRuns { // most fall back to building everything: a sample
			sample := make([]string, 0, maxCorpusHookRuns)
			for i := range maxCorpusHookRuns {
				sample = append(sample, changed[i*len(changed)/maxCorpusHookRuns])
			}
			changed = sample
		}
		t.Run(source, func(t *testing.T) {
			in := Input{Paths: []string{root}, Prune: true, ReportOnly: true}
			files := Load(in)
			partial := 0
			for _, c := range changed {
				opts := Options{Input: in, Only: []string{c}, Enable: []string{"all"}}
				opts.Paths = []string{c, root}
				active, err := opts.ActiveRules()
				if err != nil {
					t.Fatal(err)
				}
				everything := Check(files, opts, active)
				hook, err := Run(opts)
				if err != nil {
					t.Fatal(err)
				}
				if want, got := hookReport(everything), hookReport(hook); got != want {
					t.Errorf("%s: hook run reports\n%s\nbuilding everything reports\n%s", c, got, want)
				}
				if hook.Objects < everything.Objects {
					partial++
				}
			}
			t.Logf("%d of %d hook runs left roots out", partial, len(changed))
		})
	}
}
