package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Values are read as Helm reads them (YAML 1.1, then JSON), whether a
// values file or a document a GitOps object gives: a plain no is false,
// a key n is "false", 0777 is 511, numbers are float64; what YAML 1.1 and
// 1.2 read alike is unchanged. Each path is noted at the line that set it.
func TestValuesReadAsHelmReadsThem(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		path       string // in the values, by Helm's keys
		want       any
		line       int // where origins says path was set
		absent     string
	}{
		{"a plain no is false", "sa:\n  create: no\n", "sa.create", false, 2, ""},
		{"a plain on is true", "sa:\n  create: on\n", "sa.create", true, 2, ""},
		{"a quoted no is the string", "sa:\n  create: \"no\"\n", "sa.create", "no", 2, ""},
		{"a key n is false", "x: 1\nn: 3\n", "false", 3.0, 2, "n"},
		{"a key Yes is true", "sa:\n  Yes: web\n", "sa.true", "web", 2, "sa.Yes"},
		{"a quoted key n stays", "\"n\": 3\n", "n", 3.0, 1, "false"},
		{"a quoted key n beside a plain one", "n: 1\n\"n\": 2\n", "n", 2.0, 2, ""},
		{"a leading zero is octal", "mode: 0777\n", "mode", 511.0, 1, ""},
		{"a key 0777 is 511", "0777: x\n", "511", "x", 1, "0777"},
		{"an ordinary value is unchanged", "sa:\n  name: web\n", "sa.name", "web", 2, ""},
		{"an ordinary number is a float64", "replicas: 3\n", "replicas", 3.0, 1, ""},
		{"a colon in a value is a string", "time: 1:20\n", "time", "1:20", 1, ""},
	} {
		dir := t.TempDir()
		file := filepath.Join(dir, "v.yaml")
		if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tc.text), &doc); err != nil {
			t.Fatal(err)
		}
		for _, src := range []struct {
			by   string
			opts Options
		}{
			{file, Options{ValuesFiles: []string{file}}},
			{"app.yaml", Options{Given: []Given{{By: "app.yaml", Doc: doc.Content[0]}}}},
		} {
			vals, origins, err := userValues(src.opts)
			if err != nil {
				t.Errorf("%s, from %s: %v", tc.name, src.by, err)
				continue
			}
			if got := lookup(vals, tc.path); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s, from %s: %s is %#v, want %#v", tc.name, src.by, tc.path, got, tc.want)
			}
			if o := origins[tc.path]; o.By != src.by || o.Line != tc.line {
				t.Errorf("%s, from %s: %s set at %v, want line %d", tc.name, src.by, tc.path, o, tc.line)
			}
			if tc.absent != "" {
				if _, ok := origins[tc.absent]; ok || lookup(vals, tc.absent) != nil {
					t.Errorf("%s, from %s: %s is there (%v), want only Helm's key", tc.name, src.by, tc.absent, vals)
				}
			}
		}
	}
}

// A values file of several documents is read as Helm reads it: merged in
// order, each key noted at the document that set it last.
func TestValuesFileOfSeveralDocuments(t *testing.T) {
	file := filepath.Join(t.TempDir(), "v.yaml")
	if err := os.WriteFile(file, []byte("sa:\n  name: one\n  create: true\n---\nsa:\n  name: two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vals, origins, err := userValues(Options{ValuesFiles: []string{file}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := vals, map[string]any{"sa": map[string]any{"name": "two", "create": true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	if origins["sa.name"].Line != 6 || origins["sa.create"].Line != 3 {
		t.Errorf("origins %v: want sa.name at 6, sa.create at 3", origins)
	}
}

func TestHelmKey(t *testing.T) {
	for text, want := range map[string]string{
		"n": "false", "N": "false", "no": "false", "off": "false", "y": "true", "on": "true", "YES": "true",
		"true": "true", "0777": "511", "0x1F": "31", "1.50": "1.5", "1e3": "1000",
		"name": "name", `"n"`: "n", "'on'": "on", "!!str yes": "yes", "nope": "nope", "1:20": "1:20",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text+": v\n"), &doc); err != nil {
			t.Fatal(err)
		}
		if got := helmKey(doc.Content[0].Content[0], map[string]string{}); got != want {
			t.Errorf("key %s: %q, want %q", text, got, want)
		}
	}
}

