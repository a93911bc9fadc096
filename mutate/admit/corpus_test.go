package admit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/mutate/admit"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// TestAdmitCorpus previews every corpus source as one bundle: no error,
// output that parses, and every rejection located in a file of the source.
func TestAdmitCorpus(t *testing.T) {
	corpus := rulestest.Corpus(t)
	sources, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for _, s := range sources {
		if !s.IsDir() {
			continue
		}
		t.Run(s.Name(), func(t *testing.T) {
			files := lint.Load(lint.Input{Paths: []string{filepath.Join(corpus, s.Name())}})
			b := model.Build(files, model.Options{})
			res, err := admit.Admit(b, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			out := model.Read(model.NewSource("out.yaml", res.Output))
			bad := 0
			for _, f := range files {
				bad += len(f.Errors)
			}
			if bad == 0 && len(out.Errors) > 0 {
				t.Errorf("output does not parse: %v", out.Errors[0])
			}
			for _, r := range res.Rejections {
				if r.Pos.Line == 0 || r.Message == "" {
					t.Errorf("rejection without a place or message: %+v", r)
				}
			}
			admitted += len(b.Pods) - len(res.Rejections)
		})
	}
	t.Logf("%d pod specs admitted", admitted)
}
