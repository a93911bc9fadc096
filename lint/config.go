package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
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

	// dir is the directory of the config file; ignore paths are relative to it.
	dir string
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

// LoadConfig reads and validates a config file.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	abs, err := filepath.Abs(file)
	if err == nil {
		cfg.dir = filepath.Dir(abs)
	}
	return cfg, nil
}

var yamlLineInErr = regexp.MustCompile(`line (\d+): `)

// ParseConfig decodes and validates config text.
func ParseConfig(data []byte) (*Config, error) {
	cfg := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		msg = strings.ReplaceAll(msg, " in type lint.Config", "")
		msg = strings.ReplaceAll(msg, " in type lint.RuleConfig", "")
		msg = strings.ReplaceAll(msg, " in type lint.IgnoreEntry", "")
		msg = strings.ReplaceAll(msg, "\n  ", "; ")
		msg = yamlLineInErr.ReplaceAllString(msg, "line $1: ")
		return nil, errors.New(msg)
	}
	return cfg, cfg.validate()
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
