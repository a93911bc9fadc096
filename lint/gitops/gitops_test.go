package gitops

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// readTree reads every YAML file below the working directory as written
// (no build; a chart's templates, which are not YAML, left out), with
// paths relative to it.
func readTree(t *testing.T) []*model.File {
	t.Helper()
	var files []*model.File
	err := filepath.WalkDir(".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() && e.Name() == "templates" {
			return fs.SkipDir
		}
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f := model.Read(model.NewSource(p, data))
		for _, e := range f.Errors {
			t.Errorf("input error: %v", e)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// describe prints a discovery as the goldens hold it.
func describe(d *Discovery) string {
	var b strings.Builder
	for _, v := range d.Views {
		b.WriteString("view " + v.Name + " (" + v.Origin + ")\n")
		for _, u := range v.Units {
			b.WriteString("  " + u.String() + "\n")
		}
	}
	for _, n := range d.Notices {
		b.WriteString("notice " + n.Error() + "\n")
	}
	return b.String()
}

// TestDiscover_Trees reads the realistic trees of testdata/gitops (a Flux
// fleet of two clusters, an Argo CD app of apps with two destinations)
// and compares what they say with the goldens beside them.
func TestDiscover_Trees(t *testing.T) {
	for _, tree := range []string{"flux-fleet", "argocd-apps", "argocd-helm"} {
		t.Run(tree, func(t *testing.T) {
			golden, err := filepath.Abs(filepath.Join("..", "..", "testdata", "gitops", tree+".discovery"))
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir(filepath.Join("..", "..", "testdata", "gitops", tree))
			got := describe(Discover(readTree(t), "."))
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("discovery differs from %s (run with -update to accept, then review the diff):\n%s", golden, got)
			}
		})
	}
}
