package helm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
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
