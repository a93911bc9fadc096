package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// exampleReport is the example repository's result as CI formats see it:
// paths relative to the repository root, a fixed version.
func exampleReport(t *testing.T) Report {
	return Report{Result: runExample(t), BaseDir: filepath.Join("..", ".."), Version: "test"}
}

func TestWrite_UnknownFormatIsAnError(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", exampleReport(t)); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Fatalf("err = %v, want one that lists the formats", err)
	}
	for _, f := range Formats {
		if writers[f] == nil {
			t.Errorf("format %q has no writer", f)
		}
	}
}

// sarifSchema compiles the official SARIF 2.1.0 schema (draft-04) from
// ../shared/schemas, or skips.
func sarifSchemaFor(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("SARIF schema not found (%v): this test needs ../shared/schemas beside the repository", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v\n%s", err, out)
	}
}

func TestSARIF_ValidatesAgainstTheSchema(t *testing.T) {
	sch := sarifSchemaFor(t)
	// The schema must have teeth: a log without version is rejected.
	if inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"runs": []}`)); sch.Validate(inst) == nil {
		t.Fatal("schema accepts a log without version; the validator is not checking")
	}
	cases := map[string]Report{
		"example":           exampleReport(t),
		"no findings":       {Result: &lint.Result{}, BaseDir: filepath.Join("..", ".."), Version: "test"},
		"input errors only": {Result: &lint.Result{Errors: []model.Error{{Pos: model.Position{File: "x.yaml"}, Message: "cannot read: permission denied"}, {Pos: model.Position{File: "y.yaml", Line: 3, Col: 1}, Message: "bad"}}}},
		"structured":        {Result: &lint.Result{Findings: []rules.Finding{structuredFinding()}}, BaseDir: "/repo"},
		"odd paths":         {Result: &lint.Result{Findings: []rules.Finding{oddFinding(), {Rule: "not-in-catalog", Severity: rules.Info, Message: "m", Pos: model.Position{File: "/elsewhere/a b.yaml", Line: 1}}}}, BaseDir: "/repo"},
		"suppressed": {Result: &lint.Result{Silenced: []lint.Suppression{
			{Finding: structuredFinding(), InSource: true, Reason: "pulled through a mirror"},
			{Finding: oddFinding()},
		}}, BaseDir: "/repo"},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, r); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, sch, buf.Bytes())
		})
	}
}

func TestSARIF_WhatCodeScanningNeeds(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, exampleReport(t)); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string
						ShortDescription     struct{ Text string }
						FullDescription      struct{ Text string }
						Help                 struct{ Text, Markdown string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(rules.All()) {
		t.Errorf("%d rules described, want the catalog's %d", len(run.Tool.Driver.Rules), len(rules.All()))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Markdown == "" || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %s lacks a description, help or level: %+v", r.ID, r)
		}
	}
	if len(run.Results) != 6 {
		t.Fatalf("%d results, want the example's 6", len(run.Results))
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d names %s, result says %s", res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
		loc := res.Locations[0].PhysicalLocation
		if !strings.HasPrefix(loc.ArtifactLocation.URI, "testdata/example/") || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("uri %q base %q, want repository-relative under %%SRCROOT%%", loc.ArtifactLocation.URI, loc.ArtifactLocation.URIBaseID)
		}
		if loc.Region.StartLine <= 1 || loc.Region.StartColumn < 1 {
			t.Errorf("%s: region %+v, want the field's real line and column", loc.ArtifactLocation.URI, loc.Region)
		}

	}
}

func TestSARIF_ResultsIsAnArrayWhenEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, Report{Result: &lint.Result{}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"results": []`) {
		t.Fatalf("no empty results array:\n%s", buf.String())
	}
}

