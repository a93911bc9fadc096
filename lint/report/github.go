package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint/fingerprint"
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
	paths := fingerprint.NewPaths(r.BaseDir)
	for _, e := range r.Errors {
		writeGitHubCommand(w, "error", paths.Of(e.Pos.File).Name, e.Pos, "salint: input error", e.Message)
	}
	for _, n := range r.Notices {
		writeGitHubCommand(w, "notice", paths.Of(n.Pos.File).Name, n.Pos, "salint", n.Message)
	}
	for _, f := range r.Findings {
		writeGitHubCommand(w, githubCommand(f.Severity), paths.Of(f.Pos.File).Name, f.Pos, f.Rule, ReportedText(&f))
	}
	_, err := fmt.Fprintln(w, Summary(r.Result))
	return err
}

func writeGitHubCommand(w io.Writer, cmd, file string, pos model.Position, title, msg string) {
	props := []string{"file=" + ghProperty.Replace(safetext.Escape(file))}
	if pos.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", pos.Line))
		if pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", pos.Col))
		}
	}
	props = append(props, "title="+ghProperty.Replace(title))
	fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData.Replace(safetext.Escape(msg)))
}

// The step summary's table is bounded in rows and in bytes: GitHub
// discards a step's summary over 1 MiB whole (other tools in the step may
// write to it too), and a table of thousands of rows helps nobody. Input
// decides how long a row is, so the row count alone bounds nothing.
const (
	maxSummaryRows  = 200
	maxSummaryBytes = 256 << 10
)

// WriteMarkdownSummary writes the run as Markdown for a job summary
// ($GITHUB_STEP_SUMMARY): the summary line, then a table of findings, then
// what was left out of it.
func WriteMarkdownSummary(w io.Writer, r Report) error {
	paths := fingerprint.NewPaths(r.BaseDir)
	var b strings.Builder
	fmt.Fprintf(&b, "### salint\n\n%s\n", mdCell(Summary(r.Result)))
	if len(r.Findings)+len(r.Errors) > 0 {
		b.WriteString("\n| severity | rule | location | message |\n|---|---|---|---|\n")
	}
	rows := make([]string, 0, min(len(r.Errors)+len(r.Findings), maxSummaryRows+1))
	for _, e := range r.Errors {
		if len(rows) > maxSummaryRows {
			break
		}
		rows = append(rows, fmt.Sprintf("| error | input error | `%s` | %s |\n", mdCode(locString(paths, e.Pos)), mdCell(e.Message)))
	}
	for _, f := range r.Findings {
		if len(rows) > maxSummaryRows {
			break
		}
		rows = append(rows, fmt.Sprintf("| %s | [`%s`](%s/blob/main/docs/rules/%s.md) | `%s` | %s |\n",
			f.Severity, f.Rule, infoURI, f.Rule, mdCode(locString(paths, f.Pos)), mdCell(ReportedText(&f))))
	}
	written, bySize := 0, false
	for _, row := range rows {
		if written == maxSummaryRows {
			break
		}
		if b.Len()+len(row) > maxSummaryBytes {
			bySize = true
			break
		}
		b.WriteString(row)
		written++
	}
	if more := len(r.Findings) + len(r.Errors) - written; more > 0 {
		cut := fmt.Sprintf("the first %d", maxSummaryRows)
		if bySize {
			cut = fmt.Sprintf("what fits in %d KiB", maxSummaryBytes>>10)
		}
		fmt.Fprintf(&b, "\n…and %d more (this table shows %s); the job log has them all.\n", more, cut)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func locString(paths *fingerprint.Paths, pos model.Position) string {
	pos.File = paths.Of(pos.File).Name
	return pos.String()
}

// mdLineBreaks turns line breaks into spaces: a table row is one line.
var mdLineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// mdCell makes text from input plain text in a Markdown table cell (GFM,
// as GitHub renders a step summary): one line, no column separators, no
// HTML, and no link, image, emphasis or code span: the characters that open
// them are backslash-escaped, which renders them as themselves. So are the
// openings of GFM's autolink literals ("://", "www.", "@"), so that a name
// cannot become a live link either.
func mdCell(s string) string {
	s = safetext.Escape(mdLineBreaks.Replace(s))
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '|':
			b.WriteString(`\|`)
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		case c == '&':
			b.WriteString("&amp;")
		case strings.IndexByte("\\`*_~[]@", c) >= 0,
			c == ':' && strings.HasPrefix(s[i:], "://"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdCode makes text safe inside a one-backtick code span in a table: it
// cannot hold a backtick, so nothing can close the span early.
func mdCode(s string) string {
	return mdCodeEscaper.Replace(safetext.Escape(mdLineBreaks.Replace(s)))
}

var mdCodeEscaper = strings.NewReplacer("`", "'", "|", `\|`)
