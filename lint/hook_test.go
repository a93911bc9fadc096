package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salint/salint/rules/rulestest"
)

// hookReport is everything a hook run reports, as comparable text:
// findings with their views, related places, fix or why none, and the
// input errors and notices.
func hookReport(res *Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s %s %s: %s [views %s]\n", f.Pos, f.Severity, f.Rule, f.Text(), strings.Join(f.Views, ","))
		if f.Fix != nil {
			for _, e := range f.Fix.Edits {
				fmt.Fprintf(&b, "  fix %s %d-%d %q\n", e.Source.Path, e.Start, e.End, e.New)
			}
		}
	}
	for _, s := range res.Silenced {
		fmt.Fprintf(&b, "silenced %s %s [views %s]\n", s.Pos, s.Rule, strings.Join(s.Views, ","))
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "error %s\n", e.Error())
	}
	for _, e := range res.Notices {
		fmt.Fprintf(&b, "notice %s\n", e.Error())
	}
	return b.String()
}

// TestHook_ReportsWhatBuildingEverythingReports compares a hook run
// (salint lint --root . CHANGED), which builds only the roots its
// verdicts need, with the same run building every root, on generated
// trees: the reports must be the same, and the run must build less
// exactly where it can.
func TestHook_ReportsWhatBuildingEverythingReports(t *testing.T) {
	repo := unitsRepo{bases: 3, envs: 3}
	// addons shares no file with the overlays of b01 but writes into
	// their namespace: its own worker account, different from e0's, so
	// it is an alternative to that overlay, judged with b01's overlays.
	addons := map[string]string{
		"addons/kustomization.yaml": "namespace: app01\nresources: [worker.yaml]\n",
		"addons/worker.yaml":        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app01-worker}\n",
	}
	// canary defines the account b01's last overlay lacks, and nothing
	// else: an alternative to none, it joins every view.
	canary := map[string]string{
		"canary/kustomization.yaml": "namespace: app01\nresources: [sa.yaml]\n",
		"canary/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app01-canary}\n",
	}
	// tools binds an account of app02 from its own namespace: b02's
	// overlays are judged with it, through the binding's subject.
	tools := map[string]string{
		"tools/kustomization.yaml": "namespace: tools\nresources: [rbac.yaml]\n",
		"tools/rbac.yaml":          "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: read}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: app02-unused, namespace: app02}\n",
	}
	// A JSON patch may move anything anywhere (here, the account b02's
	// last overlay lacks into its namespace): every root is judged.
	jsonPatch := map[string]string{
		"odd/kustomization.yaml": "namespace: odd\nresources: [sa.yaml]\npatches:\n- path: patch.yaml\n  target: {kind: ServiceAccount}\n",
		"odd/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app02-canary}\n",
		"odd/patch.yaml":         "- {op: replace, path: /metadata/namespace, value: app02}\n",
	}
	// Overlays of one base in two namespaces: the pairs are views apart
	// but share the base's files, so an edit to the base is judged in
	// all four (an edit for z1 would also change a1's view, named first).
	split := map[string]string{
		"bases/split/kustomization.yaml": "resources: [web.yaml]\n",
		"bases/split/web.yaml":           "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: solo}\nspec:\n  template:\n    spec:\n      serviceAccountName: solo\n      serviceAccount: solo\n      containers: [{name: s, image: nginx:1.27}]\n",
	}
	for _, o := range []string{"a1", "a2", "z1", "z2"} {
		split["overlays/split-"+o+"/kustomization.yaml"] = "namespace: n" + o[:1] + "\nresources: [../../bases/split, sa.yaml]\n"
		split["overlays/split-"+o+"/sa.yaml"] = account("solo", "")
	}
	// A missing account's finding says which other namespaces define the
	// name: elsewhere defines the account b01's last overlay lacks, in a
	// namespace of its own.
	elsewhere := map[string]string{
		"elsewhere/kustomization.yaml": "namespace: other\nresources: [sa.yaml]\n",
		"elsewhere/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app01-canary}\n",
	}
	elsewherePlain := map[string]string{"elsewhere.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app01-canary, namespace: other}\n"}
	// A pull Secret anywhere in a view says that its registry needs
	// credentials, for every pod of the view.
	pull := map[string]string{
		"registry/kustomization.yaml": "namespace: registry\nresources: [secret.yaml]\n",
		"registry/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata: {name: hub}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsiYXV0aCI6ImRUcHcifX19}\n",
	}
	pullPlain := map[string]string{"hub.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: hub, namespace: registry}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsiYXV0aCI6ImRUcHcifX19}\n"}
	// GitOps objects form the views (rule 2), in a plain file or in a
	// root's build.
	flux := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: b01, namespace: flux-system}\nspec: {path: ./" + repo.overlay(1, 0) + ", sourceRef: {kind: GitRepository, name: repo}}\n"
	fluxPlain := map[string]string{"clusters/prod/b01.yaml": flux}
	fluxBuilt := map[string]string{
		"clusters/prod/kustomization.yaml": "resources: [b01.yaml]\n",
		"clusters/prod/b01.yaml":           flux,
	}
	// A plain manifest in the overlays' namespace.
	plain := map[string]string{
		"plain/job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: app00}\nspec:\n  template:\n    spec:\n      serviceAccountName: app00-worker\n      restartPolicy: Never\n      containers: [{name: j, image: busybox:1.36}]\n",
	}
	tests := []struct {
		name    string
		extra   map[string]string
		changed []string
		partial bool // roots are left out
		views   []string
	}{
		{"a base file", nil, []string{repo.base(1) + "/cron.yaml"}, true, nil},
		{"a base's kustomization", nil, []string{repo.base(1) + "/kustomization.yaml"}, true, nil},
		{"an overlay's patch", nil, []string{repo.overlay(1, 2) + "/patch.yaml"}, true, nil},
		{"an overlay's kustomization", nil, []string{repo.overlay(1, 1) + "/kustomization.yaml"}, true, nil},
		{"an overlay's own account", nil, []string{repo.overlay(2, 0) + "/worker.yaml"}, false, nil}, // its missing "regcred" is named in other bases' overlays
		{"files of two bases", nil, []string{repo.base(0) + "/deployment.yaml", repo.overlay(2, 1) + "/patch.yaml"}, true, nil},
		{"a directory", nil, []string{repo.base(1)}, true, nil},
		{"a root that shares no base", nil, []string{"infra/prometheus.yaml"}, false, nil},
		{"a base, with an alternative root in its namespace", addons, []string{repo.base(1)}, true, nil},
		{"a base, with a root in its namespace that joins every view", canary, []string{repo.base(1)}, false, nil},
		{"another base, with a root in another's namespace", canary, []string{repo.base(0) + "/cron.yaml"}, true, nil},
		{"a base, with a binding to its namespace", tools, []string{repo.base(2) + "/sa.yaml", repo.base(2) + "/cron.yaml"}, false, nil},
		{"a base, with a JSON patch elsewhere", jsonPatch, []string{repo.base(2)}, false, nil},
		{"a base, with a plain file in its namespace", plain, []string{repo.base(0) + "/sa.yaml"}, false, nil},
		{"an overlay, with a sibling in another namespace", split, []string{"overlays/split-z1/kustomization.yaml"}, true, nil},
		{"a base, with a Flux Kustomization", fluxPlain, []string{repo.base(2)}, false, nil},
		{"a base, with a Flux Kustomization a root builds", fluxBuilt, []string{repo.base(2)}, false, nil},
		{"an overlay, with its missing account's name in another namespace", elsewhere, []string{repo.overlay(1, 2) + "/patch.yaml"}, false, nil},
		{"an overlay, with its missing account's name in another namespace, plain", elsewherePlain, []string{repo.overlay(1, 2) + "/patch.yaml"}, false, nil},
		{"an overlay, with another missing account's name in another namespace", elsewhere, []string{repo.overlay(2, 2) + "/patch.yaml"}, true, nil},
		{"a base, with a pull Secret elsewhere", pull, []string{repo.base(1) + "/deployment.yaml"}, false, nil},
		{"a base, with a plain pull Secret elsewhere", pullPlain, []string{repo.base(1) + "/deployment.yaml"}, false, nil},
		{"a base, judged in --view named views", nil, []string{repo.base(1) + "/cron.yaml"}, false, []string{repo.overlay(0, 1), repo.overlay(1, 1)}},
		{"a plain file", plain, []string{"plain/job.yaml"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			repo.write(t, dir)
			rulestest.WriteFiles(t, dir, tt.extra)
			t.Chdir(dir)
			opts := Options{Input: Input{Paths: append(append([]string{}, tt.changed...), "."), Prune: true, ReportOnly: true}, Only: tt.changed, Enable: []string{"all"}, OnlyViews: tt.views}
			active, err := opts.ActiveRules()
			if err != nil {
				t.Fatal(err)
			}
			everything := Check(Load(opts.Input), opts, active)
			hook, err := Run(opts)
			if fmt.Sprint(err) != fmt.Sprint(everything.viewErr) {
				t.Fatalf("hook run: %v; building everything: %v", err, everything.viewErr)
			}
			want, got := hookReport(everything), hookReport(hook)
			if got != want {
				t.Errorf("hook run reports\n%s\nbuilding everything reports\n%s", got, want)
			}
			if want == "" {
				t.Error("nothing reported: the case compares nothing")
			}
			if partial := hook.Objects < everything.Objects; partial != tt.partial {
				t.Errorf("hook run read %d objects, building everything %d: want partial %v", hook.Objects, everything.Objects, tt.partial)
			}
		})
	}
}
