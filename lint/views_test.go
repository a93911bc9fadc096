package lint

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// overlays is the layout: a base Deployment that runs as api, and
// two overlays that both set namespace app, each with its own sa.yaml.
func overlays(staging, prod string) map[string]string {
	return map[string]string{
		"base/kustomization.yaml":             "resources:\n- web.yaml\n",
		"base/web.yaml":                       web("serviceAccountName: api\n      containers: [{name: web, image: nginx}]"),
		"overlays/staging/kustomization.yaml": "namespace: app\nresources:\n- ../../base\n- sa.yaml\n",
		"overlays/staging/sa.yaml":            staging,
		"overlays/prod/kustomization.yaml":    "namespace: app\nresources:\n- ../../base\n- sa.yaml\n",
		"overlays/prod/sa.yaml":               prod,
	}
}

// web is Deployment web whose pod spec holds spec.
func web(spec string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      " + spec + "\n"
}

func account(name, extra string) string {
	return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n" + extra
}

// findingsIn lints dir (the working directory) and lists each finding as
// rule@file:line, with its views when it has any.
func findingsIn(t *testing.T, dir string) []string {
	t.Helper()
	t.Chdir(dir)
	return findingsWith(t, Options{Input: Input{Paths: []string{"."}}})
}

// findingsWith is findingsIn with opts.
func findingsWith(t *testing.T, opts Options) []string {
	t.Helper()
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	var out []string
	for _, f := range res.Findings {
		s := fmt.Sprintf("%s@%s:%d", f.Rule, f.Pos.File, f.Pos.Line)
		if len(f.Views) > 0 {
			s += " " + strings.Join(f.Views, ",")
		}
		out = append(out, s)
	}
	return out
}

func TestViews_AnAccountOnlyOneOverlayDefinesIsMissingInTheOther(t *testing.T) {
	dir := writeFiles(t, overlays(account("api", ""), account("api-prod", "")))
	got := findingsIn(t, dir)
	want := "missing-service-account@base/web.yaml:8 overlays/prod"
	if !slices.Contains(got, want) {
		t.Errorf("findings %q lack %q", got, want)
	}
}

func TestViews_OverlaysDefiningTheSameAccountDifferentlyDoNotConflict(t *testing.T) {
	dir := writeFiles(t, overlays(account("api", "automountServiceAccountToken: false\n"), account("api", "automountServiceAccountToken: true\n")))
	for _, f := range findingsIn(t, dir) {
		if strings.HasPrefix(f, "automount-conflict@") || strings.Contains(f, "duplicate") {
			t.Errorf("overlays applied to different clusters conflict: %s", f)
		}
	}
}

