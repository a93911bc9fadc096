package rules

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// attachFix sets f's fix, or, when the fix could not be computed safely,
// says why in NoFix so that the user knows to edit by hand.
func attachFix(f *Finding, build func() (*SuggestedFix, error)) {
	fix, err := build()
	if err == nil && editsMergedSource(f, fix) {
		f.NoFix = leftToYou("the file uses YAML merge keys (<<), so a field may apply away from where it is written")
		return
	}
	if why := builtFixBlocked(f, fix, err); why != "" {
		f.NoFix = leftToYou(why)
		return
	}
	if err == nil {
		f.Fix = fix
		return
	}
	var u *yamledit.UnsafeEdit
	if errors.As(err, &u) {
		f.NoFix = leftToYou(u.Reason)
		return
	}
	f.NoFix = "salint fix cannot fix this: " + err.Error()
}

// leftToYou is the NoFix of a fix that would not be safe to make.
func leftToYou(why string) string { return "salint fix leaves this to you: " + why }

// BlockBuiltFix drops f's fix when it must not be applied because f is
// about an object a kustomize build produced and the fix does not edit
// the one source that owns the field, and says why in NoFix. Drivers call
// it for fixes that rules attach without attachFix.
func BlockBuiltFix(f *Finding) {
	if f.Fix == nil {
		return
	}
	if why := builtFixBlocked(f, f.Fix, nil); why != "" {
		f.Fix, f.NoFix = nil, leftToYou(why)
	}
}

// editsMergedSource reports a fix that edits, or is about an object of, a
// file with YAML merge keys (model.Source.MergeKeys): a merged field is
// written in one place and applies in others, so no byte edit is safe.
func editsMergedSource(f *Finding, fix *SuggestedFix) bool {
	if f.Object != nil && f.Object.Source != nil && f.Object.Source.MergeKeys {
		return true
	}
	for _, e := range fix.Edits {
		if e.Source != nil && e.Source.MergeKeys {
			return true
		}
	}
	return false
}

// builtFixBlocked says why a fix of a finding on an object a kustomize
// build produced must not be made, or "": the fix may only edit the one
// source that owns the field (model.Object.EditBlocked). It is asked
// before the edit's own verdict, which reads the bytes at the nodes'
// positions: for a value set by a patch those are not the value's.
func builtFixBlocked(f *Finding, fix *SuggestedFix, err error) string {
	o := f.Object
	if o == nil || o.Built == nil {
		return ""
	}
	if why := o.PosBlocked(f.Pos); why != "" {
		return why
	}
	if err != nil && o.Built.NoFix != "" {
		// The edit was computed on text that is not what the object was
		// read from (a template): its error would not be the reason.
		return o.Built.Refusal(f.Pos)
	}
	if err != nil || fix == nil {
		return ""
	}
	for _, e := range fix.Edits {
		owner := o
		if fix.Edited != nil && e.Source == fix.Edited.Source {
			// Another object's document, built in the same view:
			// another view reading it is judged by the driver
			// (lint: a fix to a file several views read).
			owner = fix.Edited
		}
		if why := owner.EditBlocked(e.Source, e.Start, e.End); why != "" {
			return why
		}
	}
	return ""
}

// valueEdit replaces the scalar n of built object o with text (YAML as
// written: "false") where the build copied it from, the values file that
// set it (model.Built.Values), and says where; ok false when o's source
// writes n itself, or no such place is known.
func valueEdit(o *model.Object, n *yaml.Node, text string) (e TextEdit, where string, ok bool) {
	if o.Built == nil {
		return TextEdit{}, "", false
	}
	v, ok := o.Built.Values[n]
	if !ok {
		return TextEdit{}, "", false
	}
	where = fmt.Sprintf("%s in %s:%d", v.Key, v.Source.Path, v.Source.LineOf(v.Start))
	return TextEdit{Source: v.Source, Start: v.Start, End: v.End, New: text}, where, true
}
