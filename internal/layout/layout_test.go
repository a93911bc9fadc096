// Package layout_test holds the check that package dependencies point the
// way docs/ARCHITECTURE.md draws them.
package layout_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/salint/salint/"

// forbidden lists, per package, the packages its production code must not
// import: the one-way dependencies docs/ARCHITECTURE.md draws.
var forbidden = map[string][]string{
	"rules/model":      {"rules", "rules/yamledit", "lint", "mutate"},
	"rules/yamledit":   {"rules", "lint", "mutate"},
	"rules":            {"lint", "mutate"},
	"mutate/admit":     {"rules", "lint"},
	"mutate":           {"lint"},
	"lint":             {"lint/krm", "lint/accounts", "lint/report", "mutate"},
	"lint/report":      {"lint/krm", "lint/accounts", "mutate"},
	"lint/fingerprint": {"lint", "lint/report", "lint/kustomize", "mutate"},
	"lint/kustomize":   {"lint", "lint/krm", "lint/report", "lint/fingerprint"},
	"lint/helm":        {"lint", "lint/krm", "lint/kustomize", "lint/accounts", "lint/report", "lint/fingerprint", "rules", "mutate"},
	"lint/gitops":      {"lint", "lint/kustomize", "lint/krm", "lint/accounts", "lint/report", "lint/fingerprint", "lint/helm", "rules", "mutate"},
}

// TestDependenciesPointOneWay reads each package's imports (test files
// left out) and fails on an edge the architecture forbids.
func TestDependenciesPointOneWay(t *testing.T) {
	for pkg, banned := range forbidden {
		files, err := filepath.Glob(filepath.Join("..", "..", filepath.FromSlash(pkg), "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no Go files (%v)", pkg, err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range banned {
					if path == module+b {
						t.Errorf("%s imports %s; dependencies point the other way (docs/ARCHITECTURE.md)", file, path)
					}
				}
			}
		}
	}
}
