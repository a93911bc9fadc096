package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/salint/salint/internal/plural"
	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/rules"
)

const fixHelp = `
Applies the suggested fixes of the enabled rules, in place, and reports what
it changed (file:line: rule: what was done) and what remains. Only the bytes
a fix must change are rewritten: every other document, comment, blank line
and file stays byte-identical, and files without a change are not touched.
Writes are atomic (a temporary file in the same directory, then a rename;
owner, group and mode are kept; a symbolic link is written through to its
target); a file changed since it was read is not written.
Fixing again changes nothing more.

By default only fixes that keep what runs are applied (see the FIX column of
'salint rules'); the flags below allow the others. With --diff nothing is
written and a unified diff goes to standard output. A PATH of "-" reads
standard input and writes the fixed bundle to standard output. Whenever
standard output carries a diff or a bundle, the report goes to standard error.

Examples:
  salint fix --diff deploy/                 review the fixes, write nothing
  salint fix deploy/                        apply the fixes that keep what runs
  salint fix --create-missing-accounts .    also add missing ServiceAccounts
  kustomize build . | salint fix - > fixed.yaml

Exit codes: 0 nothing at or above --fail-on remains, 1 something does, 2 usage
error, input that could not be read, or a file that could not be written.`

func runFix(args []string, e *env) int {
	fs := newFlagSet("fix", "fix [flags] [PATH...]", fixHelp, e)
	var in inputFlags
	in.register(fs)
	showDiff := fs.Bool("diff", false, "print a unified diff instead of writing files")
	failOn := fs.String("fail-on", "warning", "lowest `SEVERITY` of a remaining finding that makes the exit code 1: error, warning or info")
	createAccounts := fs.Bool("create-missing-accounts", false, "missing-service-account: add a ServiceAccount document for a missing account (not when a close name suggests a typo)")
	automount := fs.String("automount", "", "automount-conflict: `MODE` \"account\" (the only one) makes the account's false apply: removes the pod's automountServiceAccountToken: true, or sets the Helm values key it is rendered from to false")
	var known knownFlags
	known.register(fs, false)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("fix", e)
	threshold, err := rules.ParseSeverity(*failOn)
	if err != nil {
		return usageErr(fmt.Errorf("--fail-on: %w", err))
	}
	if *automount != "" && *automount != rules.AutomountFixAccount {
		return usageErr(fmt.Errorf("unknown --automount %q (want %q)", *automount, rules.AutomountFixAccount))
	}
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	// Skeletons give the same edits (lint/accounts' prune tests compare
	// them); the bytes stay, as fix edits and compares them.
	opts.Prune = true
	opts.Settings.CreateMissingAccounts = *createAccounts
	opts.Settings.AutomountFix = *automount
	active, err := opts.ActiveRules()
	if err != nil {
		return usageErr(err)
	}

	checker := lint.NewFixChecker(opts, active)
	files := lint.Load(opts.Input)
	// The values files a fix of a rendered value edits are edited with
	// the input.
	files = append(files, helm.ValueFiles(files)...)
	res, fixErr := mutate.Fix(files, checker.Check, opts.InScope())
	last := checker.Last
	if fixErr == nil {
		// What remains is judged against what was there before; the
		// fixes stay those of the PATHs.
		if err := known.apply(last, opts); err != nil {
			return usageErr(err)
		}
	}

	// Standard output carries the diff or the fixed stdin bundle; the
	// report then goes to standard error.
	stdinFixed := false
	for _, p := range opts.Paths {
		stdinFixed = stdinFixed || p == lint.StdinPath
	}
	fixReport := e.stdout
	if *showDiff || stdinFixed {
		fixReport = e.stderr
	}
	failed := fixErr != nil || len(last.Errors) > 0
	report.WriteInputs(e.stderr, last, false)
	if fixErr != nil {
		return usageErr(fixErr)
	}

	changed := map[string]bool{}
	var unwritten []string
	for _, c := range res.Changes {
		changed[c.Path] = true
		switch {
		case *showDiff:
			if _, err := e.stdout.Write(mutate.Diff(c)); err != nil {
				return usageErr(err)
			}
		case c.Path == lint.StdinPath:
			// written below, whole
		default:
			if err := mutate.WriteFile(c.Path, c.Old, c.New); err != nil {
				fmt.Fprintf(e.stderr, "%s: error: %s\n", safetext.Escape(c.Path), safetext.Escape(err.Error()))
				failed = true
				delete(changed, c.Path)
				unwritten = append(unwritten, c.Path)
			}
		}
	}
	if stdinFixed && !*showDiff {
		for _, f := range res.Files {
			if f.Source.Path == lint.StdinPath {
				if _, err := e.stdout.Write(f.Source.Bytes()); err != nil {
					return usageErr(err)
				}
			}
		}
	}
	writeFixReport(fixReport, res, changed, unwritten, last, *showDiff)
	switch {
	case failed:
		return exitError
	case last.Failed(threshold):
		return exitFindings
	}
	return exitOK
}

