package report

import (
	"io"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/rules"
)

// GitLab Code Quality report: a JSON array of issues in the Code Climate
// subset that GitLab reads (artifacts:reports:codequality). The
// fingerprint is what GitLab uses to tell a new issue from one already on
// the target branch, so it must not change when the line moves.

type codeQualityIssue struct {
	Type        string              `json:"type"`
	CheckName   string              `json:"check_name"`
	Description string              `json:"description"`
	Categories  []string            `json:"categories"`
	Severity    string              `json:"severity"`
	Fingerprint string              `json:"fingerprint"`
	Location    codeQualityLocation `json:"location"`
	EngineName  string              `json:"engine_name"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
}

// gitlabSeverity maps a severity to GitLab's scale (info, minor, major,
// critical, blocker). An error is a workload that will not run or a
// setting the cluster ignores: critical. Input that could not be read at
// all is a blocker: nothing in it was checked.
func gitlabSeverity(s rules.Severity) string { return bySeverity(s, "critical", "minor", "info") }

// WriteGitLab writes findings and input errors as a Code Quality report,
// paths relative to r.BaseDir (the repository root). The array is written
// even when empty, as GitLab expects.
func WriteGitLab(w io.Writer, r Report) error {
	paths := fingerprint.NewPaths(r.BaseDir)
	issues := make([]codeQualityIssue, 0, len(r.Findings)+len(r.Errors))
	issue := func(check, desc, severity, id, file string, line int) codeQualityIssue {
		return codeQualityIssue{
			Type: "issue", CheckName: check, Description: desc,
			Categories: []string{"Bug Risk"}, Severity: severity, Fingerprint: id,
			Location:   codeQualityLocation{Path: file, Lines: codeQualityLines{Begin: max(line, 1)}},
			EngineName: "salint",
		}
	}
	for _, e := range r.Errors {
		file := paths.Of(e.Pos.File).Name
		issues = append(issues, issue("input-error", "cannot lint: "+e.Message, "blocker",
			fingerprint.Of("input-error", file, e.Message), file, e.Pos.Line))
	}
	prints := fingerprint.Findings(r.Findings, paths)
	for i, f := range r.Findings {
		issues = append(issues, issue(f.Rule, ReportedText(&f), gitlabSeverity(f.Severity), prints[i],
			paths.Of(f.Pos.File).Name, f.Pos.Line))
	}
	return safetext.WriteJSON(w, issues)
}
