package lint

import (
	"fmt"
	"io"
	"strings"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// GitHub Actions workflow commands: a line "::error file=F,line=L,col=C,
// title=T::message" becomes an annotation on that line of the pull
// request. Escaping follows @actions/core: %, CR and LF in the message;
// also ':' and ',' in property values, which would otherwise end them.

var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// githubCommand maps a severity to the workflow command that annotates.
func githubCommand(s rules.Severity) string { return bySeverity(s, "error", "warning", "notice") }

// WriteGitHub writes one workflow command per finding, input error and
// notice (how an input was read),
// paths relative to r.BaseDir (the checkout), then the summary line.
func WriteGitHub(w io.Writer, r Report) error {
	paths := newRelPaths(r.BaseDir)
	for _, e := range r.Errors {
		writeGitHubCommand(w, "error", paths.of(e.Pos.File).path, e.Pos, "salint: input error", e.Message)
	}
	for _, n := range r.Notices {
		writeGitHubCommand(w, "notice", paths.of(n.Pos.File).path, n.Pos, "salint", n.Message)
	}
	for _, f := range r.Findings {
		writeGitHubCommand(w, githubCommand(f.Severity), paths.of(f.Pos.File).path, f.Pos, f.Rule, f.Text())
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

func writeGitHubCommand(w io.Writer, cmd, file string, pos model.Position, title, msg string) {
	props := []string{"file=" + ghProperty.Replace(file)}
	if pos.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", pos.Line))
		if pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", pos.Col))
		}
	}
	props = append(props, "title="+ghProperty.Replace(title))
	fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData.Replace(msg))
}

// maxSummaryRows bounds the step summary's table: GitHub refuses a
// summary over 1 MiB, and a table of thousands of rows helps nobody.
const maxSummaryRows = 200

// WriteMarkdownSummary writes the run as Markdown for a job summary
// ($GITHUB_STEP_SUMMARY): the summary line, then a table of findings.
func WriteMarkdownSummary(w io.Writer, r Report) error {
	paths := newRelPaths(r.BaseDir)
	fmt.Fprintf(w, "### salint\n\n%s\n", mdCell(r.Summary()))
	if len(r.Findings)+len(r.Errors) > 0 {
		fmt.Fprint(w, "\n| severity | rule | location | message |\n|---|---|---|---|\n")
	}
	rows := 0
	for _, e := range r.Errors {
		if rows++; rows > maxSummaryRows {
			break
		}
		fmt.Fprintf(w, "| error | input error | `%s` | %s |\n", mdCode(locString(paths, e.Pos)), mdCell(e.Message))
	}
	for _, f := range r.Findings {
		if rows++; rows > maxSummaryRows {
			break
		}
		fmt.Fprintf(w, "| %s | [`%s`](%s/blob/main/docs/rules/%s.md) | `%s` | %s |\n",
			f.Severity, f.Rule, infoURI, f.Rule, mdCode(locString(paths, f.Pos)), mdCell(f.Text()))
	}
	if more := len(r.Findings) + len(r.Errors) - maxSummaryRows; more > 0 {
		fmt.Fprintf(w, "\n…and %d more; the job log has them all.\n", more)
	}
	_, err := fmt.Fprintln(w)
	return err
}

func locString(paths *relPaths, pos model.Position) string {
	pos.File = paths.of(pos.File).path
	return pos.String()
}

// mdCell makes text safe in a Markdown table cell: no line breaks, no
// column separators, no HTML.
var mdCell = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace

// mdCode makes text safe inside a one-backtick code span in a table.
var mdCode = strings.NewReplacer("`", "'", "|", `\|`, "\n", " ", "\r", " ").Replace