func TestSARIF_PathsOutsideTheBaseAreFileURIs(t *testing.T) {
	r := Report{Result: &lint.Result{Findings: []rules.Finding{oddFinding()}}, BaseDir: "/repo"}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"uri": "file:///elsewhere/50%25%20done,:/a.yaml"`) {
		t.Fatalf("want an escaped absolute file: URI without uriBaseId:\n%s", buf.String())
	}
}

// oddFinding has every character the formats must escape.
func oddFinding() rules.Finding {
	return rules.Finding{
		Rule: "missing-service-account", Severity: rules.Warning,
		Message: "50% done\r\nsecond line, with: colon",
		Pos:     model.Position{File: "/elsewhere/50% done,:/a.yaml", Line: 3, Col: 7},
	}
}

// structuredFinding has related information and a reason for no fix.
func structuredFinding() rules.Finding {
	return rules.Finding{
		Rule: "missing-service-account", Severity: rules.Error,
		Message: "runs as a missing account",
		Pos:     model.Position{File: "/repo/base/web.yaml", Line: 9, Col: 7},
		NoFix:   "salint fix leaves this to you: why",
		Related: []rules.Related{
			{Pos: model.Position{File: "/repo/prod/kustomization.yaml", Line: 3, Col: 1}, Message: "namespace prod set by prod/kustomization.yaml:3"},
			{Pos: model.Position{File: "/repo/prod/patch.yaml", Line: 5, Col: 3}, Message: "value set by the patch listed at prod/kustomization.yaml:6"},
		},
	}
}

// TestWriters_RenderRelatedAndNoFix checks that every format says the
// composed text where it says the message, and that JSON and SARIF also
// carry the related places and the reason as fields.
func TestWriters_RenderRelatedAndNoFix(t *testing.T) {
	f := structuredFinding()
	r := Report{Result: &lint.Result{Findings: []rules.Finding{f}}, BaseDir: "/repo"}
	const text = "runs as a missing account; salint fix leaves this to you: why (namespace prod set by prod/kustomization.yaml:3; value set by the patch listed at prod/kustomization.yaml:6)"
	if f.Text() != text {
		t.Fatalf("Text() = %q", f.Text())
	}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, format, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), text) {
			t.Errorf("%s output lacks the composed text:\n%s", format, buf.String())
		}
	}

	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Findings []struct {
			Message string
			Related []struct {
				File         string
				Line, Column int
				Message      string
			}
			NoFix string `json:"noFix"`
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	jf := out.Findings[0]
	if jf.NoFix != f.NoFix || len(jf.Related) != 2 || jf.Related[0].File != "/repo/prod/kustomization.yaml" ||
		jf.Related[0].Line != 3 || jf.Related[0].Column != 1 || jf.Related[1].Message != f.Related[1].Message {
		t.Errorf("JSON finding %+v", jf)
	}

	buf.Reset()
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RelatedLocations []struct {
					ID               int
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					Message struct{ Text string }
				}
				Properties struct {
					NoFix string `json:"noFix"`
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if res.Properties.NoFix != f.NoFix || len(res.RelatedLocations) != 2 {
		t.Fatalf("SARIF result %+v", res)
	}
	for i, rl := range res.RelatedLocations {
		want := f.Related[i]
		if rl.ID != i || rl.Message.Text != want.Message || rl.PhysicalLocation.Region.StartLine != want.Pos.Line ||
			rl.PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("relatedLocations[%d] = %+v, want %+v", i, rl, want)
		}
	}
}

// TestWriters_OmitEmptyRelatedAndNoFix keeps the JSON of a plain finding as
// it was before the fields existed.
func TestWriters_OmitEmptyRelatedAndNoFix(t *testing.T) {
	r := Report{Result: &lint.Result{Findings: []rules.Finding{oddFinding()}}}
	for _, format := range []string{"json", "sarif"} {
		var buf bytes.Buffer
		if err := Write(&buf, format, r); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{`"related`, `"noFix"`} {
			if strings.Contains(buf.String(), field) {
				t.Errorf("%s output has %s for a finding without it", format, field)
			}
		}
	}
}

func TestGitHub_EscapesDataAndProperties(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, Report{Result: &lint.Result{Findings: []rules.Finding{oddFinding()}}, BaseDir: "/elsewhere"}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(buf.String(), "\n")
	// Line breaks in a message come only from input: they are written as
	// \r\n text, as in every human-readable output (issue 18), before the
	// workflow command's own escaping.
	want := `::warning file=50%25 done%2C%3A/a.yaml,line=3,col=7,title=missing-service-account::50%25 done\r\nsecond line, with: colon`
	if first != want {
		t.Fatalf("got  %s\nwant %s", first, want)
	}
}

