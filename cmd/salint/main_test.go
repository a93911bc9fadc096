package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run salint in-process as the "salint" command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"salint": func() {
			os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}))
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script: each file holds a
// command, its input files and its expected output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"gitops-tree": copyGitOpsTree},
	})
}

// copyGitOpsTree is the script command "gitops-tree NAME DIR": it copies
// the repository testdata/gitops/NAME to DIR, so that scripts lint the
// trees lint/gitops is tested on, outside this repository's own git.
func copyGitOpsTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gitops-tree NAME DIR")
	}
	src, err := filepath.Abs(filepath.Join("..", "..", "testdata", "gitops", args[0]))
	ts.Check(err)
	ts.Check(os.CopyFS(ts.MkAbs(args[1]), os.DirFS(src)))
}

// runCombined runs salint with args, with empty standard input and
// environment, and returns its standard output and error together and
// its exit code.
func runCombined(args ...string) (string, int) {
	var out bytes.Buffer
	code := run(args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }})
	return out.String(), code
}
