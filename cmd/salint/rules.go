package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/salint/salint/rules"
)

func runRules(args []string, e *env) int {
	fs := newFlagSet("rules", "rules [--format text|json]", `
Lists every rule: its id, default severity, whether it runs by default, whether
'salint fix' fixes it, and what it catches. 'salint explain RULE' prints a
rule's full documentation.

Examples:
  salint rules
  salint rules -f json | jq -r '.[] | select(.fixable) | .id'

Exit codes: 0 listed, 2 usage error.`, e)
	format := fs.StringP("format", "f", "text", "output `FORMAT`: text or json")
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	if extraArgs(fs, e) {
		return exitError
	}
	catalog := rules.All()
	switch *format {
	case "json":
		type jsonRule struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Default  bool   `json:"enabledByDefault"`
			Fixable  bool   `json:"fixable"`
			FixFlag  string `json:"fixFlag,omitempty"`
			Summary  string `json:"summary"`
		}
		out := make([]jsonRule, 0, len(catalog))
		for _, r := range catalog {
			out = append(out, jsonRule{r.ID, r.Severity.String(), !r.OptIn, r.Fixable(), r.FixFlag, r.Summary})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return exitError
		}
	case "text":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RULE\tSEVERITY\tDEFAULT\tFIX\tSUMMARY")
		for _, r := range catalog {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, yesNo(!r.OptIn, "on", "opt-in"), r.FixSummary(), r.Summary)
		}
		if err := tw.Flush(); err != nil {
			return exitError
		}
	default:
		fmt.Fprintf(e.stderr, "salint rules: unknown --format %q (want text or json)\n", *format)
		return exitError
	}
	return exitOK
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func runExplain(args []string, e *env) int {
	fs := newFlagSet("explain", "explain RULE", `
Prints a rule's documentation (Markdown): what it catches, why, an example,
the fix and how to silence it.

Examples:
  salint explain missing-service-account
  salint explain automount-conflict | less

Exit codes: 0 printed, 2 usage error or unknown rule.`, e)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "salint explain: name one rule (see 'salint rules')")
		return exitError
	}
	r := rules.ByID(fs.Arg(0))
	if r == nil {
		fmt.Fprintf(e.stderr, "salint explain: %s\n", rules.UnknownRule(fs.Arg(0)))
		return exitError
	}
	fmt.Fprint(e.stdout, rules.Markdown(r))
	return exitOK
}
