package lint

import (
	"bytes"
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

	// Clusters name the cluster views the repository's environments
	// form (grouping rule 1, docs/cluster-views.md): what each cluster
	// receives, as paths relative to the config file, and the namespace
	// of its objects that set none. What no cluster covers forms the
	// view "default".
	Clusters map[string]ClusterConfig `yaml:"clusters" json:"clusters,omitempty"`

	// dir is the directory of the config file; ignore paths are relative to it.
	dir string
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
// repository root (see RepoRoot), or in dir alone outside a repository;
// "" when none. A directory above the repository is not the repository's
// to configure: anyone can write /tmp. Like git for a repository
// (safe.directory), it refuses a config owned by another user.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("config: %w", err)
	}
	root := RepoRoot(dir)
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
	if len(doc.Content) > 0 {
		var problems []ConfigProblem
		checkShape(doc.Content[0], reflect.TypeFor[Config](), "", &problems)
		if len(problems) > 0 {
			return nil, &ConfigError{Problems: problems}
		}
	}
	cfg := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		// Only what checkShape does not see (a bad alias, say).
		return nil, &ConfigError{Problems: []ConfigProblem{decoderProblem(err)}}
	}
	return cfg, cfg.validate()
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
	for _, ig := range c.Ignore {
		if ig.Rule != "" && ig.Rule != "*" && ig.Rule != f.Rule {
			continue
		}
		if ig.Kind != "" && (f.Object == nil || ig.Kind != f.Object.Kind) {
			continue
		}
		if ig.Namespace != "" && (f.Object == nil || ig.Namespace != f.Object.Namespace) {
			continue
		}
		if ig.Name != "" && (f.Object == nil || ig.Name != f.Object.Name) {
			continue
		}
		if ig.Path != "" && !globMatch(ig.Path, c.relPath(f.Pos.File)) {
			continue
		}
		return true
	}
	return false
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
