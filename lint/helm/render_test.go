package helm

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// writeChart writes files (path: content) under a new directory.
func writeChart(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, files)
	return dir
}

const helpers = `{{- define "app.podSpec" -}}
serviceAccountName: {{ .Values.sa }}
containers:
- name: app
  image: nginx
{{- end }}
`

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    {{- toYaml .Values.labels | nindent 4 }}
spec:
  template:
    spec:
      {{- include "app.podSpec" . | nindent 6 }}
`

// Each field of a rendered object is placed at the template line that
// wrote it: its own key line, a helper's line through include, or the
// toYaml action that emitted it; with the values that fed it.
func TestRenderPlacesFieldsAtTemplateLines(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml":                "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"values.yaml":               "sa: runner\nlabels:\n  team: a\n",
		"templates/_helpers.tpl":    helpers,
		"templates/deployment.yaml": deployment,
	})
	files := Render(dir, Options{})
	if len(files) != 1 || len(files[0].Objects) != 1 || len(files[0].Errors) > 0 {
		t.Fatalf("files %v: want one file with one object", files)
	}
	o := files[0].Objects[0]
	if o.Built == nil || o.Built.Chart != dir {
		t.Fatalf("Built %+v: want the chart named", o.Built)
	}
	tmpl := filepath.Join(dir, "templates", "deployment.yaml")
	help := filepath.Join(dir, "templates", "_helpers.tpl")
	spec := model.Get(model.Get(model.Get(o.Node, "spec").Value, "template").Value, "spec").Value
	for _, tc := range []struct {
		field string
		got   model.Position
		want  model.Position
		note  string
	}{
		{"metadata.name", o.Pos(model.Get(model.Get(o.Node, "metadata").Value, "name").Value), model.Position{File: tmpl, Line: 4, Col: 9}, ""},
		{"metadata.labels.team", o.Pos(model.Get(model.Get(model.Get(o.Node, "metadata").Value, "labels").Value, "team").Value), model.Position{File: tmpl, Line: 6, Col: 5}, "labels from " + filepath.Join(dir, "values.yaml") + ":2"},
		{"spec.template.spec.serviceAccountName", o.Pos(model.Get(spec, "serviceAccountName").Value), model.Position{File: help, Line: 2, Col: 21}, ""},
		{"spec.template.spec.containers", o.Pos(model.Get(spec, "containers").Value), model.Position{File: help, Line: 3, Col: 13}, ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s at %v, want %v", tc.field, tc.got, tc.want)
		}
		if tc.note != "" && !strings.Contains(o.Built.Notes[model.Position{File: tc.want.File, Line: tc.want.Line, Col: tc.want.Col}], tc.note) {
			t.Errorf("%s: notes %v, want %q", tc.field, o.Built.Notes, tc.note)
		}
	}
	// The key line of serviceAccountName names the value (at the key).
	if n := o.Built.Notes[model.Position{File: help, Line: 2, Col: 1}]; !strings.Contains(n, "sa from "+filepath.Join(dir, "values.yaml")+":1") {
		t.Errorf("note %q: want the value that fed serviceAccountName", n)
	}
	if o.Built.NoFix == "" {
		t.Error("no NoFix: a rendered object must not be edited")
	}
}

func TestLocateRenderError(t *testing.T) {
	for _, tc := range []struct {
		err      string
		want     model.Position
		wantText string
	}{
		{"execution error at (app/templates/sa.yaml:4:11): a name is required", model.Position{File: "c/templates/sa.yaml", Line: 4, Col: 11}, "a name is required"},
		{"parse error at (app/templates/x.yaml:3): unexpected EOF", model.Position{File: "c/templates/x.yaml", Line: 3}, "unexpected EOF"},
		{"execution error at (app/charts/sub/templates/y.yaml:2:3): boom", model.Position{File: "c/charts/sub/templates/y.yaml", Line: 2, Col: 3}, "boom"},
		{"template: app/templates/sa.yaml:1:14\n  executing \"app/templates/sa.yaml\" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b", model.Position{File: "c/templates/sa.yaml", Line: 1, Col: 14}, `executing "app/templates/sa.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b`},
		{"something else", model.Position{File: "c/Chart.yaml"}, "something else"},
	} {
		pos, msg := locateRenderError("c", "app", errors.New(tc.err))
		pos.File = filepath.ToSlash(pos.File)
		if pos != tc.want || msg != tc.wantText {
			t.Errorf("%q: %v %q, want %v %q", tc.err, pos, msg, tc.want, tc.wantText)
		}
	}
}

