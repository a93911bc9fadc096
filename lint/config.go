package lint

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ConfigFileName is the file salint looks for from the working directory up.
const ConfigFileName = ".salint.yaml"

// Config is the content of .salint.yaml. Unknown keys are errors.
type Config struct {
	// Namespace is where objects without metadata.namespace land.
	Namespace string `yaml:"namespace" json:"namespace,omitempty"`
	// ExternalAccounts exist outside the bundle: "namespace/name", "*" allowed.
	ExternalAccounts []string `yaml:"externalAccounts" json:"externalAccounts,omitempty"`
	// ExternalSecrets are Secrets made outside the bundle, same form.
	ExternalSecrets []string `yaml:"externalSecrets" json:"externalSecrets,omitempty"`
	// PrivateRegistries are registry host patterns that need credentials.
	PrivateRegistries []string `yaml:"privateRegistries" json:"privateRegistries,omitempty"`
	// Rules enables, disables or re-grades rules by id.
	Rules map[string]RuleConfig `yaml:"rules" json:"rules,omitempty"`
	// Ignore silences findings without editing the manifests.
	Ignore []IgnoreEntry `yaml:"ignore" json:"ignore,omitempty"`
	// Helm says what the charts of the input are rendered with, per chart
	// directory (docs/helm.md); --values and --set come after it.
	Helm HelmConfig `yaml:"helm" json:"helm,omitempty"`

	// Clusters name the cluster views the repository's environments
	// form (grouping rule 1, docs/cluster-views.md): what each cluster
	// receives, as paths relative to the config file, and the namespace
	// of its objects that set none. What no cluster covers forms the
	// view "default".
	Clusters map[string]ClusterConfig `yaml:"clusters" json:"clusters,omitempty"`

	// dir is the directory of the config file; ignore paths are relative to it.
	dir string
	// file is the config file's path and ignoreLines the line of each
	// Ignore entry in it (0 when unknown), for notices about the entries.
	file        string
	ignoreLines []int
	// origin names a config parsed from text (SetOrigin); "config" when unset.
	origin string
}

// SetOrigin names where a config parsed from text came from ("functionConfig"
// for salint fn), for notices about its entries: such text has no line in
// a file the user could open.
func (c *Config) SetOrigin(name string) { c.origin = name }

// HelmConfig is the helm: block of the config.
type HelmConfig struct {
	// Charts maps a chart directory, relative to the config file, to
	// what it is rendered with.
	Charts map[string]HelmChart `yaml:"charts" json:"charts,omitempty"`
}

// HelmChart is what one chart is rendered with.
type HelmChart struct {
	// Values are values files relative to the config file, in order.
	Values []string `yaml:"values" json:"values,omitempty"`
	// Set are Helm --set assignments: dotted key to value.
	Set         map[string]string `yaml:"set" json:"set,omitempty"`
	ReleaseName string            `yaml:"releaseName" json:"releaseName,omitempty"`
	Namespace   string            `yaml:"namespace" json:"namespace,omitempty"`
}

// HelmCharts returns the render options of each chart the config names,
// by its directory made absolute (lint.Input.HelmCharts); paths are shown
// relative to the working directory when they can be.
func (c *Config) HelmCharts() map[string]helm.Options {
	if c == nil || len(c.Helm.Charts) == 0 {
		return nil
	}
	wd, wdErr := os.Getwd()
	show := func(p string) string {
		abs := filepath.Join(c.dir, p)
		if wdErr == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
		}
		return abs
	}
	// The file loaded (--config prod.yaml), not the name searched for.
	file := ConfigFileName
	if c.file != "" {
		file = filepath.Base(c.file)
	}
	out := map[string]helm.Options{}
	for dir, ch := range c.Helm.Charts {
		o := helm.Options{ReleaseName: ch.ReleaseName, Namespace: ch.Namespace, ConfigFile: show(file)}
		for _, v := range ch.Values {
			o.ValuesFiles = append(o.ValuesFiles, show(v))
		}
		for _, k := range slices.Sorted(maps.Keys(ch.Set)) {
			o.ConfigSet = append(o.ConfigSet, k+"="+ch.Set[k])
		}
		out[absPath(filepath.Join(c.dir, dir))] = o
	}
	return out
}

// ClusterConfig is one cluster of Config.Clusters.
type ClusterConfig struct {
	Paths     []string `yaml:"paths" json:"paths,omitempty"`
	Namespace string   `yaml:"namespace" json:"namespace,omitempty"`
}

// RuleConfig adjusts one rule.
type RuleConfig struct {
	Enabled  *bool  `yaml:"enabled" json:"enabled,omitempty"`
	Severity string `yaml:"severity" json:"severity,omitempty"`
}

