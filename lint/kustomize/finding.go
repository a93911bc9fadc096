package kustomize

import (
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
		if why := rules.BuiltFixBlocked(f); why != "" {
			f.Fix = nil
			notes = append(notes, "salint fix leaves this to you: "+why)
		}
	}
	if len(notes) > 0 {
		f.Message += " (" + strings.Join(notes, "; ") + ")"
	}
}

// mentionsNamespace reports a message that judges something in namespace
// ns ("not defined in namespace shop-prod"), not one that merely names the
// object ("RoleBinding prod/web grants ... in namespace other").
func mentionsNamespace(msg, ns string) bool {
	i := strings.Index(msg, "namespace "+ns)
	if ns == "" || i < 0 {
		return false
	}
	end := i + len("namespace "+ns)
	return end == len(msg) || !isNameChar(msg[end])
}

func isNameChar(c byte) bool {
	return c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
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
				p.Message == f.Message && p.Severity == f.Severity {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
