package main

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// everyOutput are the commands and formats a canary test runs: each
// output that may show what a Secret holds.
var everyOutput = [][]string{
	{"lint"}, {"lint", "-f", "json"}, {"lint", "-f", "sarif"}, {"lint", "-f", "github"}, {"lint", "-f", "gitlab"},
	{"lint", "--enable", "all"},
	{"admit"}, {"admit", "--diff"}, {"admit", "-f", "json"},
	{"accounts"}, {"accounts", "--wide"}, {"accounts", "-f", "json"},
	{"fix", "--diff"}, {"fix"},
}

// TestHelm_SecretValuesNeverInOutput extends the secret canaries
// (secrets_test.go, lint/report/secrets_test.go) to charts: Secrets and a
// pull secret's .dockerconfigjson rendered from values set by --set and by
// a values file, with findings on them and beside them. No value may
// appear in any output of any command, whatever the format.
func TestHelm_SecretValuesNeverInOutput(t *testing.T) {
	const (
		inChart  = "CANARY-h3lm-chart-c3f0" // the chart's own default
		fromSet  = "CANARY-h3lm-set-5e2a"
		fromFile = "CANARY-h3lm-file-91c4"
		pullPass = "CANARY-h3lm-pull-0d7b"
	)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
		"chart/values.yaml": `smtp: {password: ` + inChart + `}
db: {password: ""}
apiToken: ""
registry: {host: registry.corp.example, user: ci, password: ""}
serviceAccount: {create: false, name: ghost}
`,
		"chart/templates/secrets.yaml": `apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
  password: {{ .Values.db.password }}
  smtp: {{ .Values.smtp.password }}
data:
  token: {{ .Values.apiToken | b64enc }}
---
{{- $auth := printf "%s:%s" .Values.registry.user .Values.registry.password | b64enc }}
apiVersion: v1
kind: Secret
metadata: {name: pull}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: {{ printf "{\"auths\":{%q:{\"auth\":%q,\"password\":%q}}}" .Values.registry.host $auth .Values.registry.password | b64enc }}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
  annotations: {kubernetes.io/service-account.name: {{ .Values.serviceAccount.name }}}
type: kubernetes.io/service-account-token
stringData: {token: {{ .Values.apiToken }}}
`,
		// A Secret written twice over: invalid YAML, whose error must not
		// quote the rendered value either.
		"chart/templates/broken.yaml": `apiVersion: v1
kind: Secret
metadata: {name: broken}
stringData:
  password: {{ .Values.db.password }}
  password: {{ .Values.apiToken }}
`,
		"chart/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: {{ .Values.serviceAccount.name }}
      serviceAccount: {{ .Values.serviceAccount.name }}
      imagePullSecrets: [{name: pull}, {name: absent}]
      containers:
      - name: web
        image: registry.corp.example/web:1
        env:
        - name: PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
`,
		"prod.yaml": "apiToken: " + fromFile + "\nregistry:\n  password: " + pullPass + "\n",
	})
	forbidden := []string{inChart, fromSet, fromFile, pullPass, b64(fromSet), b64(fromFile), b64("ci:" + pullPass), "h3lm"}
	values := []string{"--no-config", "-n", "shop", "--set", "db.password=" + fromSet, "--values", filepath.Join(dir, "prod.yaml")}
	chart := filepath.Join(dir, "chart")
	for _, args := range everyOutput {
		var out bytes.Buffer
		code := run(append(append(args, values...), chart), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }})
		what := strings.Join(args, " ")
		// Each command must have read the rendered Secrets: the broken one
		// is an input error (exit 2), the others are named.
		if code != exitError || !strings.Contains(out.String(), "broken.yaml") {
			t.Errorf("%s: exit %d, want %d with the broken template named:\n%s", what, code, exitError, out.String())
		}
		// The values did reach the rendered Secrets: admit shows each
		// redacted (db's three, pull's, token's and broken's two).
		if what == "admit" && strings.Count(out.String(), "<redacted>") != 7 {
			t.Errorf("admit shows %d redacted values, want 7:\n%s", strings.Count(out.String(), "<redacted>"), out.String())
		}
		for _, f := range forbidden {
			if strings.Contains(out.String(), f) {
				t.Errorf("%s shows a secret value %q:\n%s", what, f, out.String())
			}
		}
	}
}

// TestHelm_FluxValuesFromSecretsNeverInOutput extends the canaries to
// the values a Flux HelmRelease reads through valuesFrom from Secrets:
// data, and stringData with a postBuild variable a Secret sets
// substituted in it, rendered into a Secret. No value may appear in any
// output of any command.
func TestHelm_FluxValuesFromSecretsNeverInOutput(t *testing.T) {
	const (
		fromData   = "CANARY-fl7x-data-4b1e"
		fromString = "CANARY-fl7x-string-8c2d"
		fromVar    = "CANARY-fl7x-var-e6a9"
		varHash    = "0e1873a15c28b257f2c5f30aca9156512adff0ffc469f3ad8b9bcfac5c6c01f8" // sha256 of fromVar
	)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"clusters/eu/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  postBuild:
    substituteFrom: [{kind: Secret, name: vars}]
---
apiVersion: v1
kind: Secret
metadata: {name: vars, namespace: flux-system}
data: {db_password: ` + b64(fromVar) + `}
`,
		"apps/web.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  chart:
    spec: {chart: ./chart, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}
  valuesFrom: [{kind: Secret, name: from-data}, {kind: Secret, name: from-string}]
---
apiVersion: v1
kind: Secret
metadata: {name: from-data, namespace: shop}
data: {values.yaml: ` + b64("token: "+fromData+"\n") + `}
---
apiVersion: v1
kind: Secret
metadata: {name: from-string, namespace: shop}
stringData:
  values.yaml: |
    password: "${db_password}"
    apiKey: ` + fromString + `
`,
		"chart/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml": "token: \"\"\npassword: \"\"\napiKey: \"\"\n",
		"chart/templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: {{ .Values.password }}, apiKey: {{ .Values.apiKey }}}
data: {token: {{ .Values.token | b64enc }}}
`,
		// The account says whether the substituted password reached the
		// render, without the template holding it.
		"chart/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: {{ if eq (sha256sum .Values.password) "` + varHash + `" }}substituted{{ else }}as-written{{ end }}
      containers:
      - name: web
        image: nginx
        env:
        - name: PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
`,
	})
	forbidden := []string{fromData, fromString, fromVar, b64(fromData), b64(fromString), b64(fromVar), "fl7x"}
	for _, args := range append(slices.Clip(everyOutput), []string{"views"}) {
		var out bytes.Buffer
		run(append(append(args, "--no-config", "--root", dir), dir), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }})
		what := strings.Join(args, " ")
		if what == "lint" && !strings.Contains(out.String(), `runs as ServiceAccount "substituted"`) {
			t.Errorf("the substituted value did not reach the render:\n%s", out.String())
		}
		if what == "admit" && !strings.Contains(out.String(), "stringData: {password: "+model.Redacted+", apiKey: "+model.Redacted+"}") {
			t.Errorf("admit shows no rendered db Secret, redacted:\n%s", out.String())
		}
		for _, f := range forbidden {
			if strings.Contains(out.String(), f) {
				t.Errorf("%s shows a secret value %q:\n%s", what, f, out.String())
			}
		}
	}
}
