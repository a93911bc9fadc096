package helm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// maxValuesFile bounds a values file read for a render.
const maxValuesFile = 8 << 20

// origin is where a value was set: a values file's key (Line > 0), or
// an assignment of --set or of a config file (By, no line).
type origin struct {
	By        string
	Line, Col int
}

// String is "values-prod.yaml:4" or "--set".
func (o origin) String() string {
	if o.Line == 0 {
		return o.By
	}
	return fmt.Sprintf("%s:%d", o.By, o.Line)
}

// userValues reads the values files and --set assignments in order, the
// later over the earlier, as helm does; origins says where each dotted
// path was set last.
func userValues(opts Options) (map[string]any, map[string]origin, error) {
	vals := map[string]any{}
	origins := map[string]origin{}
	for _, file := range opts.ValuesFiles {
		data, ok := opts.ValuesData[file]
		var err error
		if !ok {
			data, err = readBounded(file)
		}
		if err != nil {
			return nil, nil, err
		}
		m, err := readValues(data)
		if err != nil {
			return nil, nil, fmt.Errorf("values file %s: %w", file, err)
		}
		vals = mergeValues(vals, m, true)
		indexValues(file, "", data, origins)
	}
	for _, g := range opts.Given {
		if g.Doc != nil {
			m, err := givenValues(g.Doc)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: values: %w", g.By, err)
			}
			vals = mergeValues(vals, m, true)
			indexNode(g.By, "", g.Doc, origins)
			continue
		}
		if err := setValue(g.Set, g.String, g.By, vals, origins); err != nil {
			return nil, nil, err
		}
	}
	for _, set := range []struct {
		assignments []string
		by          string
	}{{opts.ConfigSet, opts.ConfigFile}, {opts.Set, "--set"}} {
		for _, s := range set.assignments {
			if err := setValue(s, false, set.by, vals, origins); err != nil {
				return nil, nil, err
			}
		}
	}
	return vals, origins, nil
}

// readValues reads a values file as Helm reads values.yaml and each
// --values file (its loader's LoadValues): every document of it, merged;
// YAML 1.1 through sigs.k8s.io/yaml, so a plain no, off or n is false and
// a key n is "false"; numbers are float64, 0777 is 511.
func readValues(data []byte) (map[string]any, error) {
	vals, err := loader.LoadValues(bytes.NewReader(data))
	if err != nil {
		return nil, valuesError(err, func() []*yaml.Node { return valuesDocs(data) })
	}
	return vals, nil
}

// givenValues reads a values document a GitOps object gives in place as
// the tool reads its text: every way to the render ends in a YAML 1.1
// reader (kubectl's and Argo CD's of the object, helm's of the values file
// Argo CD or kustomize writes, helm-controller's of a valuesFrom key), so
// the node is written back as the text it was and read as helm reads it.
func givenValues(doc *yaml.Node) (map[string]any, error) {
	text, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	vals, err := loader.LoadValues(bytes.NewReader(text))
	if err != nil {
		return nil, valuesError(err, func() []*yaml.Node { return []*yaml.Node{doc} })
	}
	return vals, nil
}

// valuesError is Helm's error reading values, without its wrapping and
// without what sigs.k8s.io/yaml quotes of a key JSON cannot hold: the
// value under it, which may be a password. Such a key is located in the
// documents (their lines those of the values' file).
func valuesError(err error, docs func() []*yaml.Node) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, "converting YAML to JSON: "); i >= 0 {
		msg = msg[i+len("converting YAML to JSON: "):]
	}
	if !strings.HasPrefix(msg, "unsupported map key") && !strings.HasPrefix(msg, "yaml: invalid map key") {
		return errors.New(msg)
	}
	msg = "a key is null, a list or a table, which Helm cannot read"
	var find func(n *yaml.Node) *yaml.Node
	find = func(n *yaml.Node) *yaml.Node {
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && (c.Kind != yaml.ScalarNode || c.Style == 0 && c.ShortTag() == "!!null") {
				return c
			}
			if k := find(c); k != nil {
				return k
			}
		}
		return nil
	}
	for _, d := range docs() {
		if k := find(d); k != nil && k.Line > 0 {
			return fmt.Errorf("line %d: %s", k.Line, msg)
		}
	}
	return errors.New(msg)
}

// setValue applies the strvals assignment s to vals (its value a string
// when asString, as --set-string) and records that by set what it sets.
func setValue(s string, asString bool, by string, vals map[string]any, origins map[string]origin) error {
	parse := strvals.ParseInto
	if asString {
		parse = strvals.ParseIntoString
	}
	if err := parse(s, vals); err != nil {
		return fmt.Errorf("%s: set %s: %w", by, s, err)
	}
	one := map[string]any{}
	if parse(s, one) == nil {
		for _, p := range leafPaths("", one) {
			origins[p] = origin{By: by}
		}
	}
	return nil
}

func readBounded(file string) ([]byte, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxValuesFile {
		return nil, fmt.Errorf("values file %s: larger than %d bytes", file, maxValuesFile)
	}
	return os.ReadFile(file)
}

