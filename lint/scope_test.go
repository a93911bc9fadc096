package lint

import (
	"path/filepath"
	"slices"
	"testing"
)

const (
	scopeAccount = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n"
	scopeWeb     = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n"
	scopeGhost   = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ghost, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n"
)

// TestOnly_ReportsTheGivenFilesAgainstTheWholeBundle is the pre-commit
// case: the hook gets the changed files, the model gets the repository.
func TestOnly_ReportsTheGivenFilesAgainstTheWholeBundle(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base/accounts.yaml":  scopeAccount,
		"apps/web.yaml":       scopeWeb,
		"apps/old/ghost.yaml": scopeGhost,
		"broken/bad.yaml":     "kind: Pod\nmetadata: {name: [\n",
	})
	in := func(p string) string { return filepath.Join(dir, p) }
	cases := []struct {
		name       string
		only       []string
		want       []string
		unreported int
		onlyScope  bool // the paths are a scope, not inputs
	}{
		{"changed file whose account lives elsewhere", []string{in("apps/web.yaml")}, nil, 1, false},
		{"changed file with a real finding", []string{in("apps/old/ghost.yaml")}, []string{"missing-service-account@ghost.yaml:7"}, 1, false},
		{"a directory covers what is below it", []string{in("apps")}, []string{"missing-service-account@ghost.yaml:7"}, 1, false},
		{"a name prefix is not a directory", []string{in("apps/ol")}, nil, 1, true},
		{"errors in a given file are reported", []string{in("broken/bad.yaml")}, nil, 0, false},
		{"the accounts file itself, read twice, is one definition", []string{in("base/accounts.yaml")}, nil, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Input: Input{Paths: append(slices.Clone(c.only), dir)}, Only: c.only}
			if c.onlyScope {
				opts.Paths = []string{dir}
			}
			res, err := Run(opts)
			if err != nil {
				t.Fatal(err)
			}
			got := lintText(t, opts)
			if !slices.Equal(got, c.want) {
				t.Errorf("findings %v, want %v", got, c.want)
			}
			if res.Unreported != c.unreported {
				t.Errorf("unreported input errors %d, want %d", res.Unreported, c.unreported)
			}
			if c.unreported == 0 && len(res.Errors) == 0 {
				t.Errorf("the given file's input error was not reported")
			}
			if c.unreported > 0 && len(res.Errors) != 0 {
				t.Errorf("input errors outside the given paths reported: %v", res.Errors)
			}
		})
	}
}

func TestOnly_UnsetReportsEverything(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": scopeGhost, "b.yaml": scopeGhost})
	got := lintText(t, Options{Input: Input{Paths: []string{dir}}})
	if len(got) != 2 {
		t.Fatalf("findings %v, want one per file", got)
	}
}