// A values file Helm cannot read is an error at its line, which never
// quotes a value: a key JSON cannot hold (null, a list) is located, and
// the value under it left out.
func TestValuesHelmCannotRead(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"bad YAML", "a: b\n  c: [\n", "yaml: line 2: "},
		{"a null key", "a:\n  b: 1\n  ~: {password: hunter2}\n", "line 3: a key is null, a list or a table, which Helm cannot read"},
		{"a list key", "a:\n  ? [x]\n  : hunter2\n", "line 2: a key is null, a list or a table, which Helm cannot read"},
	} {
		file := filepath.Join(t.TempDir(), "v.yaml")
		if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		from := map[string]Options{"values file " + file + ": ": {ValuesFiles: []string{file}}}
		var doc yaml.Node
		if yaml.Unmarshal([]byte(tc.text), &doc) == nil { // bad YAML gives no document
			from["app.yaml: values: "] = Options{Given: []Given{{By: "app.yaml", Doc: doc.Content[0]}}}
		}
		for prefix, opts := range from {
			_, _, err := userValues(opts)
			if err == nil || !strings.HasPrefix(err.Error(), prefix+tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%s: error %v, want %q", tc.name, err, prefix+tc.want)
			}
		}
	}
}

// The chart's own values.yaml, which Helm's loader reads, gets the same
// error, never quoting the value either; other loader errors stand.
func TestChartValuesHelmCannotRead(t *testing.T) {
	for values, want := range map[string]string{
		"a:\n  ~: {password: hunter2}\n": "values.yaml: line 2: a key is null, a list or a table, which Helm cannot read",
		"a: [\n":                         "values.yaml: yaml: line 1: did not find expected node content",
	} {
		dir := t.TempDir()
		for name, text := range map[string]string{"Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", "values.yaml": values} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, bad := prepare(dir, Options{})
		if bad == nil || bad.msg != want {
			t.Errorf("%q: %+v, want %q", values, bad, want)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, bad := prepare(dir, Options{}); bad == nil || !strings.HasPrefix(bad.msg, "cannot load Chart.yaml") {
		t.Errorf("a bad Chart.yaml: %+v", bad)
	}
}

// A fix sets a value in a values file of one document, not in one of
// several: another document may set the key too, and Helm merges them.
func TestValueFixOnlyInAOneDocumentFile(t *testing.T) {
	for _, tc := range []struct {
		values string
		fix    bool
	}{
		{"sa: web\n", true},
		{"sa: web\n---\nother: 1\n", false},
	} {
		dir := writeChart(t, map[string]string{
			"Chart.yaml":        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
			"values.yaml":       tc.values,
			"templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.sa }}\n",
		})
		o := renderedKind(t, dir, Options{}, "ServiceAccount")
		if got := len(o.Built.Values) > 0; got != tc.fix {
			t.Errorf("values %q: a fix may edit them: %v, want %v", tc.values, got, tc.fix)
		}
	}
}

// BenchmarkIndexValues indexes a values file of 6,000 keys, most of them
// words that start like YAML 1.1's booleans (tolerations, nodeSelector,
// fullnameOverride): what helmKey must not send through a reader each.
func BenchmarkIndexValues(b *testing.B) {
	var text strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&text, "tolerations%d: {nodeSelector: x, fullnameOverride%d: y}\n", i, i)
	}
	data := []byte(text.String())
	b.ReportAllocs()
	for b.Loop() {
		indexValues("values.yaml", "", data, map[string]origin{})
	}
}
