package main

import (
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// everyOutput are the commands and formats a canary test runs: each
// output that may show what a Secret holds.
var everyOutput = [][]string{
	{"lint"}, {"lint", "-f", "json"}, {"lint", "-f", "sarif"}, {"lint", "-f", "github"}, {"lint", "-f", "gitlab"},
	{"lint", "--enable", "all"},
	{"admit"}, {"admit", "--diff"}, {"admit", "-f", "json"},
	{"accounts"}, {"accounts", "--wide"}, {"accounts", "-f", "json"}, {"accounts", "-f", "dot"}, {"accounts", "-f", "mermaid"},
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
		out, code := runCombined(append(append(args, values...), chart)...)
		what := strings.Join(args, " ")
		// Each command must have read the rendered Secrets: the broken one
		// is an input error (exit 2), the others are named.
		if code != exitError || !strings.Contains(out, "broken.yaml") {
			t.Errorf("%s: exit %d, want %d with the broken template named:\n%s", what, code, exitError, out)
		}
		// The values did reach the rendered Secrets: admit shows each
		// redacted (db's three, pull's, token's and broken's two).
		if what == "admit" && strings.Count(out, "<redacted>") != 7 {
			t.Errorf("admit shows %d redacted values, want 7:\n%s", strings.Count(out, "<redacted>"), out)
		}
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s shows a secret value %q:\n%s", what, f, out)
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
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"clusters/eu/apps.yaml": fluxCluster("db_password", fromVar),
		"apps/web.yaml": helmRelease("from-data", "from-string") + `---
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
	everyOutputOfRepo(t, dir, func(what, out string) {
		if what == "lint" && !strings.Contains(out, `runs as ServiceAccount "substituted"`) {
			t.Errorf("the substituted value did not reach the render:\n%s", out)
		}
		if what == "admit" && !strings.Contains(out, "stringData: {password: "+model.Redacted+", apiKey: "+model.Redacted+"}") {
			t.Errorf("admit shows no rendered db Secret, redacted:\n%s", out)
		}
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s shows a secret value %q:\n%s", what, f, out)
			}
		}
	})
}

// fluxCluster is a Flux cluster directory's Kustomization of ./apps, with
// one postBuild variable set by the Secret beside it.
func fluxCluster(variable, value string) string {
	return `apiVersion: kustomize.toolkit.fluxcd.io/v1
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
data: {` + variable + `: ` + b64(value) + `}
`
}

// helmRelease is a HelmRelease web of the chart ./chart in namespace shop,
// with its values from the named Secrets.
func helmRelease(valuesFrom ...string) string {
	refs := make([]string, len(valuesFrom))
	for i, name := range valuesFrom {
		refs[i] = "{kind: Secret, name: " + name + "}"
	}
	return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  chart:
    spec: {chart: ./chart, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}
  valuesFrom: [` + strings.Join(refs, ", ") + `]
`
}

// deployment is a Deployment whose pods run as account.
func deployment(name, account string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\n" +
		"spec:\n  template:\n    spec:\n      serviceAccountName: " + account + "\n      containers: [{name: c, image: nginx}]\n"
}

// everyOutputOfRepo runs every command and format (everyOutput, and
// views) over the repository dir, standard output and error together.
func everyOutputOfRepo(t *testing.T, dir string, check func(what, out string)) {
	t.Helper()
	for _, args := range append(slices.Clip(everyOutput), []string{"views"}) {
		out, _ := runCombined(append(append(args, "--no-config", "--root", dir), dir)...)
		check(strings.Join(args, " "), out)
	}
}

// TestFlux_AccountNamesFromSecretsNeverInOutput: an account name that
// comes from a Secret (a HelmRelease's valuesFrom, a Kustomization's
// postBuild substituteFrom) is a Secret value like any other: no output
// of any command may show it, whatever prints it (a finding's message, the
// object admit previews, the account accounts lists).
func TestFlux_AccountNamesFromSecretsNeverInOutput(t *testing.T) {
	const (
		fromValues = "canary-acct-values-3e8b"
		// Not a valid name, reported all the same, in characters the
		// outputs escape: a quote (%q, JSON, DOT), # % < (Mermaid).
		fromVar = `canary-acct-"subst"-7c1d#%<x>`
	)
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"clusters/eu/apps.yaml": fluxCluster("worker_account", fromVar),
		"apps/worker.yaml":      deployment("worker", "${worker_account}"),
		"apps/web.yaml": helmRelease("web-values") + `---
apiVersion: v1
kind: Secret
metadata: {name: web-values, namespace: shop}
stringData:
  values.yaml: |
    serviceAccount: {name: ` + fromValues + `}
`,
		"chart/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml":               "serviceAccount: {name: web}\n",
		"chart/templates/deployment.yaml": deployment("web", "{{ .Values.serviceAccount.name }}"),
	})
	everyOutputOfRepo(t, dir, func(what, out string) {
		// Both accounts are in the model, redacted where shown: the
		// test would pass vacuously if the values never reached it.
		if (what == "lint" || what == "admit" || what == "accounts") && strings.Count(out, model.Redacted) < 2 {
			t.Errorf("%s shows no redacted account names:\n%s", what, out)
		}
		if strings.Contains(out, "canary-acct") {
			t.Errorf("%s shows an account name from a Secret:\n%s", what, out)
		}
	})
}

