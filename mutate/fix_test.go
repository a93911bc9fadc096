package mutate_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

var (
	update    = flag.Bool("update", false, "rewrite golden files")
	dumpDiffs = flag.Bool("diffs", false, "log the corpus fixes as diffs")
)

// fixFiles runs the fix loop over files with lint's checks.
func fixFiles(t testing.TB, files []*model.File, opts lint.Options) (*mutate.Result, *lint.Result) {
	t.Helper()
	active, err := opts.ActiveRules()
	if err != nil {
		t.Fatal(err)
	}
	checker := lint.NewFixChecker(opts, active)
	res, err := mutate.Fix(files, checker.Check, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, checker.Last
}

// TestFixGolden runs salint's fixes over each testdata/fix/<case>/in tree
// and compares the result with <case>/out (regenerate with -update). A
// case's optional "flags" file holds create-missing-accounts and/or
// automount=account. Every case is also fixed a second time, which must
// change nothing.
func TestFixGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "testdata", "fix", "*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := lint.Options{Input: lint.Input{Paths: []string{filepath.Join(dir, "in")}}}
			if flags, err := os.ReadFile(filepath.Join(dir, "flags")); err == nil {
				for _, f := range strings.Fields(string(flags)) {
					switch f {
					case "create-missing-accounts":
						opts.Settings.CreateMissingAccounts = true
					case "automount=account":
						opts.Settings.AutomountFix = rules.AutomountFixAccount
					default:
						t.Fatalf("unknown flag %q", f)
					}
				}
			}
			files := lint.Load(opts.Input)
			res, _ := fixFiles(t, files, opts)
			if len(res.Changes) == 0 && !strings.Contains(dir, "unsafe") {
				t.Errorf("no change at all")
			}
			for _, f := range res.Files {
				rel, err := filepath.Rel(filepath.Join(dir, "in"), f.Source.Path)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join(dir, "out", rel), f.Source.Bytes())
			}
			again, _ := fixFiles(t, lint.Reload(opts.Input, res.Files), opts)
			if len(again.Changes) != 0 {
				t.Errorf("second fix changed %s:\n%s", again.Changes[0].Path, mutate.Diff(again.Changes[0]))
			}
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	rulestest.Golden(t, path, got, *update)
}

// TestFixCorpusProperties fixes each source of the corpus as one bundle,
// with every fix allowed, and checks the promises of salint fix: it
// settles, a second run changes nothing, every document no fix touched is
// byte-identical, the output parses, and lint finds nothing fixable after.
func TestFixCorpusProperties(t *testing.T) {
	corpus := rulestest.Corpus(t)
	sources, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, s := range sources {
		if !s.IsDir() {
			continue
		}
		t.Run(s.Name(), func(t *testing.T) {
			opts := lint.Options{Input: lint.Input{Paths: []string{filepath.Join(corpus, s.Name())}}}
			opts.Settings = rules.Settings{CreateMissingAccounts: true, AutomountFix: rules.AutomountFixAccount}
			opts.Enable = []string{"all"}
			files := lint.Load(opts.Input)
			res, last := fixFiles(t, files, opts)
			for _, f := range last.Findings {
				if f.Fix != nil {
					t.Errorf("%s: still fixable after fix: %s", f.Pos, f.Message)
				}
			}
			// Documents a fix was about, by file and index; a document a fix
			// appends comes after all of them.
			touched := map[string]map[int]bool{}
			for _, a := range res.Applied {
				o := a.Finding.Object
				if touched[o.Source.Path] == nil {
					touched[o.Source.Path] = map[int]bool{}
				}
				touched[o.Source.Path][o.DocIndex] = true
			}
			for _, c := range res.Changes {
				changed++
				before, after := documents(c.Old), documents(c.New)
				if len(after) < len(before) {
					t.Errorf("%s: %d documents became %d", c.Path, len(before), len(after))
					continue
				}
				for d, doc := range before {
					if !bytes.Equal(doc, after[d]) && !touched[c.Path][d] {
						t.Errorf("%s: document %d changed though no fix was about it", c.Path, d)
					}
				}
				if errs := model.Read(model.NewSource(c.Path, c.New)).Errors; len(errs) > len(files[indexOf(files, c.Path)].Errors) {
					t.Errorf("%s: fixed output does not parse: %v", c.Path, errs)
				}
				if *dumpDiffs {
					t.Logf("%s", mutate.Diff(c))
				}
			}
			again, _ := fixFiles(t, lint.Reload(opts.Input, res.Files), opts)
			if len(again.Changes) != 0 {
				t.Errorf("fix is not idempotent: second run changed %s", again.Changes[0].Path)
			}
		})
	}
	t.Logf("%d corpus files changed by fixes", changed)
}

func indexOf(files []*model.File, path string) int {
	for i, f := range files {
		if f.Source.Path == path {
			return i
		}
	}
	return -1
}

// documents splits data at "---" lines, as the reader does.
func documents(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 1; i < len(data); i++ {
		if data[i-1] == '\n' && bytes.HasPrefix(data[i:], []byte("---")) {
			out = append(out, data[start:i])
			start = i
		}
	}
	return append(out, data[start:])
}

// TestFixableMeansFixedByPlainFix checks the promise behind a JSON finding's
// "fixable": over the golden inputs and the corpus, with no fix flags, every
// finding lint marks fixable is gone after salint fix, and every finding it
// marks not fixable is still there.
func TestFixableMeansFixedByPlainFix(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "fix", "*", "in"))
	if corpus := rulestest.Corpus(t); corpus != "" {
		sources, _ := os.ReadDir(corpus)
		for _, s := range sources {
			if s.IsDir() {
				dirs = append(dirs, filepath.Join(corpus, s.Name()))
			}
		}
	}
	key := func(f rules.Finding) string {
		o := f.Object
		// Renaming serviceAccount moves a finding about the account to the
		// new field; it is the same finding.
		field := f.Field
		if strings.HasSuffix(field, ".serviceAccount") {
			field += "Name"
		}
		return f.Rule + "|" + o.Kind + "|" + o.Namespace + "|" + o.DisplayName() + "|" + field
	}
	checked := 0
	for _, dir := range dirs {
		opts := lint.Options{Input: lint.Input{Paths: []string{dir}}}
		files := lint.Load(opts.Input)
		active, err := opts.ActiveRules()
		if err != nil {
			t.Fatal(err)
		}
		before := lint.Check(files, opts, active).Findings
		_, after := fixFiles(t, files, opts)
		remaining := map[string]bool{}
		for _, f := range after.Findings {
			remaining[key(f)] = true
		}
		for _, f := range before {
			if f.Object == nil {
				continue
			}
			checked++
			switch gone := !remaining[key(f)]; {
			case f.Fix != nil && !gone:
				t.Errorf("%s: fixable but still reported after fix: %s", f.Pos, f.Message)
			case f.Fix == nil && gone:
				t.Errorf("%s: not fixable, yet gone after fix: [%s] %s", f.Pos, f.Rule, f.Message)
			}
		}
	}
	t.Logf("%d findings checked", checked)
}
