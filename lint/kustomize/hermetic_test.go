package kustomize

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/salint/salint/rules/model"
)

// Builds never reach the network, whatever kustomize field names the
// remote thing and however deep: every field that can name a path is
// tried with a URL and with a remote repository, in the root and in a
// local directory the root names (as a base, and as a generators,
// transformers or validators entry, which kustomize builds as a
// kustomization). A local HTTP server and a fake git on PATH record every
// contact: there must be none, and the tree gets the notice.
func TestBuild_NothingRemoteIsEverContacted(t *testing.T) {
	var mu sync.Mutex
	var contacts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		contacts = append(contacts, "http "+r.URL.String())
		mu.Unlock()
		_, _ = w.Write([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fetched}\n"))
	}))
	defer srv.Close()
	bin := t.TempDir()
	gitLog := filepath.Join(t.TempDir(), "git.log")
	fakeGit := "#!/bin/sh\necho \"$@\" >> " + gitLog + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(fakeGit), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	url := srv.URL + "/res.yaml"
	repo := "github.com/org/repo//x?ref=v2"
	// Each field, with %s where the path goes.
	fields := map[string]string{
		"resources":             "resources: [%s]\n",
		"bases":                 "bases: [%s]\n",
		"components":            "components: [%s]\n",
		"patches":               "patches:\n- path: %s\n",
		"patchesTarget":         "patches:\n- path: %s\n  target: {kind: Pod}\n",
		"patchesStrategicMerge": "patchesStrategicMerge: [%s]\n",
		"patchesJson6902":       "patchesJson6902:\n- path: %s\n  target: {version: v1, kind: Pod, name: p}\n",
		"generators":            "generators: [%s]\n",
		"transformers":          "transformers: [%s]\n",
		"validators":            "validators: [%s]\n",
		"configurations":        "configurations: [%s]\n",
		"crds":                  "crds: [%s]\n",
		"openapi":               "openapi: {path: %s}\n",
		"replacements":          "replacements:\n- path: %s\n",
		"helmCharts":            "helmCharts:\n- name: chart\n  repo: %s\n",
		"helmChartsOCI":         "helmCharts:\n- name: chart\n  repo: oci://%s\n",
		"configMapFiles":        "configMapGenerator:\n- name: c\n  files: [%s]\n",
		"configMapEnvs":         "configMapGenerator:\n- name: c\n  envs: [%s]\n",
		"secretFiles":           "secretGenerator:\n- name: s\n  files: [%s]\n",
		"secretEnvs":            "secretGenerator:\n- name: s\n  envs: [%s]\n",
	}
	dirFields := map[string]bool{"resources": true, "bases": true, "components": true, "generators": true, "transformers": true, "validators": true}
	// A builtin plugin config naming its file by URL, in a generators,
	// transformers or validators directory.
	patchConfig := "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: " + url + "\ntarget: {kind: Pod}\n"
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
	for field, form := range fields {
		for remote, target := range map[string]string{"url": url, "repo": repo} {
			entry := strings.ReplaceAll(form, "%s", `"`+target+`"`)
			trees := map[string]map[string]string{
				"root": {"kustomization.yaml": "resources: [pod.yaml]\n" + entry},
				"base": {"kustomization.yaml": "resources: [pod.yaml, sub]\n", "sub/kustomization.yaml": entry},
			}
			for _, via := range []string{"generators", "transformers", "validators"} {
				trees[via+"Dir"] = map[string]string{"kustomization.yaml": "resources: [pod.yaml]\n" + via + ": [sub]\n", "sub/kustomization.yaml": entry}
			}
			for where, files := range trees {
				t.Run(field+"/"+remote+"/"+where, func(t *testing.T) {
					files["pod.yaml"] = pod
					dir := writeFiles(t, files)
					// kustomize reads a repository only where it reads a
					// kustomization, and a URL as a file only where it
					// reads a file; the other forms are missing local
					// files, an error. Helm charts are never inflated.
					notice := strings.HasPrefix(field, "helmCharts") || remote == "url" && field != "components" || remote == "repo" && dirFields[field]
					checkOffline(t, dir, &mu, &contacts, gitLog, notice)
				})
			}
		}
	}
	for _, via := range []string{"generators", "transformers", "validators"} {
		t.Run("patchConfig/"+via+"Dir", func(t *testing.T) {
			dir := writeFiles(t, map[string]string{
				"kustomization.yaml":     "resources: [pod.yaml]\n" + via + ": [sub]\n",
				"sub/kustomization.yaml": "resources: [patch.yaml]\n",
				"sub/patch.yaml":         patchConfig,
				"pod.yaml":               pod,
			})
			checkOffline(t, dir, &mu, &contacts, gitLog, true)
		})
	}
}

// checkOffline builds dir and checks that nothing was contacted and that
// the build was not made: with the notice when notice is set, else with
// an error.
func checkOffline(t *testing.T, dir string, mu *sync.Mutex, contacts *[]string, gitLog string, notice bool) {
	t.Helper()
	// With a chart renderer, a chart that is not local is pulled through
	// salint's helm relay (helm.go), which refuses it too.
	res := Build([]string{dir}, Options{RenderChart: func(dir string, _ ChartRequest) ([]*model.File, map[string]string) {
		t.Errorf("rendered %s", dir)
		return nil, nil
	}})
	mu.Lock()
	got := *contacts
	*contacts = nil
	mu.Unlock()
	if len(got) > 0 {
		t.Errorf("the build contacted %q", got)
	}
	if data, err := os.ReadFile(gitLog); err == nil {
		t.Errorf("the build ran git: %s", data)
		_ = os.Remove(gitLog)
	}
	var notices, errs []string
	for _, f := range res.Files {
		for _, n := range f.Notices {
			notices = append(notices, n.Error())
		}
		for _, e := range f.Errors {
			errs = append(errs, e.Error())
		}
	}
	switch {
	case len(res.Roots) != 0:
		t.Errorf("built %v", res.Roots)
	case notice && (len(notices) != 1 || !strings.Contains(notices[0], "not built: needs network (")):
		t.Errorf("notices %q, errors %q: want the notice", notices, errs)
	case !notice && (len(errs) == 0 || slices.ContainsFunc(notices, func(n string) bool { return strings.Contains(n, "needs network") })):
		t.Errorf("notices %q, errors %q: want an error", notices, errs)
	}
	if os.Getenv("PATH") == "" {
		t.Error("PATH not restored after the builds")
	}
}
