package accounts

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"

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
// fields are added, never renamed): of several cluster views, a "views"
// list with each one's name, origin, namespaces and summary.
func WriteJSON(w io.Writer, v *View) error {
	errs, notices := orEmpty(v.Errors), orEmpty(v.Notices)
	if len(v.Sections) == 0 {
		one := *v // every field of View, as it grows
		one.Namespaces, one.Errors, one.Notices = orEmpty(v.Namespaces), errs, notices
		return safetext.WriteJSON(w, struct {
			*View
			Summary Summary `json:"summary"`
		}{&one, summarize(v.Namespaces)})
	}
	type section struct {
		*Section
		Summary Summary `json:"summary"`
	}
	sections := make([]section, 0, len(v.Sections))
	for _, s := range v.Sections {
		sections = append(sections, section{&Section{Name: s.Name, Origin: s.Origin, Namespaces: orEmpty(s.Namespaces)}, summarize(s.Namespaces)})
	}
	return safetext.WriteJSON(w, struct {
		Views   []section    `json:"views"`
		Errors  []InputError `json:"errors"`
		Notices []InputError `json:"notices"`
	}{sections, errs, notices})
}

// orEmpty makes a nil list an empty one: JSON lists are always present.
func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// Summary counts what the view shows.
type Summary struct {
	Namespaces         int `json:"namespaces"`
	Accounts           int `json:"accounts"`
	MissingAccounts    int `json:"missingAccounts"`
	Workloads          int `json:"workloads"`
	MissingPullSecrets int `json:"missingPullSecrets"`
}