func TestGitHub_SeveritiesAndUnlocatedErrors(t *testing.T) {
	res := &lint.Result{
		Findings: []rules.Finding{
			{Rule: "a", Severity: rules.Info, Message: "i", Pos: model.Position{File: "f.yaml", Line: 1, Col: 1}},
			{Rule: "b", Severity: rules.Error, Message: "e", Pos: model.Position{File: "f.yaml", Line: 2, Col: 1}},
		},
		Errors:  []model.Error{{Pos: model.Position{File: "g.yaml"}, Message: "cannot read: permission denied"}},
		Notices: []model.Error{{Pos: model.Position{File: "k/kustomization.yaml", Line: 2}, Message: "not built: needs network"}},
	}
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"::error file=g.yaml,title=salint%3A input error::cannot read: permission denied\n",
		"::notice file=f.yaml,line=1,col=1,title=a::i\n",
		"::error file=f.yaml,line=2,col=1,title=b::e\n",
		"::notice file=k/kustomization.yaml,line=2,title=salint::not built: needs network\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q in\n%s", want, buf.String())
		}
	}
}

func TestMarkdownSummary_EscapesCellsAndBoundsRows(t *testing.T) {
	f := oddFinding()
	f.Message = "a | b <script> & c\nd"
	many := make([]rules.Finding, maxSummaryRows+5)
	for i := range many {
		many[i] = f
	}
	var buf bytes.Buffer
	if err := WriteMarkdownSummary(&buf, Report{Result: &lint.Result{Findings: many}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `| a \| b &lt;script&gt; &amp; c d |`) {
		t.Errorf("cell not escaped:\n%.400s", out)
	}
	if got := strings.Count(out, "\n| warning |"); got != maxSummaryRows {
		t.Errorf("%d rows, want %d", got, maxSummaryRows)
	}
	if !strings.Contains(out, "…and 5 more") {
		t.Error("no note of the rows left out")
	}
}

func gitlabIssues(t *testing.T, r Report) []codeQualityIssue {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteGitLab(&buf, r); err != nil {
		t.Fatal(err)
	}
	var issues []codeQualityIssue
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	return issues
}

func TestGitLab_EmptyIsAnArray(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitLab(&buf, Report{Result: &lint.Result{}}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Fatalf("got %q, want []", buf.String())
	}
}

func TestGitLab_FingerprintSurvivesMovedLinesAndIsUnique(t *testing.T) {
	base := `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: ghost
  serviceAccount: ghost
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: ghost
`
	lintText := func(text string) []codeQualityIssue {
		dir := writeFiles(t, map[string]string{"pods.yaml": text})
		res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{filepath.Join(dir, "pods.yaml")}}})
		if err != nil {
			t.Fatal(err)
		}
		return gitlabIssues(t, Report{Result: res, BaseDir: dir})
	}
	before := lintText(base)
	after := lintText("# a comment that moves every line\n\n" + base)
	if len(before) != 3 || len(after) != 3 {
		t.Fatalf("want 3 issues each (missing account twice, deprecated field), got %d and %d", len(before), len(after))
	}
	seen := map[string]bool{}
	for i := range before {
		if before[i].Fingerprint != after[i].Fingerprint {
			t.Errorf("%s: fingerprint changed when lines moved (%d → %d)", before[i].CheckName, before[i].Location.Lines.Begin, after[i].Location.Lines.Begin)
		}
		if before[i].Location.Lines.Begin == after[i].Location.Lines.Begin {
			t.Errorf("%s: line did not move; the test proves nothing", before[i].CheckName)
		}
		if seen[before[i].Fingerprint] {
			t.Errorf("fingerprint %s is not unique", before[i].Fingerprint)
		}
		seen[before[i].Fingerprint] = true
		if before[i].Location.Path != "pods.yaml" {
			t.Errorf("path %q, want pods.yaml relative to the base", before[i].Location.Path)
		}
	}
}

func TestGitLab_SeverityMapping(t *testing.T) {
	res := &lint.Result{Findings: []rules.Finding{
		{Rule: "a", Severity: rules.Error, Pos: model.Position{File: "f.yaml", Line: 1}},
		{Rule: "b", Severity: rules.Warning, Pos: model.Position{File: "f.yaml", Line: 2}},
		{Rule: "c", Severity: rules.Info, Pos: model.Position{File: "f.yaml", Line: 3}},
	}, Errors: []model.Error{{Pos: model.Position{File: "g.yaml"}, Message: "m"}}}
	var got []string
	for _, is := range gitlabIssues(t, Report{Result: res}) {
		got = append(got, is.CheckName+"="+is.Severity+"@"+is.Location.Path+":"+strconv.Itoa(is.Location.Lines.Begin))
	}
	want := "input-error=blocker@g.yaml:1 a=critical@f.yaml:1 b=minor@f.yaml:2 c=info@f.yaml:3"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}
