package lint

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func fluxApps(spec string) string {
	return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n" + spec + "\n"
}

func argoApp(spec string) string {
	return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n" + spec + "\n"
}

// toolsApp syncs tools/ to the destination argoApp names.
var toolsApp = strings.Replace(argoApp("  source: {path: tools}\n  destination: {name: prod, namespace: shop}"), "name: web", "name: tools", 1)

// prefixedUnit is an Argo CD Application syncing web/ (a kustomization,
// or a plain directory) with namePrefix prod-: a Deployment running as
// api, that account and a binding of it; and one syncing tools/, whose
// Deployments run as api and prod-api.
func prefixedUnit(runsAsAPI string, kustomization bool) map[string]string {
	files := map[string]string{
		"argocd/web.yaml":   argoApp("  source: {path: web, kustomize: {namePrefix: prod-}}\n  destination: {name: prod, namespace: shop}"),
		"argocd/tools.yaml": toolsApp,
		"web/web.yaml":      runsAsAPI,
		"web/sa.yaml":       account("api", ""),
		"web/rb.yaml":       bindingOf("api"),
		"tools/old.yaml":    named(runsAsAPI, "old"),
		"tools/new.yaml":    named(web("serviceAccountName: prod-api\n      containers: [{name: web, image: nginx}]"), "new"),
	}
	if kustomization {
		files["web/kustomization.yaml"] = "resources: [web.yaml, sa.yaml, rb.yaml]\n"
	}
	return files
}

// named is Deployment doc named name.
func named(doc, name string) string {
	return strings.Replace(doc, "name: web\n", "name: "+name+"\n", 1)
}

func bindingOf(account string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: view}\nsubjects:\n- {kind: ServiceAccount, name: " + account + "}\nroleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}\n"
}

func inNamespace(doc, ns string) string {
	return doc[:len(doc)-len("\n")] + "\n" + "  namespace: " + ns + "\n"
}