// IgnoreEntry silences the findings it matches; empty fields match all.
type IgnoreEntry struct {
	Rule      string `yaml:"rule" json:"rule,omitempty"`
	Kind      string `yaml:"kind" json:"kind,omitempty"`
	Namespace string `yaml:"namespace" json:"namespace,omitempty"`
	Name      string `yaml:"name" json:"name,omitempty"`
	// Path is a glob ("vendor/**") over file paths relative to the config file.
	Path string `yaml:"path" json:"path,omitempty"`
}

// FindConfig looks for .salint.yaml in dir and its parents up to the
// repository root (see fingerprint.RepoRoot), or in dir alone outside a
// repository; "" when none. A directory above the repository is not the repository's
// to configure: anyone can write /tmp. Like git for a repository
// (safe.directory), it refuses a config owned by another user.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("config: %w", err)
	}
	root := fingerprint.RepoRoot(dir)
	for {
		p := filepath.Join(dir, ConfigFileName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			if owner, me, ok := foreignOwner(info); ok {
				return "", fmt.Errorf("config %s is owned by user %d, not by you (user %d): not used, as git does not use a repository another user owns; pass --config %s to use it, or --no-config", p, owner, me, p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadConfig reads and validates a config file. Its mistakes are said
// each at file:line when it has one.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, errors.New(ce.located(file))
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	abs, err := filepath.Abs(file)
	if err == nil {
		cfg.dir = filepath.Dir(abs)
	}
	cfg.file = file
	return cfg, nil
}

// ConfigError lists the mistakes in a config text.
type ConfigError struct {
	Problems []ConfigProblem
}

// ConfigProblem is one mistake, at its line (0 when it has none).
type ConfigProblem struct {
	Line    int
	Message string
}

// Error is every problem as "line N: message", joined by "; ".
func (e *ConfigError) Error() string {
	return e.join("; ", func(p ConfigProblem) string {
		if p.Line == 0 {
			return p.Message
		}
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	})
}

// located is every problem as "file:N: message", joined by "; ": one line,
// since error text is printed escaped (a line break would show as \n).
func (e *ConfigError) located(file string) string {
	return e.join("; ", func(p ConfigProblem) string {
		if p.Line == 0 {
			return file + ": " + p.Message
		}
		return fmt.Sprintf("%s:%d: %s", file, p.Line, p.Message)
	})
}

func (e *ConfigError) join(sep string, format func(ConfigProblem) string) string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = format(p)
	}
	return strings.Join(parts, sep)
}

var yamlLineInErr = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// ParseConfig decodes and validates config text. The shape (keys, lists,
// single values) is checked against Config first, so that a mistake is
// said in the config's words, at its line; the decoder then fills Config.
func ParseConfig(data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Config{}, nil
		}
		return nil, &ConfigError{Problems: []ConfigProblem{decoderProblem(err)}}
	}
	cfg := &Config{}
	if len(doc.Content) > 0 {
		var problems []ConfigProblem
		checkShape(doc.Content[0], reflect.TypeFor[Config](), "", &problems)
		if len(problems) > 0 {
			return nil, &ConfigError{Problems: problems}
		}
		cfg.ignoreLines = itemLines(doc.Content[0], "ignore")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		// Only what checkShape does not see (a bad alias, say).
		return nil, &ConfigError{Problems: []ConfigProblem{decoderProblem(err)}}
	}
	return cfg, cfg.validate()
}

// itemLines is the line of each item of the list under key in mapping m.
func itemLines(m *yaml.Node, key string) []int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			lines := make([]int, len(m.Content[i+1].Content))
			for j, item := range m.Content[i+1].Content {
				lines[j] = item.Line
			}
			return lines
		}
	}
	return nil
}

// decoderProblem turns go-yaml's "yaml: line N: msg" into a located problem.
func decoderProblem(err error) ConfigProblem {
	msg := strings.ReplaceAll(err.Error(), "unmarshal errors:\n  ", "")
	if m := yamlLineInErr.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return ConfigProblem{Line: line, Message: m[2]}
	}
	return ConfigProblem{Message: strings.TrimPrefix(msg, "yaml: ")}
}