// TestFlux_SubstitutedConfigMapValuesNeverInOutput: a postBuild variable
// from a Secret, substituted into the data of a valuesFrom ConfigMap (no
// Secret itself), names the chart's account: it is still that Secret's
// value, and no output may show it.
func TestFlux_SubstitutedConfigMapValuesNeverInOutput(t *testing.T) {
	const fromVar = "canary-cm-subst-5d2e"
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{
		"clusters/eu/apps.yaml": fluxCluster("acct", fromVar),
		"apps/web.yaml": strings.Replace(helmRelease("web-values"), "kind: Secret", "kind: ConfigMap", 1) + `---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-values, namespace: shop}
data:
  values.yaml: |
    serviceAccount: {name: "x-${acct}"}
`,
		"chart/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml":               "serviceAccount: {name: web}\n",
		"chart/templates/deployment.yaml": deployment("web", "{{ .Values.serviceAccount.name }}"),
	})
	everyOutputOfRepo(t, dir, func(what, out string) {
		// The substituted name reaches the model, redacted where shown:
		// else the test would pass without the substitution.
		if (what == "lint" || what == "admit" || what == "accounts") && !strings.Contains(out, "x-"+model.Redacted) {
			t.Errorf("%s shows no redacted substituted account name:\n%s", what, out)
		}
		if strings.Contains(out, "canary-cm") {
			t.Errorf("%s shows a Secret's value substituted into a ConfigMap:\n%s", what, out)
		}
	})
}