// TestGitOpsViews states the verdicts GitOps objects' views give: what
// the tool does to the objects it applies, and that nothing is lost.
func TestGitOpsViews(t *testing.T) {
	runsAsAPI := web("serviceAccountName: api\n      containers: [{name: web, image: nginx}]")
	tests := []struct {
		name  string
		files map[string]string
		views []string // name@origin
		want  []string // rule@file:line views
	}{
		{
			name: "ArgoDestinationNamespaceIsTheDefault",
			files: map[string]string{
				"argocd/web.yaml": argoApp("  source: {path: web}\n  destination: {name: prod, namespace: shop}"),
				"web/web.yaml":    runsAsAPI,
				"web/sa.yaml":     inNamespace(account("api", ""), "shop"),
			},
			views: []string{"prod@Argo CD destination prod", "unsynced@synced by no GitOps object of the input"},
		},
		{
			name: "ArgoDestinationNamespaceLeavesAWrittenOne",
			files: map[string]string{
				"argocd/web.yaml": argoApp("  source: {path: web}\n  destination: {name: prod, namespace: shop}"),
				"web/web.yaml":    runsAsAPI,
				"web/sa.yaml":     inNamespace(account("api", ""), "other"),
			},
			views: []string{"prod@Argo CD destination prod", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"unused-service-account@web/sa.yaml:4 prod", "missing-service-account@web/web.yaml:8 prod"},
		},
		{
			name: "FluxTargetNamespaceOverridesAWrittenOne",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./web\n  targetNamespace: shop"),
				"web/web.yaml":          inNamespace(runsAsAPI, "x"),
				"web/sa.yaml":           inNamespace(account("api", ""), "y"),
			},
			// No flux-system sync: the Kustomization itself is not synced.
			views: []string{"clusters/eu@Flux cluster directory clusters/eu", "unsynced@synced by no GitOps object of the input"},
		},
		{
			name: "FluxVariablesAreSubstitutedAndAnUnresolvedOneIsNeverMissing",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./web\n  postBuild: {substitute: {account: api}}"),
				"web/web.yaml":          web("serviceAccountName: ${account}\n      containers: [{name: web, image: nginx}]"),
				"web/job.yaml":          web("serviceAccountName: ${elsewhere}\n      containers: [{name: web, image: nginx}]"),
			},
			views: []string{"clusters/eu@Flux cluster directory clusters/eu", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"missing-service-account@web/web.yaml:8 clusters/eu"},
		},
		{
			// Flux writes the object as YAML, substitutes in that text and
			// reads it back: ${var} takes the type of its value whether
			// the source quoted it or not (the boolean false; YAML 1.1's
			// off too; null, unset, for ""); only a value the emitter
			// quotes stays a string, which the API server refuses.
			name: "FluxVariablesAreSubstitutedInTheText",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./web\n  postBuild: {substitute: {automount: \"false\", off: \"off\", empty: \"\"}}"),
				"web/sa.yaml": account("api", "automountServiceAccountToken: ${automount}\n") + "---\n" +
					account("quoted", "automountServiceAccountToken: \"${automount}\"\n") + "---\n" +
					account("unset", "automountServiceAccountToken: ${empty}\n") + "---\n" +
					account("yaml11", "automountServiceAccountToken: ${off}\n") + "---\n" +
					account("colon", "automountServiceAccountToken: \"x: ${automount}\"\n"),
				"web/web.yaml": web("serviceAccountName: api\n      containers: [{name: web, image: nginx}]") + "---\n" +
					named(web("serviceAccountName: quoted\n      containers: [{name: web, image: nginx}]"), "quoted") + "---\n" +
					named(web("serviceAccountName: unset\n      containers: [{name: web, image: nginx}]"), "unset") + "---\n" +
					named(web("serviceAccountName: yaml11\n      containers: [{name: web, image: nginx}]"), "yaml11") + "---\n" +
					named(web("serviceAccountName: colon\n      containers: [{name: web, image: nginx}]"), "colon"),
			},
			views: []string{"clusters/eu@Flux cluster directory clusters/eu", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"automount-conflict@web/sa.yaml:29 clusters/eu"},
		},
		{
			name: "WhatNoneSyncsIsJudgedInTheUnsyncedView",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./web"),
				"web/sa.yaml":           account("api", ""),
				"tools/web.yaml":        runsAsAPI,
			},
			views: []string{"clusters/eu@Flux cluster directory clusters/eu", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"missing-service-account@tools/web.yaml:8 unsynced", "unused-service-account@web/sa.yaml:4 clusters/eu"},
		},
		{
			// Argo CD's namePrefix renames the unit's objects and its
			// references to them: another unit's "api" is now missing,
			// its "prod-api" found.
			name:  "ArgoNamePrefixRenamesAKustomizationsObjects",
			files: prefixedUnit(runsAsAPI, true),
			views: []string{"prod@Argo CD destination prod", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"missing-service-account@tools/old.yaml:8 prod"},
		},
		{
			name:  "ArgoNamePrefixLeavesAPlainDirectory",
			files: prefixedUnit(runsAsAPI, false),
			views: []string{"prod@Argo CD destination prod", "unsynced@synced by no GitOps object of the input"},
			want:  []string{"missing-service-account@tools/new.yaml:8 prod"},
		},
		{
			// kustomize gives a subject naming the unit's account that
			// account's namespace: the account is used.
			name: "FluxTargetNamespaceGoesToBindingSubjects",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./web\n  targetNamespace: shop"),
				"web/sa.yaml":           inNamespace(account("api", ""), "app"),
				"web/rb.yaml":           strings.Replace(bindingOf("api"), "name: api}", "name: api, namespace: app}", 1),
			},
			views: []string{"clusters/eu@Flux cluster directory clusters/eu", "unsynced@synced by no GitOps object of the input"},
		},
		{
			name: "WithoutGitOpsObjectsViewsAreInferred",
			files: map[string]string{
				"web/web.yaml": runsAsAPI,
				"web/sa.yaml":  account("api", ""),
			},
			views: []string{"@inferred"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			got := findingsIn(t, dir)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings\n got %q\nwant %q", got, tt.want)
			}
			// A view's copies of pruned objects read them whole.
			if pruned := findingsWith(t, Options{Input: Input{Paths: []string{"."}, Prune: true}}); !slices.Equal(pruned, tt.want) {
				t.Errorf("findings of a pruned read\n got %q\nwant %q", pruned, tt.want)
			}
			res, err := Run(Options{Input: Input{Paths: []string{"."}}})
			if err != nil {
				t.Fatal(err)
			}
			var views []string
			for _, v := range res.Views {
				views = append(views, v.Name+"@"+v.Origin)
			}
			if !slices.Equal(views, tt.views) {
				t.Errorf("views %q, want %q", views, tt.views)
			}
		})
	}
}

