// Package rulestest runs a rule over YAML whose comments state the expected
// findings, in the manner of golang.org/x/tools/go/analysis/analysistest:
//
//	serviceAccountName: wbe   # want "not defined in namespace shop"
//
// Every finding must be matched by a `# want "regexp"` comment on its line,
// and every want comment by a finding. Several wants may share a line.
package rulestest

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// Run lints every *.yaml file in dir as one bundle with rule and checks the
// findings against the files' want comments.
func Run(t *testing.T, dir string, rule *rules.Rule, opts model.Options, settings *rules.Settings) []rules.Finding {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no *.yaml files in %s", dir)
	}
	sort.Strings(paths)
	files := make([]*model.File, 0, len(paths))
	wants := map[string][]*want{} // "file:line" → wants
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := model.Read(model.NewSource(p, data))
		for _, e := range f.Errors {
			t.Errorf("input error: %v", e)
		}
		files = append(files, f)
		for i, line := range strings.Split(string(data), "\n") {
			for _, w := range parseWants(t, p, i+1, line) {
				key := p + ":" + strconv.Itoa(i+1)
				wants[key] = append(wants[key], w)
			}
		}
	}
	findings := Check(rule, model.Build(files, opts), settings)
	for _, f := range findings {
		key := f.Pos.File + ":" + strconv.Itoa(f.Pos.Line)
		matched := false
		for _, w := range wants[key] {
			if !w.used && w.re.MatchString(f.Text()) {
				w.used, matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("%s: unexpected finding: %s", f.Pos, f.Text())
		}
	}
	for key, ws := range wants {
		for _, w := range ws {
			if !w.used {
				t.Errorf("%s: no finding matched want %q", key, w.re)
			}
		}
	}
	return findings
}

// Check runs one rule over a bundle and returns its findings, sorted.
func Check(rule *rules.Rule, b *model.Bundle, settings *rules.Settings) []rules.Finding {
	var out []rules.Finding
	rule.Check(rules.NewPass(rule, b, settings, func(f rules.Finding) { out = append(out, f) }))
	rules.SortFindings(out)
	return out
}

// CheckYAML reads one YAML text as file "test.yaml" and runs rule over it;
// for table tests.
func CheckYAML(t *testing.T, rule *rules.Rule, text string, opts model.Options, settings *rules.Settings) []rules.Finding {
	t.Helper()
	f := model.Read(model.NewSource("test.yaml", []byte(text)))
	for _, e := range f.Errors {
		t.Fatalf("input error: %v", e)
	}
	return Check(rule, model.Build([]*model.File{f}, opts), settings)
}

type want struct {
	re   *regexp.Regexp
	used bool
}

var wantRE = regexp.MustCompile(`#\s*want((?:\s+"(?:[^"\\]|\\.)*")+)\s*$`)
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

func parseWants(t *testing.T, file string, line int, text string) []*want {
	m := wantRE.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	var out []*want
	for _, q := range quotedRE.FindAllString(m[1], -1) {
		s, err := strconv.Unquote(q)
		if err != nil {
			t.Fatalf("%s:%d: bad want %s: %v", file, line, q, err)
		}
		re, err := regexp.Compile(s)
		if err != nil {
			t.Fatalf("%s:%d: bad want regexp %q: %v", file, line, s, err)
		}
		out = append(out, &want{re: re})
	}
	return out
}
