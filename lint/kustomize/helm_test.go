package kustomize

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fakeRenderer renders one Pod, located in the chart's template (and its
// labels in a helper), and records what it was asked.
type fakeRenderer struct {
	template, helpers string
	got               []ChartRequest
}

const fakePod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web}\nspec:\n  serviceAccountName: sa\n  containers: [{name: c, image: nginx}]\n"

func newFakeRenderer(chart string) *fakeRenderer {
	return &fakeRenderer{template: filepath.Join(chart, "templates/pod.yaml"), helpers: filepath.Join(chart, "templates/_helpers.tpl")}
}

func (r *fakeRenderer) render(chart string, req ChartRequest) ([]*model.File, map[string]string) {
	r.got = append(r.got, req)
	f := model.Read(model.NewSource(r.template, []byte(fakePod)))
	o := f.Objects[0]
	labels := model.Lookup(o.Node, "metadata", "labels").Value
	values := model.NewSource(filepath.Join(chart, "values.yaml"), []byte("name: p\nsa: sa\n"))
	o.Built = &model.Built{Root: chart, Chart: chart, Via: []string{r.template},
		Elsewhere: map[*yaml.Node]model.Position{labels: {File: r.helpers, Line: 3, Col: 5}},
		Notes:     map[model.Position]string{{File: r.template, Line: 7, Col: 3}: "from values"},
		NoFix:     "rendered",
		Values: map[*yaml.Node]model.ValueSpot{
			model.Lookup(o.Node, "metadata", "name").Value:           {Source: values, Key: "name", Start: 6, End: 7},
			model.Lookup(o.Node, "spec", "serviceAccountName").Value: {Source: values, Key: "sa", Start: 12, End: 14},
		}}
	f.Source = model.NewSource(r.template, []byte("{{/* the template */}}\n"))
	return []*model.File{f}, map[string]string{r.template: fakePod}
}

// pods are the built Pods of res, and the problems it reports.
func pods(res *Result) (out []*model.Object, problems []string) {
	for _, f := range res.Files {
		for _, e := range append(f.Errors, f.Notices...) {
			problems = append(problems, e.Error())
		}
		for _, o := range f.Objects {
			if o.Kind == "Pod" {
				out = append(out, o)
			}
		}
	}
	return out, problems
}

// A helmCharts entry is inflated by kustomize with the renderer given:
// it gets the entry's release, namespace and values, and each built
// object lands on the lines of the File the renderer located it in,
// helper lines (Elsewhere) included; a patch after the chart is
// attributed to the patch. The same holds when the build cannot be
// marked and runs with origin annotations (buildMetadata).
func TestBuild_HelmChartsRenderThroughTheRelay(t *testing.T) {
	for _, annotated := range []bool{false, true} {
		more := ""
		if annotated {
			more = "buildMetadata: [originAnnotations]\n"
		}
		dir := writeFiles(t, map[string]string{
			"kustomization.yaml": more + "helmCharts:\n- name: web\n  releaseName: rel\n  namespace: shop\n  additionalValuesFiles: [more.yaml]\n" +
				"patches:\n- target: {kind: Pod}\n  patch: |\n    - {op: replace, path: /spec/serviceAccountName, value: patched}\n",
			"more.yaml":              "b: 2\n",
			"charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
			"charts/web/values.yaml": "a: 1\n",
		})
		fake := newFakeRenderer(filepath.Join(dir, "charts/web"))
		res := Build([]string{dir}, Options{RenderChart: fake.render})
		all, problems := pods(res)
		if len(problems) > 0 || len(all) != 1 {
			t.Fatalf("annotated %v: %d Pods, problems %q", annotated, len(all), problems)
		}
		if len(fake.got) != 1 {
			t.Fatalf("rendered %d times, want once", len(fake.got))
		}
		req := fake.got[0]
		if req.ReleaseName != "rel" || req.Namespace != "shop" || len(req.Values) != 2 {
			t.Fatalf("request %+v", req)
		}
		if by := req.Values[0].By; by != filepath.Join(dir, "charts/web/values.yaml") {
			t.Errorf("values[0] by %q: want the chart's values.yaml, which kustomize copied", by)
		}
		if by, line := req.Values[1].By, req.Values[1].Doc.Content[0].Line; by != filepath.Join(dir, "more.yaml") || line != 1 {
			t.Errorf("values[1] by %q line %d: want more.yaml:1", by, line)
		}
		pod := all[0]
		if pod.Source.Path != fake.template || pod.Built.NoFix != "rendered" || pod.Built.Chart == "" {
			t.Errorf("Pod from %s (NoFix %q, Chart %q): want the template's, unfixable", pod.Source.Path, pod.Built.NoFix, pod.Built.Chart)
		}
		if n := model.Get(pod.Node, "kind").Value; n.Line != 2 {
			t.Errorf("kind at line %d, want the template's line 2", n.Line)
		}
		labels := model.Lookup(pod.Node, "metadata", "labels").Value
		if pos := pod.Built.Elsewhere[labels]; pos.File != fake.helpers || pos.Line != 3 {
			t.Errorf("labels at %v, want the helper's line", pos)
		}
		sa := model.Lookup(pod.Node, "spec", "serviceAccountName").Value
		if sa.Value != "patched" {
			t.Fatalf("serviceAccountName %q: the patch was not applied", sa.Value)
		}
		if pos := pod.Built.Elsewhere[sa]; !strings.HasSuffix(pos.File, "kustomization.yaml") {
			t.Errorf("patched value at %v, want the patch in kustomization.yaml", pos)
		}
		// A fix may set a value in the values file only where the build
		// left the rendered value alone.
		if _, ok := pod.Built.Values[sa]; ok {
			t.Error("the patched serviceAccountName keeps its values-file spot")
		}
		if v, ok := pod.Built.Values[model.Lookup(pod.Node, "metadata", "name").Value]; !ok || v.Key != "name" || len(pod.Built.Values) != 1 {
			t.Errorf("Values %v: want metadata.name's spot only", pod.Built.Values)
		}
		for i := 0; i+1 < len(pod.Node.Content); i += 2 {
			if strings.HasPrefix(pod.Node.Content[i].Value, relayMarkKey) {
				t.Errorf("the mark %s stayed in the object", pod.Node.Content[i].Value)
			}
		}
	}
}