// TestGitOpsViews_NoFixToARenamedValue: a fix that would edit a value
// Argo CD's namePrefix renames (the file holds the unprefixed name) is
// left to the user, and says which Application renames it; the message
// names the objects as the cluster receives them.
func TestGitOpsViews_NoFixToARenamedValue(t *testing.T) {
	const pullSecret = "apiVersion: v1\nkind: Secret\nmetadata: {name: %s}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: e30=}\n---\n"
	t.Chdir(writeFiles(t, map[string]string{
		"argocd/web.yaml":        argoApp("  source: {path: web, kustomize: {namePrefix: prod-}}\n  destination: {name: prod, namespace: shop}"),
		"web/kustomization.yaml": "resources: [web.yaml, sa.yaml, secrets.yaml]\n",
		"web/web.yaml":           web("serviceAccountName: api\n      imagePullSecrets: [{name: own}]\n      containers: [{name: web, image: nginx}]"),
		"web/sa.yaml":            account("api", "imagePullSecrets: [{name: regcred}]\n"),
		"web/secrets.yaml":       fmt.Sprintf(pullSecret, "own") + fmt.Sprintf(pullSecret, "regcred"),
	}))
	res, err := Run(Options{Input: Input{Paths: []string{"."}}})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range res.Findings {
		if f.Rule != "ignored-account-pull-secrets" {
			continue
		}
		found = true
		if f.Fix != nil || !strings.Contains(f.NoFix, "Application argocd/web (argocd/web.yaml:5:18) rewrites this value through kustomize (namePrefix prod-)") {
			t.Errorf("fix %v, NoFix %q: want none, naming the Application", f.Fix, f.NoFix)
		}
		if !strings.Contains(f.Message, `"prod-regcred"`) || !strings.Contains(f.Message, "shop/prod-web") {
			t.Errorf("message %q, want the names the cluster receives", f.Message)
		}
	}
	if !found {
		t.Errorf("no ignored-account-pull-secrets finding among %v", res.Findings)
	}
}

