package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/rules"
	"github.com/spf13/pflag"
)

// inputFlags are the flags of every command that reads a bundle.
type inputFlags struct {
	namespace string
	config    string
	noConfig  bool
	enable    []string
	disable   []string
	root      string
	// kustomize is "auto" or "off"; enableExec lets builds run plugins.
	kustomize  string
	enableExec bool
	// helmValues and helmSet are what Helm charts are rendered with.
	helmValues []string
	helmSet    []string
	// views limits the run to the cluster views of these names.
	views []string
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.namespace, "namespace", "n", "", "namespace `NS` of objects without metadata.namespace (default: config, else \"default\")")
	fs.StringVar(&f.config, "config", "", "config `FILE` (default: "+lint.ConfigFileName+" in the working directory or a parent, up to the repository root)")
	fs.BoolVar(&f.noConfig, "no-config", false, "ignore any "+lint.ConfigFileName)
	fs.StringSliceVar(&f.enable, "enable", nil, "enable rules: `RULE,...` (comma-separated ids; \"all\" for every rule)")
	fs.StringSliceVar(&f.disable, "disable", nil, "disable rules: `RULE,...` (comma-separated ids; \"all\" for every rule)")
	fs.StringVar(&f.root, "root", "", "read the whole bundle from `DIR`, but report only on the PATHs (for pre-commit, which passes the changed files); DIR is also the repository root GitOps objects' paths are relative to (default: the repository holding the first PATH)")
	fs.StringVar(&f.kustomize, "kustomize", lint.KustomizeAuto, "kustomization directories: `MODE` auto builds them and lints what they produce, off reads every file as written")
	fs.BoolVar(&f.enableExec, "enable-exec", false, "let kustomize builds run exec and container plugins (KRM functions)")
	fs.StringArrayVar(&f.helmValues, "values", nil, "render Helm charts with the values `FILE` over each chart's values.yaml (repeatable)")
	fs.StringArrayVar(&f.helmSet, "set", nil, "render Helm charts with `KEY=VALUE` set (Helm --set syntax; repeatable)")
	fs.StringArrayVar(&f.views, "view", nil, "judge only the cluster view `NAME` (repeatable; 'salint views' lists them)")
	// Builds are no longer cached: the flag stays accepted so that
	// existing hooks and scripts keep working, and says so.
	fs.String("cache-dir", "", "")
	_ = fs.MarkDeprecated("cache-dir", "kustomize builds are no longer cached; the flag does nothing")
}

// hide keeps the named flags out of a command's help, for a command they
// mean nothing to; they stay accepted (one set of input flags for every
// command, so a shared alias or script does not break).
func (f *inputFlags) hide(fs *pflag.FlagSet, names ...string) {
	for _, name := range names {
		_ = fs.MarkHidden(name)
	}
}

// options merges the flags over the config file into lint options.
func (f *inputFlags) options(paths []string, e *env) (lint.Options, error) {
	opts := lint.Options{
		Input: lint.Input{Paths: paths, Stdin: e.stdin, Kustomize: f.kustomize, EnableExec: f.enableExec,
			Helm: helm.Options{ValuesFiles: f.helmValues, Set: f.helmSet}},
		Namespace: f.namespace,
		Enable:    f.enable,
		Disable:   f.disable,
		OnlyViews: f.views,
	}
	configDir := "."
	if f.root != "" {
		// The PATHs are what to report on; the root is what to model.
		if info, err := os.Stat(f.root); err != nil || !info.IsDir() {
			return opts, fmt.Errorf("--root %s: not a directory", f.root)
		}
		opts.Only = slices.Clone(paths)
		opts.Paths = append(slices.Clone(paths), f.root)
		opts.Root = f.root
		configDir = f.root
	}
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	if f.kustomize != lint.KustomizeAuto && f.kustomize != lint.KustomizeOff {
		return opts, fmt.Errorf("unknown --kustomize %q (want auto or off)", f.kustomize)
	}
	if f.noConfig && f.config != "" {
		return opts, errors.New("--config and --no-config exclude each other")
	}
	file := f.config
	if file == "" && !f.noConfig {
		found, err := lint.FindConfig(configDir)
		if err != nil {
			return opts, err
		}
		file = found
	}
	if file != "" {
		cfg, err := lint.LoadConfig(file)
		if err != nil {
			return opts, err
		}
		opts.Config = cfg
	}
	// Charts are released into the run's namespace unless the config
	// names theirs.
	opts.Helm.Namespace = opts.Namespace
	if opts.Config != nil {
		if opts.Helm.Namespace == "" {
			opts.Helm.Namespace = opts.Config.Namespace
		}
		opts.HelmCharts = opts.Config.HelmCharts()
	}
	return opts, nil
}

