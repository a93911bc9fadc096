package lint

import (
	"slices"
	"testing"
)

func fluxApps(spec string) string {
	return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec:\n" + spec + "\n"
}

func argoApp(spec string) string {
	return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n" + spec + "\n"
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
