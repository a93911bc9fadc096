package model

import (
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Object is one cluster object: a document, or an item of a List.
type Object struct {
	Source *Source
	Node   *yaml.Node // the object's mapping
	// DocIndex is the document's 0-based index in its file.
	DocIndex int
	// FieldPrefix is "" for a document, "items[N]." for a List item: it
	// tells the items of one document apart. Field paths in findings are
	// the object's own, relative to the item (kubectl applies each item
	// as an object).
	FieldPrefix string

	APIVersion, Kind   string
	Name, GenerateName string
	// Namespace is the effective namespace ("" when cluster-scoped);
	// NamespaceSet is false when it came from the default.
	Namespace    string
	NamespaceSet bool
	// PlacedBy, when set, says which tool set Namespace and where (a
	// GitOps object's namespace for what it syncs), not the object's
	// source: Build keeps it; NamespaceSet still says what the source
	// writes.
	PlacedBy    *Note
	Annotations map[string]string
	// Built is set when a build produced the object (see Built).
	Built *Built

	// defs is what the object defines, read with it when nothing will
	// edit it (File.pruneAndRead); nil otherwise, and Build reads it.
	defs *definitions
}

func newObject(src *Source, n *yaml.Node, docIndex int, prefix, apiVersion, kind string) *Object {
	meta := Get(n, "metadata").Value
	return &Object{
		Source:       src,
		Node:         n,
		DocIndex:     docIndex,
		FieldPrefix:  prefix,
		APIVersion:   apiVersion,
		Kind:         kind,
		Name:         Get(meta, "name").String(),
		GenerateName: Get(meta, "generateName").String(),
		Namespace:    Get(meta, "namespace").String(),
		NamespaceSet: Get(meta, "namespace").String() != "",
		Annotations:  Get(meta, "annotations").StringMap(),
	}
}

// Group is the object's API group.
func (o *Object) Group() string { return Group(o.APIVersion) }

// DisplayName is the name, or generateName followed by "*" for objects
// named by the server.
func (o *Object) DisplayName() string {
	if o.Name == "" && o.GenerateName != "" {
		return o.GenerateName + "*"
	}
	return o.Name
}

// String names the object as people write it: "Deployment shop/web".
func (o *Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.DisplayName()
	}
	return o.Kind + " " + o.Namespace + "/" + o.DisplayName()
}

// Rewrite returns a copy of o for one cluster view to change (what a
// GitOps tool does to the objects it applies) while other views read o:
// each node n of the object, met once (aliases followed), becomes
// replace(n) (n itself, or a new node that keeps n's position, so that
// findings still point at the source), whose children are then met in
// turn; the nodes on the way to a replaced one are copied, the rest
// shared with o. The copy reads its name, namespace and annotations, and
// what it defines (in Build), again when a node changed; a copy of a
// pruned object must start from Whole to change one.
func (o *Object) Rewrite(replace func(n *yaml.Node) *yaml.Node) *Object {
	cp := *o
	copies := map[*yaml.Node]*yaml.Node{}
	var rewrite func(n *yaml.Node) *yaml.Node
	rewrite = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		if c, ok := copies[n]; ok {
			return c
		}
		copies[n] = n // an alias cycle meets n unchanged
		out := replace(n)
		switch out.Kind {
		case yaml.ScalarNode:
		case yaml.AliasNode:
			if a := rewrite(out.Alias); a != out.Alias {
				c := *out
				c.Alias = a
				out = &c
			}
		default:
			var content []*yaml.Node // out.Content's copy, made at the first change
			for i, child := range out.Content {
				r := rewrite(child)
				if r != child && content == nil {
					content = slices.Clone(out.Content[:i])
				}
				if content != nil {
					content = append(content, r)
				}
			}
			if content != nil {
				c := *out
				c.Content = content
				out = &c
			}
		}
		copies[n] = out
		return out
	}
	if replace != nil {
		cp.Node = rewrite(o.Node)
	}
	if cp.Node == o.Node {
		cp.defs = o.defs.of(&cp)
		return &cp
	}
	cp.defs = nil // read again from the changed tree
	if o.Built != nil && len(o.Built.Elsewhere) > 0 {
		built := *o.Built
		built.Elsewhere = make(map[*yaml.Node]Position, len(o.Built.Elsewhere))
		for n, pos := range o.Built.Elsewhere {
			if c, ok := copies[n]; ok {
				n = c
			}
			built.Elsewhere[n] = pos
		}
		cp.Built = &built
	}
	meta := Get(cp.Node, "metadata").Value
	cp.Name = Get(meta, "name").String()
	cp.GenerateName = Get(meta, "generateName").String()
	if cp.NamespaceSet {
		cp.Namespace = Get(meta, "namespace").String()
	}
	cp.Annotations = Get(meta, "annotations").StringMap()
	return &cp
}

// of is what d says, of o: a copy of an object whose tree it shares
// defines the same, and a pruned tree cannot be read again. nil for nil.
func (d *definitions) of(o *Object) *definitions {
	if d == nil {
		return nil
	}
	c := definitions{pods: make([]*PodSpec, len(d.pods))}
	if d.account != nil {
		a := *d.account
		a.Object, c.account = o, &a
	}
	if d.secret != nil {
		s := *d.secret
		s.Object, c.secret = o, &s
	}
	if d.binding != nil {
		b := *d.binding
		b.Object, c.binding = o, &b
	}
	for i, p := range d.pods {
		q := *p
		q.Object, c.pods[i] = o, &q
	}
	return &c
}

// Whole is o as read without pruning: o itself unless its source was
// read pruned, else a copy holding its document parsed again (Unpruned).
// A pruned tree keeps only what rules reach through it once what it
// defines is read, so an object a view changes (Rewrite), which reads
// what it defines again, starts from it.
func (o *Object) Whole() *Object {
	n := Unpruned(o.Source, o.Node)
	if n == o.Node {
		return o
	}
	w := *o
	w.Node, w.defs = n, nil
	return &w
}

// Pos locates a node of this object; nil locates the object itself.
func (o *Object) Pos(n *yaml.Node) Position {
	if n == nil {
		n = o.Node
	}
	if o.Built != nil {
		if p, ok := o.Built.Elsewhere[n]; ok {
			return p
		}
	}
	return Position{File: o.Source.Path, Line: n.Line, Col: n.Column}
}

// Ignored returns the rule ids silenced by annotation on this object.
func (o *Object) Ignored() []string { return ParseIgnore(o.Annotations[IgnoreAnnotation]) }

// IgnoreAnnotation silences rules for one object or pod template:
// a comma-separated list of rule ids, or "all", each optionally followed
// by ": reason" (IgnoreEntry).
const IgnoreAnnotation = "salint.io/ignore"

// IgnoreEntry splits one entry of an ignore annotation into the rule id
// and the reason given after a colon ("missing-pull-secret: pulled
// through a mirror"); the reason is empty when none is given.
func IgnoreEntry(entry string) (id, reason string) {
	id, reason, _ = strings.Cut(entry, ":")
	return strings.TrimSpace(id), strings.TrimSpace(reason)
}

// ParseIgnore splits an ignore annotation value into its entries. A
// reason may hold commas: after an entry with a reason, text that does
// not start with a rule id (it has a space before any colon) continues it.
func ParseIgnore(v string) []string {
	if v == "" {
		return nil
	}
	var entries []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if n := len(entries); n > 0 && strings.Contains(entries[n-1], ":") {
			if id, _ := IgnoreEntry(part); strings.ContainsAny(id, " \t") {
				entries[n-1] += ", " + part
				continue
			}
		}
		entries = append(entries, part)
	}
	return entries
}
