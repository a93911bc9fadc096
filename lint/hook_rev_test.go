package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/salint/salint/rules/rulestest"
)

// gitCommitAll makes dir a git repository with everything in it
// committed.
func gitCommitAll(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s", args[0], err, out)
		}
	}
}

// newFromHEAD is what salint lint --root . --new-from-rev HEAD -- PATHS
// reports, run in dir, building everything in both trees or as focused.
func newFromHEAD(t *testing.T, dir string, paths []string, focused bool) *Result {
	t.Helper()
	opts := Options{Input: Input{Paths: append(append([]string{}, paths...), "."), Prune: true, ReportOnly: true}, Only: paths, Root: ".", Enable: []string{"all"}}
	if focused {
		opts = opts.ForNewFromRev("HEAD", dir)
	} else {
		opts.Only = nil
	}
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.SubtractRev(opts, "HEAD", dir); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestHook_NewFromRevReportsWhatBuildingEverythingReports compares the
// shipped hook (--new-from-rev HEAD with the changed files), which builds
// in both trees only the roots the change reaches, with the same run
// building everything in both, in git repositories: the new findings
// must be the same, and the run must build less exactly where it can.
func TestHook_NewFromRevReportsWhatBuildingEverythingReports(t *testing.T) {
	repo := unitsRepo{bases: 3, envs: 3}
	ghost := func(app string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + app + "}\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n      containers: [{name: web, image: nginx:1.27}]\n"
	}
	job := func(ns string) string {
		return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: " + ns + "}\nspec:\n  template:\n    spec:\n      serviceAccountName: phantom\n      restartPolicy: Never\n      containers: [{name: j, image: busybox:1.36}]\n"
	}
	binding := func(subject string) string {
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: app01-view}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- " + subject + "\n"
	}
	rbac := repo.base(1) + "/rbac.yaml"
	tests := []struct {
		name    string
		before  map[string]string // committed, with the repository
		write   map[string]string // then changed
		remove  []string
		passed  []string // what pre-commit passes: no deleted file
		partial bool     // roots are left out in both trees
		quiet   bool     // the change adds no finding
	}{
		{name: "nothing changed", partial: true},
		{name: "a base file", write: map[string]string{repo.base(1) + "/deployment.yaml": ghost("app01")}, passed: []string{repo.base(1) + "/deployment.yaml"}, partial: true},
		// Files without objects give nothing to judge: not the plain
		// manifests' change (a workflow pre-commit passes, and files git
		// does not track or ignores, which salint reads all the same), so
		// the plain manifests, which would join every view, are left out.
		{name: "a base file, with files that hold no object", before: map[string]string{"plain/job.yaml": job("app00")}, write: map[string]string{
			repo.base(1) + "/deployment.yaml": ghost("app01"),
			"README.md":                       "# deploy\n",
			".github/workflows/ci.yaml":       "on: push\njobs: {}\n",
			"node_modules/x/package.json":     "{\"name\": \"x\"}\n",
		}, passed: []string{repo.base(1) + "/deployment.yaml", ".github/workflows/ci.yaml"}, partial: true},
		{name: "an overlay's patch", write: map[string]string{repo.overlay(2, 1) + "/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app02}\nspec:\n  template:\n    spec: {serviceAccountName: phantom}\n"}, passed: []string{repo.overlay(2, 1) + "/patch.yaml"}, partial: true},
		// The plain manifests are an alternative to no overlay: they join
		// every view, which only building everything tells.
		{name: "a new plain file", write: map[string]string{"plain/job.yaml": job("app00")}, passed: []string{"plain/job.yaml"}},
		{name: "a plain file, not passed (untracked)", write: map[string]string{"plain/job.yaml": job("app00")}},
		{name: "a plain file moved to another namespace", before: map[string]string{"plain/job.yaml": job("app00")}, write: map[string]string{"plain/job.yaml": job("app01")}, passed: []string{"plain/job.yaml"}},
		{name: "a plain file deleted", before: map[string]string{"plain/job.yaml": job("app00"), "plain/other.yaml": job("app01")}, remove: []string{"plain/job.yaml"}, write: map[string]string{"plain/other.yaml": job("app02")}, passed: []string{"plain/other.yaml"}},
		{name: "a file moved between overlays", remove: []string{repo.overlay(1, 0) + "/worker.yaml"}, write: map[string]string{
			repo.overlay(1, 1) + "/worker.yaml":        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app01-worker}\n",
			repo.overlay(1, 0) + "/kustomization.yaml": "namespace: app01\nresources: [../../bases/b01]\npatches:\n- path: patch.yaml\n",
			repo.overlay(1, 1) + "/kustomization.yaml": "namespace: app01\nresources: [../../bases/b01, worker.yaml]\npatches:\n- path: patch.yaml\n",
		}, passed: []string{repo.overlay(1, 1) + "/worker.yaml", repo.overlay(1, 0) + "/kustomization.yaml", repo.overlay(1, 1) + "/kustomization.yaml"}},
		{name: "an overlay's file deleted, still named", remove: []string{repo.overlay(0, 0) + "/worker.yaml"}},
		// A binding to another base's namespace joins the two bases'
		// overlays in the working tree; the revision's tree builds them
		// too, as the working tree chose them.
		{name: "a base's binding to another's namespace", write: map[string]string{rbac: binding("{kind: ServiceAccount, name: ghost, namespace: app02}")}, passed: []string{rbac}, partial: true},
		// Removed, it joined them in the revision's tree only, where the
		// binding used app02's account: the trees choose differently.
		{name: "a base's binding to another's namespace, removed", before: map[string]string{rbac: binding("{kind: ServiceAccount, name: app02-unused, namespace: app02}")}, write: map[string]string{rbac: binding("{kind: ServiceAccount, name: app01}")}, passed: []string{rbac}, quiet: true},
		{name: "infra/, which joins every view", write: map[string]string{"infra/prometheus.yaml": strings.Replace(ghost("prometheus"), "ghost", "nobody", 1)}, passed: []string{"infra/prometheus.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			repo.write(t, dir)
			rulestest.WriteFiles(t, dir, tt.before)
			gitCommitAll(t, dir)
			for _, f := range tt.remove {
				if err := os.Remove(filepath.Join(dir, f)); err != nil {
					t.Fatal(err)
				}
			}
			rulestest.WriteFiles(t, dir, tt.write)
			t.Chdir(dir)

			everything := newFromHEAD(t, dir, tt.passed, false)
			hook := newFromHEAD(t, dir, tt.passed, true)
			want, got := hookReport(everything), hookReport(hook)
			if got != want {
				t.Errorf("hook run reports\n%s\nbuilding everything reports\n%s", got, want)
			}
			if changed := len(tt.write)+len(tt.remove) > 0 && !tt.quiet; changed == (len(everything.Findings)+len(everything.Errors) == 0) {
				t.Errorf("building everything reports %d new findings and %d errors: the case compares nothing", len(everything.Findings), len(everything.Errors))
			}
			if everything.Known == 0 {
				t.Error("building everything knows no finding: the case compares nothing")
			}
			if partial := hook.Objects < everything.Objects; partial != tt.partial {
				t.Errorf("hook run read %d objects, building everything %d: want partial %v", hook.Objects, everything.Objects, tt.partial)
			}
		})
	}
}