// Overlays of a base that inflates a chart each build it: the chart is
// rendered once, and each overlay has its object (a twin).
func TestBuild_HelmChartsOfASharedBaseRenderOnce(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base/kustomization.yaml":     "helmCharts:\n- name: web\n",
		"base/charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"base/charts/web/values.yaml": "a: 1\n",
		"a/kustomization.yaml":        "resources: [../base]\n",
		"b/kustomization.yaml":        "resources: [../base]\n",
	})
	fake := newFakeRenderer(filepath.Join(dir, "base/charts/web"))
	res := Build([]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, Options{RenderChart: fake.render})
	all, problems := pods(res)
	if len(problems) > 0 || len(all) != 1 || len(all[0].Built.Twins) != 1 {
		t.Fatalf("Pods %d (twins %v), problems %q: want one, with the other root's twin", len(all), all, problems)
	}
	if len(fake.got) != 1 {
		t.Errorf("rendered %d times, want once", len(fake.got))
	}
}

// A chart the builds inflate is known before they run, so that lint does
// not render it again on its own.
func TestPlan_Charts(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/kustomization.yaml":  "helmGlobals: {chartHome: ../shared}\nhelmCharts:\n- name: web\n- name: db\n  repo: https://x\n  version: 1.0.0\n",
		"shared/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"b/kustomization.yaml":  "helmCharts:\n- name: own\n",
		// The older field's chartHome, the last one set, for every entry.
		"c/kustomization.yaml": "helmChartInflationGenerator:\n- chartName: old\n  chartHome: first\n- chartName: older\n  chartHome: legacy\nhelmCharts:\n- name: new\n",
		// ... but only without helmGlobals, which kustomize takes instead.
		"d/kustomization.yaml": "helmGlobals: {configHome: /tmp}\nhelmChartInflationGenerator:\n- chartName: old\n  chartHome: legacy\n",
		// A generator config holds its own chartHome.
		"e/kustomization.yaml": "generators: [helm.yaml]\n",
		"e/helm.yaml":          "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: g}\nname: gen\nchartHome: home\n",
	})
	var dirs []string
	for _, d := range []string{"a", "b", "c", "d", "e"} {
		dirs = append(dirs, filepath.Join(dir, d))
	}
	got := Prepare(dirs, Options{}).Charts()
	want := map[string]bool{}
	for _, c := range []string{"shared/web", "shared/db-1.0.0/db", "b/charts/own", "c/legacy/old", "c/legacy/older", "c/legacy/new", "d/charts/old", "e/home/gen"} {
		want[filepath.Join(dir, c)] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Charts() = %v, want %v", got, want)
	}
}

// A relay that cannot start says why without its temporary path, which
// differs on every run.
func TestWithoutPath(t *testing.T) {
	for _, err := range []error{
		&os.LinkError{Op: "symlink", Old: "/usr/bin/salint", New: "/tmp/salint-helm-relay-123/0/helm", Err: os.ErrPermission},
		&os.PathError{Op: "mkdir", Path: "/tmp/salint-helm-relay-123", Err: os.ErrExist},
		&net.OpError{Op: "listen", Net: "unix", Addr: &net.UnixAddr{Name: "/tmp/salint-helm-relay-123/socket"}, Err: os.ErrInvalid},
	} {
		if got := withoutPath(err).Error(); strings.Contains(got, "/tmp") || !strings.Contains(got, ": ") {
			t.Errorf("withoutPath(%v) = %q", err, got)
		}
	}
}

func TestParseTemplateArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want *templateArgs
		err  string
	}{
		{args: []string{"rel", "/c", "--namespace", "ns", "-f", "v1", "-f", "v2", "--skip-tests", "--no-hooks", "--kube-version", "1.30", "--api-versions", "x/v1"},
			want: &templateArgs{release: "rel", chart: "/c", namespace: "ns", values: []string{"v1", "v2"}, skipTests: true, noHooks: true, kubeVersion: "1.30", apiVersions: []string{"x/v1"}}},
		{args: []string{"--generate-name", "/c", "--include-crds"}, want: &templateArgs{chart: "/c"}},
		{args: []string{"/c", "--post-renderer", "x"}, err: "flag --post-renderer is not known"},
		{args: []string{"/c", "-f"}, err: "-f needs a value"},
		{args: []string{"a", "b", "c"}, err: "want [NAME] CHART"},
		{args: nil, err: "want [NAME] CHART"},
	} {
		got, err := parseTemplateArgs(tc.args)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err == "" && !reflect.DeepEqual(got, tc.want):
			t.Errorf("%q: %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestKeptDocuments(t *testing.T) {
	text := "kind: A\n---\nkind: T\nmetadata: {annotations: {helm.sh/hook: test}}\n---\nkind: H\nmetadata: {annotations: {helm.sh/hook: \"pre-install,post-upgrade\"}}\n"
	kinds := func(b []byte) string {
		var out []string
		for _, o := range strings.Split(string(b), "\n") {
			if k, ok := strings.CutPrefix(o, "kind: "); ok {
				out = append(out, k)
			}
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		noHooks, skipTests bool
		want               string
	}{
		{false, false, "A,T,H"},
		{false, true, "A,H"},
		{true, false, "A"},
		{true, true, "A"},
	} {
		if got := kinds(keptDocuments([]byte(text), tc.noHooks, tc.skipTests)); got != tc.want {
			t.Errorf("noHooks %v skipTests %v: kept %s, want %s", tc.noHooks, tc.skipTests, got, tc.want)
		}
	}
}

// A chart to pull is named at its repo field, whichever form names it.
func TestChartPulled(t *testing.T) {
	for _, tc := range []struct{ kustomization, url string }{
		{"helmCharts:\n- name: web\n  repo: https://x/\n", "https://x/web"},
		{"helmCharts:\n- name: web\n  repo: oci://r.io/c/\n", "oci://r.io/c/web"},
		{"helmChartInflationGenerator:\n- chartName: web\n  chartRepoUrl: https://x\n", "https://x/web"},
	} {
		dir := writeFiles(t, map[string]string{"kustomization.yaml": tc.kustomization})
		k := readKustFile(dir, dir)
		if _, item, _ := chartPulled([]*kustFile{k}, tc.url); item == nil || item.Line != 3 {
			t.Errorf("%q: repo of %s not found at line 3 (%v)", tc.kustomization, tc.url, item)
		}
	}
}

func TestPulled(t *testing.T) {
	for args, want := range map[string]string{
		"--untar --untardir /h --repo https://x/ web --version 1.0": "https://x/web",
		"--untar --untardir /h oci://r.io/c/web --version 1.0":      "oci://r.io/c/web",
	} {
		if got := pulled(strings.Fields(args)); got != want {
			t.Errorf("pulled(%s) = %q, want %q", args, got, want)
		}
	}
}

// When no relay can start (no symlinks, no sockets), a chart's build
// says why rather than that it needs the network.
func TestNetworkNotice_NoRelay(t *testing.T) {
	dir := writeFiles(t, map[string]string{"kustomization.yaml": "resources: []\nhelmCharts:\n- name: web\n"})
	k := readKustFile(dir, dir)
	err := errors.New("trouble configuring builtin HelmChartInflationGenerator: must specify --enable-helm")
	n, ok := networkNotice(k, []*kustFile{k}, err, errors.New("symlink: not permitted"))
	want := "kustomization " + dir + " not built: its Helm charts cannot be inflated here (helmCharts: symlink: not permitted); its files are read as written"
	if !ok || n.Message != want || n.Pos.Line != 2 {
		t.Errorf("notice %v (ok %v), want %q at line 2", n, ok, want)
	}
	if n, _ := networkNotice(k, []*kustFile{k}, err, nil); !strings.Contains(n.Message, "needs network (helmCharts inflates Helm charts)") {
		t.Errorf("without a relay error: %q", n.Message)
	}
}
