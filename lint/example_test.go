package lint_test

import (
	"bytes"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
)

// TestExample_TextAndJSONGolden: the reports name files as they were
// reached, here from ./lint, as the goldens have them (messages too, in
// the CI formats).
func TestExample_TextAndJSONGolden(t *testing.T) {
	res := lint.RunExample(t)
	var text, js bytes.Buffer
	if err := report.WriteText(&text, report.Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&js, report.Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	lint.Golden(t, "example.txt", text.Bytes())
	lint.Golden(t, "example.json", js.Bytes())
}

func TestExample_OutputIsStableAcrossRuns(t *testing.T) {
	var first string
	for i := range 5 {
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, report.Report{Result: lint.RunExample(t)}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.String()
		} else if buf.String() != first {
			t.Fatal("JSON output differs between runs")
		}
	}
}

func TestExample_CIFormatsGolden(t *testing.T) {
	r := report.Report{Result: lint.RunExample(t), BaseDir: "..", Version: "test"}
	for _, format := range []string{"sarif", "github", "gitlab"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, format, r); err != nil {
				t.Fatal(err)
			}
			lint.Golden(t, "example."+format, buf.Bytes())
		})
	}
	var md bytes.Buffer
	if err := report.WriteMarkdownSummary(&md, r); err != nil {
		t.Fatal(err)
	}
	lint.Golden(t, "example.summary.md", md.Bytes())
}
