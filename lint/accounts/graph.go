package accounts

import (
	"fmt"
	"io"
	"strings"

	"github.com/salint/salint/internal/safetext"
)

// The DOT and Mermaid outputs draw one graph: namespaces as clusters;
// accounts, workloads, secrets and roles as nodes; edges "runs as" (workload
// to account), "pulls with" (account or pod to the pull secrets it lists),
// "bound to" (account to role, labelled with the binding) and "token for"
// (token Secret to account). Missing accounts and secrets are drawn dashed
// red, implicit and external accounts dashed grey.

type nodeKind int

const (
	accountNode nodeKind = iota
	workloadNode
	secretNode
	roleNode
)

type nodeState int

const (
	present nodeState = iota
	assumed           // implicit default or external: exists, not in the files
	absent            // missing
)

type node struct {
	key   string // unique, stable: also the DOT id
	id    string // short id for Mermaid: n1, n2, ...
	kind  nodeKind
	label string // first line: the kind; second: the name
	name  string
	state nodeState
}

type edge struct {
	from, to *node
	label    string
}

type cluster struct {
	name  string
	nodes []*node
}

// A part is one section's share of the graph: one cluster view's
// namespaces and ClusterRoles.
type part struct {
	g        *graph
	name     string // the cluster view's; "" when there is one
	prefix   string // of its node keys: a name is one node per view
	clusters []*cluster
	global   []*node // ClusterRoles
	inNS     map[string]*cluster
}

type graph struct {
	parts   []*part
	several bool // cluster views: each part is drawn in a cluster of its own
	edges   []edge
	byKey   map[string]*node
	seen    map[edge]bool
}

// edge adds an edge once: two objects of one kind and name (a base and its
// patch) are one node, and their edges are one edge.
func (g *graph) edge(from, to *node, label string) {
	e := edge{from, to, label}
	if !g.seen[e] {
		g.seen[e] = true
		g.edges = append(g.edges, e)
	}
}

func newGraph(v *View) *graph {
	g := &graph{several: len(v.Sections) > 0, byKey: map[string]*node{}, seen: map[edge]bool{}}
	for i, s := range v.sections() {
		p := &part{g: g, name: s.Name, inNS: map[string]*cluster{}}
		if g.several {
			p.prefix = fmt.Sprintf("view%d/", i+1)
		}
		g.parts = append(g.parts, p)
		for _, n := range s.Namespaces {
			p.namespace(n.Name)
		}
		for _, n := range s.Namespaces {
			for _, a := range n.Accounts {
				p.addAccount(n.Name, a)
			}
		}
	}
	return g
}

func (p *part) namespace(ns string) *cluster {
	c := p.inNS[ns]
	if c == nil {
		c = &cluster{name: ns}
		p.inNS[ns] = c
		p.clusters = append(p.clusters, c)
	}
	return c
}

// node returns the node for key, adding it to namespace ns ("" for none).
func (p *part) node(ns, key string, kind nodeKind, label, name string, state nodeState) *node {
	key = p.prefix + key
	if n := p.g.byKey[key]; n != nil {
		if state > n.state {
			n.state = state
		}
		return n
	}
	n := &node{key: key, id: fmt.Sprintf("n%d", len(p.g.byKey)+1), kind: kind, label: label, name: name, state: state}
	p.g.byKey[key] = n
	if ns == "" {
		p.global = append(p.global, n)
	} else {
		c := p.namespace(ns)
		c.nodes = append(c.nodes, n)
	}
	return n
}

func (p *part) secret(ns string, s Secret) *node {
	state := present
	if !s.Exists {
		state = absent
	}
	return p.node(ns, "secret/"+ns+"/"+s.Name, secretNode, "Secret", s.Name, state)
}

