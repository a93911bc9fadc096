package report

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules/model"
)

// canary is a secret value: it must never reach any output.
const canary = "CANARY-s3cr3t-7f1d2e"

// TestSecretValuesNeverAppearInOutput puts a canary in every place a
// Secret keeps a value (data, stringData, the auth, password and identity
// token of .dockerconfigjson auths, a .dockercfg, unreadable config, a
// Secret on one line with its finding) and makes every rule report on those
// Secrets, then checks every report format, the Markdown summary and the
// input errors for the canary and its base64 forms.
func TestSecretValuesNeverAppearInOutput(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	auth := b64("user:" + canary)
	dockerConfig := `{"auths":{"registry.corp.example":{"auth":"` + auth + `","password":"` + canary + `","identitytoken":"` + canary + `"}}}`
	secrets := `apiVersion: v1
kind: Secret
metadata: {name: opaque, namespace: shop}
data: {password: ` + b64(canary) + `}
stringData: {token: ` + canary + `}
---
apiVersion: v1
kind: Secret
metadata: {name: pull, namespace: shop}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ` + b64(dockerConfig) + `}
---
apiVersion: v1
kind: Secret
metadata: {name: pull-string, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '` + dockerConfig + `'
---
apiVersion: v1
kind: Secret
metadata: {name: cfg, namespace: shop}
type: kubernetes.io/dockercfg
data: {.dockercfg: ` + b64(`{"registry.corp.example":{"auth":"`+auth+`"}}`) + `}
---
apiVersion: v1
kind: Secret
metadata: {name: broken-json, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '` + canary + `{"auths": '}
---
apiVersion: v1
kind: Secret
metadata: {name: broken-b64, namespace: shop}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: '` + canary + `'}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
  namespace: shop
  annotations: {kubernetes.io/service-account.name: ghost}
type: kubernetes.io/service-account-token
data: {token: ` + b64(canary) + `}
---
{apiVersion: v1, kind: Secret, metadata: {name: one-line, namespace: shop, annotations: {kubernetes.io/service-account.name: gone}}, type: kubernetes.io/service-account-token, data: {token: ` + b64(canary) + `}, stringData: {t: ` + canary + `}}
`
	invalid := `apiVersion: v1
kind: Secret
metadata: {name: bad, namespace: shop}
data: {password: ` + canary + `, password: ` + canary + `}
---
apiVersion: v1
kind: Secret
metadata: {name: worse, namespace: shop}
data:
  password: "` + canary + `
`
	workloads := `apiVersion: v1
kind: ServiceAccount
metadata:
  name: locked
  namespace: shop
  annotations: {kubernetes.io/enforce-mountable-secrets: "true"}
imagePullSecrets: [{name: opaque}, {name: nowhere}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: locked
      imagePullSecrets: [{name: opaque}, {name: broken-json}, {name: broken-b64}, {name: cfg}]
      containers:
        - name: web
          image: registry.corp.example/web:1
          env:
            - name: PASSWORD
              valueFrom: {secretKeyRef: {name: opaque, key: password}}
      volumes:
        - {name: s, secret: {secretName: pull}}
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: shop}
spec:
  containers: [{name: c, image: registry.corp.example/x}]
`
	// A build kustomize fails on, quoting the Secret's node in its error.
	kust := map[string]string{
		"kustomization.yaml": `resources: [secret.yaml, cm.yaml]
replacements:
- source: {kind: ConfigMap, name: cm, fieldPath: data.host}
  targets:
  - select: {kind: Secret, name: s}
    fieldPaths: [stringData.password.host]
`,
		"secret.yaml": `apiVersion: v1
kind: Secret
metadata: {name: s}
stringData:
  password: ` + canary + `
`,
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {host: h}\n",
	}
	files := map[string]string{"secrets.yaml": secrets, "invalid.yaml": invalid, "workloads.yaml": workloads}
	for name, content := range kust {
		files["kust/"+name] = content
	}
	dir := writeFiles(t, files)
	res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{dir}}, Enable: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) < 4 || len(res.Errors) < 2 {
		t.Fatalf("the test must produce findings and errors about the Secrets: %d findings, %d errors", len(res.Findings), len(res.Errors))
	}
	outputs := map[string]string{}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, format, Report{Result: res}); err != nil {
			t.Fatal(err)
		}
		outputs[format] = buf.String()
	}
	var summary, errs bytes.Buffer
	if err := WriteMarkdownSummary(&summary, Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	outputs["markdown summary"] = summary.String()
	WriteErrors(&errs, res.Errors, false)
	for _, e := range res.Errors {
		errs.WriteString(e.Error() + "\n")
	}
	outputs["errors"] = errs.String()
	if !strings.Contains(outputs["text"], "one-line") {
		t.Errorf("no finding on the one-line Secret:\n%s", outputs["text"])
	}
	if !strings.Contains(outputs["errors"], "node contents:\n"+model.Redacted) {
		t.Errorf("no kustomize error quoting the Secret's node, redacted:\n%s", outputs["errors"])
	}
	forbidden := []string{canary, b64(canary), auth, b64(dockerConfig), "s3cr3t"}
	for name, out := range outputs {
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s output contains a secret value %q:\n%s", name, f, out)
			}
		}
	}
	// The model keeps registry hosts only.
	for _, s := range res.Bundle.Secrets {
		for _, r := range s.Registries {
			if strings.Contains(r, canary) {
				t.Errorf("Secret %s keeps %q", s.Name, r)
			}
		}
	}
}