// TestChangedSince_NamesAsGitPrintsThem: a changed file's name is taken
// whole, even one that starts with a space or holds a line break (git's
// -z output is not trimmed).
func TestChangedSince_NamesAsGitPrintsThem(t *testing.T) {
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, map[string]string{"a.yaml": "kind: ConfigMap\n"})
	gitCommitAll(t, dir)
	names := []string{" lead.yaml", "line\nbreak.yaml", "trail.yaml "}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("kind: ConfigMap\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	changed, err := changedSince("HEAD", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		want := filepath.Join(dir, n)
		found := false
		for _, c := range changed {
			found = found || c == want
		}
		if !found {
			t.Errorf("changed = %q, want %q among them", changed, want)
		}
	}
	if len(changed) != len(names) {
		t.Errorf("changed = %q, want only the %d new files", changed, len(names))
	}
}

// TestSubtractRev_RevisionBuiltWholeIsBuiltOnce: the working tree's run
// is focused, but the revision's builds everything (there it holds a
// GitOps object, which the change deleted). That build is the one
// building everything needs: the revision's tree is read once, and the
// report is the one building everything in both trees gives.
func TestSubtractRev_RevisionBuiltWholeIsBuiltOnce(t *testing.T) {
	repo := unitsRepo{bases: 2, envs: 2}
	dir := t.TempDir()
	repo.write(t, dir)
	rulestest.WriteFiles(t, dir, map[string]string{
		"plain/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  destination: {namespace: app00}\n  source: {repoURL: https://example.com/deploy.git, path: " + repo.overlay(0, 0) + "}\n",
	})
	gitCommitAll(t, dir)
	if err := os.Remove(filepath.Join(dir, "plain/app.yaml")); err != nil {
		t.Fatal(err)
	}
	changed := repo.base(1) + "/deployment.yaml"
	rulestest.WriteFiles(t, dir, map[string]string{changed: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app01}\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n      containers: [{name: web, image: nginx:1.27}]\n"})
	t.Chdir(dir)

	// The revision's tree is read at absolute paths, the working tree
	// at relative ones (PATH "."); namespaces.yaml is read as a file
	// (not by a build) once per read of a tree.
	var revReads atomic.Int32
	open := func(name string) (*os.File, error) {
		if filepath.IsAbs(name) && filepath.Base(name) == "namespaces.yaml" {
			revReads.Add(1)
		}
		return os.Open(name)
	}
	opts := Options{Input: Input{Paths: []string{changed, "."}, Prune: true, ReportOnly: true, Open: open}, Only: []string{changed}, Root: ".", Enable: []string{"all"}}
	opts = opts.ForNewFromRev("HEAD", dir)
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.focus == nil {
		t.Fatal("the working tree's run built everything: the case tests nothing")
	}
	if err := res.SubtractRev(opts, "HEAD", dir); err != nil {
		t.Fatal(err)
	}
	if n := revReads.Load(); n != 1 {
		t.Errorf("the revision's tree was read %d times, want 1", n)
	}
	everything := newFromHEAD(t, dir, []string{changed}, false)
	if got, want := hookReport(res), hookReport(everything); got != want || res.Known != everything.Known {
		t.Errorf("reports (%d known)\n%s\nbuilding everything reports (%d known)\n%s", res.Known, got, everything.Known, want)
	}
	if len(everything.Findings) == 0 || everything.Known == 0 {
		t.Errorf("building everything reports %d new findings, %d known: the case compares nothing", len(everything.Findings), everything.Known)
	}
}