func (p *part) addAccount(ns string, a *Account) {
	g := p.g
	state := present
	label := "ServiceAccount"
	switch a.Status {
	case Missing:
		state, label = absent, "ServiceAccount (missing)"
	case Implicit, External:
		state, label = assumed, "ServiceAccount ("+string(a.Status)+")"
	}
	acct := p.node(ns, "sa/"+ns+"/"+a.Name, accountNode, label, a.Name, state)
	for _, s := range a.PullSecrets {
		g.edge(acct, p.secret(ns, s), "pulls with")
	}
	for _, s := range a.TokenSecrets {
		g.edge(p.secret(ns, s), acct, "token for")
	}
	for _, r := range a.Roles {
		roleNS := r.Namespace
		role := p.node(roleNS, "role/"+roleNS+"/"+r.Kind+"/"+r.Name, roleNode, r.Kind, r.Name, present)
		binding := r.Binding.Name
		if r.Binding.Namespace != "" && r.Binding.Namespace != ns {
			binding = r.Binding.Namespace + "/" + binding
		}
		g.edge(acct, role, "bound to ("+r.Binding.Kind+" "+binding+")")
	}
	for _, wl := range a.Workloads {
		w := p.node(ns, "workload/"+ns+"/"+wl.Kind+"/"+wl.Name, workloadNode, wl.Kind, wl.Name, present)
		g.edge(w, acct, "runs as")
		if wl.PullSecrets.From == "pod" {
			for _, s := range wl.PullSecrets.Secrets {
				g.edge(w, p.secret(ns, s), "pulls with")
			}
		}
	}
}

// walk goes through the graph as both formats nest it: a subgraph per
// cluster view when there are several, holding one per namespace and the
// view's ClusterRoles. open starts a subgraph (id unique in the graph,
// label unquoted), node places a node and end closes the innermost
// subgraph, each at its depth of nesting (1 at the top).
func (g *graph) walk(open func(depth int, id, label string, view bool), node func(depth int, n *node), end func(depth int)) {
	for i, p := range g.parts {
		depth, id := 1, ""
		if g.several {
			open(depth, fmt.Sprint(i), "view "+p.name, true)
			depth, id = 2, fmt.Sprintf("%d_", i)
		}
		for j, c := range p.clusters {
			open(depth, fmt.Sprintf("%s%d", id, j), "namespace "+c.name, false)
			for _, n := range c.nodes {
				node(depth+1, n)
			}
			end(depth)
		}
		for _, n := range p.global {
			node(depth, n)
		}
		if g.several {
			end(1)
		}
	}
}

func indent(depth int) string { return strings.Repeat("  ", depth) }

