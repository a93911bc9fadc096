package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/rules"
)

// sharedCharts lists the real charts of ../shared/charts (INDEX.md), or
// skips when the directory is absent.
func sharedCharts(t *testing.T) []string {
	t.Helper()
	charts, _ := filepath.Glob("../../shared/charts/*/charts/*/Chart.yaml")
	if len(charts) == 0 {
		t.Skip("../shared/charts absent: the real Helm charts are not part of this run")
	}
	for i, c := range charts {
		charts[i] = filepath.Dir(c)
	}
	return charts
}

// The real charts render with their own values and lint with no finding
// (their workloads run as the accounts they create, or as default).
func TestHelmSharedChartsNoFalsePositive(t *testing.T) {
	for _, chart := range sharedCharts(t) {
		t.Run(filepath.Base(chart), func(t *testing.T) {
			res, err := Run(Options{Input: Input{Paths: []string{chart}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 || len(res.Findings) > 0 || res.Objects == 0 {
				t.Errorf("%d objects, errors %v, findings %v; want objects and nothing else", res.Objects, res.Errors, res.Findings)
			}
		})
	}
}

// With serviceAccount.create=false and a name nothing defines, each chart
// of the create/name idiom reports the missing account at the template
// line writing serviceAccountName (here or in a helper), and names the
// values that fed it. podinfo's idiom is serviceAccount.enabled (off by
// default: it runs as default, and creates the account it names).
func TestHelmSharedChartsMissingAccountAtTemplateLine(t *testing.T) {
	set := []string{"serviceAccount.create=false", "serviceAccount.name=ghost"}
	for _, chart := range sharedCharts(t) {
		t.Run(filepath.Base(chart), func(t *testing.T) {
			res, err := Run(Options{Input: Input{Paths: []string{chart}, Helm: helm.Options{Set: set}}})
			if err != nil {
				t.Fatal(err)
			}
			missing := slices.DeleteFunc(slices.Clone(res.Findings), func(f rules.Finding) bool { return f.Rule != "missing-service-account" })
			if filepath.Base(chart) == "podinfo" {
				if len(missing) != 0 {
					t.Errorf("podinfo: %v, want none", missing)
				}
				return
			}
			if len(missing) != 1 {
				t.Fatalf("%d missing-service-account findings, want 1: %v", len(missing), res.Findings)
			}
			f := missing[0]
			if !strings.HasPrefix(f.Pos.File, filepath.Join(chart, "templates")+string(filepath.Separator)) {
				t.Errorf("at %v, want a file of the chart's templates", f.Pos)
			}
			line := templateLine(t, f.Pos.File, f.Pos.Line)
			if !regexp.MustCompile(`^\s*serviceAccountName: \{\{`).MatchString(line) {
				t.Errorf("at %v %q, want the serviceAccountName line", f.Pos, line)
			}
			if !strings.Contains(f.Text(), "serviceAccount.name from --set") {
				t.Errorf("%q: want the value that fed it named", f.Text())
			}
		})
	}
}

func templateLine(t *testing.T, file string, line int) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		t.Fatalf("%s:%d: no such line", file, line)
	}
	return lines[line-1]
}