// TestSecretValues_FailedBuildScrubsTheFilesItReads: the Secret kustomize
// quotes in its error is in the PATH, so the walk leaves its file to the
// build, and the failed build puts no object in the model to take the
// value from (addFailedBuildSecrets).
func TestSecretValues_FailedBuildScrubsTheFilesItReads(t *testing.T) {
	const canary = "in-path-canary-4b9d"
	dir := writeFiles(t, map[string]string{
		"kustomization.yaml": `resources: [secret.yaml]
replacements:
- source: {kind: Secret, name: s, fieldPath: metadata.name}
  targets:
  - select: {kind: Secret}
    fieldPaths: [stringData.password.x]
`,
		"secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: " + canary + "\n",
	})
	assertBuildErrorScrubbed(t, dir, canary, "the Secret")
}

// TestSecretValues_FailedOverlayScrubsItsBase: the PATH is an overlay, the
// Secret kustomize quotes in its error lives in a base outside the PATH;
// its value is scrubbed all the same.
func TestSecretValues_FailedOverlayScrubsItsBase(t *testing.T) {
	const canary = "base-canary-7c1e"
	dir := writeFiles(t, map[string]string{
		"base/kustomization.yaml": "resources: [secret.yaml, cm.yaml]\n",
		"base/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: " + canary + "\n",
		"base/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {host: h}\n",
		"overlay/kustomization.yaml": `resources: [../base]
replacements:
- source: {kind: ConfigMap, name: cm, fieldPath: data.host}
  targets:
  - select: {kind: Secret, name: s}
    fieldPaths: [stringData.password.host]
`,
	})
	assertBuildErrorScrubbed(t, filepath.Join(dir, "overlay"), canary, "the base's Secret")
}

// assertBuildErrorScrubbed lints path, whose build fails quoting secret
// (a Secret holding canary), and checks that the input errors quote it
// with its value redacted.
func assertBuildErrorScrubbed(t *testing.T, path, canary, secret string) {
	t.Helper()
	res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{path}}})
	if err != nil {
		t.Fatal(err)
	}
	var errs bytes.Buffer
	WriteErrors(&errs, res.Errors, false)
	if !strings.Contains(errs.String(), `node contents:\n`+model.Redacted) {
		t.Fatalf("no kustomize error quoting %s, redacted:\n%s", secret, errs.String())
	}
	if strings.Contains(errs.String(), canary) {
		t.Errorf("%s value is printed:\n%s", secret, errs.String())
	}
}
