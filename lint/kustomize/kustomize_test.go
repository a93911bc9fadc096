package kustomize_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/kustomize"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

const moved = "../../testdata/kustomize/moved"

func run(t *testing.T, mode string, paths ...string) *lint.Result {
	t.Helper()
	res, err := lint.Run(lint.Options{Input: lint.Input{Paths: paths, Kustomize: mode}, Config: &lint.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type want struct{ pos, msg string }

// checkFindings compares the missing-service-account findings with wants.
func checkFindings(t *testing.T, all []rules.Finding, wants []want) {
	t.Helper()
	var got []rules.Finding
	for _, f := range all {
		if f.Rule == "missing-service-account" {
			got = append(got, f)
		}
	}
	if len(got) != len(wants) {
		for _, f := range got {
			t.Logf("got %s: %s", f.Pos, f.Text())
		}
		t.Fatalf("got %d findings, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		if got[i].Pos.String() != w.pos || !strings.Contains(got[i].Text(), w.msg) {
			t.Errorf("finding %d:\n got %s: %s\nwant %s: ...%s...", i, got[i].Pos, got[i].Text(), w.pos, w.msg)
		}
	}
}

func TestLint_OverlayMovesWorkloadAwayFromItsAccount(t *testing.T) {
	res := run(t, lint.KustomizeAuto, moved)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	checkFindings(t, res.Findings, []want{
		{moved + "/app/base/deployment.yaml:13:7",
			`Deployment shop-prod/web runs as ServiceAccount "web", which is not defined in namespace shop-prod; ` +
				`the API server will reject every pod the Deployment controller creates (FailedCreate) ` +
				`(an account of that name is defined in namespace shop) ` +
				`(namespace shop-prod set by ` + moved + `/app/overlays/prod/kustomization.yaml:3)`},
		{moved + "/app/overlays/staging/account-name.yaml:9:7",
			`Deployment shop/web runs as ServiceAccount "web-staging", which is not defined in namespace shop; ` +
				`the API server will reject every pod the Deployment controller creates (FailedCreate) ` +
				`(value set by the patch listed at ` + moved + `/app/overlays/staging/kustomization.yaml:6)`},
	})
}

// TestExplain_RelatesWhatTheBuildSet checks that what a build set is
// related information with a place, not words in the message.
func TestExplain_RelatesWhatTheBuildSet(t *testing.T) {
	res := run(t, lint.KustomizeAuto, moved)
	var got []rules.Finding
	for _, f := range res.Findings {
		if f.Rule == "missing-service-account" {
			got = append(got, f)
		}
	}
	if len(got) != 2 {
		t.Fatalf("got %d findings, want 2", len(got))
	}
	ns, patch := got[0], got[1]
	wantNS := []rules.Related{{
		Pos:     model.Position{File: moved + "/app/overlays/prod/kustomization.yaml", Line: 3, Col: 1},
		Message: "namespace shop-prod set by " + moved + "/app/overlays/prod/kustomization.yaml:3",
	}}
	if !reflect.DeepEqual(ns.Related, wantNS) {
		t.Errorf("namespace finding: related %+v, want %+v", ns.Related, wantNS)
	}
	wantPatch := []rules.Related{{Pos: patch.Pos, Message: "value set by the patch listed at " + moved + "/app/overlays/staging/kustomization.yaml:6"}}
	if !reflect.DeepEqual(patch.Related, wantPatch) {
		t.Errorf("patched finding: related %+v, want %+v", patch.Related, wantPatch)
	}
	for _, f := range got {
		if strings.Contains(f.Message, " set by ") {
			t.Errorf("message says what related information says: %s", f.Message)
		}
	}
}

func TestLint_KustomizeOffReadsFilesAsWritten(t *testing.T) {
	res := run(t, lint.KustomizeOff, moved)
	// Raw, the base is fine and the patch reads as a whole Deployment.
	checkFindings(t, res.Findings, []want{
		{moved + "/app/overlays/staging/account-name.yaml:9:7", `runs as ServiceAccount "web-staging"`},
	})
}

func TestLint_BaseNamedAloneIsBuiltAlone(t *testing.T) {
	// A base given on its own is the root of its input: built standalone.
	res := run(t, lint.KustomizeAuto, moved+"/app/base", moved+"/accounts")
	checkFindings(t, res.Findings, nil)
	if res.Objects != 2 {
		t.Errorf("objects = %d, want 2 (the built Deployment and the raw account)", res.Objects)
	}
}

// corpusTrees are the kustomize trees of the corpus, with the build errors
// that are real: files their kustomizations name that upstream generates
// at build time or that the snapshot lacks.
var corpusTrees = []struct {
	dir    string
	errors []string
}{
	{"kubernetes-sigs__kustomize/examples", []string{
		`transformerconfigs/images/kustomization.yaml:5:3: kustomization lists configurations "kustomizeconfig/mykind.yaml", which does not exist`,
	}},
	{"kubernetes-sigs__metrics-server", nil},
	{"open-policy-agent__gatekeeper/config", []string{
		`overlays/dev/kustomization.yaml:8:3: kustomization lists patchesStrategicMerge "manager_image_patch.yaml", which does not exist`,
	}},
	{"open-policy-agent__gatekeeper/config/default", nil},
	{"GoogleCloudPlatform__microservices-demo", nil},
	{"kubernetes__ingress-nginx/deploy", nil},
}

func TestLint_CorpusKustomizeTrees(t *testing.T) {
	corpus := rulestest.Corpus(t)
	for _, tree := range corpusTrees {
		t.Run(tree.dir, func(t *testing.T) {
			dir := filepath.Join(corpus, tree.dir)
			res := run(t, lint.KustomizeAuto, dir)
			if len(res.Errors) != len(tree.errors) {
				t.Errorf("got %d errors, want %d: %v", len(res.Errors), len(tree.errors), res.Errors)
			}
			for i, e := range res.Errors {
				if i < len(tree.errors) &&
					!strings.Contains(e.Pos.String()+": "+e.Message, tree.errors[i]) {
					t.Errorf("error %d = %v, want %s", i, e, tree.errors[i])
				}
			}
			for _, f := range res.Findings {
				if f.Rule == "missing-service-account" {
					t.Errorf("false positive on correct build output: %s: %s", f.Pos, f.Message)
				}
			}
			checkLocatedInSources(t, res.Bundle)
		})
	}
}

// checkLocatedInSources asserts that built objects are located in the
// files people edit: every account reference's position holds the text
// serviceAccountName in that file.
func checkLocatedInSources(t *testing.T, b *model.Bundle) {
	t.Helper()
	built := 0
	for _, pod := range b.Pods {
		o := pod.Object
		if o.Built == nil {
			continue
		}
		built++
		if info, err := os.Stat(o.Source.Path); err != nil || info.IsDir() {
			t.Errorf("%s: source %s is not a file", o, o.Source.Path)
			continue
		}
		if !pod.ServiceAccountName.Present() {
			continue
		}
		pos := o.Pos(pod.ServiceAccountName.Key)
		data, err := os.ReadFile(pos.File)
		if err != nil {
			t.Errorf("%s: %v", o, err)
			continue
		}
		src := model.NewSource("", data)
		line := string(data[src.LineStart(pos.Line):src.LineEnd(pos.Line)])
		if !strings.Contains(line[min(pos.Col-1, len(line)):], "serviceAccountName") {
			t.Errorf("%s: serviceAccountName located at %s, which holds %q", o, pos, line)
		}
	}
	if built == 0 {
		t.Errorf("no built pod specs: the kustomizations were not built")
	}
}

func TestLint_GatekeeperNamespaceComesFromKustomization(t *testing.T) {
	corpus := rulestest.Corpus(t)
	// Raw, manager.yaml runs in namespace system as an account that only
	// the build names: the false positive this package removes.
	raw := run(t, lint.KustomizeOff, filepath.Join(corpus, "open-policy-agent__gatekeeper/config"))
	if !hasRule(raw.Findings, "missing-service-account") {
		t.Fatalf("raw reading no longer shows the false positive; pick another case")
	}
	res := run(t, lint.KustomizeAuto, filepath.Join(corpus, "open-policy-agent__gatekeeper/config/default"))
	if hasRule(res.Findings, "missing-service-account") {
		t.Errorf("false missing-service-account after the build: %v", res.Findings)
	}
	var found bool
	for _, pod := range res.Bundle.Pods {
		o := pod.Object
		if o.Name != "gatekeeper-audit" {
			continue
		}
		found = true
		if o.Namespace != "gatekeeper-system" || !strings.HasSuffix(o.Source.Path, "config/manager/manager.yaml") {
			t.Errorf("audit: namespace %q source %q", o.Namespace, o.Source.Path)
		}
		if n := o.Built.NamespaceNote; !strings.Contains(n.Message, "config/default/kustomization.yaml:2") ||
			!strings.HasSuffix(n.Pos.File, "config/default/kustomization.yaml") || n.Pos.Line != 2 {
			t.Errorf("namespace note = %+v", n)
		}
		if p := o.Pos(pod.ServiceAccountName.Key); !strings.HasSuffix(p.String(), "config/manager/manager.yaml:215:7") {
			t.Errorf("serviceAccountName at %s", p)
		}
	}
	for _, pod := range res.Bundle.Pods {
		o := pod.Object
		if o.Name != "gatekeeper-controller-manager" {
			continue
		}
		// manager.yaml says "admin"; the build renames it with the account.
		p := o.Pos(pod.ServiceAccountName.Key)
		note := o.Built.Notes[p]
		if !strings.HasSuffix(p.String(), "config/manager/manager.yaml:47:7") ||
			!strings.HasPrefix(note, `"admin" in the source becomes "gatekeeper-admin": kustomize renames references with the object (namePrefix "gatekeeper-" set by `) ||
			!strings.HasSuffix(note, "config/default/kustomization.yaml:9)") {
			t.Errorf("controller-manager serviceAccountName at %s, note %q", p, note)
		}
	}
	if !found {
		t.Errorf("no Deployment gatekeeper-audit in the build")
	}
}

func hasRule(fs []rules.Finding, id string) bool {
	for _, f := range fs {
		if f.Rule == id {
			return true
		}
	}
	return false
}

// writeTree writes files (path → content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccountName: nobody
  containers: [{name: c, image: nginx}]
`

func TestBuild_ProblemsAreLocatedErrorsOrNotices(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		errors  []string // "line:col: message part"
		notices []string
		raw     bool // the pod is read as written (and found)
	}{
		{
			name:   "MissingResourceIsAnErrorAtItsEntry",
			files:  map[string]string{"kustomization.yaml": "resources:\n- pod.yaml\n- gone.yaml\n", "pod.yaml": pod},
			errors: []string{`kustomization.yaml:3:3: kustomization lists resources "gone.yaml", which does not exist`},
		},
		{
			name: "PatchMatchingNothingIsAnErrorAtThePatch",
			files: map[string]string{
				"kustomization.yaml": "resources:\n- pod.yaml\npatches:\n- path: patch.yaml\n",
				"pod.yaml":           pod,
				"patch.yaml":         "apiVersion: v1\nkind: Pod\nmetadata: {name: other}\nspec: {serviceAccountName: x}\n",
			},
			errors: []string{`kustomization.yaml:4:9: kustomize build failed: no resource matches strategic merge patch "Pod.v1.[noGrp]/other.[noNs]"`},
		},
		{
			name:   "InvalidKustomizationIsAnError",
			files:  map[string]string{"kustomization.yaml": "resources: [pod.yaml\n", "pod.yaml": pod},
			errors: []string{`kustomization.yaml:2: invalid kustomization: did not find expected`},
			// The directory belongs to the failed build: its error stands
			// for the files, which are not read as written.
		},
		{
			name:    "RemoteResourceIsNotBuilt",
			files:   map[string]string{"kustomization.yaml": "resources:\n- pod.yaml\n- https://example.com/x.yaml\n", "pod.yaml": pod},
			notices: []string{`kustomization.yaml:3:3: kustomization . not built: needs network (resources "https://example.com/x.yaml")`},
			raw:     true,
		},
		{
			name:    "RemoteBaseWithoutSchemeIsNotBuilt",
			files:   map[string]string{"kustomization.yaml": "resources:\n- github.com/org/repo//deploy?ref=v1\n- pod.yaml\n", "pod.yaml": pod},
			notices: []string{`kustomization.yaml:2:3: kustomization . not built: needs network`},
			raw:     true,
		},
		{
			// The chart is not on disk: kustomize would pull it.
			name:    "HelmChartToPullIsNotBuilt",
			files:   map[string]string{"kustomization.yaml": "resources:\n- pod.yaml\nhelmCharts:\n- name: x\n  repo: https://charts.example.com\n", "pod.yaml": pod},
			notices: []string{`kustomization.yaml:5:9: kustomization . not built: needs network (helmCharts pulls https://charts.example.com/x); its files are read as written`},
			raw:     true,
		},
		{
			name:   "DirectoryWithoutKustomizationIsAnErrorAtItsEntry",
			files:  map[string]string{"kustomization.yaml": "resources:\n- pod.yaml\n- plain\n", "pod.yaml": pod, "plain/x.yaml": pod},
			errors: []string{`kustomization.yaml:3:3: kustomization lists resources "plain", a directory without kustomization.yaml`},
		},
		{
			// kustomize would expand 10^9 nodes and never finish.
			name:   "AliasBombIsNotBuilt",
			files:  map[string]string{"kustomization.yaml": "resources: [pod.yaml, bomb.yaml]\n", "pod.yaml": pod, "bomb.yaml": aliasBomb()},
			errors: []string{`bomb.yaml:7: YAML aliases expand to more than 1048576 nodes; kustomize would expand every one, so this kustomization is not built`},
		},
		{
			name:   "ExecPluginIsAnErrorWithoutEnableExec",
			files:  map[string]string{"kustomization.yaml": "resources:\n- pod.yaml\ntransformers:\n- plugin.yaml\n", "pod.yaml": pod, "plugin.yaml": "apiVersion: example.com/v1\nkind: Anything\nmetadata:\n  name: x\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./fn\n"},
			errors: []string{`kustomize build failed:`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			t.Chdir(dir)
			res := run(t, lint.KustomizeAuto, ".")
			check := func(what string, got []model.Error, want []string) {
				if len(got) != len(want) {
					t.Fatalf("%s = %v, want %d", what, got, len(want))
				}
				for i := range want {
					if s := got[i].Error(); !strings.Contains(s, want[i]) {
						t.Errorf("%s %d = %s\nwant it to contain %s", what, i, s, want[i])
					}
				}
			}
			check("errors", res.Errors, tt.errors)
			check("notices", res.Notices, tt.notices)
			if got := hasRule(res.Findings, "missing-service-account"); got != tt.raw {
				t.Errorf("pod found = %v, want %v (read raw)", got, tt.raw)
			}
		})
	}
}

func TestLint_ValuesSetByPatchesAreLocatedInThem(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base/kustomization.yaml": "resources: [app.yaml]\n",
		"base/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  template:
    spec:
      serviceAccountName: sa
      containers: [{name: c, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: c}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx}]
`,
		"kustomization.yaml": `resources: [base]
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: a
    spec:
      template:
        spec:
          serviceAccountName: inline-sa
- path: ops.yaml
  target: {kind: Deployment, name: b}
- target: {kind: Job}
  patch: |-
    - op: add
      path: /spec/template/spec
      value:
        serviceAccountName: job-sa
`,
		"ops.yaml": "- op: add\n  path: /spec/template/spec/serviceAccountName\n  value: ops-sa\n",
	})
	t.Chdir(dir)
	res := run(t, lint.KustomizeAuto, ".")
	checkFindings(t, res.Findings, []want{
		// A strategic-merge patch inline in the kustomization.
		{"kustomization.yaml:11:11", `Deployment default/a runs as ServiceAccount "inline-sa", which is not defined in namespace default; ` +
			`the API server will reject every pod the Deployment controller creates (FailedCreate) (value set by the patch listed at kustomization.yaml:3)`},
		// A JSON 6902 patch inline, adding a mapping that holds the field.
		{"kustomization.yaml:19:9", `Job default/c runs as ServiceAccount "job-sa", which is not defined in namespace default; ` +
			`the API server will reject every pod the Job controller creates (FailedCreate) (value set by the patch listed at kustomization.yaml:15)`},
		// A JSON 6902 patch file: the operation's value.
		{"ops.yaml:3:3", `Deployment default/b runs as ServiceAccount "ops-sa", which is not defined in namespace default; ` +
			`the API server will reject every pod the Deployment controller creates (FailedCreate) (value set by the patch listed at kustomization.yaml:12)`},
	})
}

func TestBuild_BasesOfAFailedOverlayAreBuiltOnTheirOwn(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base/kustomization.yaml":    "namespace: b\nresources: [pod.yaml]\n",
		"base/pod.yaml":              pod,
		"overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: gone.yaml\n",
	})
	t.Chdir(dir)
	res := run(t, lint.KustomizeAuto, ".")
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), `overlay/kustomization.yaml:3:9: kustomization lists patches "gone.yaml", which does not exist`) {
		t.Errorf("errors = %v", res.Errors)
	}
	if len(res.Notices) != 1 || res.Notices[0].Error() != "overlay/kustomization.yaml:1:1: kustomization overlay not built; its bases base are linted on their own" {
		t.Errorf("notices = %v", res.Notices)
	}
	checkFindings(t, res.Findings, []want{{"base/pod.yaml:5:3", `Pod b/p runs as ServiceAccount "nobody"`}})
}

func TestBuild_FluxKustomizationIsNotBuilt(t *testing.T) {
	// Its path is in the input: one that is not is a notice (lint/gitops).
	dir := writeTree(t, map[string]string{
		"clusters/kustomization.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {path: ./clusters}\n",
		"clusters/pod.yaml":           pod,
	})
	t.Chdir(dir)
	res := run(t, lint.KustomizeAuto, ".")
	if len(res.Errors) > 0 || len(res.Notices) > 0 {
		t.Errorf("errors %v, notices %v", res.Errors, res.Notices)
	}
	// Read as written: the pod beside it is linted.
	checkFindings(t, res.Findings, []want{{"clusters/pod.yaml:5:3", `Pod default/p runs as ServiceAccount "nobody"`}})
}

func TestBuild_DirectoriesUsedAsBasesOrComponentsAreNotBuiltAlone(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base/kustomization.yaml":    "resources: [pod.yaml]\n",
		"base/pod.yaml":              pod,
		"comp/kustomization.yaml":    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: c-\n",
		"overlay/kustomization.yaml": "resources: [../base]\ncomponents: [../comp]\nnamespace: o\n",
	})
	res := kustomize.Build([]string{
		filepath.Join(dir, "base"), filepath.Join(dir, "comp"), filepath.Join(dir, "overlay"),
	}, kustomize.Options{})
	if len(res.Roots) != 1 || !strings.HasSuffix(res.Roots[0], "overlay") {
		t.Errorf("roots = %v, want the overlay only", res.Roots)
	}
	if !res.Consumes(filepath.Join(dir, "base", "pod.yaml")) {
		t.Errorf("base/pod.yaml is read again raw")
	}
	var objs []*model.Object
	for _, f := range res.Files {
		objs = append(objs, f.Objects...)
	}
	if len(objs) != 1 || objs[0].String() != "Pod o/c-p" {
		t.Fatalf("objects = %v, want Pod o/c-p", objs)
	}
}

func TestEditBlocked_OnlyTheSourceThatOwnsAFieldIsEdited(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base/kustomization.yaml": "resources: [app.yaml]\nsecretGenerator:\n- name: creds\n  literals: [k=v]\n",
		"base/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccount: web
      containers: [{name: web, image: nginx}]
`,
		"prod/kustomization.yaml": "namespace: prod\nresources: [../base]\npatches:\n- path: node.yaml\n",
		"prod/node.yaml":          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      nodeSelector: {disk: ssd}\n",
	})
	res := kustomize.Build([]string{filepath.Join(dir, "base"), filepath.Join(dir, "prod")}, kustomize.Options{})
	var web, secret *model.Object
	for _, f := range res.Files {
		if len(f.Errors) > 0 {
			t.Fatalf("errors: %v", f.Errors)
		}
		for _, o := range f.Objects {
			switch o.Kind {
			case "Deployment":
				web = o
			case "Secret":
				secret = o
			}
		}
	}
	if web == nil || secret == nil {
		t.Fatalf("built objects missing: web %v, secret %v", web, secret)
	}
	src := web.Source
	line := func(n int) (int, int) { return src.LineStart(n), src.LineEnd(n) }
	tests := []struct {
		name       string
		src        *model.Source
		start, end int
		want       string // "" allowed, else part of the reason
	}{
		{"FieldAsWrittenMayBeReplaced", src, 0, 0, ""},
		{"NamespaceAddedByTheBuildBlocksInsertingIntoMetadata", src, 0, 0, "adds to or removes from the fields at"},
		{"KeyLineOfAGrownMappingIsNotEdited", src, 0, 0, "changes"},
		{"InsertingIntoAPatchedPodSpecIsBlocked", src, src.LineEnd(9), src.LineEnd(9), "adds to or removes from"},
		{"OtherFilesAreNotEdited", &model.Source{Path: "other.yaml"}, 0, 0, "the fix would edit other.yaml"},
		{"OutsideTheDocumentIsNotEdited", src, len(src.Bytes()), len(src.Bytes()), "outside the document"},
	}
	tests[0].start, tests[0].end = line(8)                                // serviceAccount: web
	tests[1].start, tests[1].end = src.LineEnd(4), src.LineEnd(4)         // after name: web
	tests[2].start, tests[2].end = line(3)                                // metadata:
	tests[5].start, tests[5].end = len(src.Bytes())+1, len(src.Bytes())+1 // past the end
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := web.EditBlocked(tt.src, tt.start, tt.end)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("EditBlocked = %q, want %q", got, tt.want)
			}
		})
	}
	if got := secret.EditBlocked(secret.Source, 0, 0); !strings.Contains(got, "is generated by") {
		t.Errorf("generated Secret: EditBlocked = %q, want it refused", got)
	}
	if p := secret.Pos(nil); !strings.HasSuffix(p.String(), "base/kustomization.yaml:3:3") {
		t.Errorf("generated Secret located at %s, want its secretGenerator entry", p)
	}
}

// aliasBomb is a ConfigMap whose aliases expand to 10^9 nodes.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		refs := strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9) + fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, refs)
	}
	return b.String()
}
