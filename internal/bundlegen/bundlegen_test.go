package bundlegen

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The peers bench is the one salint is compared with kube-linter on: only
// the kinds every linter reads, pod specs with env and securityContext.
func TestWrite_PeersHasOnlyThePeersKinds(t *testing.T) {
	dir := t.TempDir()
	st, err := Write(dir, Spec{Files: 10, Docs: 100, Namespaces: 2, Peers: true, Dense: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slices.Sorted(maps.Keys(st.ByKind)), []string{"Deployment", "Pod", "Secret", "ServiceAccount"}; !slices.Equal(got, want) {
		t.Errorf("kinds %v, want %v", got, want)
	}
	if st.Files != 10 || st.Docs != 100 {
		t.Errorf("%d files, %d documents; want 10, 100", st.Files, st.Docs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "ns-000", "app-00000", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"env:", "securityContext:", "serviceAccountName:"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("no %q in a peers file", want)
		}
	}
}

// The same Spec writes the same bytes, so figures of different runs compare.
func TestWrite_IsDeterministic(t *testing.T) {
	read := func() string {
		dir := t.TempDir()
		if _, err := Write(dir, Spec{Files: 3, Docs: 30, Peers: true}); err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for f := range 3 {
			data, err := os.ReadFile(filepath.Join(dir, "ns-000", "app-0000"+string(rune('0'+f)), "manifests.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			all.Write(data)
		}
		return all.String()
	}
	if first, second := read(), read(); first != second {
		t.Error("two writes of one Spec differ")
	}
}
