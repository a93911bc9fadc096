package accounts_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/internal/bundlegen"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/accounts"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/rulestest"
)

// The safety net of lint.Input.Prune: linting with pruning must report
// exactly what linting the full trees does (findings with their rule,
// position, message, field and whether they are fixable, input errors,
// counts) and show the same `salint accounts --format json`. Suggested
// edits are compared too, though a lint reports only whether there is one.

// pruneOutputs lints paths as `salint lint --enable all --format json`
// and models them as `salint accounts --format json`, with or without
// pruning.
func pruneOutputs(t *testing.T, paths []string, kustomize string, read readMode, settings rules.Settings) (findings, view, edits []byte) {
	t.Helper()
	return pruneOutputsOf(t, func() lint.Options {
		return lint.Options{Input: lint.Input{Paths: paths, Kustomize: kustomize}}
	}, read, settings)
}

// pruneOutputsOf is pruneOutputs for the options opts returns (called
// once per read, so that each reads its own standard input).
func pruneOutputsOf(t *testing.T, opts func() lint.Options, read readMode, settings rules.Settings) (findings, view, edits []byte) {
	t.Helper()
	o := opts()
	o.Prune, o.ReportOnly, o.Enable, o.Settings = read.prune, read.reportOnly, []string{"all"}, settings
	res, err := lint.Run(o)
	if err != nil {
		t.Fatal(err)
	}
	var r, v, e bytes.Buffer
	if err := report.WriteJSON(&r, report.Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Fix == nil {
			continue
		}
		fmt.Fprintf(&e, "%s %s %s\n", f.Pos, f.Rule, f.Fix.Message)
		for _, ed := range f.Fix.Edits {
			fmt.Fprintf(&e, "  %s [%d,%d) %q\n", ed.Source.Path, ed.Start, ed.End, ed.New)
		}
	}
	o = opts()
	o.Prune, o.ReportOnly = read.prune, read.reportOnly
	m := lint.Model(o)
	view1 := accounts.BuildClusters(clustersOf(m))
	view1.SetInputs(m.Errors, m.Notices)
	if err := accounts.WriteJSON(&v, view1); err != nil {
		t.Fatal(err)
	}
	return r.Bytes(), v.Bytes(), e.Bytes()
}

// fixSettings turn on every fix a lint can report as fixable (the flags
// --create-missing-accounts and --automount=account) and make every
// image's registry private, so that registry-without-pull-secret adds
// pull secrets where a Secret of the bundle covers it: the edits that
// read a pod spec's first and last fields (AddField) and delete fields of
// it (DeleteField) are computed from the pruned trees too.
var fixSettings = rules.Settings{
	CreateMissingAccounts: true,
	AutomountFix:          rules.AutomountFixAccount,
	PrivateRegistries:     []string{"*", "*.*", "*.*.*", "*.*.*.*"},
}

// requireSamePruned compares, with the default settings and with
// fixSettings.
func requireSamePruned(t *testing.T, paths []string, kustomize string) {
	t.Helper()
	requireSamePrunedOf(t, func() lint.Options {
		return lint.Options{Input: lint.Input{Paths: paths, Kustomize: kustomize}}
	})
}

// readMode is how a command reads: whole (admit), pruned with the
// bytes released (lint, accounts), or pruned with the bytes kept (fix).
type readMode struct{ prune, reportOnly bool }

var (
	readWhole  = readMode{}
	readReport = readMode{prune: true, reportOnly: true}
	readFix    = readMode{prune: true}
)

// requireSamePrunedOf is requireSamePruned for the options opts returns.
func requireSamePrunedOf(t *testing.T, opts func() lint.Options) {
	t.Helper()
	for _, settings := range []rules.Settings{{}, fixSettings} {
		fullR, fullV, fullE := pruneOutputsOf(t, opts, readWhole, settings)
		prR, prV, prE := pruneOutputsOf(t, opts, readReport, settings)
		if !bytes.Equal(fullR, prR) {
			t.Errorf("lint report differs with pruning (settings %+v):\n%s", settings, firstDiff(fullR, prR))
		}
		if !bytes.Equal(fullV, prV) {
			t.Errorf("accounts view differs with pruning:\n%s", firstDiff(fullV, prV))
		}
		if !bytes.Equal(fullE, prE) {
			t.Errorf("suggested edits differ with pruning (settings %+v):\n%s", settings, firstDiff(fullE, prE))
		}
		if settings.CreateMissingAccounts { // fix reads pruned, keeping the bytes
			if _, _, fixE := pruneOutputsOf(t, opts, readFix, settings); !bytes.Equal(fullE, fixE) {
				t.Errorf("suggested edits differ when fix reads pruned:\n%s", firstDiff(fullE, fixE))
			}
		}
		if len(fullR) == 0 || len(fullV) == 0 {
			t.Fatal("nothing was reported")
		}
	}
}

// firstDiff shows the first line that differs.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range max(len(al), len(bl)) {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			return fmt.Sprintf("line %d:\n full:   %s\n pruned: %s", i+1, x, y)
		}
	}
	return "(same lines)"
}

func TestPrune_CorpusReportsTheSame(t *testing.T) {
	corpus := rulestest.Corpus(t)
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{lint.KustomizeOff, lint.KustomizeAuto} {
		t.Run("all/kustomize="+mode, func(t *testing.T) { requireSamePruned(t, []string{corpus}, mode) })
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join(corpus, e.Name())
			t.Run(e.Name()+"/kustomize="+mode, func(t *testing.T) { requireSamePruned(t, []string{dir}, mode) })
		}
	}
}

