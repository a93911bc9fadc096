package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// hookRepoFiles is the size of the generated repository: the issue asks
// for the hook to be measured on 5,000+ files.
const hookRepoNamespaces = 1000

// writeHookRepo generates a repository of 5 files per namespace (5,000
// files): accounts, a Deployment with its Service, a CronJob, a ConfigMap
// and an RBAC binding, the mix a GitOps repository holds.
func writeHookRepo(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	for i := range hookRepoNamespaces {
		ns := fmt.Sprintf("team-%04d", i)
		files := map[string]string{
			"accounts.yaml": fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: %[1]s}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: batch, namespace: %[1]s}\nautomountServiceAccountToken: false\n", ns),
			"web.yaml":      fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: %[1]s}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      serviceAccountName: web\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports: [{containerPort: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: %[1]s}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n", ns),
			"cron.yaml":     fmt.Sprintf("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report, namespace: %[1]s}\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: batch\n          restartPolicy: OnFailure\n          containers: [{name: r, image: busybox}]\n", ns),
			"config.yaml":   fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: %[1]s}\ndata:\n  app.properties: |\n    a=1\n    b=2\n    c=3\n", ns),
			"rbac.yaml":     fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web-view, namespace: %[1]s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: web, namespace: %[1]s}\n", ns),
		}
		for name, text := range files {
			p := filepath.Join(dir, ns, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

// BenchmarkHook_RootOneChangedFile is one pre-commit run of the salint
// hook (salint lint --root . FILE) on a 5,000-file repository, in process:
// read and model every file, report on the one changed file.
func BenchmarkHook_RootOneChangedFile(b *testing.B) {
	dir := writeHookRepo(b)
	changed := filepath.Join(dir, "team-0007", "web.yaml")
	opts := Options{Input: Input{Paths: []string{changed, dir}}, Only: []string{changed}}
	benchRun(b, opts, 5*hookRepoNamespaces)
}

// BenchmarkHook_RootFiftyChangedFiles is a larger commit: 50 files.
func BenchmarkHook_RootFiftyChangedFiles(b *testing.B) {
	dir := writeHookRepo(b)
	var changed []string
	for i := range 10 {
		for _, name := range []string{"accounts.yaml", "web.yaml", "cron.yaml", "config.yaml", "rbac.yaml"} {
			changed = append(changed, filepath.Join(dir, fmt.Sprintf("team-%04d", i*97), name))
		}
	}
	opts := Options{Input: Input{Paths: append(append([]string{}, changed...), dir)}, Only: changed}
	benchRun(b, opts, 5*hookRepoNamespaces)
}

func benchRun(b *testing.B, opts Options, wantFiles int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		res, err := Run(opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Files != wantFiles || len(res.Errors) > 0 {
			b.Fatalf("read %d files (%d errors), want %d", res.Files, len(res.Errors), wantFiles)
		}
		for _, f := range res.Findings {
			b.Fatalf("unexpected finding: %s %s", f.Pos, f.Message)
		}
	}
}
