package model

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A rendered object's source is never edited; a values file is, exactly
// at a value the render copied from it (Built.Values), and nowhere else.
func TestEditBlocked_ValuesFileOnlyAtTheValue(t *testing.T) {
	tmpl := NewSource("c/templates/d.yaml", []byte("automountServiceAccountToken: {{ .Values.a }}\n"))
	vals := NewSource("c/values.yaml", []byte("# on\na: true\nb: true\n"))
	other := NewSource("c/other.yaml", []byte("# on\na: true\n"))
	rendered := &yaml.Node{Kind: yaml.ScalarNode, Value: "true"}
	o := &Object{Source: tmpl, Built: &Built{
		NoFix:   "rendered from c/templates/d.yaml",
		NoFixAt: map[Position]string{{File: tmpl.Path, Line: 1}: "line 1 writes a"},
		Values:  map[*yaml.Node]ValueSpot{rendered: {Source: vals, Start: 8, End: 12, Key: "a"}},
	}}
	for _, tc := range []struct {
		name       string
		src        *Source
		start, end int
		want       string
	}{
		{"the value", vals, 8, 12, ""},
		{"more than the value", vals, 5, 12, "rendered from"},
		{"another key", vals, 16, 20, "rendered from"},
		{"another file at the same bytes", other, 8, 12, "rendered from"},
		{"the template", tmpl, 0, 10, "rendered from c/templates/d.yaml; line 1 writes a"},
	} {
		got := o.EditBlocked(tc.src, tc.start, tc.end)
		if tc.want == "" && got != "" || tc.want != "" && !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: EditBlocked = %q, want %q", tc.name, got, tc.want)
		}
	}
}