// Values files in order, then --set, each path noted where it was set.
func TestUserValuesOrderAndOrigins(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	_ = os.WriteFile(a, []byte("sa:\n  name: one\n  create: true\n"), 0o644)
	_ = os.WriteFile(b, []byte("sa:\n  name: two\n"), 0o644)
	vals, origins, err := userValues(Options{ValuesFiles: []string{a, b}, Set: []string{"sa.create=false"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := lookup(vals, "sa.name"); got != "two" {
		t.Errorf("sa.name %v, want two", got)
	}
	if got := lookup(vals, "sa.create"); got != false {
		t.Errorf("sa.create %v, want false", got)
	}
	if origins["sa.name"] != (origin{By: b, Line: 2, Col: 3}) || origins["sa.create"] != (origin{By: "--set"}) {
		t.Errorf("origins %v", origins)
	}
	if _, _, err := userValues(Options{Set: []string{"noequals"}}); err == nil {
		t.Error("bad --set: no error")
	}
}

// A fix on a rendered object edits nothing, and says what to change
// instead at the template line it would have edited: the values key the
// line writes as it is, where it is set, only when nothing else reads it.
func TestRenderSaysWhichValueToChangeInstead(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"values.yaml": "automount: true\nname: runner\nshared: a\nprio: 5\nsa: {name: x}\nnoted: b\nglobal: c\nquoted: q\njoined: j\nstrTrue: \"true\"\n",
		"templates/_helpers.tpl": `{{- define "app.name" -}}
{{ .Values.noted }}
{{- end }}
`,
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    plain: {{ .Values.name }}
    quoted: {{ .Values.quoted | quote }}   # a comment
    shared: {{ .Values.shared }}
    defaulted: {{ .Values.missing | default "d" }}
    joined: {{ .Values.joined }}-web
    fromTable: {{ .Values.sa.name }}
    noted: {{ .Values.noted }}
    whole: {{ .Values.global }}
spec:
  priority: {{ .Values.prio }}
  paused: {{ .Values.strTrue }}
  template:
    spec:
      automountServiceAccountToken: {{ .Values.automount }}
      containers:
      - name: app
        image: nginx
`,
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels:
    shared: {{ .Values.shared }}
data:
  sa: {{ toYaml .Values.sa | quote }}
`,
	})
	vals := filepath.Join(dir, "values.yaml")
	prod := filepath.Join(dir, "prod.yaml")
	if err := os.WriteFile(prod, []byte("# prod\nprio: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{ValuesFiles: []string{prod}, Set: []string{"automount=true"}}
	tmpl := filepath.Join(dir, "templates", "deployment.yaml")
	o := renderedKind(t, dir, opts, "Deployment")
	// spot is the values file whose bytes a fix would replace, and
	// those bytes; "" when a fix may not be made there.
	spots := map[int]model.ValueSpot{}
	for n, v := range o.Built.Values {
		spots[n.Line] = v
	}
	for _, tc := range []struct {
		line       int
		want       string
		spot, text string
	}{
		{6, "line 6 writes the value of name, set at " + vals + ":2: change it there", vals, "runner"},
		{7, "line 7 writes the value of quoted, set at " + vals + ":8: change it there", vals, "q"},
		{8, "line 8 writes the value of shared (set at " + vals + ":3), which " + filepath.Join(dir, "templates", "cm.yaml") + ":6 also reads", "", ""},
		{9, "line 9 computes the value from missing (not one value written as it is)", "", ""},
		{10, "line 10 computes the value from joined (not one value written as it is)", "", ""},
		// The ConfigMap reads the table sa whole.
		{11, "line 11 writes the value of sa.name (set at " + vals + ":5), which " + filepath.Join(dir, "templates", "cm.yaml") + ":8 also reads", "", ""},
		// A helper reads it: every include of it does.
		{12, "line 12 writes the value of noted (set at " + vals + ":6), which " + filepath.Join(dir, "templates", "_helpers.tpl") + ":2 also reads", "", ""},
		{13, "line 13 writes the value of global, set at " + vals + ":7: change it there", vals, "c"},
		{15, "line 15 writes the value of prio, set at " + prod + ":2: change it there", prod, "7"},
		// The string "true" renders as a boolean: not the same value.
		{16, "line 16 writes the value of strTrue, set at " + vals + ":10: change it there", "", ""},
		// --set is no file.
		{19, "line 19 writes the value of automount, set by --set: change it there", "", ""},
	} {
		got := o.Built.Refusal(model.Position{File: tmpl, Line: tc.line, Col: 9})
		if want := o.Built.NoFix + "; " + tc.want; got != want {
			t.Errorf("line %d: %q\nwant %q", tc.line, got, want)
		}
		spot, ok := spots[tc.line]
		switch {
		case tc.spot == "" && ok:
			t.Errorf("line %d: a fix may edit %s, want none", tc.line, spot.Source.Path)
		case tc.spot != "" && !ok:
			t.Errorf("line %d: a fix may not edit %s", tc.line, tc.spot)
		case ok && (spot.Source.Path != tc.spot || string(spot.Source.Bytes()[spot.Start:spot.End]) != tc.text):
			t.Errorf("line %d: a fix edits %q of %s, want %q of %s", tc.line, spot.Source.Bytes()[spot.Start:spot.End], spot.Source.Path, tc.text, tc.spot)
		}
	}
	// A line that reads no value: NoFix alone.
	if got := o.Built.Refusal(model.Position{File: tmpl, Line: 4}); got != o.Built.NoFix {
		t.Errorf("line 4: %q, want NoFix alone", got)
	}
	// toYaml .Values reads every value.
	all := filepath.Join(dir, "templates", "all.yaml")
	if err := os.WriteFile(all, []byte("{{- if .Values.global }}\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: all}\ndata:\n  all: {{ toYaml .Values | quote }}\n{{- end }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o = renderedKind(t, dir, opts, "Deployment")
	want := o.Built.NoFix + "; line 6 writes the value of name (set at " + vals + ":2), which " + all + ":6 also reads"
	if got := o.Built.Refusal(model.Position{File: tmpl, Line: 6}); got != want {
		t.Errorf("with toYaml .Values: %q\nwant %q", got, want)
	}
	if len(o.Built.Values) > 0 {
		t.Errorf("with toYaml .Values: a fix may edit %v, want no value", o.Built.Values)
	}
}

// renderedKind renders the chart in dir and returns its object of kind.
func renderedKind(t *testing.T, dir string, opts Options, kind string) *model.Object {
	t.Helper()
	files := Render(dir, opts)
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Kind == kind {
				return o
			}
		}
	}
	t.Fatalf("files %v: no %s", files, kind)
	return nil
}

// Given values (a GitOps object's) come after the values files, in order:
// a document noted at its nodes' lines, an assignment at its place; a
// String one keeps its value a string, as --set-string.
func TestUserValuesGiven(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	_ = os.WriteFile(a, []byte("sa:\n  name: one\n  create: true\n"), 0o644)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("sa:\n  name: two\n"), &doc); err != nil {
		t.Fatal(err)
	}
	vals, origins, err := userValues(Options{ValuesFiles: []string{a}, Given: []Given{
		{By: "app.yaml", Doc: doc.Content[0]},
		{By: "app.yaml:20", Set: "sa.create=false"},
		{By: "app.yaml:21", Set: "sa.automount=false", String: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{"sa.name": "two", "sa.create": false, "sa.automount": "false"} {
		if got := lookup(vals, path); got != want {
			t.Errorf("%s %#v, want %#v", path, got, want)
		}
	}
	if origins["sa.name"] != (origin{By: "app.yaml", Line: 2, Col: 3}) || origins["sa.create"] != (origin{By: "app.yaml:20"}) {
		t.Errorf("origins %v", origins)
	}
	if _, _, err := userValues(Options{Given: []Given{{By: "app.yaml:3", Set: "noequals"}}}); err == nil || !strings.HasPrefix(err.Error(), "app.yaml:3: ") {
		t.Errorf("bad parameter: error %v, want one at its place", err)
	}
}

// --kube-version and --api-versions change .Capabilities as in helm
// template; without them, Helm's defaults.
func TestRenderCapabilities(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"templates/sa.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: caps
  annotations:
    minor: {{ .Capabilities.KubeVersion.Minor | quote }}
    foo: {{ .Capabilities.APIVersions.Has "foo/v1" | quote }}
    apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
`,
	})
	for _, tc := range []struct {
		name       string
		opts       Options
		minor, foo string
	}{
		{"defaults", Options{}, common.DefaultCapabilities.KubeVersion.Minor, "false"},
		{"kube version and API versions", Options{KubeVersion: "v1.29.3", APIVersions: []string{"foo/v1"}}, "29", "true"},
		{"API versions alone", Options{APIVersions: []string{"foo/v1"}}, common.DefaultCapabilities.KubeVersion.Minor, "true"},
	} {
		sa := renderedKind(t, dir, tc.opts, "ServiceAccount")
		data := model.Get(model.Get(sa.Node, "metadata").Value, "annotations").Value
		for key, want := range map[string]string{"minor": tc.minor, "foo": tc.foo, "apps": "true"} {
			if got := model.Get(data, key).String(); got != want {
				t.Errorf("%s: %s %q, want %q", tc.name, key, got, want)
			}
		}
	}
	files := Render(dir, Options{KubeVersion: "one"})
	if len(files) != 1 || len(files[0].Errors) != 1 || !strings.Contains(files[0].Errors[0].Message, `invalid kube version "one"`) {
		t.Errorf("a bad kube version: %v, want one error", files)
	}
}

// Each render's API versions are its own: Helm's defaults, which every
// render (in parallel) starts from, are left as they were.
func TestCapabilitiesLeaveTheDefaults(t *testing.T) {
	defaults := slices.Clone(common.DefaultCapabilities.APIVersions)
	var wg sync.WaitGroup
	for _, extra := range []string{"a/v1", "b/v1", "c/v1", "d/v1"} {
		wg.Go(func() {
			caps, err := capabilities(Options{APIVersions: []string{extra}})
			if err != nil {
				t.Error(err)
				return
			}
			if got := caps.APIVersions[len(caps.APIVersions)-1]; got != extra || len(caps.APIVersions) != len(defaults)+1 {
				t.Errorf("API versions end with %s (%d), want %s (%d)", got, len(caps.APIVersions), extra, len(defaults)+1)
			}
		})
	}
	wg.Wait()
	if !slices.Equal(common.DefaultCapabilities.APIVersions, defaults) {
		t.Error("Helm's default API versions changed")
	}
}
