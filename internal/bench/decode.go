// Package bench holds what salint's benchmarks share: the baseline they
// compare salint with.
package bench

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Decode is the bare decode salint is measured against: every document of
// every file decoded into a yaml.Node by go-yaml v3 (kyaml's yaml.Node and
// NewDecoder are go.yaml.in/yaml/v3's), files in parallel with GOMAXPROCS
// workers, as salint reads them. A file stops at its first syntax error,
// as a go-yaml stream must. It returns the number of documents decoded and
// the errors reading files.
func Decode(paths []string) (int, error) {
	var next, docs atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(paths))
	for range min(runtime.GOMAXPROCS(0), max(len(paths), 1)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				data, err := os.ReadFile(paths[i])
				if err != nil {
					errs[i] = err
					continue
				}
				dec := yaml.NewDecoder(bytes.NewReader(data))
				for {
					var n yaml.Node
					if dec.Decode(&n) != nil {
						break
					}
					docs.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(docs.Load()), errors.Join(errs...)
}
