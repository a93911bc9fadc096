package kustomize

import (
	"fmt"
	"strings"

	"github.com/salint/salint/rules"
)

// Explain completes a finding about a built object: the message says
// where a value came from when a transformation set it, and a fix is kept
// only when it edits the one source that owns the fields it touches.
// Findings about objects read as written are left alone.
func Explain(f *rules.Finding) {
	o := f.Object
	if o == nil || o.Built == nil {
		return
	}
	b := o.Built
	var notes []string
	if n := b.Notes[f.Pos]; n != "" {
		notes = append(notes, n)
	}
	if b.NamespaceNote != "" && mentionsNamespace(f.Message, o.Namespace) {
		notes = append(notes, b.NamespaceNote)
	}
	if f.Fix != nil {
		if why := fixBlocked(f); why != "" {
			f.Fix = nil
			notes = append(notes, "no automatic fix: "+why)
		}
	}
	if len(notes) > 0 {
		f.Message += " (" + strings.Join(notes, "; ") + ")"
	}
}

func mentionsNamespace(msg, ns string) bool {
	return ns != "" && (strings.Contains(msg, "namespace "+ns) || strings.Contains(msg, " "+ns+"/"))
}

// fixBlocked says why the fix of a finding on a built object must not be
// applied, or "" when every edit lies in the object's source document,
// away from what the build rewrites there.
func fixBlocked(f *rules.Finding) string {
	o := f.Object
	b := o.Built
	if b.NoFix != "" {
		return b.NoFix
	}
	for _, e := range f.Fix.Edits {
		if e.Source != o.Source {
			return fmt.Sprintf("it would edit %s, outside %s where kustomize reads %s from", e.Source.Path, o.Source.Path, o)
		}
		if e.Start < b.DocStart || e.End > b.DocEnd {
			return fmt.Sprintf("it would edit %s outside the document of %s, and the build of %s transforms what is added there", o.Source.Path, o, b.Root)
		}
		first := o.Source.LineOf(e.Start)
		last := first
		if e.End > e.Start {
			last = o.Source.LineOf(e.End - 1)
		}
		for l := first; l <= last; l++ {
			if b.Rewritten[l] {
				return fmt.Sprintf("the kustomize build of %s changes %s:%d, so no single source owns the field", b.Root, o.Source.Path, l)
			}
		}
	}
	return ""
}
