package main

import (
	"fmt"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
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
are shown as <redacted>.

A Pod the API server would reject is not printed; every rejection (of a Pod,
or of the pods a template's controller would create, named as the controller
names them) goes to standard error with the API server's message, and the
exit code is 1. Silencing annotations and ignore: entries do not apply: this
shows what the cluster does.

Examples:
  salint admit deploy/
  salint admit -n shop pod.yaml
  helm template chart/ | salint admit -

Exit codes: 0 every pod admitted, 1 some pod rejected, 2 usage error or input
that could not be read.`

func runAdmit(args []string, e *env) int {
	fs := newFlagSet("admit", "admit [flags] [PATH...]", admitHelp, e)
	var in inputFlags
	in.register(fs)
	in.hide(fs, "enable", "disable") // no rule runs
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("admit", e)
	opts, err := in.options(fs.Args(), e)
	if err != nil {
		return usageErr(err)
	}
	// No rule runs: only the model, with the config's namespace and
	// external accounts.
	res := lint.Model(opts)
	res.WriteInputs(e.stderr, false)
	// Each cluster view is admitted on its own: what one cluster
	// receives. Several are told apart by a comment before each.
	rejected := false
	for i, v := range res.Views {
		out, err := admit.Admit(v.Bundle, opts.InScope())
		if err != nil {
			return usageErr(err)
		}
		in := ""
		if len(res.Views) > 1 {
			if i > 0 {
				fmt.Fprint(e.stdout, "---\n") // the view's documents start anew
			}
			fmt.Fprintf(e.stdout, "# view: %s\n", safetext.Escape(v.Name))
			in = " (in " + v.Name + ")"
		}
		if _, err := e.stdout.Write(out.Output); err != nil {
			return usageErr(err)
		}
		for _, n := range out.Notes {
			fmt.Fprintf(e.stderr, "%s: note: %s\n", safetext.Escape(n.Pos.String()), safetext.Escape(res.Scrub(n.Message)+in))
		}
		for _, r := range out.Rejections {
			fmt.Fprintf(e.stderr, "%s: rejected: %s: %s\n", safetext.Escape(r.Pos.String()), safetext.Escape(r.Object.String()), safetext.Escape(res.Scrub(r.Message)+in))
		}
		rejected = rejected || len(out.Rejections) > 0
	}
	switch {
	case len(res.Errors) > 0:
		return exitError
	case rejected:
		return exitFindings
	}
	return exitOK
}
