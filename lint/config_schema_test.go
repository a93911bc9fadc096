package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/salint/salint/rules"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// configSchemaFile is the JSON Schema of .salint.yaml that editors use.
const configSchemaFile = "../docs/salint.schema.json"

func readConfigSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(configSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func compileConfigSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(configSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("salint.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("salint.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestConfigSchema_HasEveryField fails when a key of .salint.yaml (a field
// of Config, or of what its lists and maps hold) has no property in the
// schema, or the schema has a property Config does not read: a key added
// to Config must be added to docs/salint.schema.json.
func TestConfigSchema_HasEveryField(t *testing.T) {
	doc := readConfigSchema(t)
	resolve := func(s map[string]any) map[string]any {
		if ref, ok := s["$ref"].(string); ok {
			s, _ = doc["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		return s
	}
	var walk func(typ reflect.Type, s map[string]any, at string)
	walk = func(typ reflect.Type, s map[string]any, at string) {
		s = resolve(s)
		if s == nil {
			t.Errorf("%s: no schema", at)
			return
		}
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Struct:
			props, _ := s["properties"].(map[string]any)
			var names []string
			for _, f := range yamlFields(typ) {
				names = append(names, f.name)
				p, ok := props[f.name].(map[string]any)
				if !ok {
					t.Errorf("key %s%s (%s) has no property in %s: add it", at, f.name, typ, configSchemaFile)
					continue
				}
				walk(f.typ, p, at+f.name+".")
			}
			for name := range props {
				if !slices.Contains(names, name) {
					t.Errorf("%s has property %s%s, which %s does not read", configSchemaFile, at, name, typ)
				}
			}
			if s["additionalProperties"] != false {
				t.Errorf("%s: the schema must refuse unknown keys, as salint does", strings.TrimSuffix(at, "."))
			}
		case reflect.Map:
			if p, ok := s["additionalProperties"].(map[string]any); ok {
				walk(typ.Elem(), p, at+"*.")
			} else {
				t.Errorf("%s: no schema for the map's values", at)
			}
		case reflect.Slice:
			if p, ok := s["items"].(map[string]any); ok {
				walk(typ.Elem(), p, at+"[].")
			} else {
				t.Errorf("%s: no schema for the list's items", at)
			}
		}
	}
	walk(reflect.TypeFor[Config](), doc, "")
}

// TestConfigSchema_RuleIDsAreTheCatalog keeps the schema's rule ids (for
// rules: and ignore[].rule) equal to the catalog's.
func TestConfigSchema_RuleIDsAreTheCatalog(t *testing.T) {
	doc := readConfigSchema(t)
	var got []string
	for _, id := range doc["$defs"].(map[string]any)["ruleId"].(map[string]any)["enum"].([]any) {
		got = append(got, id.(string))
	}
	var want []string
	for _, r := range rules.All() {
		want = append(want, r.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s $defs.ruleId.enum = %v, want the catalog's %v", configSchemaFile, got, want)
	}
}

// commentedKeys matches a commented-out line of YAML in ConfigTemplate.
var commentedKeys = regexp.MustCompile(`(?m)^# ( *(?:[a-zA-Z-]+:|- ).*)$`)

// configExample is a config text found in the documentation or testdata.
type configExample struct {
	where string
	text  []byte
}

// configExamples are the example configs: YAML blocks of README.md and
// docs/*.md that salint reads as a config (a manifest or a workflow is not
// one: its keys are not config keys), and the .salint.yaml files of
// testdata, in the tree and in testscript archives.
func configExamples(t *testing.T) []configExample {
	t.Helper()
	var out []configExample
	docs, _ := filepath.Glob("../docs/*.md")
	for _, file := range append([]string{"../README.md"}, docs...) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range yamlBlock.FindAllSubmatch(data, -1) {
			if cfg, err := ParseConfig(m[1]); err == nil && !reflect.DeepEqual(cfg, &Config{}) {
				out = append(out, configExample{file, m[1]})
			}
		}
	}
	// The template, with its example lines uncommented.
	out = append(out, configExample{"ConfigTemplate, uncommented", commentedKeys.ReplaceAll([]byte(ConfigTemplate), []byte("$1"))})
	err := filepath.WalkDir("../testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		isConfig := func(name string) bool { return strings.HasSuffix(filepath.Base(name), ConfigFileName) }
		if isConfig(path) {
			data, err := os.ReadFile(path)
			out = append(out, configExample{path, data})
			return err
		}
		if strings.HasSuffix(path, ".txtar") {
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if isConfig(f.Name) {
					out = append(out, configExample{path + ": " + f.Name, f.Data})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConfigSchema_ValidatesTheExamples checks every example config
// against the schema: one salint accepts must be valid. (Those it refuses
// are there to show its errors; TestConfigSchema_RefusesWhatSalintRefuses
// holds the mistakes the schema must catch too.)
func TestConfigSchema_ValidatesTheExamples(t *testing.T) {
	sch := compileConfigSchema(t)
	examples := configExamples(t)
	accepted := 0
	for _, ex := range examples {
		if _, err := ParseConfig(ex.text); err != nil {
			continue
		}
		accepted++
		if err := sch.Validate(configInstance(t, ex.text)); err != nil {
			t.Errorf("%s: salint accepts this config, the schema does not: %v\n%s", ex.where, err, ex.text)
		}
	}
	if accepted < 5 {
		t.Errorf("only %d example configs found (of %d): the search is broken", accepted, len(examples))
	}
}

// TestConfigTemplate_IsCommentedOut: salint init writes it as a start,
// which changes nothing until a line is uncommented; the uncommented
// examples are checked with the other examples.
func TestConfigTemplate_IsCommentedOut(t *testing.T) {
	cfg, err := ParseConfig([]byte(ConfigTemplate))
	if err != nil || !reflect.DeepEqual(cfg, &Config{}) {
		t.Errorf("ConfigTemplate sets something or does not parse: %+v, %v", cfg, err)
	}
	uncommented := commentedKeys.ReplaceAll([]byte(ConfigTemplate), []byte("$1"))
	if _, err := ParseConfig(uncommented); err != nil {
		t.Fatalf("ConfigTemplate uncommented: %v\n%s", err, uncommented)
	}
	for _, f := range yamlFields(reflect.TypeFor[Config]()) {
		if !bytes.Contains(uncommented, []byte("\n"+f.name+":")) {
			t.Errorf("ConfigTemplate does not show key %s", f.name)
		}
	}
}

func TestConfigSchema_RefusesWhatSalintRefuses(t *testing.T) {
	sch := compileConfigSchema(t)
	for _, text := range []string{
		"externalAcounts: [ci/deployer]\n",
		"externalAccounts: ci/deployer\n",
		"externalAccounts: [deployer]\n",
		"rules: {missing-account: {enabled: false}}\n",
		"rules: {automount-conflict: {severity: fatal}}\n",
		"rules: {automount-conflict: {enabled: \"no\"}}\n",
		"ignore: [{rule: nope}]\n",
		"ignore: [{kind: Deployment, nam: web}]\n",
		"ignore: [{}]\n",
		"privateRegistries: [\"https://registry.corp.example/v2\"]\n",
	} {
		if _, err := ParseConfig([]byte(text)); err == nil {
			t.Errorf("salint accepts %q: not a mistake", text)
		}
		if err := sch.Validate(configInstance(t, []byte(text))); err == nil {
			t.Errorf("the schema accepts %q, which salint refuses", text)
		}
	}
}

// configInstance is a config text as the JSON value the schema checks.
func configInstance(t *testing.T, text []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(text, &v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}
