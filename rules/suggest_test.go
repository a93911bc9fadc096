package rules

import (
	"strings"
	"testing"
)

func TestEditDistance_StopsPastTheLimit(t *testing.T) {
	long := strings.Repeat("a", 100)
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // over the limit: limit+1
		{"web-sa", "web-sa", 3, 0},
		{"", "abc", 3, 3},
		{"missing-00001", "account-00001", 3, 4},
		{long, long + "b", 3, 1}, // longer than the stack buffer
		{"lnit", "lint", 3, 1},   // a swap of neighbours is one edit
		{"lnit", "init", 3, 1},
		{"abcd", "badc", 3, 2},
		{long + "ab", long + "ba", 3, 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestClosest_PicksTheNearestWithinTheLimit(t *testing.T) {
	names := []string{"web", "web-sa", "webs-a", "worker", "a-much-longer-name"}
	for name, want := range map[string]string{"wbe-sa": "web-sa", "web-sb": "web-sa", "nothing-like-it": "", "web-sa": "webs-a"} {
		if got := Closest(name, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", name, got, want)
		}
	}
}
