// Command gen writes a generated repository (internal/bundlegen) for the
// benchmark scripts under .ci/bench.
//
//	go run ./internal/bench/gen -peers -files 500 -docs 5000 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/salint/salint/internal/bundlegen"
)

func main() {
	var s bundlegen.Spec
	flag.IntVar(&s.Files, "files", 500, "number of files")
	flag.IntVar(&s.Docs, "docs", 5000, "number of documents")
	flag.IntVar(&s.Namespaces, "namespaces", 50, "namespaces the objects spread over")
	flag.BoolVar(&s.Dense, "dense", false, "every document one salint reads in full (every workload kind)")
	flag.BoolVar(&s.Peers, "peers", false, "ServiceAccounts, Secrets, Deployments and Pods only (the bundle compared with kube-linter)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen [flags] DIR")
		os.Exit(2)
	}
	st, err := bundlegen.Write(flag.Arg(0), s)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d documents, %d bytes\n", st.Files, st.Docs, st.Bytes)
}
