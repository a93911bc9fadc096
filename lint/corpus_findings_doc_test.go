package lint

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCorpusFindingsDoc_MatchesTheGoldens keeps docs/corpus-findings.md,
// the table of every default finding on the corpus with its verdict, equal
// to the corpus goldens (testdata/corpus/*.golden, which
// TestCorpus_FindingsGolden keeps current): each finding is in a row of its
// source, directory (or file), rule and severity, and each row's count is right. It
// reads no corpus, so it runs everywhere.
func TestCorpusFindingsDoc_MatchesTheGoldens(t *testing.T) {
	type row struct {
		source, dir, rule, severity string
		count, got                  int
		line                        int
	}
	goldens, err := filepath.Glob("../testdata/corpus/*.golden")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no corpus goldens (%v)", err)
	}
	var sources []string
	for _, g := range goldens {
		sources = append(sources, strings.TrimSuffix(filepath.Base(g), ".golden"))
	}
	// "kubernetes/api" is kubernetes__api; "istio" is istio__istio.
	sourceOf := func(name string) string {
		var found []string
		for _, s := range sources {
			if s == strings.ReplaceAll(name, "/", "__") || strings.HasSuffix(s, "__"+name) {
				found = append(found, s)
			}
		}
		if len(found) != 1 {
			t.Errorf("docs/corpus-findings.md: source %q names %d corpus sources %v, want one", name, len(found), found)
			return ""
		}
		return found[0]
	}
	doc, err := os.ReadFile("../docs/corpus-findings.md")
	if err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile("^\\| ([^|(]+?) \\(`([^`]+)`\\) \\| (\\d+) \\| ([a-z-]+) \\((error|warning|info)\\) \\|")
	var rows []*row
	for i, line := range strings.Split(string(doc), "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[3])
		rows = append(rows, &row{source: sourceOf(m[1]), dir: m[2], count: n, rule: m[4], severity: m[5], line: i + 1})
	}
	if len(rows) == 0 {
		t.Fatal("docs/corpus-findings.md: no table rows found")
	}
	findingRE := regexp.MustCompile(`^([^:]+):\d+:\d+: (error|warning|info): .* \[([a-z-]+)\]$`)
	for i, g := range goldens {
		f, err := os.Open(g)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			m := findingRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue // the count line
			}
			var match *row
			for _, r := range rows {
				if r.source == sources[i] && r.rule == m[3] && r.severity == m[2] && (strings.HasPrefix(m[1], sources[i]+"/"+r.dir+"/") || m[1] == sources[i]+"/"+r.dir) {
					match = r
				}
			}
			if match == nil {
				t.Errorf("%s: %s (%s, %s) is in no row of docs/corpus-findings.md: decide mistake or deliberate, and add it", filepath.Base(g), m[1], m[3], m[2])
				continue
			}
			match.got++
		}
		_ = f.Close()
	}
	for _, r := range rows {
		if r.got != r.count {
			t.Errorf("docs/corpus-findings.md:%d: %s %s %s (%s) says %d findings, the golden has %d", r.line, r.source, r.dir, r.rule, r.severity, r.count, r.got)
		}
	}
}
