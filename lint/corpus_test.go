package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/rulestest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// corpusSources lists the corpus sources named in INDEX.md with their
// INDEX row split into columns.
func corpusSources(t *testing.T, dir string) map[string][]string {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dir, "INDEX.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(string(index), "\n") {
		if m := indexRow.FindStringSubmatch(line); m != nil {
			out[m[1]+"__"+m[2]] = strings.Split(line, "|")
		}
	}
	if len(out) < 10 {
		t.Fatalf("read only %d sources from INDEX.md", len(out))
	}
	return out
}

// TestCorpus_FindingsGolden lints each corpus source as one bundle with the
// default rules and compares the findings with
// testdata/corpus/<source>.golden (go test ./lint -run Corpus -update).
// Paths are relative to the corpus directory.
func TestCorpus_FindingsGolden(t *testing.T) {
	dir := rulestest.Corpus(t)
	for source := range corpusSources(t, dir) {
		t.Run(source, func(t *testing.T) {
			res, err := Run(Options{Input: Input{Paths: []string{filepath.Join(dir, source)}}})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			prefix := filepath.ToSlash(dir) + "/"
			for _, f := range res.Findings {
				fmt.Fprintf(&buf, "%s: %s: %s [%s]\n", strings.TrimPrefix(filepath.ToSlash(f.Pos.String()), prefix), f.Severity, f.Text(), f.Rule)
			}
			fmt.Fprintf(&buf, "# %d findings, %d input errors, %d objects\n", len(res.Findings), len(res.Errors), res.Objects)
			got := strings.ReplaceAll(buf.String(), prefix, "")
			corpusGolden(t, source, []byte(got))
		})
	}
}

func corpusGolden(t *testing.T, source string, got []byte) {
	t.Helper()
	rulestest.Golden(t, filepath.Join("..", "testdata", "corpus", source+".golden"), got, *update)
}

// TestCorpus_NoFalseMissingPullSecretOrSubject cross-checks the two rules
// that look objects up by name against an independent reading of every
// document of the source: no finding may claim that a Secret or
// ServiceAccount is missing when some file of the same source defines it
// in that namespace. Binding subjects are also checked against the INDEX,
// which counts no unresolved subject in any source.
func TestCorpus_NoFalseMissingPullSecretOrSubject(t *testing.T) {
	dir := rulestest.Corpus(t)
	for source, cols := range corpusSources(t, dir) {
		t.Run(source, func(t *testing.T) {
			defined := definedObjects(t, filepath.Join(dir, source))
			res, err := Run(Options{Input: Input{Paths: []string{filepath.Join(dir, source)}}})
			if err != nil {
				t.Fatal(err)
			}
			unresolvedSubjects := 0
			for _, f := range res.Findings {
				switch {
				case f.Rule == "missing-pull-secret" && strings.Contains(f.Message, "which is not defined in namespace"):
					name := quotedAfter(f.Message, "names Secret ")
					ns := f.Object.Namespace
					if defined["Secret/"+ns+"/"+name] {
						t.Errorf("false positive: %s: Secret %s/%s is defined in the source", f.Pos, ns, name)
					}
				case f.Rule == "missing-rbac-subject" && f.Severity == rules.Warning:
					unresolvedSubjects++
					ref := strings.Fields(strings.SplitN(f.Message, " to ServiceAccount ", 2)[1])[0]
					ref = strings.TrimSuffix(ref, ",")
					if defined["ServiceAccount/"+ref] {
						t.Errorf("false positive: %s: ServiceAccount %s is defined in the source", f.Pos, ref)
					}
				}
			}
			want, err := strconv.Atoi(strings.TrimSpace(cols[16]))
			if err != nil {
				t.Fatalf("INDEX column …unresolved: %v", err)
			}
			if unresolvedSubjects != want {
				t.Errorf("%d unresolved binding subjects reported, INDEX says %d", unresolvedSubjects, want)
			}
		})
	}
}

// quotedAfter returns the Go-quoted string that follows marker in s.
func quotedAfter(s, marker string) string {
	i := strings.Index(s, marker)
	if i < 0 {
		return ""
	}
	q, err := strconv.QuotedPrefix(s[i+len(marker):])
	if err != nil {
		return ""
	}
	name, _ := strconv.Unquote(q)
	return name
}

// definedObjects reads every YAML document under root with a plain decoder
// (not salint's reader) and records "Kind/namespace/name" of each Secret,
// SealedSecret/ExternalSecret (by its own name) and ServiceAccount; a missing
// namespace is "default", as the INDEX counts it.
func definedObjects(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !IsManifestName(d.Name()) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		addDefinitions(out, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var docSeparator = regexp.MustCompile(`(?m)^---`)

// addDefinitions records the objects of each document of data; documents
// are cut at "---" lines and decoded one by one, so that a bad one hides
// nothing after it.
func addDefinitions(out map[string]bool, data []byte) {
	add := func(item map[string]any) {
		meta, _ := item["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		if ns == "" {
			ns = "default"
		}
		switch item["kind"] {
		case "Secret", "SealedSecret", "ExternalSecret":
			out["Secret/"+ns+"/"+name] = true
		case "ServiceAccount":
			out["ServiceAccount/"+ns+"/"+name] = true
		}
	}
	for _, chunk := range docSeparator.Split(string(data), -1) {
		var doc map[string]any
		if yaml.Unmarshal([]byte(chunk), &doc) != nil {
			continue // salint's reader reports it
		}
		add(doc)
		if items, ok := doc["items"].([]any); ok {
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					add(m)
				}
			}
		}
	}
}
