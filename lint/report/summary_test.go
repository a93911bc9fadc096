package report

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// markdownMessages are messages (as names put them there) that Markdown
// would render as something else than their text: links, images, HTML,
// emphasis, code and GFM's autolink literals.
var markdownMessages = []string{
	"Pod shop/![x](https://evil.example/p.png) runs as ServiceAccount \"a\"",
	"Pod shop/[approve](https://evil.example/ok) runs as it",
	"Pod [a][r] and [b][] and [r]: https://evil.example/def",
	"<img src=x onerror=alert(1)> <https://evil.example> &lt;b&gt; &#x3c;",
	"visit https://evil.example, www.evil.example or WWW.EVIL.EXAMPLE, mail a@evil.example, (http://evil.example)",
	"**bold** __strong__ *em* _em_ ~~gone~~ ~x~ `code` ``two``",
	"a | b \\| c \\[d](https://evil.example) \\",
	"line\nbreak\r\nand\rmore \x1b[31mred\u2028sep",
}

func TestStepSummary_RendersAsTextWithGFM(t *testing.T) {
	node, err := exec.LookPath("node")
	renderer := filepath.Join("..", "..", ".ci", "markdown")
	if _, statErr := os.Stat(filepath.Join(renderer, "node_modules", "micromark-extension-gfm")); err != nil || statErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Node.js or .ci/markdown/node_modules missing in CI")
		}
		t.Skip("Node.js or .ci/markdown/node_modules is missing (npm ci --prefix .ci/markdown; .ci/run does it): step summary not rendered")
	}
	var findings []rules.Finding
	for i, msg := range markdownMessages {
		findings = append(findings, rules.Finding{
			Rule: "missing-service-account", Severity: rules.Error, Message: msg,
			Pos: model.Position{File: "a/[x](https:evil.example)`|*b*.yaml", Line: i + 1, Col: 1},
		})
	}
	var md bytes.Buffer
	if err := WriteMarkdownSummary(&md, Report{Result: &lint.Result{Findings: findings}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(file, md.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join(renderer, "render.mjs"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	rendered := string(out)
	// The only links are the rule names' links to their docs; the only
	// elements are the table's and those links' code spans.
	for _, href := range regexp.MustCompile(`<a href="([^"]*)"`).FindAllStringSubmatch(rendered, -1) {
		if !strings.HasPrefix(href[1], infoURI+"/blob/main/docs/rules/") {
			t.Errorf("a live link to %s in the step summary", href[1])
		}
	}
	allowed := map[string]bool{"h3": true, "p": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "a": true, "code": true}
	for _, tag := range regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`).FindAllStringSubmatch(rendered, -1) {
		if !allowed[tag[1]] {
			t.Errorf("element <%s> in the rendered summary:\n%s", tag[1], rendered)
		}
	}
	// Each message is one row, its cell the escaped text exactly.
	rows := regexp.MustCompile(`(?s)<tr>\s*<td>error</td>.*?</tr>`).FindAllString(rendered, -1)
	if len(rows) != len(findings) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(findings), rendered)
	}
	cell := regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	for i, row := range rows {
		cells := cell.FindAllStringSubmatch(row, -1)
		if len(cells) != 4 {
			t.Errorf("row %d has %d cells, want 4: %s", i, len(cells), row)
			continue
		}
		want := safetext.Escape(mdLineBreaks.Replace(markdownMessages[i]))
		if got := html.UnescapeString(cells[3][1]); got != want {
			t.Errorf("message cell renders as\n%q\nwant\n%q", got, want)
		}
		if got := html.UnescapeString(cells[2][1]); !strings.HasPrefix(got, "<code>a/[x](https:evil.example)'|*b*.yaml:") {
			t.Errorf("location cell renders as %q", got)
		}
	}
}

func TestStepSummary_BoundedInBytes(t *testing.T) {
	// 50 findings of 10 kB messages: under the row bound, over the byte
	// bound (a 200 kB manifest of long names made a 1.2 MB summary).
	long := strings.Repeat("n", 10_000)
	var findings []rules.Finding
	for i := range 50 {
		findings = append(findings, rules.Finding{Rule: "missing-service-account", Severity: rules.Error,
			Message: "Pod " + long, Pos: model.Position{File: "a.yaml", Line: i + 1}})
	}
	var md bytes.Buffer
	if err := WriteMarkdownSummary(&md, Report{Result: &lint.Result{Findings: findings}}); err != nil {
		t.Fatal(err)
	}
	if md.Len() > maxSummaryBytes+1024 {
		t.Errorf("summary is %d bytes, want at most about %d", md.Len(), maxSummaryBytes)
	}
	shown := strings.Count(md.String(), "\n| error |")
	if shown == 0 || shown >= len(findings) {
		t.Fatalf("%d rows shown of %d", shown, len(findings))
	}
	if want := "…and " + strconv.Itoa(len(findings)-shown) + " more (this table shows what fits in 256 KiB); the job log has them all."; !strings.Contains(md.String(), want) {
		t.Errorf("summary does not say what was cut (%q):\n%s", want, md.String()[md.Len()-300:])
	}
}
