package lint

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/salint/salint/rules/rulestest"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// unitsRepo is the shape of a generated kustomize repository: bases of
// one app each, envs overlays per base (all of one base write the app's
// namespace, so they are alternatives: a view each), an infra/ root that
// shares nothing, and plain Namespace manifests.
type unitsRepo struct {
	bases, envs int
}

// hookUnits is the repository the issue asks the hook to be measured on:
// 200 overlays over 20 bases.
var hookUnits = unitsRepo{bases: 20, envs: 10}

func (r unitsRepo) base(b int) string           { return fmt.Sprintf("bases/b%02d", b) }
func (r unitsRepo) overlay(b, e int) string     { return fmt.Sprintf("overlays/b%02d-e%d", b, e) }
func (r unitsRepo) path(dir, rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }

// write generates the repository under dir, with findings in every kind
// of file: overlay e0 of every base defines its worker account (with a
// pull secret nobody defines) and the others do not, so that the base's
// CronJob runs as an account some views lack; the last overlay runs the
// app as an account nobody defines; the base's Deployment still names
// the deprecated serviceAccount field and it has an account no pod uses;
// infra/ runs an exporter as an account it lacks.
func (r unitsRepo) write(tb testing.TB, dir string) {
	tb.Helper()
	files := map[string]string{
		"infra/kustomization.yaml": "namespace: monitoring\nresources: [prometheus.yaml]\n",
		"infra/prometheus.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus}\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: prometheus}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: prometheus, namespace: monitoring}\n---\n" +
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: prometheus}\nspec:\n  selector: {matchLabels: {app: prometheus}}\n  template:\n    metadata: {labels: {app: prometheus}}\n    spec:\n      serviceAccountName: prometheus\n      containers: [{name: p, image: prom/prometheus:v2.53.0}]\n---\n" +
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: exporter}\nspec:\n  template:\n    spec:\n      serviceAccountName: exporter\n      containers: [{name: e, image: prom/node-exporter:v1.8.1}]\n",
	}
	var namespaces string
	for b := range r.bases {
		app := fmt.Sprintf("app%02d", b)
		namespaces += fmt.Sprintf("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", app)
		base := r.base(b)
		files[base+"/kustomization.yaml"] = "resources: [deployment.yaml, cron.yaml, sa.yaml, rbac.yaml]\n"
		files[base+"/deployment.yaml"] = fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %[1]s}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: %[1]s}}\n  template:\n    metadata: {labels: {app: %[1]s}}\n    spec:\n      serviceAccountName: %[1]s\n      serviceAccount: %[1]s\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports: [{containerPort: 80}]\n", app)
		files[base+"/cron.yaml"] = fmt.Sprintf("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: %[1]s-report}\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: %[1]s-worker\n          restartPolicy: OnFailure\n          containers: [{name: r, image: busybox:1.36}]\n", app)
		files[base+"/sa.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: %[1]s}\nautomountServiceAccountToken: false\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: %[1]s-unused}\nautomountServiceAccountToken: false\n", app)
		files[base+"/rbac.yaml"] = fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: %[1]s-view}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: %[1]s}\n", app)
		for e := range r.envs {
			overlay := r.overlay(b, e)
			resources := "../../" + base
			if e == 0 {
				resources += ", worker.yaml"
				files[overlay+"/worker.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: %s-worker}\nautomountServiceAccountToken: false\nimagePullSecrets: [{name: regcred}]\n", app)
			}
			files[overlay+"/kustomization.yaml"] = fmt.Sprintf("namespace: %s\nresources: [%s]\npatches:\n- path: patch.yaml\n", app, resources)
			patch := fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n  replicas: %d\n  template:\n    metadata: {labels: {env: e%d}}\n", app, e+1, e)
			if e == r.envs-1 {
				patch += fmt.Sprintf("    spec: {serviceAccountName: %s-canary}\n", app)
			}
			files[overlay+"/patch.yaml"] = patch
		}
	}
	files["namespaces.yaml"] = namespaces
	rulestest.WriteFiles(tb, dir, files)
}

