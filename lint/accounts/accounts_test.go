package accounts_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/accounts"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// extensions maps each format to its golden file extension.
var extensions = map[string]string{"text": "txt", "json": "json", "dot": "dot", "mermaid": "mmd"}

// repoRoot is the directory holding go.mod, found before any test changes
// directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod in %s", dir)
	}
	return dir
}

func golden(t *testing.T, root, name string, got []byte) {
	t.Helper()
	rulestest.Golden(t, filepath.Join(root, "testdata", "golden", "accounts", name), got, *update)
}

// view reads paths (relative to the working directory) as salint accounts
// does: a section per cluster view when they form several.
func view(t *testing.T, cfg *lint.Config, paths ...string) *accounts.View {
	t.Helper()
	res := lint.Model(lint.Options{Input: lint.Input{Paths: paths}, Config: cfg})
	for _, e := range res.Errors {
		t.Logf("input error (shown on stderr by the command): %v", e)
	}
	return accounts.BuildClusters(clustersOf(res))
}

// clustersOf is what salint accounts shows of a run: its cluster views.
func clustersOf(res *lint.Result) []accounts.Cluster {
	clusters := make([]accounts.Cluster, 0, len(res.Views))
	for _, v := range res.Views {
		clusters = append(clusters, accounts.Cluster{Name: v.Name, Origin: v.Origin, Bundle: v.Bundle})
	}
	return clusters
}

func render(t *testing.T, v *accounts.View, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := accounts.Write(&buf, v, format); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func exampleView(t *testing.T) *accounts.View {
	t.Helper()
	t.Chdir(repoRoot(t))
	cfg, err := lint.LoadConfig("testdata/accounts/.salint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return view(t, cfg, "testdata/accounts")
}

func TestExample_GoldenInEveryFormat(t *testing.T) {
	root := repoRoot(t)
	v := exampleView(t)
	for _, format := range accounts.Formats {
		golden(t, root, "example."+extensions[format], render(t, v, format))
	}
	golden(t, root, "example.wide.txt", renderWide(t, v))
}

// renderWide is the text format as salint accounts --wide writes it: a table.
func renderWide(t *testing.T, v *accounts.View) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := accounts.WriteTable(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestText_FitsHundredColumns reads every corpus source (the biggest
// inputs salint is tried on: the table is up to 488 columns wide on them)
// and wants no line of the text format wider than 100 columns.
func TestText_FitsHundredColumns(t *testing.T) {
	corpus := rulestest.Corpus(t)
	t.Chdir(corpus)
	sources, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		if !src.IsDir() || strings.HasPrefix(src.Name(), "_") {
			continue
		}
		for i, line := range strings.Split(string(render(t, view(t, nil, src.Name()), "text")), "\n") {
			if n := utf8.RuneCountInString(line); n > 100 {
				t.Errorf("%s: line %d is %d columns wide: %s", src.Name(), i+1, n, line)
			}
		}
	}
}

// corpusSources are the two corpus sources with golden views: metrics-server
// (cluster and namespace bindings; five overlays that patch one base's
// Deployment, each a cluster view: a section each) and tekton (a token
// Secret, a RoleBinding subject without namespace, TaskRuns whose operator
// builds the pods).
var corpusSources = []string{"kubernetes-sigs__metrics-server", "tektoncd__pipeline"}

func TestCorpus_GoldenInEveryFormat(t *testing.T) {
	root := repoRoot(t)
	corpus := rulestest.Corpus(t)
	t.Chdir(corpus) // paths in the output are then relative to the corpus
	for _, src := range corpusSources {
		v := view(t, nil, src)
		if len(v.Namespaces) == 0 && len(v.Sections) == 0 {
			t.Fatalf("%s: empty view", src)
		}
		for _, format := range accounts.Formats {
			golden(t, root, "corpus-"+src+"."+extensions[format], render(t, v, format))
		}
		golden(t, root, "corpus-"+src+".wide.txt", renderWide(t, v))
	}
}

// TestDOT_RendersWithGraphviz feeds the DOT output to the real Graphviz,
// which must turn it into SVG without an error or a warning.
func TestDOT_RendersWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz 'dot' is not installed (apt-get install graphviz; .ci/run installs it): DOT output not rendered")
	}
	inputs := map[string][]byte{"example": render(t, exampleView(t), "dot")}
	if corpus, ok := rulestest.FindCorpus(); ok {
		t.Chdir(corpus)
		for _, src := range corpusSources {
			inputs[src] = render(t, view(t, nil, src), "dot")
		}
	}
	inputs["hostile names"] = render(t, accounts.Build(model.BuildText(model.Options{}, "t.yaml", hostile)), "dot")
	inputs["views"] = render(t, twoViews("overlays/prod", "overlays/staging"), "dot")
	inputs["hostile view names"] = render(t, twoViews(hostileViewNames...), "dot")
	// Two views, each with namespace app; staging's also holds monitoring.
	// Nodes: prod's account and Deployment; staging's account, Secret,
	// Deployment, ClusterRole and monitoring's account.
	type drawn struct{ clusters, nodes int }
	counts := map[string]drawn{"views": {2 + 3, 2 + 5}, "hostile view names": {2 + 3, 2 + 5}}
	for name, in := range inputs {
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = bytes.NewReader(in)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot -Tsvg: %v\n%s\ninput:\n%s", name, err, stderr.String(), in)
			continue
		}
		if !bytes.Contains(out.Bytes(), []byte("<svg")) {
			t.Errorf("%s: dot produced no SVG", name)
		}
		if want, ok := counts[name]; ok {
			got := drawn{bytes.Count(out.Bytes(), []byte(`class="cluster"`)), bytes.Count(out.Bytes(), []byte(`class="node"`))}
			if got != want {
				t.Errorf("%s: dot drew %d clusters and %d nodes, want %d and %d (a cluster per view and per namespace in it, the views' own nodes)\n%s", name, got.clusters, got.nodes, want.clusters, want.nodes, in)
			}
		}
	}
}

