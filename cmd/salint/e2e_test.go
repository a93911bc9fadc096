package main

// End-to-end tests with the real tools users run salint from. Each skips
// with a clear message when its tool is not installed, except in CI
// (CI=true), where .ci/run installs them and a missing tool is a failure.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/salint/salint/rules/rulestest"
)

// requireTool finds name on PATH, or skips (fails in CI).
func requireTool(t *testing.T, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found in CI: %s", name, install)
		}
		t.Skipf("%s not installed, end-to-end test skipped: %s", name, install)
	}
	return p
}

// repoRoot is the module root, two levels up from cmd/salint.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// cmdRunner runs commands in a directory with a fixed environment.
type cmdRunner struct {
	t   *testing.T
	dir string
	env []string
}

func newRunner(t *testing.T, dir string, extraEnv ...string) *cmdRunner {
	env := append(os.Environ(),
		"GIT_AUTHOR_NAME=salint test", "GIT_AUTHOR_EMAIL=test@salint.invalid",
		"GIT_COMMITTER_NAME=salint test", "GIT_COMMITTER_EMAIL=test@salint.invalid",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"NO_COLOR=1",
	)
	return &cmdRunner{t: t, dir: dir, env: append(env, extraEnv...)}
}

// run runs a command and returns its combined output and whether it
// succeeded; it fails the test only when the command cannot start.
func (r *cmdRunner) run(name string, args ...string) (string, bool) {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		r.t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out.String(), err == nil
}

// must runs a command that has to succeed.
func (r *cmdRunner) must(name string, args ...string) string {
	r.t.Helper()
	out, ok := r.run(name, args...)
	if !ok {
		r.t.Fatalf("%s %s failed:\n%s", name, strings.Join(args, " "), out)
	}
	return out
}

// hookRepo makes a git repository of this checkout's current files (the
// committed ones and the changes not yet committed), as a user's
// pre-commit would fetch it, and returns its path and commit.
func hookRepo(t *testing.T) (string, string) {
	t.Helper()
	root := repoRoot(t)
	src := newRunner(t, root)
	list, ok := src.run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if !ok {
		t.Skipf("%s is not a git checkout; the pre-commit test copies its files from one:\n%s", root, list)
	}
	dir := filepath.Join(t.TempDir(), "salint")
	for _, name := range strings.Split(strings.TrimRight(list, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue // deleted in the working tree
		}
		rulestest.WriteFiles(t, dir, map[string]string{name: string(data)})
	}
	r := newRunner(t, dir)
	r.must("git", "init", "-q")
	r.must("git", "add", "-A")
	r.must("git", "commit", "-q", "-m", "salint under test")
	return dir, strings.TrimSpace(r.must("git", "rev-parse", "HEAD"))
}

// goEnv reads a go env variable, so pre-commit's Go build reuses the
// module and build caches instead of downloading and compiling afresh.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// preCommitConfig is the .pre-commit-config.yaml of docs/integrations.md,
// pointed at the local hook repository and commit.
func preCommitConfig(t *testing.T, repo, rev string) string {
	t.Helper()
	doc := docBlockFor(t, "pre-commit")
	cfg := regexp.MustCompile(`repo: \S+`).ReplaceAllLiteralString(doc, "repo: "+repo)
	cfg = regexp.MustCompile(`rev: \S+`).ReplaceAllLiteralString(cfg, "rev: "+rev)
	if cfg == doc || !strings.Contains(cfg, rev) {
		t.Fatalf("cannot point the documented config at the local repository:\n%s", doc)
	}
	return cfg
}

const (
	e2eAccounts = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n"
	e2eWeb      = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n"
	e2eGhost    = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ghost\n  namespace: shop\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n"
	e2eOldField = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: shop\nspec:\n  serviceAccount: web  # kept comment\n  containers: [{name: c, image: busybox}]\n"
)