func newFlagSet(name, synopsis, long string, e *env) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: salint %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(long))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; done is true when the command should return code.
func parseFlags(fs *pflag.FlagSet, args []string, e *env) (code int, done bool) {
	fs.BoolP("help", "h", false, "show this help")
	if e.flagsOnly != nil {
		e.flagsOnly(fs)
		return exitOK, true
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, true
		}
		fmt.Fprintf(e.stderr, "salint %s: %s%s\nRun 'salint %s --help' for usage.\n", fs.Name(), safetext.Escape(err.Error()), flagHint(fs, err), fs.Name())
		return exitError, true
	}
	if h, _ := fs.GetBool("help"); h {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK, true
	}
	return 0, false
}

// flagHint is "; did you mean --x?" for an unknown long flag close to
// one the command shows in its help, else "".
func flagHint(fs *pflag.FlagSet, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if c := rules.Closest(name, names); c != "" {
		return "; did you mean --" + c + "?"
	}
	return ""
}

// extraArgs reports, for a command that takes none, arguments it would
// otherwise ignore.
func extraArgs(fs *pflag.FlagSet, e *env) bool {
	if fs.NArg() == 0 {
		return false
	}
	fmt.Fprintf(e.stderr, "salint %s: takes no arguments\n", fs.Name())
	return true
}

const lintHelp = `
Reports pods and pod templates that run as a ServiceAccount missing from their
namespace, conflicting token settings, deprecated fields and more (see
'salint rules'). Every PATH is read as part of one bundle: directories
recursively (*.yaml, *.yml, *.json; hidden directories skipped), files as given,
"-" for standard input. With no PATH, the current directory.

A directory holding a kustomization is built in-process (--kustomize=auto, the
default) and what the cluster receives is linted; findings point at the source
files and patches, and say when a value came from a transformation. Builds
never reach the network (such kustomizations are read as written, with a
notice on standard error) and run no plugins without --enable-exec.

Findings are printed as file:line:col: severity: message [rule], then a
summary; input errors go to standard error. For CI, --format sarif (GitHub code
scanning), github (Actions annotations; a Markdown table is appended to
$GITHUB_STEP_SUMMARY when set) and gitlab (Code Quality) write paths relative
to the repository root. Silence a finding with the
annotation salint.io/ignore: "rule-id,..." (or "all") on the object or its pod
template, or with an ignore: entry in .salint.yaml.

Several outputs come from one run: each --format goes to the --output that
follows it, and a --format without one to standard output (one at most):
  salint lint --format sarif --output salint.sarif --format text .

Examples:
  salint lint                                   the current directory
  salint lint deploy/ base/accounts.yaml        one bundle from both
  kustomize build overlays/prod | salint lint -
  salint lint -f sarif -o salint.sarif .
  salint lint --root . deploy/web.yaml          report on one file, model all
  salint lint --fail-on error --disable deprecated-service-account-field .

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error or input
that could not be read (findings for the rest are still printed).`