func TestPrune_TestdataReportsTheSame(t *testing.T) {
	root := filepath.Join(repoRoot(t), "testdata")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{lint.KustomizeOff, lint.KustomizeAuto} {
		for _, dir := range dirs {
			rel, _ := filepath.Rel(root, dir)
			t.Run(rel+"/kustomize="+mode, func(t *testing.T) {
				// A directory of nothing but subdirectories or non-manifests
				// still runs: both sides must report the same nothing.
				requireSamePruned(t, []string{dir}, mode)
			})
		}
	}
}

func TestPrune_GeneratedBundlesReportTheSame(t *testing.T) {
	for _, spec := range []bundlegen.Spec{
		{Files: 30, Docs: 300, Namespaces: 7},
		{Files: 40, Docs: 400, Namespaces: 13, Dense: true},
		{Files: 25, Docs: 500, Namespaces: 3, FixEvery: 7},
		{Files: 60, Docs: 600, Namespaces: 50, Dense: true, FixEvery: 3},
	} {
		t.Run(fmt.Sprintf("%+v", spec), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := bundlegen.Write(dir, spec); err != nil {
				t.Fatal(err)
			}
			requireSamePruned(t, []string{dir}, lint.KustomizeAuto)
		})
	}
}

// pruneLayouts are pod specs shaped to exercise what the second stage of
// pruning (model's skeleton) keeps for fixes: the field a fix deletes or
// renames first, in the middle or last; a spec of two fields; a flow
// spec, whose edits read each field's neighbours; a spec ending in a
// "|+" block scalar; specs without imagePullSecrets, where a pull secret
// is added after the last field (block sequence, mapping, comment);
// four-space and wide-sequence indentation; a CronJob's nested template;
// and accounts the bundle lacks (a new document).
var pruneLayouts = map[string]string{
	"secrets.yaml": `apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Secret
metadata: {name: reg, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths": {"reg.example.com": {"auth": "eDp5"}}}'
`,
	"first.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: first, namespace: shop}
spec:
  template:
    spec:
      serviceAccount: quiet
      containers:
      - name: app
        image: reg.example.com/app:1
        resources: {limits: {cpu: "1"}}
      serviceAccountName: quiet
      affinity: {nodeAffinity: {}}
      automountServiceAccountToken: true
`,
	"two.yaml": `apiVersion: v1
kind: Pod
metadata: {name: two, namespace: shop}
spec:
    serviceAccountName: quiet
    serviceAccount: quiet
---
apiVersion: v1
kind: Pod
metadata: {name: flow, namespace: shop}
spec: {serviceAccount: quiet, containers: [{name: c, image: reg.example.com/x}], automountServiceAccountToken: true, dnsPolicy: Default}
---
apiVersion: v1
kind: Pod
metadata: {name: flow-last, namespace: shop}
spec: {containers: [{name: c, image: reg.example.com/x}], serviceAccount: quiet}
`,
	"blocks.yaml": `apiVersion: v1
kind: Pod
metadata: {name: keep-lines, namespace: shop}
spec:
  automountServiceAccountToken: true
  serviceAccountName: quiet
  containers:
  - name: c
    image: reg.example.com/x
    args:
    - |+
      kept

---
apiVersion: v1
kind: Pod
metadata: {name: no-secrets, namespace: shop}
spec:
  containers:
    - name: c
      image: reg.example.com/x
      env:
        - name: A
          valueFrom: {secretKeyRef: {name: reg, key: k}}
  volumes:
    - name: v
      configMap:
        name: cm
---
apiVersion: v1
kind: Pod
metadata: {name: ends-in-mapping, namespace: shop}
spec:
  containers:
  - {name: c, image: reg.example.com/x}
  securityContext:
    runAsNonRoot: true
  # a comment after the last field
`,
	"account.json": `{
  "apiVersion": "v1",
  "kind": "ServiceAccount",
  "metadata": {"name": "json-sa", "namespace": "shop", "labels": {"a": "b"}},
  "automountServiceAccountToken": true
}
`,
	"accounts.yaml": `apiVersion: v1
kind: ServiceAccount
automountServiceAccountToken: true
metadata:
  name: meta-last
  namespace: shop
  labels: {a: b}
---
apiVersion: v1
kind: Pod
metadata: {name: as-json-sa, namespace: shop}
spec:
  serviceAccountName: json-sa
  containers: [{name: c, image: reg.example.com/x}]
---
apiVersion: v1
kind: Pod
metadata: {name: as-meta-last, namespace: shop}
spec:
  serviceAccountName: meta-last
  containers: [{name: c, image: reg.example.com/x}]
`,
	"cron.yaml": `apiVersion: batch/v1
kind: CronJob
metadata: {name: cron, namespace: shop}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {annotations: {x: y}}
        spec:
          restartPolicy: Never
          serviceAccountName: nobody-made-me
          containers: [{name: c, image: reg.example.com/x}]
          automountServiceAccountToken: true
          tolerations:
          - key: k
`,
}

func TestPrune_FixLayoutsReportTheSame(t *testing.T) {
	dir := t.TempDir()
	for name, text := range pruneLayouts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	requireSamePruned(t, []string{dir}, lint.KustomizeOff)
	// The cases must exercise the fixes they are shaped for.
	_, _, edits := pruneOutputs(t, []string{dir}, lint.KustomizeOff, readReport, fixSettings)
	for _, want := range []string{"first.yaml", "two.yaml", "blocks.yaml", "cron.yaml", "added pull secret", "removed automountServiceAccountToken", "ServiceAccount shop/json-sa", "ServiceAccount shop/meta-last"} {
		if !bytes.Contains(edits, []byte(want)) {
			t.Errorf("no suggested edit mentions %q:\n%s", want, edits)
		}
	}
}