func TestViews_IdenticalCopiesAndClusterScopedObjectsAreNotAlternatives(t *testing.T) {
	// Two roots, each with its own copy of one account and its own
	// Namespace app, written differently: they may share a cluster.
	files := map[string]string{}
	for _, root := range []string{"infra", "apps"} {
		files[root+"/kustomization.yaml"] = "namespace: app\nresources:\n- sa.yaml\n- ns.yaml\n"
		files[root+"/sa.yaml"] = account("api", "")
		files[root+"/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels: {owner: " + root + "}\n"
	}
	dir := writeFiles(t, files)
	t.Chdir(dir)
	res, err := Run(Options{Input: Input{Paths: []string{"."}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Views) != 1 {
		t.Errorf("views %v, want one: the roots write no namespaced object differently", viewNames(res.Views))
	}
	for _, f := range res.Findings {
		if len(f.Views) > 0 {
			t.Errorf("finding with views in a one-view input: %v %s", f.Views, f.Text())
		}
	}
}

func TestViews_InferredUnitsAndViews(t *testing.T) {
	files := overlays(account("api", ""), account("api-prod", ""))
	files["plain/sa.yaml"] = account("shared", "")
	files["infra/kustomization.yaml"] = "resources:\n- crb.yaml\n"
	files["infra/crb.yaml"] = account("infra", "")
	dir := writeFiles(t, files)
	t.Chdir(dir)
	views := InferViews(Load(Input{Paths: []string{"."}}))
	var got []string
	for _, v := range views {
		var units []string
		for _, u := range v.Units {
			units = append(units, u.Name)
		}
		got = append(got, v.Name+"="+strings.Join(units, "+"))
	}
	want := []string{
		"overlays/prod=overlays/prod+infra+(plain manifests)",
		"overlays/staging=overlays/staging+infra+(plain manifests)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("views\n got %q\nwant %q", got, want)
	}
}

func viewNames(vs []*ClusterView) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func TestViews_AFindingOfOneViewSaysWhichOtherViewDefinesWhatItLacks(t *testing.T) {
	dir := writeFiles(t, overlays(account("api", ""), account("api-prod", "")))
	t.Chdir(dir)
	res, err := Run(Options{Input: Input{Paths: []string{"."}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule != "missing-service-account" {
			continue
		}
		want := rules.Related{Pos: model.Position{File: "overlays/staging/sa.yaml", Line: 4, Col: 9}, Message: "overlays/staging defines it at overlays/staging/sa.yaml:4:9"}
		if !slices.Contains(f.Related, want) {
			t.Errorf("related %v lack %v", f.Related, want)
		}
		return
	}
	t.Error("no missing-service-account finding")
}

// sharedBaseFix is the third layout: the base runs as api through
// the deprecated serviceAccount field; only prod's patch also sets
// serviceAccountName.
var sharedBaseFix = map[string]string{
	"base/kustomization.yaml":             "resources:\n- web.yaml\n- sa.yaml\n",
	"base/sa.yaml":                        account("api", ""),
	"base/web.yaml":                       web("serviceAccount: api\n      containers: [{name: web, image: nginx}]"),
	"overlays/staging/kustomization.yaml": "namespace: app\nresources:\n- ../../base\n",
	"overlays/prod/kustomization.yaml":    "namespace: app\nresources:\n- ../../base\npatches:\n- path: web.yaml\n",
	"overlays/prod/web.yaml":              web("serviceAccountName: api"),
}

func TestViews_AnEditToASharedBaseIsMadeOnlyWhenEveryViewReadingItAgrees(t *testing.T) {
	dir := writeFiles(t, sharedBaseFix)
	t.Chdir(dir)
	res, err := Run(Options{Input: Input{Paths: []string{"."}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Fix != nil {
			t.Errorf("%s %v keeps its fix %q, which another view reading base/web.yaml does not want", f.Rule, f.Views, f.Fix.Message)
		}
		got = append(got, strings.Join(f.Views, ",")+": "+f.NoFix)
	}
	want := []string{
		"overlays/prod: salint fix leaves this to you: the edit to base/web.yaml would also change view overlays/staging, where this finding does not hold",
		"overlays/staging: salint fix leaves this to you: the edit to base/web.yaml would also change view overlays/prod, where this finding does not hold",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
}

func TestViews_ConfigClustersFormTheViewsWithTheirNamespace(t *testing.T) {
	files := map[string]string{
		"overlays/staging/sa.yaml": account("api", ""),
		"overlays/prod/sa.yaml":    account("api-prod", ""),
		"shared/web.yaml":          web("serviceAccountName: api\n      containers: [{name: web, image: nginx}]"),
		"tools/job.yaml":           web("serviceAccountName: tool\n      containers: [{name: web, image: nginx}]"),
		".salint.yaml": `clusters:
  staging: {paths: [overlays/staging, shared/], namespace: app}
  prod:
    paths: [overlays/prod, shared]
`,
	}
	dir := writeFiles(t, files)
	t.Chdir(dir)
	cfg, err := LoadConfig(".salint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Input: Input{Paths: []string{"."}}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range res.Views {
		names = append(names, v.Name+"@"+v.Origin)
	}
	if want := []string{"prod@config", "staging@config", "default@config"}; !slices.Equal(names, want) {
		t.Errorf("views %q, want %q", names, want)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "missing-service-account" {
			got = append(got, fmt.Sprintf("%s:%d %s %s", f.Pos.File, f.Pos.Line, f.Namespaces[0], strings.Join(f.Views, ",")))
		}
	}
	want := []string{"shared/web.yaml:8 default prod", "tools/job.yaml:8 default default"}
	if !slices.Equal(got, want) {
		t.Errorf("missing accounts\n got %q\nwant %q", got, want)
	}
}

func TestViews_ViewOptionLimitsTheRun(t *testing.T) {
	dir := writeFiles(t, overlays(account("api", ""), account("api-prod", "")))
	t.Chdir(dir)
	res, err := Run(Options{Input: Input{Paths: []string{"."}}, OnlyViews: []string{"overlays/staging"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := viewNames(res.Views); !slices.Equal(got, []string{"overlays/staging"}) {
		t.Errorf("views %q", got)
	}
	for _, f := range res.Findings {
		if f.Rule == "missing-service-account" {
			t.Errorf("staging alone defines api: %s", f.Text())
		}
	}
	if _, err := Run(Options{Input: Input{Paths: []string{"."}}, OnlyViews: []string{"prod"}}); err == nil || !strings.Contains(err.Error(), `no view "prod" (views: overlays/prod, overlays/staging)`) {
		t.Errorf("unknown view: err %v", err)
	}
}

func TestViews_ConfigClusterMistakes(t *testing.T) {
	for text, want := range map[string]string{
		"clusters:\n  prod: {namespace: app}\n":         "clusters.prod.paths: want the paths the cluster receives",
		"clusters:\n  default: {paths: [x]}\n":          `clusters.default: the view of what no cluster covers has that name`,
		"clusters:\n  prod: {paths: x}\n":               "line 2: clusters.prod.paths: want a list",
		"clusters:\n  prod: {paths: [x], nmspace: a}\n": `line 2: clusters.prod: unknown key "nmspace" (did you mean "namespace"?)`,
	} {
		if _, err := ParseConfig([]byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}
