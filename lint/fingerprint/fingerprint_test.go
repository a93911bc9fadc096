package fingerprint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/rulestest"
)

// TestFingerprints_NULInANameCollidesWithNothing: parts were joined with
// NUL and repeats told apart by "\x00<n>", so a Pod named "p\x001" (YAML
// "\0") had the fingerprint of the second Pod p: code scanning and GitLab
// merged two findings into one (issue 18).
func TestFingerprints_NULInANameCollidesWithNothing(t *testing.T) {
	pods := `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: ghost}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: ghost}
---
apiVersion: v1
kind: Pod
metadata: {name: "p\x001", namespace: shop}
spec: {serviceAccountName: ghost}
---
apiVersion: v1
kind: Pod
metadata: {name: "x", namespace: "shop\0p"}
spec: {serviceAccountName: ghost}
---
apiVersion: v1
kind: Pod
metadata: {name: "p\0x", namespace: "shop"}
spec: {serviceAccountName: ghost}
`
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{"pods.yaml": pods})
	res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{filepath.Join(dir, "pods.yaml")}}})
	if err != nil {
		t.Fatal(err)
	}
	var missing []rules.Finding
	for _, f := range res.Findings {
		if f.Rule == "missing-service-account" {
			missing = append(missing, f)
		}
	}
	if len(missing) != 5 {
		t.Fatalf("%d missing-service-account findings, want 5: %v", len(missing), res.Findings)
	}
	prints := fingerprint.Findings(missing, fingerprint.NewPaths(dir))
	seen := map[string]int{}
	for i, p := range prints {
		if j, dup := seen[p]; dup {
			t.Errorf("findings %d (%s) and %d (%s) share fingerprint %s", j, missing[j].Object, i, missing[i].Object, p)
		}
		seen[p] = i
	}
}

// TestFingerprints_ListItemsByKey: a finding about a list item keeps its
// fingerprint when an item is inserted above it, in the lists Kubernetes
// merges by name (issue 18): a dismissed code-scanning alert stays
// dismissed.
func TestFingerprints_ListItemsByKey(t *testing.T) {
	const secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: good, namespace: shop}\ntype: kubernetes.io/dockerconfigjson\n"
	pod := func(pullSecrets, containers string) string {
		return secret + "---\n{apiVersion: v1, kind: ServiceAccount, metadata: {name: web, namespace: shop}}\n" +
			"---\n{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: shop}, spec: {serviceAccountName: web, imagePullSecrets: [" + pullSecrets + "], containers: [{name: c, image: nginx}]}}\n" +
			"---\n{apiVersion: v1, kind: Pod, metadata: {name: q, namespace: shop}, spec: {serviceAccountName: web, containers: [" + containers + "]}}\n"
	}
	run := func(text string, prune bool) map[string]string {
		dir := t.TempDir()
		rulestest.WriteFiles(t, dir, map[string]string{"pod.yaml": text})
		res, err := lint.Run(lint.Options{Input: lint.Input{Paths: []string{dir}, Prune: prune, ReportOnly: prune}, Enable: []string{"registry-without-pull-secret"}, Config: &lint.Config{PrivateRegistries: []string{"private.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		prints := fingerprint.Findings(res.Findings, fingerprint.NewPaths(dir))
		byRule := map[string]string{}
		for i, f := range res.Findings {
			byRule[f.Rule] = prints[i]
		}
		return byRule
	}
	for _, prune := range []bool{false, true} { // salint lint prunes
		before := run(pod("{name: gone}", "{name: app, image: private.example/app}"), prune)
		after := run(pod("{name: good}, {name: gone}", "{name: side, image: nginx}, {name: app, image: private.example/app}"), prune)
		for _, rule := range []string{"missing-pull-secret", "registry-without-pull-secret"} {
			if before[rule] == "" {
				t.Errorf("no %s finding: the test proves nothing (%v)", rule, before)
				continue
			}
			if before[rule] != after[rule] {
				t.Errorf("prune=%v: %s: fingerprint moved with the list index (%s → %s)", prune, rule, before[rule], after[rule])
			}
		}
	}
}

func TestRepoRoot_FindsGitOrKeepsDir(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint.RepoRoot(sub); got != sub {
		if _, err := os.Lstat(filepath.Join(got, ".git")); err != nil {
			t.Fatalf("RepoRoot(%s) = %s, which has no .git", sub, got)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint.RepoRoot(sub); got != dir {
		t.Fatalf("RepoRoot(%s) = %s, want %s (a worktree's .git file counts)", sub, got, dir)
	}
}