// checkShape compares node with what decoding into t needs: mappings
// with known keys for structs, lists for slices, single values for
// strings and bools. at is the dotted path of node, for the message.
func checkShape(n *yaml.Node, t reflect.Type, at string, problems *[]ConfigProblem) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value leaves the default
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fail := func(want string) {
		prefix := ""
		if at != "" {
			prefix = at + ": "
		}
		*problems = append(*problems, ConfigProblem{Line: n.Line, Message: prefix + want + ", got " + shapeOf(n)})
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if at == "" {
				fail("want a mapping of keys (namespace: ..., rules: ...)")
			} else {
				fail("want a mapping of keys")
			}
			return
		}
		fields := yamlFields(t)
		names := make([]string, 0, len(fields))
		for _, f := range fields {
			names = append(names, f.name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if key.Value == "<<" {
				continue // a merge key: its values are checked where they are defined
			}
			i := slices.IndexFunc(fields, func(f yamlField) bool { return f.name == key.Value })
			if i < 0 {
				msg := fmt.Sprintf("unknown key %q", key.Value)
				if c := rules.Closest(key.Value, names); c != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", c)
				} else {
					msg += " (known: " + strings.Join(names, ", ") + ")"
				}
				if at != "" {
					msg = at + ": " + msg
				}
				*problems = append(*problems, ConfigProblem{Line: key.Line, Message: msg})
				continue
			}
			checkShape(value, fields[i].typ, joinPath(at, key.Value), problems)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping of keys")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkShape(n.Content[i+1], t.Elem(), joinPath(at, n.Content[i].Value), problems)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			fail(`want a list ([a, b], or one "- item" per line)`)
			return
		}
		for i, item := range n.Content {
			checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", at, i), problems)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			fail("want true or false")
		}
	default:
		if n.Kind != yaml.ScalarNode {
			fail("want a single value")
		}
	}
}

// shapeOf names what a node is, for "got ..." in a message.
func shapeOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func joinPath(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

type yamlField struct {
	name string
	typ  reflect.Type
}

// yamlFields are the keys a struct decodes, in declaration order.
func yamlFields(t reflect.Type) []yamlField {
	var fields []yamlField
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && name != "" && name != "-" {
			fields = append(fields, yamlField{name, f.Type})
		}
	}
	return fields
}

