package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// b64 is s in base64, as a Secret's data holds it.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestFix_SecretValuesNeverInOutput extends lint's canary test
// (lint/catalog_test.go, every lint format) to fix: Secrets right next to
// the lines a fix changes, so that a diff's context would show them. No
// value may appear in `fix --diff`, in fix's report, or in what fix prints
// when it writes.
func TestFixAndAdmit_SecretValuesNeverInOutput(t *testing.T) {
	const canary = "CANARY-f1x-s3cr3t"
	dockerConfig := `{"auths":{"registry.corp.example":{"auth":"` + b64("u:"+canary) + `"}}}`
	files := map[string]string{
		// A one-line Secret right after the fixed line.
		"flow.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: web, image: nginx}]
      serviceAccount: web
---
{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: shop}, stringData: {password: ` + canary + `}}
`,
		// Block Secrets with data, stringData and a docker config, before
		// and after the fixed line.
		"block.yaml": `apiVersion: v1
kind: Secret
metadata: {name: pull, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '` + dockerConfig + `'
data:
  token: ` + b64(canary) + `
---
apiVersion: batch/v1
kind: Job
metadata: {name: job, namespace: shop}
spec:
  template:
    spec:
      serviceAccount: web
      serviceAccountName: web
---
apiVersion: v1
kind: Secret
metadata: {name: after, namespace: shop}
stringData:
  password: ` + canary + `
`,
		// A List holding a Secret: the Secret's values are left out, the
		// Pod's fixed line shows.
		"list.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: shop}
  spec:
    serviceAccountName: web
    serviceAccount: web
    containers: [{name: c, image: nginx}]
- {apiVersion: v1, kind: Secret, metadata: {name: l, namespace: shop}, data: {k: ` + b64(canary) + `}}
`,
		"account.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n",
		// "kind : Secret" is the key kind (valid YAML): a Secret all the
		// same, next to a fixed line.
		"spaced.yaml": `apiVersion: v1
kind: Pod
metadata: {name: p2, namespace: shop}
spec:
  containers: [{name: c, image: nginx}]
  serviceAccountName: web
  serviceAccount: web
---
apiVersion: v1
kind : Secret
metadata: {name: spaced, namespace: shop}
stringData:
  password: ` + canary + `
`,
		// kubectl get -o yaml keeps the whole object, data included, in
		// the last-applied annotation.
		"applied.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: applied
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","data":{"token":"` + b64(canary) + `"},"kind":"Secret","metadata":{"name":"applied","namespace":"shop"},"stringData":{"p":"` + canary + `"}}
data:
  token: ` + b64(canary) + `
`,
	}
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	forbidden := []string{canary, b64(canary), b64("u:" + canary), "s3cr3t"}
	check := func(what, out string) {
		t.Helper()
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s shows a secret value %q:\n%s", what, f, out)
			}
		}
	}

	// admit previews the whole bundle: Secrets are shown with their values
	// redacted, whether alone, in a stream or inside a List.
	out, code := runCombined("admit", "--no-config", dir)
	if code == exitError {
		t.Fatalf("admit exit %d:\n%s", code, out)
	}
	check("admit", out)
	for _, args := range [][]string{{"--diff"}, {"-f", "json"}} {
		out, code := runCombined(append([]string{"admit", "--no-config"}, append(args, dir)...)...)
		if code == exitError || !strings.Contains(out, "serviceAccount") {
			t.Fatalf("admit %v exit %d:\n%s", args, code, out)
		}
		check("admit "+strings.Join(args, " "), out)
	}
	if n := strings.Count(out, "<redacted>"); n < 3 {
		t.Errorf("admit shows %d redacted values, want one per Secret value:\n%s", n, out)
	}

	out, code = runCombined("fix", "--diff", "--no-config", dir)
	if code == exitError {
		t.Fatalf("fix --diff exit %d:\n%s", code, out)
	}
	check("fix --diff", out)
	// Secret value lines are left out of the context (so the diff still
	// applies), decided by the parsed kind: the List's Pod item shows.
	for _, want := range []string{"-      serviceAccount: web", "-    serviceAccount: web"} {
		if !strings.Contains(out, want) {
			t.Errorf("fix --diff lacks %q (the fix itself must show, the Secrets left out):\n%s", want, out)
		}
	}

	out, code = runCombined("fix", "--no-config", dir)
	if code == exitError {
		t.Fatalf("fix exit %d:\n%s", code, out)
	}
	check("fix", out)
	if !strings.Contains(out, "fixed 4 findings in 4 files") {
		t.Errorf("fix did not fix the three files:\n%s", out)
	}
}