// webChart is the chart charts/web with the serviceAccount idiom and the
// default values values: its Deployment (serviceAccountName at line 9 of
// templates/deployment.yaml) needs image.repository.
func webChart(values string) map[string]string {
	return map[string]string{
		"charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/values.yaml": values,
		"charts/web/templates/_helpers.tpl": `{{- define "web.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ default .Release.Name .Values.serviceAccount.name }}
{{- else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}
`,
		"charts/web/templates/serviceaccount.yaml": "{{- if .Values.serviceAccount.create -}}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include \"web.serviceAccountName\" . }}\n{{- end }}\n",
		"charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      serviceAccountName: {{ include "web.serviceAccountName" . }}
      containers:
      - name: web
        image: {{ required "image.repository is required" .Values.image.repository }}
`,
	}
}

// helmReleaseOfWeb is a HelmRelease of namespace ns installing charts/web
// with image.repository in its values, after the values of a ConfigMap or
// Secret (kind, its data field) of namespace shop holding values.
func helmReleaseOfWeb(ns, kind, field, values string) string {
	return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: " + ns + "}\nspec:\n" +
		"  chart:\n    spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}\n" +
		"  valuesFrom: [{kind: " + kind + ", name: web-values}]\n  values:\n    image: {repository: nginx}\n---\n" +
		webValues(kind, field, values)
}

// webValues is the ConfigMap or Secret (kind, its data field) shop/web-values
// holding values.
func webValues(kind, field, values string) string {
	return "apiVersion: v1\nkind: " + kind + "\nmetadata: {name: web-values, namespace: shop}\n" + field + ":\n  values.yaml: |\n    " + values + "\n"
}

// releaseApart is helmReleaseOfWeb of a values object of kind without the
// object, which another unit applies.
func releaseApart(kind string) string {
	return strings.Split(helmReleaseOfWeb("shop", kind, "data", ""), "---\n")[0]
}

// fluxKustomization is fluxApps named name.
func fluxKustomization(name, spec string) string {
	return strings.Replace(fluxApps(spec), "name: apps", "name: "+name, 1)
}

// helmReleaseWithValues is helmReleaseOfWeb in namespace shop, with an
// empty ConfigMap of values and line added to its own values.
func helmReleaseWithValues(line string) string {
	return strings.Replace(helmReleaseOfWeb("shop", "ConfigMap", "data", "{}"), "    image: {repository: nginx}\n", "    image: {repository: nginx}\n    "+line+"\n", 1)
}

// TestGitOpsViews_HelmChart: an Argo CD Application whose path is a chart
// of the input renders it with its helm options, in its own view; the
// render of the chart's own values is no view's, nor are its errors.
func TestGitOpsViews_HelmChart(t *testing.T) {
	const image = "image: {repository: nginx}\n"
	app := func(name, dest, helm string) string {
		return strings.Replace(argoApp("  source:\n    path: charts/web\n    helm: "+helm+"\n  destination: {name: "+dest+", namespace: shop}"), "name: web", "name: "+name, 1)
	}
	tests := []struct {
		name  string
		files map[string]string
		want  []string // rule@file:line views
		note  string   // in the finding's message: the values that fed it
	}{
		{
			name: "ParametersOverTheChartsValues",
			files: map[string]string{
				"charts/web/values.yaml": "serviceAccount: {create: true, name: \"\"}\n" + image,
				"argocd/web.yaml":        app("web", "prod", `{parameters: [{name: serviceAccount.create, value: "false"}, {name: serviceAccount.name, value: ghost}]}`),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 prod"},
			note: "serviceAccount.create from argocd/web.yaml:7, serviceAccount.name from argocd/web.yaml:7",
		},
		{
			// Same chart, two destinations: staging's render creates the
			// account, prod's values name one from elsewhere.
			name: "TwoApplicationsTwoRendersEachInItsView",
			files: map[string]string{
				"charts/web/values.yaml":      "serviceAccount: {create: true, name: \"\"}\n" + image,
				"charts/web/values-prod.yaml": "serviceAccount:\n  create: false\n",
				"argocd/staging.yaml":         app("web-staging", "staging", "{}"),
				"argocd/prod.yaml":            app("web-prod", "prod", "{valueFiles: [values-prod.yaml], valuesObject: {serviceAccount: {name: ghost}}}"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 prod"},
			note: "serviceAccount.create from charts/web/values-prod.yaml:2, serviceAccount.name from argocd/prod.yaml:7",
		},
		{
			// The chart's own values fail (required) and run as a missing
			// account: no cluster receives that render.
			name: "TheChartsOwnRenderIsNotJudged",
			files: map[string]string{
				"charts/web/values.yaml": "serviceAccount: {create: false, name: ghost}\n",
				"argocd/web.yaml":        app("web", "prod", "{values: \"serviceAccount: {create: true}\\nimage: {repository: nginx}\"}"),
			},
		},
		{
			name: "ValuesStringAtItsLinesAndReleaseNameFromTheApplication",
			files: map[string]string{
				"charts/web/values.yaml": "serviceAccount: {create: true, name: \"\"}\n" + image,
				"argocd/web.yaml":        app("web", "prod", "\n      values: |\n        serviceAccount:\n          create: false\n          name: ghost"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 prod"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\", which is not defined in namespace shop; the API server will reject every pod the Deployment controller creates (FailedCreate) (rendered by Helm from serviceAccount.create from argocd/web.yaml:10, serviceAccount.name from argocd/web.yaml:11)",
		},
		{
			// A Flux HelmRelease applied by a Kustomization renders the
			// chart with its valuesFrom, then its values, in that
			// Kustomization's view.
			name: "FluxHelmReleaseValuesFromAConfigMap",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps"),
				"apps/web.yaml":         helmReleaseOfWeb("shop", "ConfigMap", "data", "serviceAccount: {create: false, name: ghost}"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\", which is not defined in namespace shop; the API server will reject every pod the Deployment controller creates (FailedCreate) (rendered by Helm from serviceAccount.create from ConfigMap shop/web-values, serviceAccount.name from ConfigMap shop/web-values)",
		},
		{
			// The Kustomization's targetNamespace is the HelmRelease's:
			// its values objects and release are there.
			name: "FluxHelmReleaseInTheKustomizationsTargetNamespace",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  targetNamespace: shop"),
				"apps/web.yaml":         helmReleaseOfWeb("flux", "ConfigMap", "data", "serviceAccount: {create: false, name: ghost}"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\"",
		},
		{
			// Flux substitutes its postBuild variables in the HelmRelease
			// it applies, values included.
			name: "FluxHelmReleaseValuesWithPostBuildVariables",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml":         helmReleaseWithValues(`serviceAccount: {create: false, name: "${web_account}"}`),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\"",
		},
		{
			// A plain ${create} reads as the boolean its value is (Flux
			// substitutes in the text): the chart creates no account.
			name: "FluxHelmReleaseValuesWithABooleanVariable",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {create: \"false\"}"),
				"apps/web.yaml":         helmReleaseWithValues("serviceAccount:\n      create: ${create}\n      name: ghost"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\"",
		},
		{
			// A variable the input does not define stays as written, and
			// a name holding one is never judged.
			name: "FluxHelmReleaseValuesWithAnUnresolvedVariable",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {other: x}"),
				"apps/web.yaml":         helmReleaseWithValues(`serviceAccount: {create: false, name: "${web_account}"}`),
			},
		},
		{
			// Flux substitutes its postBuild variables in every object it
			// applies: in a values ConfigMap's data too.
			name: "FluxValuesFromDataWithPostBuildVariables",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml":         helmReleaseOfWeb("shop", "ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "runs as ServiceAccount \"ghost\", which is not defined in namespace shop; the API server will reject every pod the Deployment controller creates (FailedCreate) (rendered by Helm from serviceAccount.create from ConfigMap shop/web-values, serviceAccount.name from ConfigMap shop/web-values)",
		},
		{
			// An object labelled or annotated
			// kustomize.toolkit.fluxcd.io/substitute: disabled is applied
			// as written: the name holds a variable, never judged.
			name: "FluxHelmReleaseLabelledSubstituteDisabled",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml": strings.Replace(helmReleaseWithValues(`serviceAccount: {create: false, name: "${web_account}"}`),
					"metadata: {name: web, namespace: shop}", "metadata: {name: web, namespace: shop, labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}}", 1),
			},
		},
		{
			name: "FluxValuesFromDataAnnotatedSubstituteDisabled",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml": strings.Replace(helmReleaseOfWeb("shop", "ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
					"metadata: {name: web-values, namespace: shop}", "metadata: {name: web-values, namespace: shop, annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}}", 1),
			},
		},
		{
			name: "FluxValuesFromDataWithAnUnresolvedVariable",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {other: x}"),
				"apps/web.yaml":         helmReleaseOfWeb("shop", "ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
		},
		{
			// The values ConfigMap is substituted by the Kustomization
			// that applies it, not by the HelmRelease's.
			name: "FluxValuesFromDataWithTheVariablesOfTheKustomizationApplyingIt",
			files: map[string]string{
				"clusters/eu/apps.yaml":   fluxApps("  path: ./apps"),
				"clusters/eu/values.yaml": fluxKustomization("values", "  path: ./values\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml":           releaseApart("ConfigMap"),
				"values/web.yaml":         webValues("ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: "Deployment shop/web runs as ServiceAccount \"ghost\"",
		},
		{
			name: "FluxValuesFromDataNotSubstitutedByTheHelmReleasesKustomization",
			files: map[string]string{
				"clusters/eu/apps.yaml":   fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"clusters/eu/values.yaml": fluxKustomization("values", "  path: ./values"),
				"apps/web.yaml":           releaseApart("ConfigMap"),
				"values/web.yaml":         webValues("ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
		},
		{
			// A values ConfigMap no Kustomization applies is read as
			// written: nothing substitutes it.
			name: "FluxValuesFromDataNoKustomizationApplies",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml":         releaseApart("ConfigMap"),
				"values/web.yaml":       webValues("ConfigMap", "data", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
		},
		{
			// A Secret's stringData is substituted, and what it gives is
			// never printed; its data is base64, which holds no ${var}.
			name: "FluxValuesFromSecretStringDataWithPostBuildVariables",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: leaf-secret-name}"),
				"apps/web.yaml":         helmReleaseOfWeb("shop", "Secret", "stringData", `serviceAccount: {create: false, name: "${web_account}"}`),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: `runs as ServiceAccount "<redacted>"`,
		},
		{
			name: "FluxValuesFromSecretDataIsNotSubstituted",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps\n  postBuild:\n    substitute: {web_account: ghost}"),
				"apps/web.yaml": strings.Replace(helmReleaseOfWeb("shop", "Secret", "data", "X"), "values.yaml: |\n    X",
					"values.yaml: "+base64.StdEncoding.EncodeToString([]byte(`serviceAccount: {create: false, name: "${web_account}"}`)), 1),
			},
		},
		{
			// A value read from a Secret is never printed, wherever the
			// render puts it.
			name: "FluxValuesFromASecretAreNeverPrinted",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxApps("  path: ./apps"),
				"apps/web.yaml":         helmReleaseOfWeb("shop", "Secret", "stringData", "serviceAccount:\n      create: false\n      name: leaf-secret-name"),
			},
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/eu"},
			note: `runs as ServiceAccount "<redacted>"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := webChart("")
			maps.Copy(files, tt.files)
			dir := writeFiles(t, files)
			if got := findingsIn(t, dir); !slices.Equal(got, tt.want) {
				t.Errorf("findings\n got %q\nwant %q", got, tt.want)
			}
			res, err := Run(Options{Input: Input{Paths: []string{"."}, Prune: true}})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Rule == "missing-service-account" && !strings.Contains(f.Text(), tt.note) {
					t.Errorf("finding %q, want it to name the values: %q", f.Text(), tt.note)
				}
			}
		})
	}
}