// twoViews is the view of two cluster views named names, as overlays of
// one base give them: the first (prod) lacks the account the second
// (staging) defines and binds to a ClusterRole, and only the second holds
// namespace monitoring.
func twoViews(names ...string) *accounts.View {
	const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec: {template: {spec: {serviceAccountName: api}}}
`
	staging := web + `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: app}
imagePullSecrets: [{name: regcred}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api-view, namespace: app}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: api}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent, namespace: monitoring}
`
	return accounts.BuildClusters([]accounts.Cluster{
		{Name: names[0], Origin: lint.OriginInferred, Bundle: model.BuildText(model.Options{}, "prod.yaml", web)},
		{Name: names[1], Origin: lint.OriginInferred, Bundle: model.BuildText(model.Options{}, "staging.yaml", staging)},
	})
}

// hostileViewNames are view names (a directory's, a config's cluster's)
// that would end a DOT or Mermaid label, open a subgraph, break a line or
// configure Mermaid if they were not escaped.
var hostileViewNames = []string{"prod\"]}\n  subgraph evil[\"x\"", `st\"}; a -> b; {"%%{init: {'theme': 'dark'}}%%`}

// hostile has names that need quoting in DOT and Mermaid.
const hostile = `apiVersion: v1
kind: Pod
metadata: {name: 'p"q\r', namespace: 'n"s'}
spec:
  serviceAccountName: 'a"b<c>\d'
  imagePullSecrets: [{name: "x\\\"y"}]
`

// directive has names holding Mermaid directives, which Mermaid reads
// anywhere in a diagram, labels included (issue 18).
const directive = `apiVersion: v1
kind: Pod
metadata: {name: "%%{init: {'themeCSS': '.missing {display: none}'}}%%", namespace: "%%{init: {'theme': 'dark'}}%%"}
spec:
  serviceAccountName: "ghost%%{init: {'themeCSS': 'g {opacity: 0}'}}%%"