func (c *Config) validate() error {
	var problems []string
	for id, rc := range c.Rules {
		if rules.ByID(id) == nil {
			problems = append(problems, "rules: "+rules.UnknownRule(id))
		}
		if rc.Severity != "" {
			if _, err := rules.ParseSeverity(rc.Severity); err != nil {
				problems = append(problems, fmt.Sprintf("rules.%s.severity: %v", id, err))
			}
		}
	}
	for key, list := range map[string][]string{"externalAccounts": c.ExternalAccounts, "externalSecrets": c.ExternalSecrets} {
		for _, e := range list {
			if ns, name, ok := strings.Cut(e, "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
				problems = append(problems, fmt.Sprintf("%s: %q is not namespace/name (either part may be *)", key, e))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Clusters)) {
		if len(c.Clusters[name].Paths) == 0 {
			problems = append(problems, fmt.Sprintf("clusters.%s.paths: want the paths the cluster receives", name))
		}
		if name == DefaultView {
			problems = append(problems, fmt.Sprintf("clusters.%s: the view of what no cluster covers has that name; choose another", name))
		}
	}
	for _, p := range c.PrivateRegistries {
		if !model.ValidHostPattern(p) {
			problems = append(problems, fmt.Sprintf("privateRegistries: %q is not a registry host pattern (host[:port], * within a label; no scheme or path)", p))
		}
	}
	for i, ig := range c.Ignore {
		if ig.Rule != "" && ig.Rule != "*" && rules.ByID(ig.Rule) == nil {
			problems = append(problems, fmt.Sprintf("ignore[%d]: %s", i, rules.UnknownRule(ig.Rule)))
		}
		if ig.Path != "" {
			if _, err := path.Match(strings.ReplaceAll(ig.Path, "**", "*"), ""); err != nil {
				problems = append(problems, fmt.Sprintf("ignore[%d].path: bad glob %q", i, ig.Path))
			}
		}
		if ig == (IgnoreEntry{}) {
			problems = append(problems, fmt.Sprintf("ignore[%d]: empty entry would silence everything; use rule: \"*\" with a path", i))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// ignores reports whether an ignore entry silences f.
func (c *Config) ignores(f *rules.Finding) bool {
	return slices.ContainsFunc(c.Ignore, func(ig IgnoreEntry) bool { return c.silences(ig, f) })
}

// silences reports whether ig silences f.
func (c *Config) silences(ig IgnoreEntry, f *rules.Finding) bool {
	return (ig.Rule == "" || ig.Rule == "*" || ig.Rule == f.Rule) && c.selects(ig, f.Object, f.Pos.File)
}

// selects reports whether ig's object fields (kind, namespace, name, path)
// match o, an object in file; an entry with none of them selects anything.
func (c *Config) selects(ig IgnoreEntry, o *model.Object, file string) bool {
	if o == nil && (ig.Kind != "" || ig.Namespace != "" || ig.Name != "") {
		return false
	}
	return (ig.Kind == "" || ig.Kind == o.Kind) &&
		(ig.Namespace == "" || ig.Namespace == o.Namespace) &&
		(ig.Name == "" || ig.Name == o.Name) &&
		(ig.Path == "" || globMatch(ig.Path, c.relPath(file)))
}

// unmatchedIgnores are notices for the ignore entries that silence
// nothing because they select no object read (a kind in the wrong case,
// a misspelled name): at the entry's line, with the closest value. An
// entry that selects objects but silenced nothing in this run stays
// quiet: the findings it was for may have been fixed, or a run may read
// only part of the repository.
func (c *Config) unmatchedIgnores(objects []*model.Object, silenced []Suppression) []model.Error {
	var out []model.Error
	for i, ig := range c.Ignore {
		if ig.Kind == "" && ig.Namespace == "" && ig.Name == "" && ig.Path == "" {
			continue // selects every object
		}
		if slices.ContainsFunc(silenced, func(s Suppression) bool { return !s.InSource && c.silences(ig, &s.Finding) }) ||
			slices.ContainsFunc(objects, func(o *model.Object) bool { return c.selects(ig, o, o.Source.Path) }) {
			continue
		}
		pos := model.Position{File: cmp.Or(c.origin, "config")} // parsed from text that is not a file's
		if c.file != "" && i < len(c.ignoreLines) {
			pos = model.Position{File: c.file, Line: c.ignoreLines[i]}
		}
		out = append(out, model.Error{Pos: pos, Message: fmt.Sprintf("ignore[%d] (%s) matches no object: %s; it silences nothing", i, ig.selectors(), c.whyNoObject(ig, objects))})
	}
	return out
}

// selectors is ig's object fields as written: "kind: deployment, name: web".
func (ig IgnoreEntry) selectors() string {
	var parts []string
	for _, f := range ig.objectFields() {
		if f.value != "" {
			parts = append(parts, f.key+": "+f.value)
		}
	}
	return strings.Join(parts, ", ")
}

type ignoreField struct {
	key, value string
	of         func(o *model.Object) string
}

// objectFields are ig's fields compared with an object's.
func (ig IgnoreEntry) objectFields() []ignoreField {
	return []ignoreField{
		{"kind", ig.Kind, func(o *model.Object) string { return o.Kind }},
		{"namespace", ig.Namespace, func(o *model.Object) string { return o.Namespace }},
		{"name", ig.Name, func(o *model.Object) string { return o.Name }},
		{"path", ig.Path, nil},
	}
}

// whyNoObject names the first field of ig that no object has, with the
// closest value objects have (the same word in another case first).
func (c *Config) whyNoObject(ig IgnoreEntry, objects []*model.Object) string {
	for _, f := range ig.objectFields() {
		if f.value == "" {
			continue
		}
		if f.of == nil {
			if !slices.ContainsFunc(objects, func(o *model.Object) bool { return globMatch(f.value, c.relPath(o.Source.Path)) }) {
				return fmt.Sprintf("no file read matches path %q", f.value)
			}
			continue
		}
		seen := map[string]bool{}
		var values []string
		for _, o := range objects {
			if v := f.of(o); v != "" && !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		if seen[f.value] {
			continue
		}
		msg := fmt.Sprintf("no object has %s %q", f.key, f.value)
		sort.Strings(values)
		closest := rules.Closest(f.value, values)
		if i := slices.IndexFunc(values, func(v string) bool { return strings.EqualFold(v, f.value) }); i >= 0 {
			closest = values[i]
		}
		if closest != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", closest)
		}
		return msg
	}
	return "no object has all of them"
}

// relPath expresses a finding's file relative to the config directory.
func (c *Config) relPath(file string) string {
	if c.dir != "" {
		if abs, err := filepath.Abs(file); err == nil {
			if rel, err := filepath.Rel(c.dir, abs); err == nil {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// globMatch matches slash paths; "**" stands for any number of segments.
func globMatch(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

// matchSegments runs over the pattern once, keeping the set of path
// positions the pattern so far can end at: O(len(pat) × len(segs)) segment
// matches. (Trying each way of splitting the path among the "**"s, as it
// once did, is exponential: "**/" repeated against a deep path that does
// not match took seconds per finding; issue 18.)
func matchSegments(pat, segs []string) bool {
	at := make([]bool, len(segs)+1) // at[i]: the pattern so far matches segs[:i]
	at[0] = true
	for _, p := range pat {
		next := make([]bool, len(segs)+1)
		if p == "**" {
			// Any number of segments: from the first reachable position on.
			for i, ok := range at {
				if ok {
					for j := i; j <= len(segs); j++ {
						next[j] = true
					}
					break
				}
			}
		} else {
			for i := range segs {
				if at[i] {
					next[i+1], _ = path.Match(p, segs[i])
				}
			}
		}
		at = next
	}
	return at[len(segs)]
}
