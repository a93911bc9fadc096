package kustomize

import (
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// The first builds of a process run in parallel while kyaml has not read
// its OpenAPI schema yet: one build reading it (a strategic-merge patch)
// must not race another asking whether a kind is namespaced (go test
// -race; CI runs this test so). Not t.Parallel: ResetOpenAPI resets
// kyaml's process-wide schema under any build running beside it.
func TestBuild_ParallelBuildsBeforeTheSchemaIsRead(t *testing.T) {
	dir := t.TempDir()
	var dirs []string
	for i := range 4 {
		for name, files := range map[string]map[string]string{
			"ns": {"kustomization.yaml": "namespace: x\nresources: [w.yaml]\n", "w.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"},
			"smp": {"kustomization.yaml": "resources: [d.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec: {replicas: 2}\n",
				"d.yaml": readsTree["deploy.yaml"]},
		} {
			d := filepath.Join(dir, name+string(rune('0'+i)))
			dirs = append(dirs, d)
			writeTree(t, d, files)
		}
	}
	want := ""
	for i := range 3 {
		openapi.ResetOpenAPI()
		got := snapshot(Build(dirs, Options{}))
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("build %d differs:\n%s", i, firstDiff(got, want))
		}
	}
	if c := countHow(Build(dirs, Options{}), builtMarked); c != len(dirs) {
		t.Errorf("%d of %d roots built marked", c, len(dirs))
	}
}
