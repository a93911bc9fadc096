package lint_test

import (
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
)

// TestViews_ReportsSayTheViewsOnlyWhenThereAreSeveral: the views a finding holds in, in
// every format, only when the input forms several.
func TestViews_ReportsSayTheViewsOnlyWhenThereAreSeveral(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  map[string]string // format: a line or field its report holds
	}{
		{"two views", lint.Overlays(lint.Account("api", ""), lint.Account("api-prod", "")), map[string]string{
			"text":   "(in overlays/prod) [missing-service-account]",
			"json":   "\"views\": [\n        \"overlays/prod\"\n      ]",
			"sarif":  "sa.yaml:4:9) (in overlays/prod)\"",
			"github": "sa.yaml:4:9) (in overlays/prod)\n",
			"gitlab": "sa.yaml:4:9) (in overlays/prod)\"",
		}},
		{"one view", map[string]string{"web.yaml": lint.Web("serviceAccountName: api")}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := lint.WriteFiles(t, tt.files)
			t.Chdir(dir)
			res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{"."}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range report.Formats {
				var buf strings.Builder
				if err := report.Write(&buf, format, report.Report{Result: res}); err != nil {
					t.Fatal(err)
				}
				got := buf.String()
				if want, ok := tt.want[format]; ok && !strings.Contains(got, want) {
					t.Errorf("%s report lacks %q:\n%s", format, want, got)
				}
				if tt.want == nil && (strings.Contains(got, "(in ") || strings.Contains(got, `"views"`)) {
					t.Errorf("%s report of one view names views:\n%s", format, got)
				}
			}
		})
	}
}