`

func TestQuoting_HostileNamesStayInsideLabels(t *testing.T) {
	v := accounts.Build(model.BuildText(model.Options{}, "t.yaml", hostile))
	dot := string(render(t, v, "dot"))
	if !strings.Contains(dot, `"ServiceAccount (missing)\na\"b<c>\\d"`) {
		t.Errorf("DOT label not escaped:\n%s", dot)
	}
	mmd := string(render(t, v, "mermaid"))
	if !strings.Contains(mmd, `"ServiceAccount (missing)<br/>a#quot;b#lt;c#gt;\d"`) {
		t.Errorf("Mermaid label not escaped:\n%s", mmd)
	}
}

func TestQuoting_HostileViewNamesStayInsideLabels(t *testing.T) {
	v := twoViews(hostileViewNames...)
	wants := map[string][]string{
		"dot": {
			`    label="view prod\"]}\\n  subgraph evil[\"x\"";`,
			`    label="view st\\\"}; a -> b; {\"%%{init: {'theme': 'dark'}}%%";`,
		},
		"mermaid": {
			`  subgraph v0["view prod#quot;]}\n  subgraph evil[#quot;x#quot;"]`,
			`  subgraph v1["view st\#quot;}; a -#gt; b; {#quot;#37;#37;{init: {'theme': 'dark'}}#37;#37;"]`,
		},
	}
	for format, want := range wants {
		out := string(render(t, v, format))
		lines := strings.Split(out, "\n")
		for _, line := range want {
			if !slices.Contains(lines, line) {
				t.Errorf("%s: view label not escaped: want the line\n%s\nin\n%s", format, line, out)
			}
		}
	}
}

// TestGraph_EachViewHasItsOwnNodes wants the objects two views share by
// name (namespace app's account api and Deployment web) drawn once in
// each view, with ids unique in the graph.
func TestGraph_EachViewHasItsOwnNodes(t *testing.T) {
	declarations := map[string]*regexp.Regexp{
		"dot":     regexp.MustCompile(`(?m)^ +("[^"]+") \[shape=`),
		"mermaid": regexp.MustCompile(`(?m)^ +(n[0-9]+)[(\[{]`),
	}
	for format, declaration := range declarations {
		out := render(t, twoViews("overlays/prod", "overlays/staging"), format)
		ids := map[string]bool{}
		for _, m := range declaration.FindAllSubmatch(out, -1) {
			ids[string(m[1])] = true
		}
		if len(ids) != 7 {
			t.Errorf("%s: %d distinct nodes, want 7 (2 in prod, 5 in staging):\n%s", format, len(ids), out)
		}
	}
}

// build makes the view of one in-memory file.
func build(text string, opts model.Options) *accounts.View {
	return accounts.Build(model.BuildText(opts, "t.yaml", text))
}

func find(t *testing.T, v *accounts.View, ns, name string) *accounts.Account {
	t.Helper()
	for _, n := range v.Namespaces {
		for _, a := range n.Accounts {
			if n.Name == ns && a.Name == name {
				return a
			}
		}
	}
	t.Fatalf("no account %s/%s in the view", ns, name)
	return nil
}

func TestBuild_MissingAccountIsShownAndItsPodsRejected(t *testing.T) {
	v := build(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {spec: {serviceAccountName: wbe}}}
`, model.Options{})
	a := find(t, v, "shop", "wbe")
	if a.Status != accounts.Missing || len(a.Workloads) != 1 || !a.Workloads[0].Rejected {
		t.Errorf("got %+v, want a missing account whose one workload is rejected", a)
	}
}

func TestBuild_DefaultIsShownOnlyWhenUsed(t *testing.T) {
	v := build(`apiVersion: v1
kind: ServiceAccount
metadata: {name: x, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: b}
spec: {}
`, model.Options{})
	if len(v.Namespaces) != 2 || len(v.Namespaces[0].Accounts) != 1 {
		t.Fatalf("want namespace a with only x, and b: %+v", v.Namespaces)
	}
	if d := find(t, v, "b", "default"); d.Status != accounts.Implicit || *d.Automount.Mounted != true {
		t.Errorf("default of b: %+v, want implicit with the token mounted", d)
	}
}

func TestBuild_ExternalAccountsFromConfigAreShownEvenUnused(t *testing.T) {
	v := build(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ci}
spec: {serviceAccountName: runner}
`, model.Options{ExternalAccounts: []string{"ci/deployer", "ci/run*", "*/runner"}})
	if a := find(t, v, "ci", "deployer"); a.Status != accounts.External || len(a.Workloads) != 0 {
		t.Errorf("ci/deployer: %+v", a)
	}
	if a := find(t, v, "ci", "runner"); a.Status != accounts.External || a.Automount.Mounted != nil {
		t.Errorf("ci/runner: %+v, want external with unknown automount", a)
	}
}