func runLint(args []string, e *env) int {
	fs := newFlagSet("lint", "lint [flags] [PATH...]", lintHelp, e)
	var in inputFlags
	in.register(fs)
	var output outputFlags
	output.registerSeveral(fs, report.Formats, "report")
	failOn := fs.String("fail-on", "warning", "lowest `SEVERITY` that makes the exit code 1: error, warning or info")
	colorMode := fs.String("color", "auto", "colour text output: `WHEN` is auto (only on a terminal, not with NO_COLOR set), always or never")
	var known knownFlags
	known.register(fs, true)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("lint", e)
	if err := output.validate(); err != nil {
		return usageErr(err)
	}
	threshold, err := rules.ParseSeverity(*failOn)
	if err != nil {
		return usageErr(fmt.Errorf("--fail-on: %w", err))
	}
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	opts.Prune, opts.ReportOnly = true, true // see lint.Input
	if known.newFromRev != "" {
		// The comparison with the revision says what the change
		// introduced, wherever it shows: a removed account breaks an
		// unchanged Deployment. So the PATHs given with --root no longer
		// limit the report; they make it a hook run, which builds what
		// the change reaches.
		opts = opts.ForNewFromRev(known.newFromRev, fingerprint.RepoRoot("."))
	}
	res, err := lint.Run(opts)
	if err != nil {
		return usageErr(err)
	}
	if err := known.apply(res, opts); err != nil {
		return usageErr(err)
	}

	// One lint, one writer per output; the files are put in place only
	// when every report is written.
	type writer struct {
		spec   outputSpec
		out    io.Writer
		rep    report.Report
		commit func() error
	}
	writers := make([]writer, 0, len(output.outputs))
	carried, anyColor := true, false // carried by every output: then standard error stays quiet
	for _, spec := range output.outputs {
		out, commit, abort, err := openOutput(spec.file, e)
		if err != nil {
			return usageErr(err)
		}
		defer abort()
		useColor, err := colorWanted(*colorMode, spec.format, out, e)
		if err != nil {
			return usageErr(err)
		}
		anyColor = anyColor || useColor
		carried = carried && (spec.format == "json" || spec.format == "github")
		writers = append(writers, writer{spec, out, report.Report{Result: res, Color: useColor, BaseDir: fingerprint.RepoRoot("."), Version: version}, commit})
	}
	if !carried {
		report.WriteInputs(e.stderr, res, anyColor && isTerminal(e.stderr))
		if res.Objects == 0 && len(res.Errors) == 0 {
			// A CI job pointed at a directory of values files passes, but
			// not in silence (the JSON says it as summary.objects).
			fmt.Fprintln(e.stderr, "salint lint: notice: no Kubernetes objects in the input (documents without apiVersion and kind are skipped): nothing was checked")
		}
	}
	for _, w := range writers {
		if err := report.Write(w.out, w.spec.format, w.rep); err != nil {
			return usageErr(err)
		}
		if summary := e.getenv("GITHUB_STEP_SUMMARY"); summary != "" && w.spec.format == "github" {
			err := appendSummary(summary, w.rep)
			switch {
			case errors.Is(err, errSummaryLink):
				// Refused, not failed: the annotations carry the findings,
				// so the lint's verdict stands.
				fmt.Fprintf(e.stderr, "salint lint: GITHUB_STEP_SUMMARY: %s\n", safetext.Escape(err.Error()))
			case err != nil:
				return usageErr(fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err))
			}
		}
	}
	for _, w := range writers {
		if err := w.commit(); err != nil {
			return usageErr(err)
		}
	}
	switch {
	case len(res.Errors) > 0:
		return exitError
	case res.Failed(threshold):
		return exitFindings
	}
	return exitOK
}

// errSummaryLink is appendSummary's refusal of a symbolic link.
var errSummaryLink = errors.New("salint does not append the step summary through one (it could point anywhere): not written")

// appendSummary appends the Markdown job summary to file, as GitHub
// Actions expects of every step that writes one. The runner names the
// file, but a link at that path (planted by a job in a self-hosted
// runner's workspace) would make salint append wherever it points: a link
// is refused, and on unix the open does not follow one put there after
// the check.
func appendSummary(file string, r report.Report) error {
	file = filepath.Clean(file)
	if info, err := os.Lstat(file); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link; %w", file, errSummaryLink)
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY|oNoFollow, 0o600)
	if err != nil {
		return err
	}
	if err := report.WriteMarkdownSummary(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// colorWanted decides colour: only for text, never when NO_COLOR is set in
// auto mode, and in auto mode only on a terminal.
func colorWanted(mode, format string, out io.Writer, e *env) (bool, error) {
	switch mode {
	case "never":
		return false, nil
	case "always":
		return format == "text", nil
	case "auto":
		return format == "text" && e.getenv("NO_COLOR") == "" && isTerminal(out), nil
	}
	return false, fmt.Errorf("unknown --color %q (want auto, always or never)", mode)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