// mergeValues puts src over dst, tables merged key by key. A null in src
// deletes the key, as in Helm, or with keepNulls stays in the result: the
// user's files and --set are merged so, and their nulls delete the chart's
// defaults when coalesced (coalesce).
func mergeValues(dst, src map[string]any, keepNulls bool) map[string]any {
	out := make(map[string]any, len(dst)+len(src))
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if v == nil && !keepNulls {
			delete(out, k)
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := out[k].(map[string]any); ok {
				out[k] = mergeValues(dm, sm, keepNulls)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesce is Helm's CoalesceValues: the user's values over the chart's
// values.yaml, and for each subchart its part of them over its own, with
// the parent's globals.
func coalesce(c *chartv2.Chart, user map[string]any) map[string]any {
	vals := mergeValues(copyTables(c.Values), user, false)
	for _, d := range c.Dependencies() {
		sub, _ := vals[d.Name()].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
		}
		if g, ok := vals["global"].(map[string]any); ok {
			own, _ := sub["global"].(map[string]any)
			sub = mergeValues(sub, map[string]any{"global": mergeValues(copyTables(own), g, false)}, false)
		}
		vals[d.Name()] = coalesce(d, sub)
	}
	return vals
}

func copyTables(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if t, ok := v.(map[string]any); ok {
			v = copyTables(t)
		}
		out[k] = v
	}
	return out
}

// dropDisabled removes the subcharts whose Chart.yaml condition is false
// in vals, as Helm does before rendering (the first condition path that
// is a boolean decides).
func dropDisabled(c *chartv2.Chart, vals map[string]any) {
	disabled := map[string]bool{}
	for _, d := range c.Metadata.Dependencies {
		if d == nil || d.Condition == "" {
			continue
		}
		for _, path := range strings.Split(d.Condition, ",") {
			if b, ok := lookup(vals, strings.TrimSpace(path)).(bool); ok {
				disabled[d.Name] = !b
				break
			}
		}
	}
	var keep []*chartv2.Chart
	for _, d := range c.Dependencies() {
		if !disabled[d.Name()] {
			sub, _ := vals[d.Name()].(map[string]any)
			dropDisabled(d, sub)
			keep = append(keep, d)
		}
	}
	c.SetDependencies(keep...)
}

func lookup(vals map[string]any, path string) any {
	var v any = vals
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func leafPaths(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if t, ok := v.(map[string]any); ok && len(t) > 0 {
			out = append(out, leafPaths(p, t)...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// indexValues records the line of each dotted path set in a values file's
// bytes (each of its documents, the later over the earlier, as
// readValues merges them): where a value came from, for a finding's note.
func indexValues(file, prefix string, data []byte, origins map[string]origin) {
	for _, doc := range valuesDocs(data) {
		indexNode(file, prefix, doc, origins)
	}
}

// valuesDocs are the documents of a values file, as nodes with their
// lines; nil when it does not parse.
func valuesDocs(data []byte) []*yaml.Node {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if !errors.Is(err, io.EOF) {
				return nil
			}
			return docs
		}
		if len(doc.Content) > 0 {
			docs = append(docs, doc.Content[0])
		}
	}
}

// helmKey is the key Helm's reader makes of a mapping key: YAML 1.1
// resolves a plain one (n, on, 0777, 1.50) to a boolean or number, which
// the conversion to JSON writes as a string ("false", "true", "511",
// "1.5"). Read by that reader itself, as a one-key mapping, once per text
// (read holds what it made); a plain key that starts with none of the
// characters go-yaml v2 resolves from is a string as it is.
func helmKey(k *yaml.Node, read map[string]string) string {
	if k.Kind != yaml.ScalarNode || k.Style != 0 || k.Value == "" || !strings.ContainsRune(yaml11Starts, rune(k.Value[0])) {
		return k.Value
	}
	if c := k.Value[0]; (c < '0' || c > '9') && !strings.ContainsRune("+-.~", rune(c)) && !yaml11Words[strings.ToLower(k.Value)] {
		// A word (tolerations, fullnameOverride) that is none of
		// YAML 1.1's booleans or null: read by no reader, which costs.
		return k.Value
	}
	if key, ok := read[k.Value]; ok {
		return key
	}
	key := k.Value
	var m map[string]any
	if sigsyaml.Unmarshal([]byte(k.Value+": 0"), &m) == nil && len(m) == 1 {
		for key = range m {
		}
	}
	read[k.Value] = key
	return key
}

// yaml11Starts are the first characters of a plain scalar that go-yaml v2
// may resolve to something other than a string; of words, only
// yaml11Words (in some of their cases) resolve.
const yaml11Starts = "+-0123456789.yYnNtTfFoO~"

var yaml11Words = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true, "on": true, "off": true, "null": true}

// indexNode records the line of each dotted path set in the values
// document n of file, below prefix.
func indexNode(file, prefix string, n *yaml.Node, origins map[string]origin) {
	keys := map[string]string{}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		at := func(key string, pos, v *yaml.Node) {
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			origins[p] = origin{By: file, Line: pos.Line, Col: pos.Column}
			walk(p, v)
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				at(helmKey(n.Content[i], keys), n.Content[i], n.Content[i+1])
			}
		case yaml.SequenceNode: // "ports.0", for a schema's failure in a list
			for i, item := range n.Content {
				at(strconv.Itoa(i), item, item)
			}
		}
	}
	walk(prefix, n)
}

// newValueIndex says where each value was set, by its path from the top
// chart ("cache.serviceAccountName" for a subchart's): the subcharts'
// values.yaml, the chart's, then the user's files and --set (user).
func newValueIndex(dir string, ch *chartv2.Chart, user map[string]origin) map[string]origin {
	index := map[string]origin{}
	var walk func(c *chartv2.Chart, dir, prefix string)
	walk = func(c *chartv2.Chart, dir, prefix string) {
		for _, d := range c.Dependencies() {
			walk(d, filepath.Join(dir, "charts", d.Name()), prefix+d.Name()+".")
		}
		for _, f := range c.Raw {
			if f.Name == "values.yaml" {
				indexValues(filepath.Join(dir, "values.yaml"), strings.TrimSuffix(prefix, "."), f.Data, index)
			}
		}
	}
	walk(ch, dir, "")
	for p, o := range user {
		index[p] = o
	}
	return index
}
