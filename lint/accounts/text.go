package accounts

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/salint/salint/internal/plural"
	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/rules/model"
)

// Formats lists the output formats, in the order --help shows them.
var Formats = []string{"text", "json", "dot", "mermaid"}

// Write writes v in format (one of Formats).
func Write(w io.Writer, v *View, format string) error {
	switch format {
	case "text":
		return WriteText(w, v)
	case "json":
		return WriteJSON(w, v)
	case "dot":
		return WriteDOT(w, v)
	case "mermaid":
		return WriteMermaid(w, v)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// WriteJSON writes the view as one JSON document (schema in docs/accounts.md:
// fields are added, never renamed).
func WriteJSON(w io.Writer, v *View) error {
	out := struct {
		*View
		Summary Summary `json:"summary"`
	}{v, v.Summary()}
	if out.Namespaces == nil {
		out.Namespaces = []*Namespace{}
	}
	if out.Errors == nil {
		out.Errors = []InputError{}
	}
	if out.Notices == nil {
		out.Notices = []InputError{}
	}
	return safetext.WriteJSON(w, out)
}

// Summary counts what the view shows.
type Summary struct {
	Namespaces         int `json:"namespaces"`
	Accounts           int `json:"accounts"`
	MissingAccounts    int `json:"missingAccounts"`
	Workloads          int `json:"workloads"`
	MissingPullSecrets int `json:"missingPullSecrets"`
}

// Summary counts namespaces, accounts, workloads and missing objects. A
// missing pull secret is counted once per namespace and name.
func (v *View) Summary() Summary {
	s := Summary{Namespaces: len(v.Namespaces)}
	for _, n := range v.Namespaces {
		missing := map[string]bool{}
		for _, a := range n.Accounts {
			s.Accounts++
			if a.Status == Missing {
				s.MissingAccounts++
			}
			s.Workloads += len(a.Workloads)
			for _, sec := range a.PullSecrets {
				if !sec.Exists {
					missing[sec.Name] = true
				}
			}
			for _, wl := range a.Workloads {
				for _, sec := range wl.PullSecrets.Secrets {
					if !sec.Exists {
						missing[sec.Name] = true
					}
				}
			}
		}
		s.MissingPullSecrets += len(missing)
	}
	return s
}

func (s Summary) String() string {
	out := fmt.Sprintf("salint accounts: %s, %s", plural.Count(s.Namespaces, "namespace"), plural.Count(s.Accounts, "account"))
	if s.MissingAccounts > 0 {
		out += fmt.Sprintf(" (%d missing)", s.MissingAccounts)
	}
	out += ", " + plural.Count(s.Workloads, "workload")
	if s.MissingPullSecrets > 0 {
		out += fmt.Sprintf(", %s missing", plural.Count(s.MissingPullSecrets, "pull secret"))
	}
	return out
}

// WriteText writes a table per namespace. An account takes as many lines
// as its longest list (definitions, pull secrets, roles, workloads); the
// workload columns say what its pods get.
func WriteText(w io.Writer, v *View) error {
	for i, n := range v.Namespaces {
		if i > 0 {
			fmt.Fprintln(w)
		}
		workloads := 0
		for _, a := range n.Accounts {
			workloads += len(a.Workloads)
		}
		fmt.Fprintf(w, "namespace %s: %s, %s\n", safetext.Escape(n.Name), plural.Count(len(n.Accounts), "account"), plural.Count(workloads, "workload"))
		var table bytes.Buffer
		tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
		// Legacy token Secrets are rare: their column shows only where
		// there are some.
		tokens := false
		for _, a := range n.Accounts {
			tokens = tokens || len(a.TokenSecrets) > 0
		}
		header := []string{"ACCOUNT", "DEFINED", "AUTOMOUNT", "PULL SECRETS", "TOKEN SECRETS", "BOUND TO", "RUN BY", "TOKEN", "PODS PULL WITH"}
		rows := [][]string{header}
		for _, a := range n.Accounts {
			rows = append(rows, accountRows(n.Name, a)...)
		}
		for _, row := range rows {
			if !tokens {
				row = append(row[:4:4], row[5:]...)
			}
			for j, cell := range row { // a tab or line break would break the table
				row[j] = safetext.Escape(cell)
			}
			fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		// Empty trailing cells are padded: trim them so lines end clean.
		for _, line := range strings.SplitAfter(table.String(), "\n") {
			if line != "" {
				fmt.Fprintln(w, strings.TrimRight(line, " \n"))
			}
		}
	}
	if len(v.Namespaces) > 0 {
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, v.Summary())
	return err
}

func accountRows(ns string, a *Account) [][]string {
	var defined []string
	switch a.Status {
	case Defined:
		for _, p := range a.DefinedAt {
			defined = append(defined, fmt.Sprintf("%s:%d", p.File, p.Line))
		}
	case Missing:
		defined = []string{"MISSING"}
	default:
		defined = []string{a.Status}
	}
	pulls := make([]string, 0, len(a.PullSecrets))
	for _, s := range a.PullSecrets {
		pulls = append(pulls, secretText(s))
	}
	roles := make([]string, 0, len(a.Roles))
	for _, r := range a.Roles {
		roles = append(roles, roleText(ns, r))
	}
	var runBy, tokens, podPulls []string
	seen := map[string]int{}
	for _, wl := range a.Workloads {
		seen[wl.Kind+"/"+wl.Name]++
	}
	for _, wl := range a.Workloads {
		id := wl.Kind + "/" + wl.Name
		switch { // a base and its patches, or overlays: say which
		case seen[id] > 1 && wl.BuiltBy != "":
			id += " (built by " + wl.BuiltBy + ")"
		case seen[id] > 1:
			id += fmt.Sprintf(" (%s:%d)", wl.At.File, wl.At.Line)
		}
		runBy = append(runBy, id)
		if wl.Rejected {
			tokens = append(tokens, "rejected")
			podPulls = append(podPulls, "rejected")
			continue
		}
		tokens = append(tokens, tokenText(wl.Token))
		podPulls = append(podPulls, podPullText(wl.PullSecrets))
	}
	tokenSecrets := make([]string, 0, len(a.TokenSecrets))
	for _, s := range a.TokenSecrets {
		tokenSecrets = append(tokenSecrets, s.Name)
	}
	columns := [][]string{{a.Name}, defined, {accountTokenText(a.Automount)}, pulls, tokenSecrets, roles, runBy, tokens, podPulls}
	lines := 1
	for _, c := range columns {
		lines = max(lines, len(c))
	}
	rows := make([][]string, lines)
	for i := range rows {
		rows[i] = make([]string, len(columns))
		for j, c := range columns {
			switch {
			case i < len(c):
				rows[i][j] = c[i]
			case i == 0:
				rows[i][j] = "-"
			}
		}
	}
	return rows
}

func secretText(s Secret) string {
	switch {
	case !s.Exists:
		return s.Name + " (missing)"
	case s.Source == "external" || (s.Source != "" && s.Source != model.KindSecret):
		return s.Name + " (" + s.Source + ")"
	}
	return s.Name
}

// roleText says "RoleBinding read -> Role reader", naming the binding's
// namespace only when it is not the account's.
func roleText(ns string, r Role) string {
	binding := r.Binding.Name
	if r.Binding.Namespace != "" && r.Binding.Namespace != ns {
		binding = r.Binding.Namespace + "/" + binding
	}
	return r.Binding.Kind + " " + binding + " -> " + r.Kind + " " + r.Name
}

func accountTokenText(t Token) string {
	if t.Mounted == nil {
		return "?"
	}
	if t.From == model.FromDefault {
		return fmt.Sprintf("%v (unset)", *t.Mounted)
	}
	return fmt.Sprint(*t.Mounted)
}

func tokenText(t Token) string {
	if t.Mounted == nil {
		return "? (" + originText(t.From) + ")"
	}
	yes := "no"
	if *t.Mounted {
		yes = "yes"
	}
	return yes + " (" + originText(t.From) + ")"
}

func podPullText(p PullSecrets) string {
	if len(p.Secrets) == 0 {
		if p.From == model.FromUnknown || p.From == model.FromOperator {
			return "? (" + originText(p.From) + ")"
		}
		return "-"
	}
	names := make([]string, 0, len(p.Secrets))
	for _, s := range p.Secrets {
		names = append(names, secretText(s))
	}
	return originText(p.From) + ": " + strings.Join(names, ", ")
}

func originText(o model.Origin) string {
	switch o {
	case model.FromUnknown:
		return "account not in files"
	case model.FromNone:
		return "mirror pod"
	case model.FromOperator:
		return "operator decides"
	}
	return string(o)
}
