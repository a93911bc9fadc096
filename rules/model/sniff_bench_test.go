package model_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// corpusDocuments is every document of every YAML file of ../shared/corpus,
// cut as the reader cuts them.
func corpusDocuments(b *testing.B) (docs [][]byte, size int) {
	b.Helper()
	err := filepath.WalkDir(rulestest.Corpus(b), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, doc := range model.SplitDocuments(data) {
			docs = append(docs, doc)
			size += len(doc)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return docs, size
}

// BenchmarkSniff sniffs the kind of every corpus document once per
// iteration: the cost the reader pays before deciding what to parse.
func BenchmarkSniff(b *testing.B) {
	docs, size := corpusDocuments(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var certain int
	for b.Loop() {
		certain = 0
		for _, doc := range docs {
			if _, ok := model.SniffKind(doc); ok {
				certain++
			}
		}
	}
	b.ReportMetric(float64(len(docs)), "documents")
	b.ReportMetric(float64(certain), "certain")
}
