package helm

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
)

const webSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema",
  "type": "object",
  "required": ["image"],
  "properties": {
    "replicaCount": {"type": "integer"},
    "image": {"type": "string"},
    "ports": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}
  }
}`

const cacheSchema = `{"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}}`

// values.schema.json is honoured as Helm does, after the values are
// merged: a value that fails it is an error at the line that set it when
// a values file did, else at the schema, and the chart is not rendered.
func TestSchemaChecksMergedValues(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml":                      "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n- {name: cache, version: 0.1.0, condition: cache.enabled}\n",
		"values.yaml":                     "replicaCount: 1\nimage: nginx\nports:\n- name: http\ncache:\n  enabled: true\n  replicas: 1\n",
		"values.schema.json":              webSchema,
		"templates/sa.yaml":               "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
		"charts/cache/Chart.yaml":         "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
		"charts/cache/values.schema.json": cacheSchema,
		"charts/cache/templates/sa.yaml":  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cache}\n",
		"prod.yaml":                       "replicaCount: many\nports:\n- name: 80\n",
		"noimage.yaml":                    "image: null\n",
	})
	schema := filepath.Join(dir, "values.schema.json")
	cacheSchemaFile := filepath.Join(dir, "charts", "cache", "values.schema.json")
	prod := filepath.Join(dir, "prod.yaml")
	for _, tc := range []struct {
		name     string
		opts     Options
		want     []model.Error // nil: renders
		rendered int           // templates rendered, when it renders
	}{
		{"the chart's own values", Options{}, nil, 2},
		{"a valid --set", Options{Set: []string{"replicaCount=3", "cache.replicas=2"}}, nil, 2},
		{"a subchart's values that are not a table are skipped, as in Helm", Options{Set: []string{"cache=3"}}, nil, 2},
		{"a disabled subchart is not checked", Options{Set: []string{"cache.enabled=false", "cache.replicas=0"}}, nil, 1},
		{"--set: at the schema", Options{Set: []string{"replicaCount=many"}}, []model.Error{
			{Pos: model.Position{File: schema}, Message: "Helm chart not rendered: " + schema + " rejects replicaCount (set by --set): got string, want integer"},
		}, 0},
		{"a values file: at its lines", Options{ValuesFiles: []string{prod}}, []model.Error{
			{Pos: model.Position{File: prod, Line: 1, Col: 1}, Message: "Helm chart not rendered: " + schema + " rejects replicaCount: got string, want integer"},
			{Pos: model.Position{File: prod, Line: 3, Col: 3}, Message: "Helm chart not rendered: " + schema + " rejects ports.0.name: got number, want string"},
		}, 0},
		{"a required value removed", Options{ValuesFiles: []string{filepath.Join(dir, "noimage.yaml")}}, []model.Error{
			{Pos: model.Position{File: schema}, Message: "Helm chart not rendered: " + schema + " rejects the values: missing property 'image'"},
		}, 0},
		{"a subchart's schema, with its part of the values", Options{ConfigSet: []string{"cache.replicas=0"}, ConfigFile: "conf/.salint.yaml"}, []model.Error{
			{Pos: model.Position{File: cacheSchemaFile}, Message: "Helm chart not rendered: " + cacheSchemaFile + " rejects cache.replicas (set by conf/.salint.yaml): minimum: want at least 1"},
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := Render(dir, tc.opts)
			if tc.want == nil {
				if len(files) != tc.rendered {
					t.Fatalf("files %v: want %d rendered", files, tc.rendered)
				}
				for _, f := range files {
					if len(f.Objects) != 1 || len(f.Errors) > 0 {
						t.Errorf("%s: objects %v, errors %v: want one object, no error", f.Source.Path, f.Objects, f.Errors)
					}
				}
				return
			}
			if len(files) != 1 || len(files[0].Objects) > 0 {
				t.Fatalf("files %v: want one file of errors", files)
			}
			got := files[0].Errors
			if len(got) != len(tc.want) {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("error %d:\n got %v %s\nwant %v %s", i, got[i].Pos, got[i].Message, tc.want[i].Pos, tc.want[i].Message)
				}
			}
		})
	}
}