// TestHelm_ValuesFilesAreNotManifests: a file the run renders a chart
// with (--values, the config's helm.charts values, an Argo CD
// Application's valueFiles) is values, not manifests, wherever it is in
// the PATHs, as a chart's values.yaml is: no command reads it as a
// document (admit would print it as it passes documents other than
// objects through), and it is not counted among the files read.
func TestHelm_ValuesFilesAreNotManifests(t *testing.T) {
	// A key no template reads: a value that reaches a rendered Secret is
	// scrubbed as that Secret's (TestHelm_SecretValuesNeverInOutput).
	const values = "password: rendered-into-db\nsmtpPassword: CANARY-va1ues-file-2f9c\n"
	const canary = "CANARY-va1ues-file-2f9c"
	chart := map[string]string{
		"chart/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml":               "password: \"\"\n",
		"chart/templates/secret.yaml":     "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: {{ .Values.password | quote }}}\n",
		"chart/templates/deployment.yaml": deployment("web", "web"),
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string // before the repository's directory
		lint  string   // lint's summary
	}{
		{"--values", map[string]string{"envs/prod.yaml": values},
			[]string{"--no-config", "--values", "DIR/envs/prod.yaml"}, "in 2 files"},
		{"config", map[string]string{"envs/prod.yaml": values, ".salint.yaml": "helm: {charts: {chart: {values: [envs/prod.yaml]}}}\n"},
			[]string{"--config", "DIR/.salint.yaml"}, "in 3 files"}, // the config is a file of the PATH
		{"argocd", map[string]string{"chart/values-prod.yaml": values, "argocd/web.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  source: {path: chart, helm: {valueFiles: [values-prod.yaml]}}
  destination: {name: prod, namespace: shop}
`}, []string{"--no-config", "--root", "DIR"}, "in 3 files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rulestest.WriteFiles(t, dir, chart)
			rulestest.WriteFiles(t, dir, tc.files)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			for _, cmd := range everyOutput {
				out, code := runCombined(append(append(append(slices.Clip(cmd), args...), "--"), dir)...)
				what := strings.Join(cmd, " ")
				// admit -f json previews one view of argocd's two.
				if code == exitError && !strings.Contains(out, "--format json previews one") {
					t.Errorf("%s: exit %d:\n%s", what, code, out)
				}
				if strings.Contains(out, canary) {
					t.Errorf("%s shows the values file:\n%s", what, out)
				}
				if what == "lint" && !strings.Contains(out, tc.lint) {
					t.Errorf("lint does not say %q:\n%s", tc.lint, out)
				}
			}
		})
	}
}

// TestHelm_RenderErrorsNeverShowSecretValues: Helm's own error messages
// quote what a template hands them (fail, required, tpl). A value from a
// Secret (a HelmRelease's valuesFrom) is scrubbed from them as from every
// message; a plain values file is not a Secret and is shown as Helm shows
// it (docs/helm.md).
func TestHelm_RenderErrorsNeverShowSecretValues(t *testing.T) {
	const (
		fromSecret = "CANARY-f4il-secret-6d0a"
		fromFile   = "plain-f4il-file-1b7e"
	)
	chart := map[string]string{
		"clusters/eu/apps.yaml":           fluxCluster("unused", "unused-variable"),
		"chart/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"chart/values.yaml":               "password: \"\"\ntemplate: \"\"\n",
		"chart/templates/deployment.yaml": deployment("web", "web"),
		"chart/templates/fail.yaml":       "{{ if .Values.password }}{{ fail (printf \"bad password %s\" .Values.password) }}{{ end }}\n",
		"chart/templates/tpl.yaml":        "{{ if .Values.template }}{{ tpl .Values.template . }}{{ end }}\n",
	}
	// Helm stops at the first template that fails: one at a time.
	for _, tc := range []struct{ values, message string }{
		{"password: " + fromSecret, "bad password " + model.Redacted},
		{"template: \"{{ .Values.missing.key }} " + fromSecret + "\"", `error during tpl function execution for "` + model.Redacted + `"`},
	} {
		dir := t.TempDir()
		rulestest.WriteFiles(t, dir, chart)
		rulestest.WriteFiles(t, dir, map[string]string{"apps/web.yaml": helmRelease("web-values") + `---
apiVersion: v1
kind: Secret
metadata: {name: web-values, namespace: shop}
stringData:
  values.yaml: |
    ` + tc.values + "\n"})
		everyOutputOfRepo(t, dir, func(what, out string) {
			if what == "lint" && !strings.Contains(out, tc.message) {
				t.Errorf("lint does not say %q:\n%s", tc.message, out)
			}
			if strings.Contains(out, "f4il-secret") {
				t.Errorf("%s shows a value from a Secret:\n%s", what, out)
			}
		})
	}

	// The chart on its own, with a plain values file: Helm's message as
	// Helm gives it.
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, chart)
	rulestest.WriteFiles(t, dir, map[string]string{"plain.yaml": "password: " + fromFile + "\n"})
	out, _ := runCombined("lint", "--no-config", "--values", filepath.Join(dir, "plain.yaml"), filepath.Join(dir, "chart"))
	if !strings.Contains(out, "bad password "+fromFile) {
		t.Errorf("lint of the chart with a plain values file does not show Helm's message:\n%s", out)
	}
}

// TestSecretValues_DoNotStrikeSalintsOwnWords: a Secret value that is
// also one of salint's own words (a label, a JSON key) is scrubbed from
// what the input holds, not from what salint writes around it: accounts'
// labels, every JSON key and the token volume admission adds stay.
func TestSecretValues_DoNotStrikeSalintsOwnWords(t *testing.T) {
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{"shop.yaml": `apiVersion: v1
kind: Secret
metadata: {name: words, namespace: shop}
stringData: {a: secrets, b: namespaces, c: serviceAccountName, d: defined, e: accounts, f: secret}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
` + strings.Replace(deployment("web", "web"), "{name: web}", "{name: web, namespace: shop}", 1)})
	salint := func(args ...string) string {
		out, _ := runCombined(append(append(args, "--no-config"), dir)...)
		return out
	}
	if out := salint("accounts"); !strings.Contains(out, "pull secrets") || !strings.Contains(out, "defined ") {
		t.Errorf("accounts struck its own labels:\n%s", out)
	}
	if out := salint("admit"); !strings.Contains(out, "mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n") || !strings.Contains(out, "a: <redacted>") {
		t.Errorf("admit struck the token volume, or showed the Secret:\n%s", out)
	}
	for _, tc := range []struct{ cmd, key string }{{"accounts", "namespaces"}, {"admit", "serviceAccountName"}} {
		out := salint(tc.cmd, "-f", "json")
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil || !strings.Contains(out, `"`+tc.key+`":`) || !strings.Contains(out, `"status": "defined"`) && tc.cmd == "accounts" {
			t.Errorf("%s -f json struck its own words (%v):\n%s", tc.cmd, err, out)
		}
	}
}

// TestSecretValues_ScrubValuesNotKeys: admit scrubs the values of what it
// prints, not the keys, so that a Secret holding a common word ("secret",
// "serviceAccountName") leaves valid manifests, and a value that starts
// with a word admission writes (the token volume's) is redacted whole.
// No output strikes an input's path ("secrets.yaml").
func TestSecretValues_ScrubValuesNotKeys(t *testing.T) {
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{"secrets.yaml": `apiVersion: v1
kind: Secret
metadata: {name: words, namespace: shop}
stringData:
  a: secret
  b: serviceAccountName
  c: kube-root-ca.crt-CANARY99
  d: kube-api-access-CANARY98
  e: /var/run/secrets/kubernetes.io/serviceaccount-CANARY97
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: passed, namespace: shop}
data: {ca: kube-root-ca.crt-CANARY99} # kube-api-access-CANARY98
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: c
        image: nginx
        env:
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: words, key: a}}}
        - {name: MOUNT, value: /var/run/secrets/kubernetes.io/serviceaccount-CANARY97}
      volumes:
      - name: s
        secret: {secretName: words}
