package model

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Built marks an object that a build (kustomize, filled in by package
// lint/kustomize) produced rather than one read as written. The object's
// Node holds the built values, which are what the cluster receives, and its
// nodes carry the positions of the same fields in the source document
// (Object.Source), so that findings and fixes land in the file a person
// edits. What the source does not hold is described here.
type Built struct {
	// Root is the kustomization directory that was built, or the Helm
	// chart directory that was rendered.
	Root string
	// Chart is the Helm chart directory when a Helm render produced the
	// object (its deploy unit), else "".
	Chart string
	// Via lists the kustomization files from Root's to the one that reads
	// the source, outermost first, each followed by the other files it
	// reads (patches, configurations): a change to any of them can change
	// the object (pre-commit reports on it when one of them changed).
	Via []string
	// Elsewhere locates nodes whose value was set outside Object.Source:
	// by a patch, or by a kustomization field.
	Elsewhere map[*yaml.Node]Position
	// Notes say where the value found at a position came from ("set by
	// patch overlays/prod/sa.yaml"); a finding at that position repeats it.
	Notes map[Position]string
	// NamespaceNote is set when the build set the object's namespace: at
	// the kustomization field that set it (the root kustomization when that
	// field is not known), "namespace prod set by
	// overlays/prod/kustomization.yaml:3".
	NamespaceNote Note
	// NoFix, when set, says why no fix may edit the source for this object.
	NoFix string
	// NoFixAt adds to NoFix what a fix editing one line (File and Line of
	// the key; Col 0) should change instead, or why that cannot be said:
	// "line 9 writes the value of automount, set at values.yaml:2".
	NoFixAt map[Position]string
	// Values are the scalar nodes whose value a render copied as it is
	// from one values key of a file the user has, that nothing else reads:
	// a fix replaces such a value there (EditBlocked allows that edit).
	Values map[*yaml.Node]ValueSpot
	// DocStart and DocEnd bound the source document in Object.Source.Bytes().
	DocStart, DocEnd int
	// Rewritten holds the source lines whose content the build replaced
	// (and the key lines of collections it changed): a fix touching them
	// would not change what the cluster receives as intended.
	Rewritten map[int]bool
	// Grown holds the lines of collections the build added entries to or
	// removed entries from: a fix may not insert there, since the build
	// may set the same field.
	Grown map[int]bool
	// Twins are the objects other roots built from the same source
	// document with the same text (overlays sharing a base): the input
	// holds this object once, for the first root; a cluster view of
	// another root's deploy unit takes that root's twin, whose notes
	// name that root.
	Twins []*Object
}

// Note is what a build says about a value, and the place it concerns.
type Note struct {
	Pos     Position
	Message string
}

// ValueSpot is where a values file writes a rendered value: the bytes
// [Start, End) of Source hold Key's scalar.
type ValueSpot struct {
	Source     *Source
	Start, End int
	Key        string
}

// NewObject makes an object of node n read from src, as the reader does;
// builds use it for the objects they produce.
func NewObject(src *Source, n *yaml.Node, docIndex int, prefix, apiVersion, kind string) *Object {
	return newObject(src, n, docIndex, prefix, apiVersion, kind)
}

// EditBlocked says why a fix must not replace src's bytes [start, end) for
// object o, or "" when it may. Objects read as written may always be
// edited. A built object may be edited only inside its own source document
// and away from the lines the build rewrites: elsewhere the edit would not
// change what the cluster receives as the fix intends, or would change
// what other builds receive too.
func (o *Object) EditBlocked(src *Source, start, end int) string {
	b := o.Built
	switch {
	case b == nil || b.setsValue(src, start, end):
		return ""
	case b.NoFix != "":
		return b.Refusal(Position{File: src.Path, Line: src.LineOf(start)})
	case src != o.Source:
		return fmt.Sprintf("the fix would edit %s, but %s comes from %s", src.Path, o, o.Source.Path)
	case start < b.DocStart || end > b.DocEnd:
		return fmt.Sprintf("the fix would edit %s outside the document of %s, and the kustomize build of %s would transform what it adds there", src.Path, o, b.Root)
	}
	first := src.LineOf(start)
	if end == start && b.Grown[first] {
		return fmt.Sprintf("the kustomize build of %s adds to or removes from the fields at %s:%d, so no single source owns them", b.Root, src.Path, first)
	}
	last := first
	if end > start {
		last = src.LineOf(end - 1)
	}
	for l := first; l <= last; l++ {
		if b.Rewritten[l] {
			return fmt.Sprintf("the kustomize build of %s changes %s:%d, so no single source owns the field", b.Root, src.Path, l)
		}
	}
	return ""
}

// setsValue reports an edit that replaces one of b's Values where the
// values file writes it.
func (b *Built) setsValue(src *Source, start, end int) bool {
	for _, v := range b.Values {
		if v.Source == src && v.Start == start && v.End == end {
			return true
		}
	}
	return false
}

// Refusal is NoFix, with what NoFixAt says of the line at pos.
func (b *Built) Refusal(pos Position) string {
	if why := b.NoFixAt[Position{File: pos.File, Line: pos.Line}]; why != "" {
		return b.NoFix + "; " + why
	}
	return b.NoFix
}

// PosBlocked says why a field of built object o located at pos cannot be
// fixed in o's source, or "": a value set by a patch or a kustomization
// field lives in that file, which a fix of o does not edit.
func (o *Object) PosBlocked(pos Position) string {
	if o.Built == nil || pos.File == o.Source.Path {
		return ""
	}
	return fmt.Sprintf("the value is set in %s, not in %s; edit it there", pos, o.Source.Path)
}