// TestPreCommit_EndToEnd installs salint's hooks with the real pre-commit
// in a temporary repository, from a local clone of this checkout (language
// golang: pre-commit runs go install), and commits through them.
func TestPreCommit_EndToEnd(t *testing.T) {
	requireTool(t, "pre-commit", "install the Debian package pre-commit (.ci/run does)")
	requireTool(t, "git", "install git")
	if testing.Short() {
		t.Skip("builds salint through pre-commit; skipped with -short")
	}
	hooks, rev := hookRepo(t)

	user := t.TempDir()
	r := newRunner(t, user,
		"PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "pre-commit"),
		"GOMODCACHE="+goEnv(t, "GOMODCACHE"),
		"GOCACHE="+goEnv(t, "GOCACHE"),
	)
	r.must("git", "init", "-q")
	rulestest.WriteFiles(t, user, map[string]string{
		".pre-commit-config.yaml": preCommitConfig(t, hooks, rev),
		"base/accounts.yaml":      e2eAccounts,
	})
	r.must("pre-commit", "install")
	r.must("git", "add", "-A")
	if out, ok := r.run("git", "commit", "-m", "accounts"); !ok {
		t.Fatalf("first commit (installs the hooks) failed:\n%s", out)
	}

	commits := func() int {
		return strings.Count(r.must("git", "log", "--oneline"), "\n")
	}

	t.Run("pass: the account lives in a file that is not staged", func(t *testing.T) {
		rulestest.WriteFiles(t, user, map[string]string{"apps/web.yaml": e2eWeb})
		r.must("git", "add", "apps/web.yaml")
		out, ok := r.run("git", "commit", "-m", "web")
		if !ok || !strings.Contains(out, "salint") || !strings.Contains(out, "Passed") {
			t.Fatalf("commit of a correct Deployment failed or did not run salint:\n%s", out)
		}
	})

	t.Run("fail: a missing account blocks the commit", func(t *testing.T) {
		before := commits()
		rulestest.WriteFiles(t, user, map[string]string{"apps/ghost.yaml": e2eGhost})
		r.must("git", "add", "apps/ghost.yaml")
		out, ok := r.run("git", "commit", "-m", "ghost")
		t.Logf("git commit output:\n%s", out)
		if ok {
			t.Fatalf("commit with a missing account succeeded:\n%s", out)
		}
		for _, want := range []string{
			`apps/ghost.yaml:9:7: error: Deployment shop/ghost runs as ServiceAccount "ghost", which is not defined in namespace shop`,
			"Failed",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("hook output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "apps/web.yaml") {
			t.Errorf("reported on a file that was not staged:\n%s", out)
		}
		if commits() != before {
			t.Error("a commit was made")
		}
		r.must("git", "rm", "-q", "--cached", "apps/ghost.yaml")
		if err := os.Remove(filepath.Join(user, "apps", "ghost.yaml")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("fail: staged files named like flags are files, not flags", func(t *testing.T) {
		// pre-commit appends file names to the hook's entry: without a
		// "--" before them, "--config=quiet.yaml" loads a config that
		// silences everything and "-ovictim.yaml" overwrites victim.yaml
		// with the report (issue 18).
		before := commits()
		victim := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: victim, namespace: shop}\n"
		rulestest.WriteFiles(t, user, map[string]string{
			"victim.yaml": victim,
			"quiet.yaml":  "rules:\n  missing-service-account: {enabled: false}\n",
		})
		r.must("git", "add", "victim.yaml", "quiet.yaml")
		r.must("git", "commit", "-q", "--no-verify", "-m", "victim")
		before++
		rulestest.WriteFiles(t, user, map[string]string{
			"--config=quiet.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config, namespace: shop}\n",
			"-ovictim.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flag, namespace: shop}\n",
			"apps/ghost.yaml":     e2eGhost,
		})
		r.must("git", "add", "--", "--config=quiet.yaml", "-ovictim.yaml", "apps/ghost.yaml")
		out, ok := r.run("git", "commit", "-m", "flags")
		t.Logf("git commit output:\n%s", out)
		if ok || !strings.Contains(out, `apps/ghost.yaml:9:7: error: Deployment shop/ghost runs as ServiceAccount "ghost"`) {
			t.Errorf("a file named --config=quiet.yaml silenced the hook:\n%s", out)
		}
		if data, err := os.ReadFile(filepath.Join(user, "victim.yaml")); err != nil || string(data) != victim {
			t.Errorf("a file named -ovictim.yaml made the hook write victim.yaml (%v):\n%s", err, data)
		}
		if commits() != before {
			t.Error("a commit was made")
		}
		r.must("git", "rm", "-q", "--cached", "--", "--config=quiet.yaml", "-ovictim.yaml", "apps/ghost.yaml")
		for _, f := range []string{"--config=quiet.yaml", "-ovictim.yaml", "apps/ghost.yaml"} {
			if err := os.Remove(filepath.Join(user, f)); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("fail: removing an account an unchanged Deployment uses", func(t *testing.T) {
		before := commits()
		r.must("git", "rm", "-q", "base/accounts.yaml")
		out, ok := r.run("git", "commit", "-m", "drop accounts")
		t.Logf("git commit output:\n%s", out)
		if ok || !strings.Contains(out, `apps/web.yaml:9:7: error: Deployment shop/web runs as ServiceAccount "web", which is not defined in namespace shop`) {
			t.Errorf("the commit that breaks the unchanged apps/web.yaml was not stopped with its finding:\n%s", out)
		}
		if commits() != before {
			t.Error("a commit was made")
		}
		r.must("git", "reset", "-q", "HEAD", "base/accounts.yaml")
		r.must("git", "checkout", "base/accounts.yaml")
	})

	t.Run("pass: a comment is not blamed for what was broken before", func(t *testing.T) {
		rulestest.WriteFiles(t, user, map[string]string{"apps/ghost.yaml": e2eGhost})
		r.must("git", "add", "apps/ghost.yaml")
		r.must("git", "commit", "-q", "--no-verify", "-m", "legacy ghost")
		rulestest.WriteFiles(t, user, map[string]string{"apps/ghost.yaml": "# owned by team ghost\n" + e2eGhost})
		r.must("git", "add", "apps/ghost.yaml")
		if out, ok := r.run("git", "commit", "-m", "comment"); !ok {
			t.Fatalf("a commit that only adds a comment was blamed for an older finding:\n%s", out)
		}
		r.must("git", "rm", "-q", "apps/ghost.yaml")
		r.must("git", "commit", "-q", "--no-verify", "-m", "no ghost")
	})

	t.Run("pass: a staged Helm template is excluded, as documented", func(t *testing.T) {
		rulestest.WriteFiles(t, user, map[string]string{
			"charts/app/Chart.yaml":        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
			"charts/app/values.yaml":       "serviceAccount: {create: true, name: app}\n", // the chart renders (docs/helm.md)
			"charts/app/templates/sa.yaml": "{{- if .Values.serviceAccount.create }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.serviceAccount.name }}\n{{- end }}\n",
		})
		r.must("git", "add", "charts")
		if out, ok := r.run("git", "commit", "-m", "chart"); !ok {
			t.Fatalf("commit of a Helm chart failed:\n%s", out)
		}
	})

	t.Run("fix: salint-fix rewrites the staged file, the next commit passes", func(t *testing.T) {
		before := commits()
		rulestest.WriteFiles(t, user, map[string]string{"apps/debug.yaml": e2eOldField})
		r.must("git", "add", "apps/debug.yaml")
		out, ok := r.run("git", "commit", "-m", "debug")
		if ok || !strings.Contains(out, "files were modified by this hook") {
			t.Fatalf("salint-fix did not stop the commit to have its fix reviewed:\n%s", out)
		}
		data, err := os.ReadFile(filepath.Join(user, "apps", "debug.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "serviceAccountName: web  # kept comment") || strings.Contains(string(data), "serviceAccount: web") {
			t.Fatalf("file not fixed as expected:\n%s", data)
		}
		r.must("git", "add", "apps/debug.yaml")
		if out, ok := r.run("git", "commit", "-m", "debug"); !ok {
			t.Fatalf("commit of the fixed file failed:\n%s", out)
		}
		if commits() != before+1 {
			t.Error("the fixed file was not committed")
		}
	})
}

// TestCI_HasTheIntegrationTools makes sure the end-to-end scripts that skip
// without their tool (fn_kustomize.txtar) really ran in CI.
func TestCI_HasTheIntegrationTools(t *testing.T) {
	if os.Getenv("CI") == "" {
		t.Skip("checks CI's tools; CI is not set")
	}
	requireTool(t, "kustomize", ".ci/run installs sigs.k8s.io/kustomize/kustomize/v5@v5.8.2")
	out, err := exec.Command("kustomize", "version").Output()
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "v5.8.") {
		t.Fatalf("kustomize version = %q (%v), want v5.8.x", out, err)
	}
	requireTool(t, "pre-commit", ".ci/run installs the Debian package pre-commit")
}
