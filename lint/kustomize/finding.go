package kustomize

import (
	"slices"

	"github.com/salint/salint/rules"
)

// Explain completes a finding about a built object: it relates where a
// value came from when a transformation set it, and a fix is kept only
// when it edits the one source that owns the fields it touches. Findings
// about objects read as written are left alone.
func Explain(f *rules.Finding) {
	o := f.Object
	if o == nil || o.Built == nil {
		return
	}
	b := o.Built
	if n := b.Notes[f.Pos]; n != "" {
		f.Related = append(f.Related, rules.Related{Pos: f.Pos, Message: n})
	}
	if n := b.NamespaceNote; n.Message != "" && o.Namespace != "" && slices.Contains(f.Namespaces, o.Namespace) {
		f.Related = append(f.Related, rules.Related{Pos: n.Pos, Message: n.Message})
	}
	rules.BlockBuiltFix(f)
}

// Dedupe drops a finding on a built object that repeats the one before it
// word for word at the same place: overlays that share a base build
// variants of one source object, and a problem they share is one problem
// in one file. fs must be sorted (rules.SortFindings).
func Dedupe(fs []rules.Finding) []rules.Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f.Object != nil && f.Object.Built != nil {
			p := out[len(out)-1]
			if p.Object != nil && p.Object.Built != nil && p.Rule == f.Rule && p.Pos == f.Pos &&
				p.Text() == f.Text() && p.Severity == f.Severity {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