// fleetOfWeb is a Flux fleet whose clusters staging and production each
// apply their overlay of apps/base, which holds a HelmRelease of
// charts/web in namespace shop (its values: values); overlays maps an
// overlay's name to the files below it (kustomization.yaml included).
func fleetOfWeb(values string, overlays map[string]map[string]string) map[string]string {
	files := webChart("")
	files["apps/base/kustomization.yaml"] = "resources: [web.yaml]\n"
	files["apps/base/web.yaml"] = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: shop}\nspec:\n" +
		"  chart:\n    spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}\n" +
		"  values:\n    image: {repository: nginx}\n    serviceAccount: " + values + "\n"
	for cluster, own := range overlays {
		files["clusters/"+cluster+"/apps.yaml"] = fluxApps("  path: ./apps/" + cluster)
		for name, content := range own {
			files["apps/"+cluster+"/"+name] = content
		}
	}
	return files
}

// TestGitOpsViews_ValuesFromTheConfigTheClusterApplies: each cluster
// applies its own config directory outside clusters/, both defining the
// HelmRelease's values ConfigMap; each view renders with its own
// cluster's (production names a missing account, staging one it defines).
func TestGitOpsViews_ValuesFromTheConfigTheClusterApplies(t *testing.T) {
	files := webChart("")
	files["apps/web.yaml"] = releaseApart("ConfigMap")
	for c, account := range map[string]string{"production": "ghost", "staging": "api"} {
		files["clusters/"+c+"/apps.yaml"] = fluxApps("  path: ./apps") + "---\n" + fluxKustomization("config", "  path: ./config/"+c)
		files["config/"+c+"/values.yaml"] = webValues("ConfigMap", "data", "serviceAccount: {create: false, name: "+account+"}\n    image: {repository: nginx}")
	}
	files["config/staging/sa.yaml"] = inNamespace(account("api", ""), "shop")
	res := lintFleet(t, files, []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/production"},
		[]string{"clusters/production", "clusters/staging", NotSyncedView})
	for _, f := range res.Findings {
		if !strings.Contains(f.Message, `ServiceAccount "ghost"`) {
			t.Errorf("finding %s, want it to name ghost", f.Message)
		}
	}
}