// writeFixReport lists the fixes applied, one line per file each changed
// (a fix may edit another file than its finding's: the ServiceAccount of a
// pod), the fixes dropped, the findings that remain and a summary line
// that names the files that could not be written.
func writeFixReport(w io.Writer, res *mutate.Result, changed map[string]bool, unwritten []string, last *lint.Result, dryRun bool) {
	verb := "fixed"
	if dryRun {
		verb = "would fix"
	}
	n := 0
	for _, a := range res.Applied {
		f := a.Finding
		wrote := false
		for _, e := range fixedFiles(f) {
			if !changed[e.Path] {
				continue // the file could not be written
			}
			wrote = true
			fmt.Fprintf(w, "%s:%d: %s: %s\n", safetext.Escape(e.Path), e.Line, f.Rule, safetext.Escape(f.Fix.Message))
		}
		if wrote {
			n++
		}
	}
	writeDropped(w, res.Dropped)
	for _, f := range last.Findings {
		fmt.Fprintf(w, "%s: %s: %s [%s]\n", safetext.Escape(f.Pos.String()), f.Severity, safetext.Escape(report.ReportedText(&f)), f.Rule)
	}
	remain := "no findings remain"
	if len(unwritten) > 0 {
		remain = "no other findings remain" // the unwritten files keep theirs
	}
	if len(last.Findings) > 0 {
		verb := "remain"
		if len(last.Findings) == 1 {
			verb = "remains"
		}
		remain = fmt.Sprintf("%s %s (%s)", plural.Count(len(last.Findings), "finding"), verb, report.SeverityCounts(last.Findings))
	}
	if len(last.Errors) > 0 {
		// "no findings remain" alone would hide what could not be read.
		remain += "; " + plural.Count(len(last.Errors), "input error")
	}
	if len(unwritten) > 0 {
		remain += "; not written: " + safetext.Escape(strings.Join(unwritten, ", "))
	}
	fmt.Fprintf(w, "salint fix: %s %s in %s; %s\n", verb, plural.Count(n, "finding"), plural.Count(len(changed), "file"), remain)
}

// fixedFile is a file a fix edits and the line it is reported at.
type fixedFile struct {
	Path string
	Line int
}

// fixedFiles lists the files f's fix edits, the finding's own first at the
// finding's line, the others at their first edit (lines as in the round
// the fix was applied).
func fixedFiles(f rules.Finding) []fixedFile {
	var out []fixedFile
	seen := map[string]bool{}
	for _, e := range f.Fix.Edits {
		if e.Source.Path == f.Pos.File && !seen[f.Pos.File] {
			seen[f.Pos.File] = true
			out = slices.Insert(out, 0, fixedFile{f.Pos.File, f.Pos.Line})
		}
	}
	for _, e := range f.Fix.Edits {
		if !seen[e.Source.Path] {
			seen[e.Source.Path] = true
			out = append(out, fixedFile{e.Source.Path, e.Source.LineOf(e.Start)})
		}
	}
	return out
}

// writeDropped says which fixes were left out, and why.
func writeDropped(w io.Writer, dropped []mutate.Dropped) {
	for _, d := range dropped {
		f := d.Finding
		fmt.Fprintf(w, "%s:%d: %s: not fixed: %s\n", safetext.Escape(f.Pos.File), f.Pos.Line, f.Rule, safetext.Escape(d.Reason))
	}
}
