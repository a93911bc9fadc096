package main

import (
	"fmt"
	"io"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/accounts"
	"github.com/salint/salint/lint/report"
)

const accountsHelp = `
Shows the model salint checks against: for every namespace, each
ServiceAccount (where it is defined, "implicit" for default, "external" from
the config's externalAccounts, MISSING when referenced but defined nowhere),
its automountServiceAccountToken, its imagePullSecrets and whether each
exists, the roles bound to it, and the workloads that run as it with the
token and pull secrets their pods end up with.

PATHs are read as 'salint lint' reads them, with the same namespace
defaulting, config, kustomize builds and cluster views. When the input forms
several views ('salint views'), each is shown on its own, one section per
view: a heading in text, a "views" list in JSON, a cluster or subgraph in
DOT and Mermaid; --view NAME shows one. Formats: text (a list per
namespace that fits 100 columns; --wide: one table, a line per item), json (schema in
docs/accounts.md), dot (Graphviz: pipe into 'dot -Tsvg') and mermaid (for
Markdown renderers such as GitHub's). A name that came from a Secret (a chart's
values from a Flux valuesFrom Secret) is shown as <redacted>.

Examples:
  salint accounts deploy/
  salint accounts -f dot deploy/ | dot -Tsvg > accounts.svg
  salint accounts -f json . | jq '.namespaces[].accounts[].name'
  salint accounts -f json overlays/ | jq '.views[] | {name, summary}'   # several views

Exit codes: 0 shown, 2 usage error or input that could not be read (the
rest is still shown). Missing objects do not change the exit code: that is
'salint lint''s job.`

func runAccounts(args []string, e *env) int {
	fs := newFlagSet("accounts", "accounts [flags] [PATH...]", accountsHelp, e)
	var in inputFlags
	in.register(fs)
	// No rules run and nothing is reported on here, so --enable, --disable
	// and --root mean nothing.
	in.hide(fs, "enable", "disable", "root")
	var output outputFlags
	output.register(fs, accounts.Formats, "view")
	wide := fs.Bool("wide", false, "text format: one table per namespace, a line per account and item, however wide")
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("accounts", e)
	if err := output.validate(); err != nil {
		return usageErr(err)
	}
	if *wide && output.format != "text" {
		return usageErr(fmt.Errorf("--wide is for --format text, not %s", output.format))
	}
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	opts.Prune, opts.ReportOnly = true, true // only shows the model: see lint.Input
	res := lint.Model(opts)
	if output.format != "json" { // JSON carries them inside, as lint's does
		report.WriteInputs(e.stderr, res, false)
	}
	out, closeOut, abortOut, err := output.writer(e)
	if err != nil {
		return usageErr(err)
	}
	defer abortOut()
	// A section per cluster view when there are several: each is judged,
	// so shown, on its own. None when --view names none: the error says so.
	clusters := make([]accounts.Cluster, 0, len(res.Views))
	for _, v := range res.Views {
		clusters = append(clusters, accounts.Cluster{Name: v.Name, Origin: v.Origin, Bundle: v.Bundle})
	}
	view := accounts.BuildClusters(clusters)
	view.SetInputs(res.Errors, res.Notices)
	// A name may come from a Secret (a rendered valuesFrom, a substituted
	// variable): the view is scrubbed whole, for every format.
	safetext.MapStrings(view, res.Scrub)
	write := accounts.Write
	if *wide {
		write = func(w io.Writer, v *accounts.View, _ string) error { return accounts.WriteTable(w, v) }
	}
	if err := write(out, view, output.format); err != nil {
		return usageErr(err)
	}
	if err := closeOut(); err != nil {
		return usageErr(err)
	}
	if len(res.Errors) > 0 {
		return exitError
	}
	return exitOK
}