// summarize counts namespaces, accounts, workloads and missing objects. A
// missing pull secret is counted once per namespace and name.
func summarize(namespaces []*Namespace) Summary {
	s := Summary{Namespaces: len(namespaces)}
	for _, n := range namespaces {
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

// textWidth is the width WriteText keeps to, in columns.
const textWidth = 100

// WriteText writes each namespace's accounts as a list, one field a line
// and one line per item, wrapped to fit 100 columns; WriteTable writes the
// same as one wide table (salint accounts --wide).
func WriteText(w io.Writer, v *View) error { return writeSections(w, v, textWidth, writeList) }

// WriteTable writes a table per namespace. An account takes as many lines
// as its longest list (definitions, pull secrets, roles, workloads); the
// workload columns say what its pods get.
func WriteTable(w io.Writer, v *View) error { return writeSections(w, v, 0, writeTable) }

// writeSections writes each section's namespaces with write, then their
// summary; of several cluster views, after a heading that names the view,
// as salint admit's "# view: NAME" does, wrapped to width columns (0: no
// limit).
func writeSections(w io.Writer, v *View, width int, write func(io.Writer, []*Namespace) error) error {
	const open, closing = "== view: ", " =="
	several := len(v.Sections) > 0
	for i, s := range v.sections() {
		if several {
			if i > 0 {
				fmt.Fprintln(w)
			}
			name := []string{safetext.Escape(s.Name)}
			if width > 0 {
				name = wrap(name[0], width-len(open)-len(closing), 0)
			}
			fmt.Fprintf(w, "%s%s%s\n\n", open, strings.Join(name, "\n"+strings.Repeat(" ", len(open))), closing)
		}
		if err := write(w, s.Namespaces); err != nil {
			return err
		}
		if len(s.Namespaces) > 0 {
			fmt.Fprintln(w)
		}
		if _, err := fmt.Fprintln(w, summarize(s.Namespaces)); err != nil {
			return err
		}
	}
	return nil
}

func writeList(w io.Writer, namespaces []*Namespace) error {
	const labelWidth = 15 // "token secrets" and two spaces
	// put writes text after label (or below the previous item), sub
	// columns further in, wrapped lines two further still.
	put := func(label, text string, sub int) {
		at := 4 + labelWidth + sub
		for k, line := range wrap(safetext.Escape(text), textWidth-at, 2) {
			if k == 0 {
				fmt.Fprintf(w, "    %-*s%s%s\n", labelWidth, label, strings.Repeat(" ", sub), line)
			} else {
				fmt.Fprintf(w, "%s  %s\n", strings.Repeat(" ", at), line)
			}
			label = ""
		}
	}
	for i, n := range namespaces {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, namespaceLine(n))
		for _, a := range n.Accounts {
			c := accountColumns(n.Name, a)
			fmt.Fprintf(w, "\n  %s\n", safetext.Escape(a.Name))
			fields := []struct {
				label string
				items []string
			}{
				{"defined", c.defined}, {"automount", []string{c.automount}}, {"pull secrets", c.pulls},
				{"token secrets", c.tokenSecrets}, {"bound to", c.roles}, {"run by", c.runBy},
			}
			for _, f := range fields {
				if f.label == "token secrets" && len(f.items) == 0 {
					continue // legacy token Secrets are rare: said only where there are some
				}
				if len(f.items) == 0 {
					put(f.label, "-", 0)
				}
				for j, item := range f.items {
					label := ""
					if j == 0 {
						label = f.label
					}
					put(label, item, 0)
					if f.label == "run by" { // what the workload's pods get
						switch {
						case c.reconcilers[j] != "" && c.tokens[j] == "rejected":
							put("", "reconciliation fails: the account does not exist", 4)
						case c.reconcilers[j] != "":
							put("", c.reconcilers[j]+" applies as it; no pod runs from it", 4)
						case c.tokens[j] == "rejected":
							put("", "pods rejected: the account does not exist", 4)
						default:
							put("", "token "+c.tokens[j]+"; pods pull with "+c.podPulls[j], 4)
						}
					}
				}
			}
		}
	}
	return nil
}

// wrap breaks s into lines of at most width columns, the lines after the
// first indent columns narrower: at spaces, else after a '/' (paths), else
// anywhere.
func wrap(s string, width, indent int) []string {
	var lines []string
	line := []rune(nil)
	limit := width
	flush := func() {
		lines = append(lines, string(line))
		line, limit = nil, width-indent
	}
	// A line that starts with ':' (after the spaces the Actions runner
	// trims) could start a workflow command: escape it, as safetext.Escape
	// escapes a leading one, wherever a break makes a line start.
	startLine := func(rs []rune) []rune {
		if line != nil || len(lines) == 0 {
			return rs
		}
		i := 0
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i < len(rs) && rs[i] == ':' {
			return slices.Concat(rs[:i], []rune(`\x3a`), rs[i+1:])
		}
		return rs
	}
	for _, word := range strings.Split(s, " ") {
		rs := []rune(word)
		if line != nil && len(line)+1+len(rs) > limit {
			flush()
		}
		rs = startLine(rs)
		for len(line)+len(rs) > limit {
			cut := limit - len(line)
			if slash := lastIndex(rs[:cut], '/'); slash > 0 {
				cut = slash + 1
			}
			line = append(line, rs[:cut]...)
			rs = rs[cut:]
			flush()
			rs = startLine(rs)
		}
		if line != nil {
			line = append(line, ' ')
		}
		line = append(line, rs...)
	}
	if line != nil || len(lines) == 0 {
		lines = append(lines, string(line))
	}
	return lines
}

func lastIndex(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func namespaceLine(n *Namespace) string {
	workloads := 0
	for _, a := range n.Accounts {
		workloads += len(a.Workloads)
	}
	return fmt.Sprintf("namespace %s: %s, %s", safetext.Escape(n.Name), plural.Count(len(n.Accounts), "account"), plural.Count(workloads, "workload"))
}

func writeTable(w io.Writer, namespaces []*Namespace) error {
	for i, n := range namespaces {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, namespaceLine(n))
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
			rows = append(rows, accountColumns(n.Name, a).rows()...)
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
	return nil
}

// columns are what the text formats say about one account, as text.
type columns struct {
	name, automount                     string
	defined, pulls, tokenSecrets, roles []string
	runBy, tokens, podPulls             []string // one per workload
	reconcilers                         []string // one per workload: Workload.Reconciler
}

func accountColumns(ns string, a *Account) columns {
	c := columns{name: a.Name, automount: accountTokenText(a.Automount)}
	switch a.Status {
	case Defined:
		for _, p := range a.DefinedAt {
			c.defined = append(c.defined, fmt.Sprintf("%s:%d", p.File, p.Line))
		}
	case Missing:
		c.defined = []string{"MISSING"}
	default:
		c.defined = []string{string(a.Status)}
	}
	for _, s := range a.PullSecrets {
		c.pulls = append(c.pulls, secretText(s))
	}
	for _, r := range a.Roles {
		c.roles = append(c.roles, roleText(ns, r))
	}
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
		c.runBy = append(c.runBy, id)
		c.reconcilers = append(c.reconcilers, wl.Reconciler)
		if wl.Rejected {
			c.tokens = append(c.tokens, "rejected")
			c.podPulls = append(c.podPulls, "rejected")
			continue
		}
		if wl.Reconciler != "" { // no pod runs from it: no token, no pulls
			c.tokens = append(c.tokens, "-")
			c.podPulls = append(c.podPulls, "-")
			continue
		}
		c.tokens = append(c.tokens, tokenText(wl.Token))
		c.podPulls = append(c.podPulls, podPullText(wl.PullSecrets))
	}
	for _, s := range a.TokenSecrets {
		c.tokenSecrets = append(c.tokenSecrets, s.Name)
	}
	return c
}

// rows lays the columns out as table rows: as many as the longest list.
func (c columns) rows() [][]string {
	cells := [][]string{{c.name}, c.defined, {c.automount}, c.pulls, c.tokenSecrets, c.roles, c.runBy, c.tokens, c.podPulls}
	lines := 1
	for _, col := range cells {
		lines = max(lines, len(col))
	}
	rows := make([][]string, lines)
	for i := range rows {
		rows[i] = make([]string, len(cells))
		for j, col := range cells {
			switch {
			case i < len(col):
				rows[i][j] = col[i]
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
