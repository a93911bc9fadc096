package main

import (
	"fmt"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
)

const viewsHelp = `
Lists the cluster views salint judges the input in, and the deploy units
each holds, with where each view came from: "config" (the clusters: of
.salint.yaml, and the view "default" of what none covers), "inferred"
(overlays that cannot share a cluster: see docs/cluster-views.md), or
the GitOps object naming it ("Flux cluster directory clusters/prod",
"Argo CD destination staging", with each unit's Kustomization or
Application and what it does to the objects; "(not synced)" holds what
no GitOps object syncs). The first thing to run to see that salint
understood a repository.

PATHs are read as 'salint lint' reads them.

Exit codes: 0 listed, 2 usage error or input that could not be read.`

func runViews(args []string, e *env) int {
	fs := newFlagSet("views", "views [flags] [PATH...]", viewsHelp, e)
	var in inputFlags
	in.register(fs)
	in.hide(fs, "enable", "disable", "namespace")
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("views", e)
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	opts.Prune, opts.ReportOnly = true, true
	res := lint.Model(opts)
	report.WriteInputs(e.stderr, res, false)
	for _, v := range res.Views {
		name := v.Name
		if name == "" {
			name = "(the whole input)"
		}
		fmt.Fprintf(e.stdout, "%s (%s)\n", safetext.Escape(name), safetext.Escape(v.Origin))
		for _, u := range v.Units {
			// A unit's options may hold a Secret's value (a release
			// name from a postBuild variable).
			fmt.Fprintf(e.stdout, "  %s\n", safetext.Escape(res.Scrub(u.String())))
		}
	}
	if len(res.Errors) > 0 {
		return exitError
	}
	return exitOK
}
