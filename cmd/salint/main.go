// Command salint lints and fixes Kubernetes ServiceAccount usage in YAML
// manifests, offline. This package only parses flags and wires the lint,
// mutate and rules packages together.
package main

import (
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/salint/salint/rules"
)

// Exit codes: the contract scripts and CI rely on.
const (
	exitOK       = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitError    = 2 // usage error, or input that could not be read
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC(os.Getenv)
	os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}))
}

// env is the process environment a command runs in, so tests can swap it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// flagsOnly, when set, receives the command's flag set instead of
	// the command running (completion reads every command's flags).
	flagsOnly func(*pflag.FlagSet)
}

type command struct {
	name    string
	summary string
	run     func(args []string, e *env) int
}

func commands() []command {
	return []command{
		{"lint", "report ServiceAccount mistakes in manifests", runLint},
		{"fix", "apply the suggested fixes, in place or as a diff", runFix},
		{"admit", "preview what ServiceAccount admission does to each pod", runAdmit},
		{"fn", "run as a KRM function for kustomize and kpt (ResourceList in, out)", runFn},
		{"accounts", "show each namespace's accounts and what runs as them", runAccounts},
		{"views", "list the cluster views and the deploy units each holds", runViews},
		{"rules", "list the rule catalog", runRules},
		{"explain", "print the documentation of a rule", runExplain},
		{"init", "write a commented .salint.yaml, print the pre-commit snippet", runInit},
		{"completion", "print a shell completion script: bash, zsh or fish", runCompletion},
		{"version", "print salint's version", runVersion},
	}
}

const usageHeader = `salint checks that Kubernetes pods and pod templates run as ServiceAccounts
that exist, with the pull secrets and token settings their authors meant, by
reading manifests offline: every file given forms one bundle, and accounts
and secrets defined anywhere in it count.

Usage:
  salint <command> [flags] [PATH...]

Commands:
`

const usageFooter = `
Run 'salint help <command>' (or 'salint <command> --help') for a command's
flags, examples and exit codes.

Examples:
  salint lint deploy/                 lint every *.yaml, *.yml, *.json below deploy/
  salint lint overlays/prod/          build a kustomization, report in its source files
  kustomize build . | salint lint -   lint a build from standard input
  salint fix --diff deploy/           show the fixes as a diff, write nothing
  salint admit deploy/                preview each pod as the API server admits it
  salint explain missing-service-account

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or input errors.
`

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString(usageHeader)
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString(usageFooter)
	fmt.Fprint(w, b.String())
}

func run(args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitError
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			return run([]string{args[1], "--help"}, e)
		}
		usage(e.stdout)
		return exitOK
	case "--version":
		return runVersion(nil, e)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], e)
		}
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(e.stderr, "salint: unknown flag %q: flags come after the command (salint <command> [flags] [PATH...])\nRun 'salint --help' for the list of commands.\n", args[0])
		return exitError
	}
	// A short message, not the whole usage: the mistake stays on screen.
	names := []string{"help"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	msg := fmt.Sprintf("salint: unknown command %q", args[0])
	if c := rules.Closest(args[0], names); c != "" {
		msg += fmt.Sprintf("; did you mean %q?", c)
	}
	fmt.Fprintf(e.stderr, "%s\nRun 'salint --help' for the list of commands.\n", msg)
	return exitError
}

func runVersion(args []string, e *env) int {
	fs := newFlagSet("version", "version", "Prints salint's version.\n\nExit codes: 0.", e)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	if extraArgs(fs, e) {
		return exitError
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintf(e.stdout, "salint %s\n", versionString(version, info))
	return exitOK
}

// versionString is the version stamped at build time, else the module
// version "go install ...@v1.2.0" records, else the commit of a checkout
// build: "dev" alone says nothing about which salint found what.
func versionString(stamped string, info *debug.BuildInfo) string {
	if stamped != "dev" || info == nil {
		return stamped
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return stamped
	}
	rev = rev[:min(12, len(rev))]
	if modified == "true" {
		rev += ", modified"
	}
	return fmt.Sprintf("%s (%s)", stamped, rev)
}
