package kustomize_test

import (
	"path/filepath"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/rules/rulestest"
)

// benchTrees are the corpus's kustomize trees: 42 kustomizations, 28 of
// them roots, each built in one lint run per tree.
var benchTrees = []string{
	"kubernetes-sigs__kustomize/examples",
	"kubernetes-sigs__metrics-server",
	"open-policy-agent__gatekeeper/config",
	"GoogleCloudPlatform__microservices-demo",
	"kubernetes__ingress-nginx/deploy",
}

// BenchmarkCorpusTrees lints each kustomize tree of the corpus with every
// rule: auto builds the kustomizations (build, origin mapping, lint), off
// reads the same files as written, for comparison.
func BenchmarkCorpusTrees(b *testing.B) {
	corpus := rulestest.Corpus(b)
	for _, mode := range []string{lint.KustomizeAuto, lint.KustomizeOff} {
		b.Run(mode, func(b *testing.B) {
			objects := 0
			for b.Loop() {
				objects = 0
				for _, tree := range benchTrees {
					res, err := lint.Run(lint.Options{
						Input:  lint.Input{Paths: []string{filepath.Join(corpus, tree)}, Kustomize: mode},
						Config: &lint.Config{},
					})
					if err != nil {
						b.Fatal(err)
					}
					objects += res.Objects
				}
			}
			b.ReportMetric(float64(objects), "objects")
		})
	}
}