// WriteDOT writes the view as a Graphviz digraph.
func WriteDOT(w io.Writer, v *View) error {
	g := newGraph(v)
	var b strings.Builder
	b.WriteString("digraph salint_accounts {\n")
	b.WriteString("  rankdir=LR;\n  graph [fontname=\"Helvetica\", fontsize=12];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	g.walk(func(depth int, id, label string, view bool) {
		in := indent(depth)
		style, color := "rounded", "#888888"
		if view {
			style, color = `"rounded,bold"`, "#444444"
		}
		fmt.Fprintf(&b, "%ssubgraph cluster_%s {\n%s  label=%s;\n%s  style=%s;\n%s  color=%q;\n", in, id, in, dotQuote(label), in, style, in, color)
	}, func(depth int, n *node) {
		b.WriteString(indent(depth) + dotNode(n) + "\n")
	}, func(depth int) {
		b.WriteString(indent(depth) + "}\n")
	})
	for _, e := range g.edges {
		attrs := "label=" + dotQuote(e.label)
		if e.to.state == absent || e.from.state == absent {
			attrs += ", color=red, fontcolor=red, style=dashed"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(e.from.key), dotQuote(e.to.key), attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dotNode(n *node) string {
	shape := map[nodeKind]string{accountNode: "ellipse", workloadNode: "box", secretNode: "note", roleNode: "hexagon"}[n.kind]
	fill := map[nodeKind]string{accountNode: "#dbeafe", workloadNode: "#f3f4f6", secretNode: "#fef3c7", roleNode: "#dcfce7"}[n.kind]
	attrs := fmt.Sprintf("shape=%s, label=%s", shape, dotQuote(n.label, n.name))
	switch n.state {
	case absent:
		attrs += ", style=\"dashed,bold\", color=red, fontcolor=red"
	case assumed:
		attrs += fmt.Sprintf(", style=\"dashed,filled\", color=\"#888888\", fillcolor=%q", fill)
	default:
		attrs += fmt.Sprintf(", style=filled, fillcolor=%q", fill)
	}
	return dotQuote(n.key) + " [" + attrs + "];"
}

// dotQuote makes lines a DOT quoted string, each line centred. A line
// break inside a line (from input) is escaped, as every control character.
func dotQuote(lines ...string) string {
	for i, l := range lines {
		lines[i] = dotEscaper.Replace(safetext.Escape(l))
	}
	return `"` + strings.Join(lines, `\n`) + `"`
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// WriteMermaid writes the view as a Mermaid flowchart, which GitHub renders
// in Markdown inside a ```mermaid block.
func WriteMermaid(w io.Writer, v *View) error {
	g := newGraph(v)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	classes := map[string][]string{}
	var order []string
	g.walk(func(depth int, id, label string, view bool) {
		kind := "ns"
		if view {
			kind = "v"
		}
		fmt.Fprintf(&b, "%ssubgraph %s%s[%s]\n", indent(depth), kind, id, mermaidQuote(label))
	}, func(depth int, n *node) {
		b.WriteString(indent(depth) + mermaidNode(n) + "\n")
		class := mermaidClass(n)
		if classes[class] == nil {
			order = append(order, class)
		}
		classes[class] = append(classes[class], n.id)
	}, func(depth int) {
		b.WriteString(indent(depth) + "end\n")
	})
	for _, e := range g.edges {
		arrow := "-->"
		if e.to.state == absent || e.from.state == absent {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|%s| %s\n", e.from.id, arrow, mermaidQuote(e.label), e.to.id)
	}
	b.WriteString("  classDef account fill:#dbeafe,stroke:#1e40af\n")
	b.WriteString("  classDef workload fill:#f3f4f6,stroke:#374151\n")
	b.WriteString("  classDef secret fill:#fef3c7,stroke:#92400e\n")
	b.WriteString("  classDef role fill:#dcfce7,stroke:#166534\n")
	b.WriteString("  classDef assumed fill:#dbeafe,stroke:#888888,stroke-dasharray:4 3\n")
	b.WriteString("  classDef missing fill:#ffffff,stroke:#dc2626,stroke-width:2px,stroke-dasharray:5 4,color:#dc2626\n")
	for _, class := range order {
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(classes[class], ","), class)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mermaidNode(n *node) string {
	q := mermaidQuote(n.label)
	label := q[:len(q)-1] + "<br/>" + mermaidQuote(n.name)[1:]
	switch n.kind {
	case accountNode:
		return n.id + "([" + label + "])"
	case secretNode:
		return n.id + "[/" + label + "/]"
	case roleNode:
		return n.id + "{{" + label + "}}"
	}
	return n.id + "[" + label + "]"
}

func mermaidClass(n *node) string {
	switch n.state {
	case absent:
		return "missing"
	case assumed:
		return "assumed"
	}
	return [...]string{"account", "workload", "secret", "role"}[n.kind]
}

// mermaidQuote makes s a quoted Mermaid label. Mermaid has no backslash
// escapes: quotes and the characters its Markdown labels treat specially
// become HTML entities, which it renders.
func mermaidQuote(s string) string {
	return `"` + mermaidEscaper.Replace(safetext.Escape(s)) + `"`
}

// '#' and '%' are escaped too: Mermaid reads "#name;" as an entity, and
// "%%{...}%%" as a directive that configures the whole diagram (its theme,
// its CSS) wherever it appears, labels included.
var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "#", "#35;", "%", "#37;")