// A schema that is not JSON is an error at it; one that refers to another
// document is a notice (salint fetches nothing) and the chart renders.
func TestSchemaBrokenOrReferringOut(t *testing.T) {
	for _, tc := range []struct {
		schema     string
		wantErr    string
		wantNotice string
	}{
		{`{"type": `, "Helm chart not rendered: values.schema.json is not JSON", ""},
		{`{"type": "object", "properties": {"a": {"$ref": "https://example.com/a.json"}}}`, "", "values not checked against this schema: it refers to https://example.com/a.json, and salint fetches nothing"},
		{`{"type": "object", "properties": {"a": {"$ref": "other.json"}}}`, "", "it refers to file:///other.json, and salint fetches nothing"},
		{`{"type": "nope"}`, "Helm chart not rendered: values.schema.json: ", ""},
	} {
		dir := writeChart(t, map[string]string{
			"Chart.yaml":         "apiVersion: v2\nname: app\nversion: 0.1.0\n",
			"values.schema.json": tc.schema,
			"templates/sa.yaml":  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n",
		})
		files := Render(dir, Options{})
		schema := filepath.Join(dir, "values.schema.json")
		if tc.wantErr != "" {
			if len(files) != 1 || len(files[0].Errors) != 1 || files[0].Errors[0].Pos.File != schema || !strings.HasPrefix(files[0].Errors[0].Message, tc.wantErr) {
				t.Errorf("%s: files %v, want one error at the schema: %q", tc.schema, files, tc.wantErr)
			}
			continue
		}
		if len(files) != 2 || len(files[0].Notices) != 1 || files[0].Notices[0].Pos.File != schema || !strings.Contains(files[0].Notices[0].Message, tc.wantNotice) || len(files[1].Objects) != 1 {
			t.Errorf("%s: files %v, want a notice at the schema (%q) and the rendered object", tc.schema, files, tc.wantNotice)
		}
	}
}

// A failure never quotes the value (values files hold passwords); what
// the schema wants is said instead.
func TestSchemaMessagesQuoteNoValue(t *testing.T) {
	const secret = "Hunter2-7731"
	for _, tc := range []struct {
		schema string
		value  any
		want   string
	}{
		{`{"pattern": "^[a-z]+$"}`, secret, `does not match pattern "^[a-z]+$"`},
		// Not asserted, as in Helm (whose messages would quote the value).
		{`{"$schema": "http://json-schema.org/draft-07/schema", "format": "email"}`, secret, ""},
		{`{"$schema": "http://json-schema.org/draft-07/schema", "contentEncoding": "base64"}`, secret + "!", ""},
		{`{"maximum": 10}`, 7731, "maximum: want at most 10"},
		{`{"exclusiveMinimum": 8000}`, 7731, "exclusiveMinimum: want more than 8000"},
		{`{"multipleOf": 2}`, 7731, "multipleOf: want a multiple of 2"},
		{`{"enum": ["a", "b"]}`, secret, "value must be one of 'a', 'b'"},
	} {
		schema := `{"properties": {"password": ` + tc.schema + `}}`
		errs, notices := checkSchema("values.schema.json", []byte(schema), "", map[string]any{"password": tc.value}, nil)
		if len(notices) > 0 {
			t.Errorf("%s: notices %v", tc.schema, notices)
		}
		if tc.want == "" {
			if len(errs) > 0 {
				t.Errorf("%s: errors %v, want none", tc.schema, errs)
			}
			continue
		}
		if len(errs) != 1 || !strings.HasSuffix(errs[0].Message, "rejects password: "+tc.want) || strings.Contains(errs[0].Message, "7731") {
			t.Errorf("%s: errors %v, want one ending %q, without the value", tc.schema, errs, tc.want)
		}
	}
}