func TestBuild_FluxVariableAccountIsExternalAndItsWorkloadsNotRejected(t *testing.T) {
	v := build(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {spec: {serviceAccountName: "${app}-sa"}}}
`, model.Options{})
	if a := find(t, v, "shop", "${app}-sa"); a.Status != accounts.External || len(a.Workloads) != 1 || a.Workloads[0].Rejected {
		t.Errorf("got %+v, want an external account whose workload is not rejected", a)
	}
}

func TestBuild_BindingSubjectsFollowSpecNamespaceRules(t *testing.T) {
	v := build(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: web}
  - {kind: ServiceAccount, name: agent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {kind: ClusterRole, name: admin}
subjects:
  - {kind: ServiceAccount, name: nowhere}
`, model.Options{})
	web := find(t, v, "shop", "web")
	if len(web.Roles) != 1 || web.Roles[0].Kind != "ClusterRole" || web.Roles[0].Binding.Name != "rb" {
		t.Errorf("shop/web roles: %+v", web.Roles)
	}
	if agent := find(t, v, "monitoring", "agent"); agent.Status != accounts.Missing || len(agent.Roles) != 1 {
		t.Errorf("monitoring/agent: %+v, want missing with the RoleBinding's role", agent)
	}
	for _, n := range v.Namespaces {
		for _, a := range n.Accounts {
			if a.Name == "nowhere" {
				t.Errorf("a ClusterRoleBinding subject without namespace names no account, got %s/%s", n.Name, a.Name)
			}
		}
	}
}

func TestBuild_PodPullSecretsReplaceTheAccounts(t *testing.T) {
	v := build(`apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
imagePullSecrets: [{name: from-account}]
---
apiVersion: v1
kind: Secret
metadata: {name: own, namespace: shop}
type: kubernetes.io/dockerconfigjson
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
spec: {serviceAccountName: web, imagePullSecrets: [{name: own}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop}
spec: {serviceAccountName: web}
`, model.Options{})
	web := find(t, v, "shop", "web")
	a, b := web.Workloads[0].PullSecrets, web.Workloads[1].PullSecrets
	if a.From != model.FromPod || len(a.Secrets) != 1 || a.Secrets[0].Name != "own" || !a.Secrets[0].Exists {
		t.Errorf("pod a: %+v, want only its own existing secret", a)
	}
	if b.From != model.FromAccount || len(b.Secrets) != 1 || b.Secrets[0].Name != "from-account" || b.Secrets[0].Exists {
		t.Errorf("pod b: %+v, want the account's missing secret", b)
	}
}

func TestJSON_HasEveryListEvenWhenEmpty(t *testing.T) {
	var doc struct {
		Namespaces []map[string]any `json:"namespaces"`
		Summary    map[string]int   `json:"summary"`
	}
	out := render(t, build("", model.Options{}), "json")
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Namespaces == nil || doc.Summary == nil || !bytes.Contains(out, []byte(`"namespaces": []`)) {
		t.Errorf("empty view: %s", out)
	}
}

