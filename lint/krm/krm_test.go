package krm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/salint/salint/rules"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestParseFunctionConfig(t *testing.T) {
	cases := []struct {
		name, config string
		check        func(*FunctionConfig) bool
		err          string
	}{
		{"none: validate, fail on warnings", "", func(c *FunctionConfig) bool { return c.Mode == ModeValidate && c.failOn == rules.Warning }, ""},
		{"Salint object with .salint.yaml settings", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nmode: fix\nfailOn: error\nnamespace: shop\nexternalAccounts: [ci/deployer]\nrules:\n  automount-conflict: {severity: info}\n",
			func(c *FunctionConfig) bool {
				return c.Mode == ModeFix && c.failOn == rules.Error && c.Namespace == "shop" && len(c.ExternalAccounts) == 1 && c.Rules["automount-conflict"].Severity == "info"
			}, ""},
		{"ConfigMap data values are YAML", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  mode: fix\n  externalSecrets: '[shop/pull]'\n  createMissingAccounts: 'true'\n  namespace: ''\n",
			func(c *FunctionConfig) bool {
				return c.Mode == ModeFix && len(c.ExternalSecrets) == 1 && c.CreateMissingAccounts && c.Namespace == ""
			}, ""},
		{"kpt's empty ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {}\n", func(c *FunctionConfig) bool { return c.Mode == ModeValidate }, ""},
		{"automount fix", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nautomount: account\n", func(c *FunctionConfig) bool { return c.Automount == rules.AutomountFixAccount }, ""},
		{"unknown setting", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nnamepsace: x\n", nil, `unknown key "namepsace" (did you mean "namespace"?)`},
		{"unknown rule", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nrules: {nope: {enabled: true}}\n", nil, `unknown rule "nope"`},
		{"bad mode", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nmode: check\n", nil, `mode "check"`},
		{"bad failOn", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nfailOn: fatal\n", nil, "failOn"},
		{"mode is not a list", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nmode: [fix]\n", nil, "mode must be a single value"},
		{"bad boolean", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {createMissingAccounts: 'yes'}\n", nil, "not true or false"},
		{"bad automount", "apiVersion: salint.io/v1alpha1\nkind: Salint\nmetadata: {name: s}\nautomount: pod\n", nil, "automount"},
		{"other kind", "apiVersion: salint.io/v2\nkind: Salint\nmetadata: {name: s}\n", nil, "want kind Salint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n *yaml.RNode
			if c.config != "" {
				n = yaml.MustParse(c.config)
			}
			cfg, err := ParseFunctionConfig(n)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one containing %q", err, c.err)
				}
				if strings.Contains(err.Error(), "line ") {
					t.Errorf("error %q cites a line of the re-encoded settings", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(cfg) {
				t.Errorf("config read as %+v", cfg)
			}
		})
	}
}

func TestOrigin_KptPathsThenKustomizeOrigin(t *testing.T) {
	cases := map[string]struct{ annotations, path, index string }{
		"kpt internal":     {"internal.config.kubernetes.io/path: a/b.yaml\n      internal.config.kubernetes.io/index: '2'", "a/b.yaml", "2"},
		"kpt legacy":       {"config.kubernetes.io/path: c.yaml\n      config.kubernetes.io/index: '1'", "c.yaml", "1"},
		"kustomize origin": {"config.kubernetes.io/origin: |\n        path: base/web.yaml\n        repo: https://example.com/r", "base/web.yaml", ""},
		"none":             {"x: y", "", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			n := yaml.MustParse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n      " + c.annotations + "\n")
			path, index := origin(n)
			if path != c.path || index != c.index {
				t.Errorf("origin = %q, %q; want %q, %q", path, index, c.path, c.index)
			}
		})
	}
}

func TestRun_FixModeWithoutFixerIsAnError(t *testing.T) {
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: salint.io/v1alpha1\n  kind: Salint\n  metadata: {name: s}\n  mode: fix\n"
	if _, err := Run(strings.NewReader(in), &bytes.Buffer{}, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("no error")
	}
}
