// Command decode is the baseline of .ci/bench/peers.sh: it decodes every
// document of every *.yaml, *.yml and *.json file below its arguments
// (bench.Decode: go-yaml v3 into yaml.Node, files in parallel as salint
// reads them) and prints the number of documents. No model, no rules, no
// report.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/salint/salint/internal/bench"
)

func main() {
	var paths []string
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				if !d.IsDir() {
					paths = append(paths, path)
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	docs, err := bench.Decode(paths)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(docs)
}
