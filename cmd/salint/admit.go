package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/mutate/admit"
)

const admitHelp = `
Previews, offline, what the API server's ServiceAccount admission does to each
Pod and pod template: prints the bundle as YAML with serviceAccountName
defaulted (and the deprecated serviceAccount synced), the account's
imagePullSecrets copied when the pod has none, and, when the token is
mounted, the projected kube-api-access-<suffix> volume with read-only mounts
at /var/run/secrets/kubernetes.io/serviceaccount. The suffix is derived from
the pod's identity (the API server's is random), so the output is stable.
Mirror pods are left alone; other documents pass through byte for byte,
except Secrets, whose data and stringData values and last-applied annotation
are shown as <redacted>, as is a Secret's value in any other value or comment
(an account name a chart took from a Flux valuesFrom Secret; its document is
then re-encoded). Keys are left: the output stays manifests.

A Pod the API server would reject is not printed; every rejection (of a Pod,
or of the pods a template's controller would create, named as the controller
names them) goes to standard error with the API server's message, and the
exit code is 1. Silencing annotations and ignore: entries do not apply: this
shows what the cluster does.

--diff prints instead what admission changes, as a unified diff per admitted
object (the object as written, then as admitted; Secrets are never shown).
-f json writes each admitted pod spec and what admission set in it (account,
token volume, copied pull secrets), the rejections, notes and input errors.

Examples:
  salint admit deploy/
  salint admit --diff deploy/
  salint admit -n shop pod.yaml
  helm template chart/ | salint admit -

Exit codes: 0 every pod admitted, 1 some pod rejected, 2 usage error or input
that could not be read.`

func runAdmit(args []string, e *env) int {
	fs := newFlagSet("admit", "admit [flags] [PATH...]", admitHelp, e)
	var in inputFlags
	in.register(fs)
	in.hide(fs, "enable", "disable") // no rule runs
	var output outputFlags
	output.register(fs, []string{"yaml", "json"}, "preview")
	showDiff := fs.Bool("diff", false, "print what admission changes, a unified diff per object, instead of the admitted bundle")
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("admit", e)
	if err := output.validate(); err != nil {
		return usageErr(err)
	}
	if *showDiff && output.format != "yaml" {
		return usageErr(fmt.Errorf("--diff writes a diff; it does not take --format %s", output.format))
	}
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	// No rule runs: only the model, with the config's namespace and
	// external accounts.
	res := lint.Model(opts)
	if output.format == "json" && len(res.Views) > 1 {
		return usageErr(fmt.Errorf("the input forms %d cluster views and --format json previews one: choose it with --view (salint views lists them)", len(res.Views)))
	}
	w, commit, abort, err := output.writer(e)
	if err != nil {
		return usageErr(err)
	}
	defer abort()
	// A value from a Secret (a rendered valuesFrom, a substituted
	// variable) may be anywhere in what the input holds: Admit scrubs the
	// values of the objects it prints, and each line here what it quotes.
	// Each cluster view is admitted on its own: what one cluster
	// receives. Several are told apart by a comment before each.
	var outs []*admit.Result
	for i, v := range res.Views {
		out, err := admit.Admit(v.Bundle, opts.InScope(), res.Scrubber())
		if err != nil {
			return usageErr(err)
		}
		outs = append(outs, out)
		if len(res.Views) > 1 {
			if i > 0 && !*showDiff {
				fmt.Fprint(w, "---\n") // the view's documents start anew
			}
			fmt.Fprintf(w, "# view: %s\n", safetext.Escape(res.Scrub(v.Name)))
		}
		switch {
		case output.format == "json": // one view: nothing else is written
			// Its data is scrubbed, not its keys, which are salint's.
			err = admit.WriteJSON(w, out, res.Errors, res.Notices, res.Scrub)
		case *showDiff:
			err = writeAdmitDiffs(w, out, res.Scrub)
		default:
			_, err = w.Write(out.Output)
		}
		if err != nil {
			return usageErr(err)
		}
	}
	if err := commit(); err != nil {
		return usageErr(err)
	}
	if output.format == "json" { // JSON carries them all
		return admitExit(res, outs)
	}
	report.WriteInputs(e.stderr, res, false)
	for i, out := range outs {
		in := ""
		if len(res.Views) > 1 {
			in = " (in " + res.Views[i].Name + ")"
		}
		for _, n := range out.Notes {
			fmt.Fprintf(e.stderr, "%s: note: %s\n", safetext.Escape(n.Pos.String()), safetext.Escape(res.Scrub(n.Message+in)))
		}
		for _, r := range out.Rejections {
			fmt.Fprintf(e.stderr, "%s: rejected: %s: %s\n", safetext.Escape(r.Pos.String()), safetext.Escape(res.Scrub(r.Object.String())), safetext.Escape(res.Scrub(r.Message+in)))
		}
	}
	return admitExit(res, outs)
}

func admitExit(res *lint.Result, outs []*admit.Result) int {
	switch {
	case len(res.Errors) > 0:
		return exitError
	case slices.ContainsFunc(outs, func(o *admit.Result) bool { return len(o.Rejections) > 0 }):
		return exitFindings
	}
	return exitOK
}

// writeAdmitDiffs writes, per admitted object, the diff from the object as
// written to the object as admitted, both scrubbed by Admit; scrub takes
// the Secret values out of the object's name. mutate.Diff leaves Secret
// value lines out (admission changes only pods).
func writeAdmitDiffs(w io.Writer, out *admit.Result, scrub func(string) string) error {
	for _, a := range out.Admitted {
		d := mutate.Diff(mutate.Change{Path: a.Pos.File + " (" + scrub(a.Object.String()) + ")", Old: a.Before, New: a.After})
		if _, err := w.Write(d); err != nil {
			return err
		}
	}
	return nil
}