// BenchmarkHookUnits_ChangedBase is one pre-commit run (salint lint
// --root DIR FILE, in process, as salint lint reads) on 200 overlays over
// 20 bases when one base file changed.
func BenchmarkHookUnits_ChangedBase(b *testing.B) {
	benchHookUnits(b, hookUnits.base(7)+"/deployment.yaml")
}

// BenchmarkHookUnits_ChangedOverlay: one overlay file changed.
func BenchmarkHookUnits_ChangedOverlay(b *testing.B) {
	benchHookUnits(b, hookUnits.overlay(7, 3)+"/patch.yaml")
}

// BenchmarkHookUnits_ChangedInfra: a file of infra/, which shares
// nothing and so joins every view: the run builds everything.
func BenchmarkHookUnits_ChangedInfra(b *testing.B) {
	benchHookUnits(b, "infra/prometheus.yaml")
}

// benchHookUnits times hook runs, cold: kyaml's OpenAPI schema, which
// kustomize parses once per process, is dropped before each run, and
// salint keeps nothing between runs.
func benchHookUnits(b *testing.B, changed string) {
	dir := b.TempDir()
	hookUnits.write(b, dir)
	changed = hookUnits.path(dir, changed)
	opts := Options{Input: Input{Paths: []string{changed, dir}, Prune: true, ReportOnly: true}, Only: []string{changed}}
	coldRuns(b, func() error {
		res, err := Run(opts)
		if err == nil && len(res.Errors) > 0 {
			err = fmt.Errorf("errors: %v", res.Errors)
		}
		return err
	})
}

// coldRuns times run, with kyaml's OpenAPI schema dropped before each.
func coldRuns(b *testing.B, run func() error) {
	b.ReportAllocs()
	for b.Loop() {
		openapi.ResetOpenAPI()
		if err := run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHookUnitsNewFromRev is the shipped hook's run (salint lint
// --root DIR --new-from-rev HEAD CHANGED, in process): the working tree
// and HEAD's tree both linted, on the same repository committed, with
// one file changed to add a finding. whole is the run building every
// root in both trees (as before the hook focused them), focused the run
// as it is.
func BenchmarkHookUnitsNewFromRev(b *testing.B) {
	account := func(name string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: %s}\n", name)
	}
	for _, change := range []struct{ name, file, text string }{
		{"ChangedBase", hookUnits.base(7) + "/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app07}\nspec:\n  template:\n    spec: {serviceAccountName: ghost, containers: [{name: web, image: nginx:1.27}]}\n"},
		{"ChangedOverlay", hookUnits.overlay(7, 3) + "/patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app07}\nspec:\n  template:\n    spec: {serviceAccountName: phantom}\n"},
		{"ChangedInfra", "infra/prometheus.yaml", account("prometheus")},
	} {
		dir := b.TempDir()
		hookUnits.write(b, dir)
		gitCommitAll(b, dir)
		rulestest.WriteFiles(b, dir, map[string]string{change.file: change.text})
		changed := hookUnits.path(dir, change.file)
		hook := Options{Input: Input{Paths: []string{changed, dir}, Prune: true, ReportOnly: true}, Only: []string{changed}, Root: dir}
		for _, focused := range []bool{false, true} {
			opts := hook.ForNewFromRev("HEAD", dir)
			name := change.name + "/focused"
			if !focused {
				opts.Changed, name = nil, change.name+"/whole"
			}
			b.Run(name, func(b *testing.B) {
				coldRuns(b, func() error {
					res, err := Run(opts)
					if err == nil {
						err = res.SubtractRev(opts, "HEAD", dir)
					}
					if err == nil && (len(res.Findings) == 0 || len(res.Errors) > 0) {
						err = fmt.Errorf("%d new findings, errors: %v", len(res.Findings), res.Errors)
					}
					return err
				})
			})
		}
	}
}
