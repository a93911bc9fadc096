package lint

import (
	"path/filepath"
	"slices"
	"testing"
)

// A chart's options name the config file they come from, whatever its
// name (--config prod.yaml): values set there are shown as set there.
func TestHelmCharts_NameTheLoadedConfigFile(t *testing.T) {
	for _, name := range []string{ConfigFileName, "prod.yaml", "conf/salint-prod.yaml"} {
		dir := t.TempDir()
		writeFilesIn(t, dir, map[string]string{
			name: "helm:\n  charts:\n    web: {values: [web/prod.yaml], set: {image.tag: \"2.0\"}}\n",
		})
		file := filepath.Join(dir, filepath.FromSlash(name))
		cfg, err := LoadConfig(file)
		if err != nil {
			t.Fatal(err)
		}
		confDir := filepath.Dir(file)
		opts, ok := cfg.HelmCharts()[filepath.Join(confDir, "web")]
		if !ok {
			t.Fatalf("%s: charts %v, want web", name, cfg.HelmCharts())
		}
		if opts.ConfigFile != file {
			t.Errorf("%s: ConfigFile %q, want %q", name, opts.ConfigFile, file)
		}
		if want := []string{filepath.Join(confDir, "web", "prod.yaml")}; !slices.Equal(opts.ValuesFiles, want) || !slices.Equal(opts.ConfigSet, []string{"image.tag=2.0"}) {
			t.Errorf("%s: values %v, set %v", name, opts.ValuesFiles, opts.ConfigSet)
		}
	}
}