`})
	salint := func(args ...string) string {
		out, _ := runCombined(append(append(args, "--no-config"), dir)...)
		return out
	}
	leaks := func(what, out string) {
		t.Helper()
		if strings.Contains(out, "CANARY") {
			t.Errorf("%s shows a Secret value:\n%s", what, out)
		}
	}
	out := salint("admit")
	leaks("admit", out)
	for _, want := range []string{
		"secretKeyRef:", "secretName: words\n", "  secret:\n", "serviceAccountName: default\n",
		"mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n", "name: kube-root-ca.crt\n",
		"value: <redacted>\n", "a: <redacted>\n",
		"kind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n", // no value of a Secret: as written
	} {
		if !strings.Contains(out, want) {
			t.Errorf("admit lacks %q:\n%s", want, out)
		}
	}
	for dec := yaml.NewDecoder(strings.NewReader(out)); ; {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if _, struck := doc["<redacted>"]; err != nil || struck || doc["kind"] == nil {
			t.Fatalf("admit printed a document that is no manifest (%v): %v\n%s", err, doc, out)
		}
	}
	out = salint("admit", "--diff")
	leaks("admit --diff", out)
	for _, want := range []string{"+      serviceAccountName: default\n", "+        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n", "          secretName: words\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("admit --diff lacks %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"admit", "-f", "json"}, {"accounts"}, {"accounts", "-f", "json"}} {
		out := salint(args...)
		leaks(strings.Join(args, " "), out)
		if !strings.Contains(out, "secrets.yaml") || strings.Contains(out, "<redacted>s.yaml") {
			t.Errorf("%s struck the input's path:\n%s", strings.Join(args, " "), out)
		}
	}
}
