package kustomize

import (
	"strings"
	"testing"
)

func TestWithBuildMetadata_AddsOriginAndKeepsTheUsersOptions(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // in order
	}{
		{"NoneSet", "resources: [a.yaml]\n", []string{"buildMetadata:", "- originAnnotations"}},
		{"UsersKept", "buildMetadata: [managedByLabel]\nresources: [a.yaml]\n", []string{"managedByLabel", "originAnnotations"}},
		{"AlreadySetOnce", "buildMetadata: [originAnnotations]\n", []string{"originAnnotations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(withBuildMetadata([]byte(tt.in)))
			at := 0
			for _, w := range tt.want {
				i := strings.Index(out[at:], w)
				if i < 0 {
					t.Fatalf("%q not found in order in:\n%s", w, out)
				}
				at += i + len(w)
			}
			if n := strings.Count(out, "originAnnotations"); n != 1 {
				t.Errorf("originAnnotations %d times in:\n%s", n, out)
			}
		})
	}
	// Input kustomize must reject is passed through for it to report.
	if got := string(withBuildMetadata([]byte("[not, a, mapping]\n"))); got != "[not, a, mapping]\n" {
		t.Errorf("changed unparsable input: %q", got)
	}
}

func TestLooksRemote(t *testing.T) {
	for v, want := range map[string]bool{
		"github.com/org/repo//deploy?ref=v1": true,
		"gitlab.example.com/team/base":       true,
		"../base":                            false,
		"deployment.yaml":                    false,
		"sub.dir/file.yaml":                  true, // a host name first: kustomize would clone it
		".hidden/base":                       false,
	} {
		if got := looksRemote(v); got != want {
			t.Errorf("looksRemote(%q) = %v, want %v", v, got, want)
		}
	}
}
