package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLint_HostileBundleExitsTwo is the CLI end of the hostile-input suite
// (lint/hostile_test.go has the full set): broken files are reported on
// standard error with their position, the good file's finding is still
// printed, and the exit code is 2.
func TestLint_HostileBundleExitsTwo(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"web.yaml":     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n",
		"helm.yaml":    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n  {{- if .Values.x }}\n  labels: {}\n  {{- end }}\n",
		"binary.yaml":  "\x7fELF\x02\x01\x01\x00\x00",
		"bad-utf8.yml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"lint", "--no-config", "--color", "never", dir}, &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" },
	})
	if code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	for _, want := range []string{
		filepath.Join(dir, "helm.yaml") + ":5: error: invalid YAML",
		filepath.Join(dir, "binary.yaml") + ":1:8: error: file contains NUL bytes",
		filepath.Join(dir, "bad-utf8.yml") + ":4:12: error: invalid UTF-8",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if want := filepath.Join(dir, "web.yaml") + ":7:7: error: Deployment shop/web runs as ServiceAccount \"ghost\""; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks the good file's finding %q:\n%s", want, stdout.String())
	}
}
