package lint

import (
	"strings"
	"testing"
)

func TestParseConfig_PrivateRegistries(t *testing.T) {
	if _, err := ParseConfig([]byte("privateRegistries: [registry.corp.example, '*.corp.example:5000']\nexternalSecrets: [shop/regcred, '*/pull']\n")); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
	for _, bad := range []string{"https://registry.corp.example", "registry.corp.example/team", "'['", "''"} {
		_, err := ParseConfig([]byte("privateRegistries: [" + bad + "]\n"))
		if err == nil || !strings.Contains(err.Error(), "privateRegistries") {
			t.Errorf("privateRegistries %s: error %v, want a privateRegistries error", bad, err)
		}
	}
}

func TestRun_PrivateRegistriesFromConfigReachTheRule(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pod.yaml": `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: [{name: c, image: ghcr.io/corp/app:1}]
`})
	cfg, err := ParseConfig([]byte("privateRegistries: [ghcr.io]\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Input: Input{Paths: []string{dir}}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "registry-without-pull-secret" {
		t.Errorf("findings = %v, want one registry-without-pull-secret", res.Findings)
	}
}
