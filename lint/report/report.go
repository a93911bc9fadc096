// Package report writes a lint run's result in each report format (text,
// json, sarif, github, gitlab) and GitHub's step summary.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/salint/salint/internal/plural"
	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// Formats lists the report formats, in the order --help shows them.
var Formats = []string{"text", "json", "sarif", "github", "gitlab"}

// writers maps each format to its writer.
var writers = map[string]func(io.Writer, Report) error{
	"text":   WriteText,
	"json":   WriteJSON,
	"sarif":  WriteSARIF,
	"github": WriteGitHub,
	"gitlab": WriteGitLab,
}

// Write writes r in format, one of Formats.
func Write(w io.Writer, format string, r Report) error {
	write, ok := writers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	return write(w, r)
}

// Report is what a writer needs: the result and how to print it.
type Report struct {
	*lint.Result
	// Color enables ANSI colour in the text format.
	Color bool
	// BaseDir is what the CI formats (sarif, github, gitlab) make file
	// paths relative to: the repository root (see fingerprint.RepoRoot).
	// Empty leaves paths as they were reached.
	BaseDir string
	// Version is salint's version, for formats that name the tool.
	Version string
	// Catalog is the rule set a format describes; rules.All() when nil.
	Catalog []*rules.Rule
}

func (r Report) catalog() []*rules.Rule {
	if r.Catalog != nil {
		return r.Catalog
	}
	return rules.All()
}

// WriteText writes findings as file:line:col: severity: message [rule],
// then a one-line summary.
func WriteText(w io.Writer, r Report) error {
	c := palette(r.Color)
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s: %s %s %s\n", c.pos.Sprint(safetext.Escape(f.Pos.String())), c.severity(f.Severity), safetext.Escape(ReportedText(&f)), c.rule.Sprintf("[%s]", f.Rule))
	}
	_, err := fmt.Fprintln(w, Summary(r.Result))
	return err
}

// ReportedText is the finding's message as the human-readable formats
// show it: with the cluster views it holds in, when the input forms
// several.
func ReportedText(f *rules.Finding) string {
	if len(f.Views) == 0 {
		return f.Text()
	}
	return f.Text() + " (in " + lint.ViewList(f.Views) + ")"
}

// WriteErrors writes input errors, one per line, for the text format's
// standard error.
func WriteErrors(w io.Writer, errs []model.Error, useColor bool) {
	c := palette(useColor)
	for _, e := range errs {
		fmt.Fprintf(w, "%s: %s %s\n", c.pos.Sprint(safetext.Escape(e.Pos.String())), c.severity(rules.Error), safetext.Escape(e.Message))
	}
}

// writeNotices writes notices (how inputs were read; not errors), one per
// line, for the text format's standard error.
func writeNotices(w io.Writer, notices []model.Error, useColor bool) {
	c := palette(useColor)
	for _, n := range notices {
		fmt.Fprintf(w, "%s: %s %s\n", c.pos.Sprint(safetext.Escape(n.Pos.String())), c.infoC.Sprint("notice:"), safetext.Escape(n.Message))
	}
}

// WriteInputs writes what run r says about its inputs, for standard
// error: the input errors, then the notices.
func WriteInputs(w io.Writer, r *lint.Result, useColor bool) {
	WriteErrors(w, r.Errors, useColor)
	writeNotices(w, r.Notices, useColor)
}

// Summary is the one-line account of run r.
func Summary(r *lint.Result) string {
	what := FindingCounts(r.Findings)
	s := fmt.Sprintf("salint: %s in %s, %s", what, plural.Count(r.Files, "file"), plural.Count(r.Objects, "object"))
	if len(r.Errors) > 0 {
		s += "; " + plural.Count(len(r.Errors), "input error")
	}
	if r.Unreported > 0 {
		s += fmt.Sprintf("; %s in files read only for context not reported", plural.Count(r.Unreported, "input error"))
	}
	if r.Suppressed > 0 {
		s += fmt.Sprintf("; %d suppressed", r.Suppressed)
	}
	if r.Known > 0 {
		s += fmt.Sprintf("; %d known before, not reported", r.Known)
	}
	return s
}

// FindingCounts says how many findings there are of each severity:
// "3 findings (1 error, 2 warnings)", or "no findings".
func FindingCounts(findings []rules.Finding) string {
	if len(findings) == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%s (%s)", plural.Count(len(findings), "finding"), SeverityCounts(findings))
}