// lintFleet lints files, which must give findings want (rule@file:line
// views), the views named views and no notice; it returns the result of
// a pruned read.
func lintFleet(t *testing.T, files map[string]string, want, views []string) *Result {
	t.Helper()
	if got := findingsIn(t, writeFiles(t, files)); !slices.Equal(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	res, err := Run(Options{Input: Input{Paths: []string{"."}, Prune: true}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res.Views {
		got = append(got, v.Name)
	}
	if !slices.Equal(got, views) {
		t.Errorf("views %q, want %q", got, views)
	}
	for _, n := range res.Notices {
		t.Errorf("notice %v, want none", n)
	}
	return res
}

// accountPatch is a kustomization of ../base (and sa.yaml, when the
// overlay defines the account) whose patch names the chart's account.
func accountPatch(name string, withAccount bool) map[string]string {
	out := map[string]string{"kustomization.yaml": "resources: [../base]\npatches:\n- patch: |\n" +
		"    apiVersion: helm.toolkit.fluxcd.io/v2\n    kind: HelmRelease\n    metadata: {name: web, namespace: shop}\n" +
		"    spec: {values: {serviceAccount: {name: " + name + "}}}\n"}
	if withAccount {
		out["kustomization.yaml"] = strings.Replace(out["kustomization.yaml"], "[../base]", "[../base, sa.yaml]", 1)
		out["sa.yaml"] = inNamespace(account(name, ""), "shop")
	}
	return out
}

// TestGitOpsViews_HelmReleaseOfASharedBase: overlays of one base each
// build its HelmRelease, the same (twins) or patched apart; every view
// whose Kustomization applies an overlay renders the chart as that
// overlay built the HelmRelease, and nothing is lost.
func TestGitOpsViews_HelmReleaseOfASharedBase(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // rule@file:line views
		note  string   // in the finding's message
	}{
		{
			// Both overlays build the same HelmRelease, kept as
			// production's (the first root built); staging's is the base
			// alone (every object it builds a twin) and lacks the account
			// production defines.
			name: "TwinsRenderInEachView",
			files: fleetOfWeb("{create: false, name: web-sa}", map[string]map[string]string{
				"staging":    {"kustomization.yaml": "resources: [../base]\n"},
				"production": {"kustomization.yaml": "resources: [../base, sa.yaml]\n", "sa.yaml": inNamespace(account("web-sa", ""), "shop")},
			}),
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/staging"},
			note: `Deployment shop/web runs as ServiceAccount "web-sa"`,
		},
		{
			name: "TwinsWithTheAccountInBothOverlays",
			files: fleetOfWeb("{create: false, name: web-sa}", map[string]map[string]string{
				"staging":    {"kustomization.yaml": "resources: [../base, sa.yaml]\n", "sa.yaml": inNamespace(account("web-sa", ""), "shop")},
				"production": {"kustomization.yaml": "resources: [../base, sa.yaml]\n", "sa.yaml": inNamespace(account("web-sa", ""), "shop")},
			}),
		},
		{
			// Each overlay patches the account's name: production's
			// render runs as its own, which it does not define.
			name: "PatchedApartEachRendersItsOwn",
			files: fleetOfWeb("{create: false}", map[string]map[string]string{
				"staging":    accountPatch("web-staging", true),
				"production": accountPatch("web-production", false),
			}),
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/production"},
			note: `Deployment shop/web runs as ServiceAccount "web-production"`,
		},
		{
			name: "PatchedApartStagingLacksIts",
			files: fleetOfWeb("{create: false}", map[string]map[string]string{
				"staging":    accountPatch("web-staging", false),
				"production": accountPatch("web-production", true),
			}),
			want: []string{"missing-service-account@charts/web/templates/deployment.yaml:9 clusters/staging"},
			note: `Deployment shop/web runs as ServiceAccount "web-staging"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The Kustomizations themselves are synced by none.
			res := lintFleet(t, tt.files, tt.want, []string{"clusters/production", "clusters/staging", NotSyncedView})
			for _, f := range res.Findings {
				if !strings.Contains(f.Text(), tt.note) {
					t.Errorf("finding %q, want it to say %q", f.Text(), tt.note)
				}
			}
		})
	}
}

// gitopsPatch is a kustomization of ../base (and of more, when given)
// patching the GitOps object of kind and name in namespace ns with spec.
func gitopsPatch(apiVersion, kind, ns, name, spec string, more ...string) string {
	out := "resources: [" + strings.Join(append([]string{"../base"}, more...), ", ") + "]\n"
	if spec == "" {
		return out
	}
	return out + "patches:\n- patch: |\n    apiVersion: " + apiVersion + "\n    kind: " + kind + "\n" +
		"    metadata: {name: " + name + ", namespace: " + ns + "}\n    spec: " + spec + "\n"
}

// TestGitOpsViews_GitOpsObjectsOfASharedBase: a Flux Kustomization or an
// Argo CD Application in a kustomize base that several overlays build
// names its unit in each overlay's view, as that overlay built it: the
// same (twins) or patched apart; nothing is lost.
func TestGitOpsViews_GitOpsObjectsOfASharedBase(t *testing.T) {
	runsAsAPI := web("serviceAccountName: api\n      containers: [{name: web, image: nginx}]")
	const fluxAPI = "kustomize.toolkit.fluxcd.io/v1"
	// flux: clusters staging and production each build clusters/base,
	// whose Kustomizations sync apps/web (a Deployment running as api)
	// and accounts/ (api, in shop) into namespace shop, and apps/other
	// (running as other) when an overlay syncs it; overlays maps a
	// cluster to its kustomization.
	flux := func(overlays map[string]string) map[string]string {
		files := map[string]string{
			"clusters/base/kustomization.yaml": "resources: [apps.yaml, accounts.yaml]\n",
			"clusters/base/apps.yaml":          fluxApps("  path: ./apps/web\n  targetNamespace: shop"),
			"clusters/base/accounts.yaml":      fluxKustomization("accounts", "  path: ./accounts"),
			"apps/web/web.yaml":                runsAsAPI,
			"accounts/sa.yaml":                 inNamespace(account("api", ""), "shop"),
		}
		for cluster, k := range overlays {
			files["clusters/"+cluster+"/kustomization.yaml"] = k
			if strings.Contains(k, "apps/other") {
				files["apps/other/web.yaml"] = strings.Replace(runsAsAPI, "serviceAccountName: api", "serviceAccountName: other", 1)
			}
		}
		return files
	}
	// argo: argocd/staging and argocd/production each build argocd/base,
	// whose Application syncs web/ (a Deployment running as api, and api
	// in shop) to destination namespace shop; overlays maps an overlay
	// to its kustomization.
	argo := func(overlays map[string]string) map[string]string {
		files := map[string]string{
			"argocd/base/kustomization.yaml": "resources: [web.yaml]\n",
			"argocd/base/web.yaml":           argoApp("  source: {path: web}\n  destination: {name: in-cluster, namespace: shop}"),
			"web/web.yaml":                   runsAsAPI,
			"web/sa.yaml":                    inNamespace(account("api", ""), "shop"),
		}
		for overlay, k := range overlays {
			files["argocd/"+overlay+"/kustomization.yaml"] = k
		}
		return files
	}
	argoPatch := func(spec string) string {
		return gitopsPatch("argoproj.io/v1alpha1", "Application", "argocd", "web", spec)
	}
	tests := []struct {
		name  string
		files map[string]string
		views []string
		want  []string // rule@file:line views
	}{
		{
			// The Kustomizations themselves are synced by none.
			name: "FluxTwinsSyncInEachCluster",
			files: flux(map[string]string{
				"staging":    gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", ""),
				"production": gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", ""),
			}),
			views: []string{"clusters/production", "clusters/staging", NotSyncedView},
		},
		{
			// staging's apps land in shop-staging, where api is not (and
			// api, in shop, is used by none).
			name: "FluxTargetNamespacePatchedInOneCluster",
			files: flux(map[string]string{
				"staging":    gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", "{targetNamespace: shop-staging}"),
				"production": gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", ""),
			}),
			views: []string{"clusters/production", "clusters/staging", NotSyncedView},
			want:  []string{"unused-service-account@accounts/sa.yaml:4 clusters/staging", "missing-service-account@apps/web/web.yaml:8 clusters/staging"},
		},
		{
			// production, the first root built, syncs another path;
			// staging, the base's.
			name: "FluxPathPatchedInTheFirstCluster",
			files: flux(map[string]string{
				"staging":    gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", ""),
				"production": gitopsPatch(fluxAPI, "Kustomization", "flux-system", "apps", "{path: ./apps/other}"),
			}),
			views: []string{"clusters/production", "clusters/staging", NotSyncedView},
			want:  []string{"unused-service-account@accounts/sa.yaml:4 clusters/production", "missing-service-account@apps/other/web.yaml:8 clusters/production"},
		},
		{
			// Two Argo CD instances, each applying its overlay: the same
			// Application, one view.
			name:  "ArgoTwinsAreOneUnit",
			files: argo(map[string]string{"staging": argoPatch(""), "production": argoPatch("")}),
			views: []string{"in-cluster", NotSyncedView},
		},
		{
			// staging's Application syncs to its own cluster, in a
			// namespace where web's account is not.
			name: "ArgoDestinationPatchedInOneOverlay",
			files: argo(map[string]string{
				"staging":    argoPatch("{destination: {name: staging, namespace: shop-staging}}"),
				"production": argoPatch(""),
			}),
			views: []string{"in-cluster", "staging", NotSyncedView},
			want:  []string{"unused-service-account@web/sa.yaml:4 staging", "missing-service-account@web/web.yaml:8 staging"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lintFleet(t, tt.files, tt.want, tt.views)
		})
	}
}

// TestGitOpsViews_NamePrefixLeavesRoleRef pins what Argo CD's namePrefix
// does not follow: kustomize renames a Role the unit defines and the
// roleRef naming it, salint reads no Role and leaves the roleRef as
// written. No verdict depends on it (rules judge a binding's subjects,
// never its role): the findings are those without the prefix, and only
// the role's name quoted in a message is as written.
func TestGitOpsViews_NamePrefixLeavesRoleRef(t *testing.T) {
	const role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules: []\n"
	binding := strings.Replace(bindingOf("ghost"), "{kind: ClusterRole, name: view,", "{kind: Role, name: reader,", 1)
	for _, prefix := range []string{"", "prod-"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			kustomize := ""
			if prefix != "" {
				kustomize = ", kustomize: {namePrefix: " + prefix + "}"
			}
			t.Chdir(writeFiles(t, map[string]string{
				"argocd/web.yaml":        argoApp("  source: {path: web" + kustomize + "}\n  destination: {name: prod, namespace: shop}"),
				"web/kustomization.yaml": "resources: [role.yaml, rb.yaml]\n",
				"web/role.yaml":          role,
				"web/rb.yaml":            binding,
			}))
			res, err := Run(Options{Input: Input{Paths: []string{"."}}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s@%s:%d %s", f.Rule, f.Pos.File, f.Pos.Line, f.Message))
			}
			want := []string{"missing-rbac-subject@web/rb.yaml:5 RoleBinding shop/" + prefix + "view grants Role reader to ServiceAccount shop/ghost, " +
				"which is not defined in namespace shop; the API server accepts the binding and it grants nothing"}
			if !slices.Equal(got, want) {
				t.Errorf("findings\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestGitOpsViews_TwinsSayANoticeOnce: what the twins of a base's
// Kustomization cannot follow is said once, not once per cluster.
func TestGitOpsViews_TwinsSayANoticeOnce(t *testing.T) {
	t.Chdir(writeFiles(t, map[string]string{
		"clusters/base/kustomization.yaml":       "resources: [apps.yaml]\n",
		"clusters/base/apps.yaml":                fluxApps("  path: ./apps/gone"),
		"clusters/staging/kustomization.yaml":    "resources: [../base]\n",
		"clusters/production/kustomization.yaml": "resources: [../base]\n",
	}))
	res, err := Run(Options{Input: Input{Paths: []string{"."}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Notices {
		got = append(got, n.Error())
	}
	want := []string{`clusters/base/apps.yaml:5:9: Kustomization flux-system/apps syncs path "./apps/gone", which is not in the input: its objects are not judged`}
	if !slices.Equal(got, want) {
		t.Errorf("notices\n got %q\nwant %q", got, want)
	}
}
