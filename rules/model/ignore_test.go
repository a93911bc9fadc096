package model

import (
	"slices"
	"testing"
)

func TestParseIgnore_EntriesAndReasons(t *testing.T) {
	type entry struct{ id, reason string }
	for _, tc := range []struct {
		value string
		want  []entry
	}{
		{"", nil},
		{"missing-pull-secret", []entry{{"missing-pull-secret", ""}}},
		{" a , b ,", []entry{{"a", ""}, {"b", ""}}},
		{"missing-pull-secret: pulled through a mirror", []entry{{"missing-pull-secret", "pulled through a mirror"}}},
		// A reason keeps its commas until an entry starts with a rule id.
		{"a: mirror, see INFRA-12, b", []entry{{"a", "mirror, see INFRA-12"}, {"b", ""}}},
		{"a: why, b: why not", []entry{{"a", "why"}, {"b", "why not"}}},
		// Without a reason before it, text with a space is an entry of its
		// own (an id that matches no rule), as before.
		{"a, not an id", []entry{{"a", ""}, {"not an id", ""}}},
		{"all: generated", []entry{{"all", "generated"}}},
	} {
		var got []entry
		for _, e := range ParseIgnore(tc.value) {
			id, reason := IgnoreEntry(e)
			got = append(got, entry{id, reason})
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ParseIgnore(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}
