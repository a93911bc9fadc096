package lint

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	rulestest.Golden(t, filepath.Join("..", "testdata", "golden", name), got, *update)
}

func runExample(t *testing.T) *Result {
	t.Helper()
	res, err := Run(Options{Input: Input{Paths: []string{"../testdata/example"}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFilesIn(t, dir, files)
	return dir
}

// writeFilesIn writes files (slash paths to contents) under dir.
func writeFilesIn(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	rulestest.WriteFiles(t, dir, files)
}

const podTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  %s
spec:
  template:
    metadata:
      %s
    spec:
      serviceAccountName: ghost
`

func lintText(t *testing.T, opts Options) []string {
	t.Helper()
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.Rule+"@"+filepath.Base(f.Pos.File)+":"+strconv.Itoa(f.Pos.Line))
	}
	return ids
}

func TestIgnoreAnnotation_OnObjectAndOnPodTemplate(t *testing.T) {
	cases := map[string]struct {
		objAnn, tmplAnn string
		silenced        bool
	}{
		"none":             {"labels: {}", "labels: {}", false},
		"object rule":      {"annotations: {salint.io/ignore: missing-service-account}", "labels: {}", true},
		"object all":       {"annotations: {salint.io/ignore: all}", "labels: {}", true},
		"object other":     {"annotations: {salint.io/ignore: automount-conflict}", "labels: {}", false},
		"template list":    {"labels: {}", `annotations: {salint.io/ignore: "automount-conflict, missing-service-account"}`, true},
		"template all":     {"labels: {}", "annotations: {salint.io/ignore: all}", true},
		"template unknown": {"labels: {}", "annotations: {salint.io/ignore: something-else}", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"d.yaml": fmtTemplate(c.objAnn, c.tmplAnn)})
			got := lintText(t, Options{Input: Input{Paths: []string{dir}}})
			if silenced := len(got) == 0; silenced != c.silenced {
				t.Errorf("findings %v, want silenced=%v", got, c.silenced)
			}
		})
	}
}

func fmtTemplate(objAnn, tmplAnn string) string {
	return strings.Replace(strings.Replace(podTemplate, "%s", objAnn, 1), "%s", tmplAnn, 1)
}

func TestConfigIgnoreEntries(t *testing.T) {
	files := map[string]string{
		"apps/web.yaml":         fmtTemplate("labels: {}", "labels: {}"),
		"vendor/x/web.yaml":     strings.Replace(fmtTemplate("labels: {}", "labels: {}"), "name: web", "name: vendored", 1),
		"other/monitoring.yaml": strings.Replace(fmtTemplate("labels: {}", "labels: {}"), "namespace: shop", "namespace: monitoring", 1),
	}
	cases := []struct {
		config string
		want   int
	}{
		{"", 3},
		{"ignore:\n- {rule: \"*\", path: \"vendor/**\"}\n", 2},
		{"ignore:\n- {rule: missing-service-account, namespace: monitoring}\n", 2},
		{"ignore:\n- {rule: automount-conflict, namespace: monitoring}\n", 3},
		{"ignore:\n- {kind: Deployment, name: web}\n", 1}, // web in shop and in monitoring
		{"ignore:\n- {path: \"**/*.yaml\"}\n", 0},
		{"ignore:\n- {path: \"apps/*.yaml\"}\n", 2},
		{"rules:\n  missing-service-account: {enabled: false}\n", 0},
	}
	for _, c := range cases {
		dir := writeFiles(t, files)
		cfgPath := filepath.Join(dir, ConfigFileName)
		if err := os.WriteFile(cfgPath, []byte(c.config), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(cfgPath)
		if err != nil {
			t.Fatalf("%q: %v", c.config, err)
		}
		got := lintText(t, Options{Input: Input{Paths: []string{dir}}, Config: cfg})
		if len(got) != c.want {
			t.Errorf("config %q: %d findings %v, want %d", c.config, len(got), got, c.want)
		}
	}
}

func TestConfigSeverityOverride(t *testing.T) {
	cfg, err := ParseConfig([]byte("rules:\n  missing-service-account: {severity: info}\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"d.yaml": fmtTemplate("labels: {}", "labels: {}")})
	res, err := Run(Options{Input: Input{Paths: []string{dir}}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Severity != rules.Info {
		t.Fatalf("findings %+v", res.Findings)
	}
	if res.Failed(rules.Warning) || !res.Failed(rules.Info) {
		t.Error("Failed() does not follow the overridden severity")
	}
}

func TestParseConfig_RejectsWhatItDoesNotKnow(t *testing.T) {
	cases := map[string]string{
		"unknown key":         "namespace: a\nnamepsace: b\n",
		"unknown rule":        "rules:\n  no-such-rule: {enabled: false}\n",
		"unknown rule field":  "rules:\n  missing-service-account: {enable: false}\n",
		"bad severity":        "rules:\n  missing-service-account: {severity: fatal}\n",
		"bad external":        "externalAccounts: [justaname]\n",
		"unknown ignore rule": "ignore:\n- {rule: nope}\n",
		"empty ignore":        "ignore:\n- {}\n",
		"not a mapping":       "- a\n",
	}
	for name, text := range cases {
		if _, err := ParseConfig([]byte(text)); err == nil {
			t.Errorf("%s: no error for %q", name, text)
		}
	}
	if _, err := ParseConfig([]byte("namespace: a\nnamepsace: b\n")); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "namepsace") {
		t.Errorf("unknown key error does not name the key and line: %v", err)
	}
	for _, ok := range []string{"", "namespace: x\n", "externalAccounts: [ci/deployer, monitoring/*, \"*/robot\"]\n"} {
		if _, err := ParseConfig([]byte(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestExternalAccountsSatisfyReferences(t *testing.T) {
	dir := writeFiles(t, map[string]string{"d.yaml": fmtTemplate("labels: {}", "labels: {}")})
	for _, ext := range []string{"shop/ghost", "shop/*", "*/ghost"} {
		cfg := &Config{ExternalAccounts: []string{ext}}
		if got := lintText(t, Options{Input: Input{Paths: []string{dir}}, Config: cfg}); len(got) != 0 {
			t.Errorf("externalAccounts %q: findings %v", ext, got)
		}
	}
	cfg := &Config{ExternalAccounts: []string{"other/ghost"}}
	if got := lintText(t, Options{Input: Input{Paths: []string{dir}}, Config: cfg}); len(got) != 1 {
		t.Errorf("externalAccounts in another namespace silenced: %v", got)
	}
}

func TestNamespaceOptionPlacesUnnamespacedObjects(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"sa.yaml":  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {serviceAccountName: web}\n",
	})
	// Only the rule that compares namespaces: in namespace default the
	// account is also unused, which is another rule's business.
	missing := []*rules.Rule{rules.MissingServiceAccount}
	if got := lintText(t, Options{Input: Input{Paths: []string{dir}}, Catalog: missing}); len(got) != 1 {
		t.Errorf("default namespace: findings %v, want 1", got)
	}
	if got := lintText(t, Options{Input: Input{Paths: []string{dir}}, Namespace: "shop", Catalog: missing}); len(got) != 0 {
		t.Errorf("--namespace shop: findings %v, want none", got)
	}
}

func TestUnknownRuleIDIsAUsageError(t *testing.T) {
	if _, err := Run(Options{Input: Input{Paths: []string{"."}}, Enable: []string{"nope"}}); err == nil {
		t.Error("no error for --enable nope")
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"vendor/**", "vendor/a/b.yaml", true},
		{"vendor/**", "vendor", true},
		{"vendor/**", "src/vendor/a.yaml", false},
		{"**/secret*.yaml", "a/b/secret-x.yaml", true},
		{"**/secret*.yaml", "secret.yaml", true},
		{"apps/*.yaml", "apps/x/y.yaml", false},
		{"apps/*.yaml", "apps/y.yaml", true},
		{"**", "", true},
		{"**", "a/b", true},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/c/b", false},
		{"**/**/x", "x", true},
		{"**/x/**", "a/x", true},
		{"*/x", "x", false},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.path); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.path, got)
		}
	}
}

// TestGlobMatch_PathologicalPatternsArePolynomial: "**/" repeated against
// a deep path that does not match tried every way of splitting the path
// among the "**"s (3.8 s per finding at 10 repetitions and 24 levels;
// this input, C(64, 24) ways, would never finish). go test's timeout is
// the guard; the result is checked.
func TestGlobMatch_PathologicalPatternsArePolynomial(t *testing.T) {
	pattern := strings.Repeat("**/", 24) + "x.yaml"
	deep := strings.Repeat("d/", 40) + "y.yaml"
	if globMatch(pattern, deep) {
		t.Errorf("globMatch(%q, %q) = true", pattern, deep)
	}
	if !globMatch(pattern, strings.Repeat("d/", 40)+"x.yaml") {
		t.Error("the pattern does not match the path it should")
	}
}

var indexRow = regexp.MustCompile(`^\| \[([^/\]]+)/([^\]]+)\]`)

// TestCorpus_MissingAccountsMatchTheIndex lints each corpus source as one
// bundle (as its INDEX counts it) and checks: no panic, every input error
// located, and exactly as many missing-service-account findings as the
// INDEX's "SA ref unresolved" column — no false positive for an account in
// another file, and every truly missing one found.
func TestCorpus_MissingAccountsMatchTheIndex(t *testing.T) {
	dir := rulestest.Corpus(t)
	sources := corpusSources(t, dir)
	for _, source := range slices.Sorted(maps.Keys(sources)) {
		cols := sources[source]
		want, err := strconv.Atoi(strings.TrimSpace(cols[10]))
		if err != nil {
			t.Fatalf("INDEX row %q: %v", strings.Join(cols, "|"), err)
		}
		t.Run(source, func(t *testing.T) {
			// INDEX counts the files as written (kustomize's gatekeeper
			// namespace is its one "unresolved" reference), so read raw;
			// lint/kustomize tests the built trees.
			res, err := Run(Options{Input: Input{Paths: []string{filepath.Join(dir, source)}, Kustomize: KustomizeOff}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Errors {
				if e.Pos.Line < 1 {
					t.Errorf("unlocated error: %v", e)
				}
			}
			got := 0
			for _, f := range res.Findings {
				// An undefined reference under an invalid name is
				// invalid-service-account-name's finding alone.
				if f.Rule == "missing-service-account" || (f.Rule == "invalid-service-account-name" && f.Pod != nil && undefined(res.Bundle, f.Pod)) {
					got++
				}
				if f.Pos.Line < 1 || f.Pos.Col < 1 {
					t.Errorf("unlocated finding: %s %s", f.Pos, f.Message)
				}
			}
			if got != want {
				t.Errorf("%d missing-service-account findings, INDEX says %d unresolved", got, want)
			}
		})
	}
}

// undefined reports whether the account pod runs as is not in the bundle.
func undefined(b *model.Bundle, pod *model.PodSpec) bool {
	name, _ := pod.AccountName()
	return !b.AccountExists(pod.Namespace(), name)
}

func TestCorpus_BadFilesAreLocatedErrorsAndTheRestIsLinted(t *testing.T) {
	dir := rulestest.Corpus(t)
	res, err := Run(Options{Input: Input{Paths: []string{filepath.Join(dir, "_bad"), filepath.Join(dir, "tektoncd__pipeline")}}})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]bool{}
	for _, e := range res.Errors {
		if e.Pos.Line < 1 || !strings.Contains(e.Message, "invalid YAML") {
			t.Errorf("error not located or unclear: %v", e)
		}
		bad[e.Pos.File] = true
	}
	if len(bad) != 3 {
		t.Errorf("%d bad files reported, want the 3 Helm templates: %v", len(bad), res.Errors)
	}
	if res.Objects < 50 {
		t.Errorf("only %d objects read: the good files were not linted", res.Objects)
	}
}

// A finding names a List item as its object, so its field is relative to
// that item, as for any other object (kubectl applies the items one by
// one, and the API server's errors name the item's own fields).
func TestListItem_FieldIsRelativeToTheItem(t *testing.T) {
	dir := writeFiles(t, map[string]string{"list.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c, namespace: shop}
- apiVersion: batch/v1
  kind: CronJob
  metadata: {name: job, namespace: shop}
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            serviceAccountName: Build_Robot
            containers: [{name: c, image: nginx}]
`})
	res, err := Run(Options{Input: Input{Paths: []string{dir}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %v, want one", res.Findings)
	}
	f := res.Findings[0]
	const want = "spec.jobTemplate.spec.template.spec.serviceAccountName"
	if f.Field != want || !strings.Contains(f.Message, "rejects the CronJob: "+want+": Invalid value") {
		t.Errorf("field %q, message %q; want the field %s, relative to the item", f.Field, f.Message, want)
	}
}

// A mistyped rule id in the ignore annotation silences nothing: the run
// says so, with the closest rule id, as --disable does; known ids (any
// case) and "all" are not reported.
func TestIgnoreAnnotation_UnknownRuleIsANotice(t *testing.T) {
	dir := writeFiles(t, map[string]string{"d.yaml": fmtTemplate(
		`annotations: {salint.io/ignore: "mising-service-account, ALL"}`,
		`annotations: {salint.io/ignore: "Automount-Conflict, no-such-thing"}`)})
	res, err := Run(Options{Input: Input{Paths: []string{dir}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Notices {
		got = append(got, n.Message)
		if n.Pos.Line < 1 {
			t.Errorf("unlocated notice %v", n)
		}
	}
	want := []string{
		`Deployment shop/web: salint.io/ignore names unknown rule "mising-service-account" (did you mean "missing-service-account"? see 'salint rules'); it silences nothing`,
		`Deployment shop/web: the pod template's salint.io/ignore names unknown rule "no-such-thing" (see 'salint rules'); it silences nothing`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notices\n%q\nwant\n%q", got, want)
	}
}

// TestLoadConfig_LocatedErrors: a config mistake is said at file:line, in
// the config's own words, with the closest key for a misspelled one.
func TestLoadConfig_LocatedErrors(t *testing.T) {
	cases := map[string]struct{ text, want string }{
		"unknown key": {"namespace: ci\nexternalAcounts: [ci/deployer]\n",
			`F:2: unknown key "externalAcounts" (did you mean "externalAccounts"?)`},
		"unknown nested key": {"rules:\n  automount-conflict:\n    severty: info\n",
			`F:3: rules.automount-conflict: unknown key "severty" (did you mean "severity"?)`},
		"unknown ignore key": {"ignore:\n- rule: '*'\n  paht: vendor/**\n",
			`F:3: ignore[0]: unknown key "paht" (did you mean "path"?)`},
		"no close key": {"frobnicate: 1\n",
			`F:1: unknown key "frobnicate" (known: namespace, externalAccounts, externalSecrets, privateRegistries, rules, ignore, helm, clusters)`},
		"string for a list": {"externalAccounts: api-sa\n",
			`F:1: externalAccounts: want a list ([a, b], or one "- item" per line), got "api-sa"`},
		"list for a string": {"namespace: [a, b]\n",
			`F:1: namespace: want a single value, got a list`},
		"not a mapping": {"- a\n",
			`F:1: want a mapping of keys (namespace: ..., rules: ...), got a list`},
		"bool": {"rules:\n  automount-conflict: {enabled: maybe}\n",
			`F:2: rules.automount-conflict.enabled: want true or false, got "maybe"`},
		"helm chart key": {"helm:\n  charts:\n    web: {valus: [a.yaml]}\n",
			`F:3: helm.charts.web: unknown key "valus" (did you mean "values"?)`},
		"helm set not a value": {"helm:\n  charts:\n    web:\n      set: {a: [1]}\n",
			`F:4: helm.charts.web.set.a: want a single value, got a list`},
		"two problems": {"namepsace: a\nignore: {rule: x}\n",
			"F:1: unknown key \"namepsace\" (did you mean \"namespace\"?); F:2: ignore: want a list ([a, b], or one \"- item\" per line), got a mapping"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), ConfigFileName)
			if err := os.WriteFile(file, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(file)
			if err == nil {
				t.Fatalf("no error for %q", c.text)
			}
			if got := strings.ReplaceAll(err.Error(), file, "F"); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
