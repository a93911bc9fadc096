//go:build ignore

// roots prints, one a line, the kustomization roots salint builds when it
// lints the directories given: what kustomize.sh times both tools on.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/salint/salint/lint/kustomize"
)

func main() {
	var dirs []string
	for _, top := range os.Args[1:] {
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && kustomize.IsKustomizationFile(d.Name()) {
				dirs = append(dirs, filepath.Dir(p))
			}
			return nil
		})
	}
	for _, r := range kustomize.Build(dirs, kustomize.Options{}).Roots {
		fmt.Println(r)
	}
}