// TestREADME_ExampleIsCurrent keeps the README's sample table equal to what
// the command prints, and the checked-in SVG showing every account and
// workload of the example (re-render it with the README's command).
func TestREADME_ExampleIsCurrent(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const command = "go run ./cmd/salint accounts --config testdata/accounts/.salint.yaml --format dot testdata/accounts | dot -Tsvg -o docs/accounts-example.svg"
	if !bytes.Contains(readme, []byte(command)) {
		t.Errorf("README.md lacks the command that makes docs/accounts-example.svg:\n%s", command)
	}
	v := exampleView(t)
	text := string(render(t, v, "text"))
	tail := text[strings.Index(text, "namespace shop:"):]
	if !bytes.Contains(readme, []byte(tail)) {
		t.Errorf("README.md's sample of namespace shop is stale; it should read:\n%s", tail)
	}
	svg, err := os.ReadFile(filepath.Join(root, "docs", "accounts-example.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range v.Namespaces {
		for _, a := range n.Accounts {
			names := []string{a.Name}
			for _, w := range a.Workloads {
				names = append(names, w.Name)
			}
			for _, name := range names {
				// Graphviz writes "-" as "&#45;" in SVG text.
				if !bytes.Contains(svg, []byte(">"+strings.ReplaceAll(name, "-", "&#45;")+"</text>")) {
					t.Errorf("docs/accounts-example.svg does not show %q: re-render it with the README's command", name)
				}
			}
		}
	}
}

// TestMermaid_ParsesWithMermaid feeds the Mermaid output to Mermaid's own
// parser (.ci/mermaid, installed by .ci/run with npm ci), with a broken
// diagram as a control that the check can fail.
func TestMermaid_ParsesWithMermaid(t *testing.T) {
	root := repoRoot(t)
	node, err := exec.LookPath("node")
	checker := filepath.Join(root, ".ci", "mermaid")
	if _, statErr := os.Stat(filepath.Join(checker, "node_modules", "mermaid")); err != nil || statErr != nil {
		t.Skip("Node.js or .ci/mermaid/node_modules is missing (npm ci --prefix .ci/mermaid; .ci/run does it): Mermaid output not parsed")
	}
	dir := t.TempDir()
	inputs := map[string][]byte{
		"example":       render(t, exampleView(t), "mermaid"),
		"hostile":       render(t, accounts.Build(model.BuildText(model.Options{}, "t.yaml", hostile)), "mermaid"),
		"directive":     render(t, accounts.Build(model.BuildText(model.Options{}, "t.yaml", directive)), "mermaid"),
		"views":         render(t, twoViews("overlays/prod", "overlays/staging"), "mermaid"),
		"hostile views": render(t, twoViews(hostileViewNames...), "mermaid"),
		"corpus-1":      nil, "corpus-2": nil,
	}
	if corpus, ok := rulestest.FindCorpus(); ok {
		t.Chdir(corpus)
		inputs["corpus-1"] = render(t, view(t, nil, corpusSources[0]), "mermaid")
		inputs["corpus-2"] = render(t, view(t, nil, corpusSources[1]), "mermaid")
	}
	var files []string
	for name, data := range inputs {
		if data == nil {
			continue
		}
		path := filepath.Join(dir, name+".mmd")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	run := func(files ...string) (string, error) {
		cmd := exec.Command(node, append([]string{filepath.Join(checker, "check.mjs")}, files...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(files...)
	if err != nil {
		t.Errorf("Mermaid rejects the output: %v\n%s", err, out)
	}
	// No name sets Mermaid's configuration: every diagram's is empty.
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "ok ") && !strings.HasSuffix(line, " config={}") {
			t.Errorf("a name in the output configures Mermaid: %s", line)
		}
	}
	broken := filepath.Join(dir, "broken.mmd")
	if err := os.WriteFile(broken, []byte("flowchart LR\n  a[x] --> |unclosed label b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(broken); err == nil || !strings.Contains(out, "FAIL") {
		t.Errorf("the checker accepted a broken diagram: %s", out)
	}
}

// BenchmarkViewCorpus builds the view of the whole corpus as one bundle and
// writes it in every format; reading and parsing are lint's cost and are
// done once, outside the loop.
func BenchmarkViewCorpus(b *testing.B) {
	corpus := rulestest.Corpus(b)
	res := lint.Model(lint.Options{Input: lint.Input{Paths: []string{corpus}}})
	b.ReportAllocs()
	for b.Loop() {
		v := accounts.Build(res.Bundle)
		for _, format := range accounts.Formats {
			if err := accounts.Write(io.Discard, v, format); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestBuildClusters_OneViewIsShownAsBefore(t *testing.T) {
	b := model.BuildText(model.Options{}, "t.yaml", hostile)
	one := accounts.BuildClusters([]accounts.Cluster{{Name: "overlays/prod", Origin: lint.OriginInferred, Bundle: b}})
	if one.Sections != nil {
		t.Fatalf("one view has sections: %+v", one.Sections)
	}
	whole := accounts.Build(b)
	for _, format := range accounts.Formats {
		if got, want := render(t, one, format), render(t, whole, format); !bytes.Equal(got, want) {
			t.Errorf("%s: one cluster view is shown differently from its bundle:\n%s\nwant:\n%s", format, got, want)
		}
	}
}

func TestBuildClusters_SeveralViewsAreShownEachOnItsOwn(t *testing.T) {
	v := twoViews("overlays/prod", "overlays/staging")
	if len(v.Namespaces) != 0 || len(v.Sections) != 2 {
		t.Fatalf("want two sections and no namespaces outside them, got %d namespaces, %d sections", len(v.Namespaces), len(v.Sections))
	}
	prod, staging := v.Sections[0], v.Sections[1]
	if prod.Name != "overlays/prod" || staging.Name != "overlays/staging" || prod.Origin != lint.OriginInferred {
		t.Errorf("sections %q (%s), %q: want the views' names and origins in their order", prod.Name, prod.Origin, staging.Name)
	}
	in := func(s *accounts.Section) *accounts.View { return &accounts.View{Namespaces: s.Namespaces} }
	if a := find(t, in(prod), "app", "api"); a.Status != accounts.Missing || !a.Workloads[0].Rejected {
		t.Errorf("prod's api: %+v, want missing, its pods rejected (staging's definition does not count)", a)
	}
	if a := find(t, in(staging), "app", "api"); a.Status != accounts.Defined || a.Workloads[0].Rejected {
		t.Errorf("staging's api: %+v, want defined", a)
	}
	if len(prod.Namespaces) != 1 {
		t.Errorf("prod holds namespaces %+v, want only app (monitoring is staging's)", prod.Namespaces)
	}
}

func TestText_HeadingPerViewOnOneLine(t *testing.T) {
	for _, wide := range []bool{false, true} {
		var buf bytes.Buffer
		write := accounts.WriteText
		if wide {
			write = accounts.WriteTable
		}
		if err := write(&buf, twoViews(hostileViewNames...)); err != nil {
			t.Fatal(err)
		}
		var headings, summaries []string
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(line, "== ") {
				headings = append(headings, line)
			}
			if strings.HasPrefix(line, "salint accounts: ") {
				summaries = append(summaries, line)
			}
		}
		want := []string{
			`== view: prod"]}\n  subgraph evil["x" ==`,
			`== view: st\"}; a -> b; {"%%{init: {'theme': 'dark'}}%% ==`,
		}
		if strings.Join(headings, "\n") != strings.Join(want, "\n") {
			t.Errorf("wide=%v: headings\n%s\nwant\n%s", wide, strings.Join(headings, "\n"), strings.Join(want, "\n"))
		}
		if len(summaries) != 2 || !strings.Contains(summaries[0], "(1 missing)") || strings.Contains(summaries[1], "missing)") {
			t.Errorf("wide=%v: want a summary per view, prod's with its missing account: %q", wide, summaries)
		}
	}
	if out := string(render(t, build("", model.Options{}), "text")); strings.Contains(out, "== view") {
		t.Errorf("one view has a heading:\n%s", out)
	}
}

func TestText_LongViewNameWrapsInTheListNotInTheTable(t *testing.T) {
	long := strings.Repeat("environments/", 7) + "prod" // 95 columns
	v := twoViews(long, "staging")
	list := string(render(t, v, "text"))
	want := "== view: environments/environments/environments/environments/environments/environments/\n" +
		"         environments/prod ==\n"
	if !strings.Contains(list, want) {
		t.Errorf("list: want the heading wrapped after a '/' to fit 100 columns:\n%s", list)
	}
	if table := string(renderWide(t, v)); !strings.Contains(table, "== view: "+long+" ==\n") {
		t.Errorf("--wide (however wide): want the heading on one line:\n%s", table)
	}
}

// TestText_WrappedLinesStartNoWorkflowCommand: a break before a name that
// starts with "::" would make a line the Actions runner reads as a
// command; its ':' is escaped instead (issue 18).
func TestText_WrappedLinesStartNoWorkflowCommand(t *testing.T) {
	v := build(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: `+strings.Repeat("b", 50)+`, namespace: ns}
roleRef: {kind: ClusterRole, name: "::add-mask::x"}
subjects: [{kind: ServiceAccount, name: web}]
`, model.Options{})
	out := string(render(t, v, "text"))
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("line starts a workflow command: %q", line)
		}
	}
	if !strings.Contains(out, "\n                     \\x3a:add-mask::x\n") {
		t.Errorf("want the role's name on a line of its own, its ':' escaped:\n%s", out)
	}
}

func TestJSON_SeveralViewsEachWithNameOriginAndSummary(t *testing.T) {
	v := accounts.BuildClusters([]accounts.Cluster{
		{Name: "prod", Origin: lint.OriginConfig, Bundle: model.BuildText(model.Options{}, "t.yaml", hostile)},
		{Name: lint.DefaultView, Origin: lint.OriginConfig, Bundle: model.BuildText(model.Options{}, "empty.yaml", "")},
	})
	v.SetInputs(nil, []model.Error{{Pos: model.Position{File: "k/kustomization.yaml", Line: 1}, Message: "not built"}})
	out := render(t, v, "json")
	var doc struct {
		Views []struct {
			Name       string           `json:"name"`
			Origin     string           `json:"origin"`
			Namespaces []map[string]any `json:"namespaces"`
			Summary    *accounts.Summary
		} `json:"views"`
		Namespaces any              `json:"namespaces"`
		Summary    any              `json:"summary"`
		Errors     []map[string]any `json:"errors"`
		Notices    []map[string]any `json:"notices"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Views) != 2 || doc.Views[0].Name != "prod" || doc.Views[1].Name != "default" || doc.Views[0].Origin != "config" {
		t.Fatalf("want views prod and default with their origin:\n%s", out)
	}
	prod, rest := doc.Views[0], doc.Views[1]
	if prod.Summary == nil || prod.Summary.MissingAccounts != 1 || len(prod.Namespaces) != 1 {
		t.Errorf("prod: want its namespace and a summary counting its missing account:\n%s", out)
	}
	if rest.Namespaces == nil || rest.Summary == nil || rest.Summary.Namespaces != 0 {
		t.Errorf("an empty view: want namespaces [] and a zero summary:\n%s", out)
	}
	// Errors and notices are the run's, said once; counts are per view.
	if doc.Namespaces != nil || doc.Summary != nil || doc.Errors == nil || len(doc.Notices) != 1 {
		t.Errorf("top level: want only views, errors and notices:\n%s", out)
	}
}

// TestText_ReconcilerRunsNoPods: a Flux Kustomization applies as its
// account; no pod runs from it, so the list says what happens to the
// reconciliation, not to pods.
func TestText_ReconcilerRunsNoPods(t *testing.T) {
	v := build(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ./apps, serviceAccountName: ghost}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reconciler, namespace: flux-system}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra, namespace: flux-system}
spec: {path: ./infra, serviceAccountName: reconciler}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: flux-system}
spec: {template: {spec: {serviceAccountName: lost}}}
`, model.Options{})
	if w := find(t, v, "flux-system", "ghost").Workloads[0]; w.Reconciler == "" || !w.Rejected {
		t.Errorf("ghost's workload: %+v, want a rejected reconciler", w)
	}
	var out strings.Builder
	if err := accounts.WriteText(&out, v); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"reconciliation fails: the account does not exist",
		"Flux's kustomize-controller applies as it; no pod runs from it",
		"pods rejected: the account does not exist", // the Deployment's
	} {
		if strings.Count(out.String(), want) != 1 {
			t.Errorf("want %q once in:\n%s", want, out.String())
		}
	}
}
