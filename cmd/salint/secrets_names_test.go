package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// TestFlux_ObjectNamesFromSecretsNeverInOutput: a postBuild variable from
// a Secret may name an object or its namespace, or a HelmRelease's release
// and target namespace. No output may show it: not the JSON and SARIF
// object blocks, not a baseline (which is committed), not `salint views`.
func TestFlux_ObjectNamesFromSecretsNeverInOutput(t *testing.T) {
	const (
		name = "canary-name-7f3a"
		ns   = "canary-ns-91bc"
		rel  = "canary-rel-22aa"
	)
	dir := t.TempDir()
	vars := fluxCluster("dname", name)
	vars = strings.Replace(vars, "\ndata: {", "\ndata: {dns: "+b64(ns)+", rel: "+b64(rel)+", ", 1)
	rulestest.WriteFiles(t, dir, map[string]string{
		"clusters/eu/apps.yaml": vars,
		"apps/worker.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: "${dname}", namespace: "${dns}"}
spec:
  template:
    spec:
      serviceAccountName: ghost
      containers: [{name: c, image: nginx}]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  releaseName: "${rel}"
  targetNamespace: "${dns}"
  chart:
    spec: {chart: ./chart, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}
`,
		"chart/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml": "account: ghost2\n",
		"chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n" +
			"spec:\n  template:\n    spec:\n      serviceAccountName: {{ .Values.account }}\n      containers: [{name: c, image: nginx}]\n",
	})
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	runs := [][]string{
		{"lint", "-f", "json"}, {"lint", "-f", "sarif"}, {"lint", "-f", "gitlab"}, {"lint", "-f", "github"}, {"views"},
		{"lint", "--write-baseline", baseline},
	}
	for _, args := range runs {
		text, _ := runCombined(append(append(args, "--no-config", "--root", dir), dir)...)
		if args[len(args)-1] == baseline {
			data, err := os.ReadFile(baseline)
			if err != nil {
				t.Fatal(err)
			}
			text = string(data)
		}
		what := strings.Join(args[:min(len(args), 3)], " ")
		// The substituted names reach the model, redacted where shown:
		// else the test would pass without the substitution.
		if !strings.Contains(text, strings.Trim(model.Redacted, "<>")) { // JSON may escape the brackets
			t.Errorf("%s shows no redacted name:\n%s", what, text)
		}
		for _, canary := range []string{name, ns, rel} {
			if strings.Contains(text, canary) {
				t.Errorf("%s shows %s, a Secret's value:\n%s", what, canary, text)
			}
		}
	}
}
