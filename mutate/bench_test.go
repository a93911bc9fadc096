package mutate_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// benchFix runs the whole fix loop (check, apply, re-read, check again)
// over files read once, with every rule and every fix enabled.
func benchFix(b *testing.B, files []*model.File) {
	opts := lint.Options{Enable: []string{"all"}}
	opts.Settings = rules.Settings{CreateMissingAccounts: true, AutomountFix: rules.AutomountFixAccount}
	b.ReportAllocs()
	b.ResetTimer()
	var changes, applied int
	for b.Loop() {
		res, _ := fixFiles(b, files, opts)
		changes, applied = len(res.Changes), len(res.Applied)
	}
	b.ReportMetric(float64(applied), "fixes")
	b.ReportMetric(float64(changes), "files-changed")
}

// BenchmarkFixCorpus fixes all of ../shared/corpus as one bundle.
func BenchmarkFixCorpus(b *testing.B) {
	files := lint.Load(lint.Input{Paths: []string{rulestest.Corpus(b)}})
	benchFix(b, files)
}

// BenchmarkFixLargeBundle fixes a generated bundle of 1,000 files of 10
// documents (10,000 objects) where every workload has something to fix:
// the worst case for the edit and re-read path.
func BenchmarkFixLargeBundle(b *testing.B) {
	benchFix(b, largeBundle(1000, true))
}

// BenchmarkFixLargeBundleClean is the same bundle with nothing to fix: the
// usual pre-commit run, one check and no write.
func BenchmarkFixLargeBundleClean(b *testing.B) {
	benchFix(b, largeBundle(1000, false))
}

// largeBundle generates files of a ServiceAccount with pull secrets, a
// Secret, and Deployments and Jobs; with broken set, the workloads use the
// deprecated serviceAccount, re-enable a token their account disables and
// list pull secrets that hide the account's.
func largeBundle(n int, broken bool) []*model.File {
	files := make([]*model.File, n)
	for i := range n {
		ns := fmt.Sprintf("team-%03d", i%50)
		var b strings.Builder
		fmt.Fprintf(&b, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-%d\n  namespace: %s\nautomountServiceAccountToken: false\nimagePullSecrets:\n- name: hub\n- name: corp-%d\n", i, ns, i)
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-%d\n  namespace: %s\ndata:\n  key: value\n", i, ns)
		for j := range 8 {
			kind, api := "Deployment", "apps/v1"
			if j%4 == 3 {
				kind, api = "Job", "batch/v1"
			}
			fmt.Fprintf(&b, "---\n# workload %d of file %d\napiVersion: %s\nkind: %s\nmetadata:\n  name: w-%d-%d\n  namespace: %s\nspec:\n  template:\n    metadata:\n      labels: {app: w-%d-%d}\n    spec:\n",
				j, i, api, kind, i, j, ns, i, j)
			if broken {
				fmt.Fprintf(&b, "      serviceAccount: app-%d   # legacy\n      automountServiceAccountToken: true\n      imagePullSecrets:\n      - name: hub\n", i)
			} else {
				fmt.Fprintf(&b, "      serviceAccountName: app-%d\n      imagePullSecrets:\n      - name: hub\n      - name: corp-%d\n", i, i)
			}
			fmt.Fprintf(&b, "      containers:\n      - name: app\n        image: registry.example/app:%d\n        args: [--port, \"8080\"]\n", i)
		}
		src := model.NewSource(filepath.Join("gen", fmt.Sprintf("f%04d.yaml", i)), []byte(b.String()))
		files[i] = model.Read(src)
	}
	return files
}