// SeverityCounts counts findings by severity, most severe first: "1
// error, 2 warnings".
func SeverityCounts(findings []rules.Finding) string {
	counts := map[rules.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []rules.Severity{rules.Error, rules.Warning, rules.Info} {
		if n := counts[s]; n > 0 {
			parts = append(parts, plural.Count(n, s.String()))
		}
	}
	return strings.Join(parts, ", ")
}

// bySeverity picks the name a format gives to a severity.
func bySeverity(s rules.Severity, errorName, warningName, infoName string) string {
	switch s {
	case rules.Error:
		return errorName
	case rules.Warning:
		return warningName
	}
	return infoName
}

type colors struct {
	pos, rule               *color.Color
	errorC, warningC, infoC *color.Color
}

func palette(on bool) colors {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return colors{
		pos:      mk(color.Bold),
		rule:     mk(color.Faint),
		errorC:   mk(color.FgRed, color.Bold),
		warningC: mk(color.FgYellow, color.Bold),
		infoC:    mk(color.FgCyan),
	}
}

func (c colors) severity(s rules.Severity) string {
	switch s {
	case rules.Error:
		return c.errorC.Sprint("error:")
	case rules.Warning:
		return c.warningC.Sprint("warning:")
	}
	return c.infoC.Sprint("info:")
}

// JSON output: a stable schema; fields are added, never renamed.
type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Errors   []jsonError   `json:"errors"`
	Notices  []jsonError   `json:"notices"`
	// Suppressed lists what the ignore annotation or config silenced;
	// omitted when nothing was.
	Suppressed []jsonSuppressed `json:"suppressed,omitempty"`
	Summary    jsonSummary      `json:"summary"`
}

type jsonSuppressed struct {
	jsonFinding
	// By is "annotation" (salint.io/ignore) or "config" (an ignore: entry).
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

type jsonFinding struct {
	Rule     string     `json:"rule"`
	Severity string     `json:"severity"`
	Message  string     `json:"message"`
	File     string     `json:"file"`
	Line     int        `json:"line"`
	Column   int        `json:"column"`
	Object   jsonObject `json:"object"`
	Field    string     `json:"field"`
	Fixable  bool       `json:"fixable"`
	// Related and NoFix are omitted when empty; message already says
	// them in words.
	Related []jsonRelated `json:"related,omitempty"`
	NoFix   string        `json:"noFix,omitempty"`
	// Views are the cluster views the finding holds in, when the input
	// forms more than one (docs/cluster-views.md).
	Views []string `json:"views,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// objectOf names o as the JSON formats do, its namespace and name
// scrubbed: a postBuild variable from a Secret may have set them.
func objectOf(o *model.Object, scrub func(string) string) jsonObject {
	return jsonObject{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: scrub(o.Namespace), Name: scrub(o.DisplayName())}
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// jsonErrors converts input errors or notices; never null in the JSON.
func jsonErrors(errs []model.Error) []jsonError {
	out := make([]jsonError, 0, len(errs))
	for _, e := range errs {
		out = append(out, jsonError{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Col, Message: e.Message})
	}
	return out
}

type jsonSummary struct {
	Files      int `json:"files"`
	Objects    int `json:"objects"`
	Findings   int `json:"findings"`
	Errors     int `json:"errors"`
	Suppressed int `json:"suppressed"`
	// Known counts what --baseline or --new-from-rev left out.
	Known int `json:"known,omitempty"`
}

func jsonFindingOf(f rules.Finding, scrub func(string) string) jsonFinding {
	jf := jsonFinding{
		Rule: f.Rule, Severity: f.Severity.String(), Message: f.Text(), Views: f.Views,
		File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
		Field: f.Field, Fixable: f.Fix != nil, NoFix: f.NoFix,
	}
	for _, rel := range f.Related {
		jf.Related = append(jf.Related, jsonRelated{File: rel.Pos.File, Line: rel.Pos.Line, Column: rel.Pos.Col, Message: rel.Message})
	}
	if f.Object != nil {
		jf.Object = objectOf(f.Object, scrub)
	}
	return jf
}

// WriteJSON writes the whole result as one JSON document.
func WriteJSON(w io.Writer, r Report) error {
	out := jsonReport{
		Findings: make([]jsonFinding, 0, len(r.Findings)),
		Errors:   jsonErrors(r.Errors),
		Notices:  jsonErrors(r.Notices),
		Summary: jsonSummary{
			Files: r.Files, Objects: r.Objects, Findings: len(r.Findings),
			Errors: len(r.Errors), Suppressed: r.Suppressed, Known: r.Known,
		},
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFindingOf(f, r.Scrub))
	}
	for _, s := range r.Silenced {
		js := jsonSuppressed{jsonFinding: jsonFindingOf(s.Finding, r.Scrub), By: "config", Reason: s.Reason}
		if s.InSource {
			js.By = "annotation"
		}
		out.Suppressed = append(out.Suppressed, js)
	}
	return safetext.WriteJSON(w, out)
}
