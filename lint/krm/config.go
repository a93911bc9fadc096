package krm

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Kind and APIVersion of the function's own configuration.
const (
	ConfigKind       = "Salint"
	ConfigAPIVersion = "salint.io/v1alpha1"
)

// FunctionConfig is the function's configuration: every setting of
// .salint.yaml, plus what the function does.
type FunctionConfig struct {
	lint.Config
	// Mode is validate (report; items unchanged) or fix (rewrite items).
	Mode string
	// failOn is the lowest severity that makes the function fail.
	failOn rules.Severity
	// CreateMissingAccounts and Automount are salint fix's
	// --create-missing-accounts and --automount.
	CreateMissingAccounts bool
	Automount             string
}

func (c *FunctionConfig) settings() rules.Settings {
	return rules.Settings{CreateMissingAccounts: c.CreateMissingAccounts, AutomountFix: c.Automount}
}

// FunctionConfigOrigin is where notices about the functionConfig's
// entries are: kustomize and kpt hand the function its config without the
// file it came from, and kustomize re-encodes it, so no line would be right.
const FunctionConfigOrigin = "functionConfig"

var lineNumbers = regexp.MustCompile(`line \d+: `)

// Keys the function reads beside those of .salint.yaml.
var functionKeys = []string{"mode", "failOn", "createMissingAccounts", "automount"}

// ParseFunctionConfig reads the functionConfig: a Salint object whose
// top-level fields are the settings, or a ConfigMap whose data values are
// the YAML of the setting of the same name (data: {mode: fix,
// externalAccounts: "[ci/deployer]"}). None at all means the defaults.
func ParseFunctionConfig(n *yaml.RNode) (*FunctionConfig, error) {
	cfg := &FunctionConfig{Mode: ModeValidate, failOn: rules.Warning}
	if n == nil || n.IsNilOrEmpty() {
		return cfg, nil
	}
	settings, err := settingsOf(n)
	if err != nil {
		return nil, err
	}
	extra := map[string]string{}
	for _, k := range functionKeys {
		f := settings.Field(k)
		if f == nil {
			continue
		}
		if f.Value.YNode().Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("functionConfig: %s must be a single value", k)
		}
		extra[k] = f.Value.YNode().Value
		if err := settings.PipeE(yaml.Clear(k)); err != nil {
			return nil, err
		}
	}
	text, err := settings.String()
	if err != nil {
		return nil, err
	}
	lc, err := lint.ParseConfig([]byte(text))
	if err != nil {
		// Lines would count in the settings as re-encoded here, not in
		// the user's file: leave them out.
		return nil, fmt.Errorf("functionConfig: %s", lineNumbers.ReplaceAllString(err.Error(), ""))
	}
	cfg.Config = *lc
	cfg.SetOrigin(FunctionConfigOrigin)
	if m, ok := extra["mode"]; ok {
		if m != ModeValidate && m != ModeFix {
			return nil, fmt.Errorf("functionConfig: mode %q: want %s or %s", m, ModeValidate, ModeFix)
		}
		cfg.Mode = m
	}
	if s, ok := extra["failOn"]; ok {
		if cfg.failOn, err = rules.ParseSeverity(s); err != nil {
			return nil, fmt.Errorf("functionConfig: failOn: %w", err)
		}
	}
	if s, ok := extra["createMissingAccounts"]; ok {
		switch s {
		case "true":
			cfg.CreateMissingAccounts = true
		case "false":
		default:
			return nil, fmt.Errorf("functionConfig: createMissingAccounts: %q is not true or false", s)
		}
	}
	if s, ok := extra["automount"]; ok {
		if s != rules.AutomountFixAccount {
			return nil, fmt.Errorf("functionConfig: automount: %q: want %q", s, rules.AutomountFixAccount)
		}
		cfg.Automount = s
	}
	return cfg, nil
}

// settingsOf returns the settings of a functionConfig as one mapping.
func settingsOf(n *yaml.RNode) (*yaml.RNode, error) {
	meta, err := n.GetMeta()
	if err != nil {
		return nil, fmt.Errorf("functionConfig: %w", err)
	}
	switch {
	case meta.Kind == ConfigKind && meta.APIVersion == ConfigAPIVersion:
		settings := n.Copy()
		for _, k := range []string{"apiVersion", "kind", "metadata"} {
			if err := settings.PipeE(yaml.Clear(k)); err != nil {
				return nil, err
			}
		}
		return settings, nil
	case meta.Kind == "ConfigMap" && meta.APIVersion == "v1":
		settings := yaml.NewMapRNode(nil)
		data := n.GetDataMap()
		for _, k := range slices.Sorted(maps.Keys(data)) {
			if strings.TrimSpace(data[k]) == "" {
				continue // an empty value sets nothing
			}
			v, err := yaml.Parse(data[k])
			if err != nil {
				return nil, fmt.Errorf("functionConfig: data.%s: %w", k, err)
			}
			if err := settings.PipeE(yaml.SetField(k, v)); err != nil {
				return nil, err
			}
		}
		return settings, nil
	}
	return nil, fmt.Errorf("functionConfig: want kind %s (apiVersion %s) or a ConfigMap, got %s %s", ConfigKind, ConfigAPIVersion, meta.APIVersion, meta.Kind)
}
