package gitops

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/salint/salint/rules/rulestest"
)

// writeTree writes files (path → content) below a new directory and
// makes it the working directory.
func writeTree(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	rulestest.WriteFiles(t, dir, files)
	t.Chdir(dir)
}

const fluxSync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: "https://github.com/acme/fleet.git"}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {path: ./clusters/eu, sourceRef: {kind: GitRepository, name: flux-system}}
`

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"

func fluxKustomization(name, spec string) string {
	return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: " + name + ", namespace: flux-system}\nspec:\n" + spec + "\n---\n"
}

func helmRelease(name, spec string) string {
	return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: " + name + ", namespace: apps}\nspec:\n" + spec + "\n---\n"
}

func argoApp(name, spec string) string {
	return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name + ", namespace: argocd}\nspec:\n" + spec + "\n---\n"
}

// TestDiscover states, case by case, the units and views GitOps objects
// name, and what is only a notice.
func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    []string // "view NAME" then "  unit" lines
		notices []string // substrings, in order
	}{
		{
			// The release is named after the Application; values files
			// are relative to the chart, $ref/ ones to the root of the
			// source named ref; what cannot be read is a notice.
			name: "ArgoChartDirectoryIsRenderedWithItsHelmOptions",
			files: map[string]string{
				"charts/web/Chart.yaml":       "apiVersion: v2\nname: web\nversion: 0.1.0\n",
				"charts/web/values-prod.yaml": "a: 1\n",
				"shared/web.yaml":             "b: 2\n",
				// An app of apps: the input is github.com/acme/deploy.
				"root.yaml": argoApp("root", "  source: {repoURL: https://github.com/acme/deploy.git, path: argocd}\n  destination: {name: in-cluster}"),
				"argocd/web.yaml": argoApp("web", `  sources:
  - path: charts/web
    helm:
      valueFiles: [values-prod.yaml, $config/shared/web.yaml, missing.yaml, ../../../outside.yaml, https://example.com/v.yaml, $other/x.yaml, $nope/x.yaml]
      values: |
        image:
          tag: "2.0"
      parameters:
      - {name: serviceAccount.name, value: "a,b"}
      - {name: serviceAccount.create, value: "true", forceString: true}
  - {repoURL: https://github.com/acme/deploy.git, ref: config}
  - {repoURL: https://github.com/acme/other.git, ref: other}
  destination: {name: prod, namespace: shop}`),
			},
			want: []string{"view in-cluster", "  argocd: Argo CD Application argocd/root (root.yaml:5:63)",
				"view prod", "  charts/web: Argo CD Application argocd/web (argocd/web.yaml:6:11), " +
					"Helm chart rendered as release web in namespace shop, values file values-prod.yaml, values file $config/shared/web.yaml, values (argocd/web.yaml:9:15), " +
					"parameter serviceAccount.name (argocd/web.yaml:13:9), parameter serviceAccount.create (argocd/web.yaml:14:9)"},
			notices: []string{
				"argocd/web.yaml:8:63: Application argocd/web: values file missing.yaml is not in the input",
				"values file ../../../outside.yaml is outside the repository",
				"values file https://example.com/v.yaml needs the network",
				"values file $other/x.yaml is in another repository than the input",
				"values file $nope/x.yaml names no source with ref nope",
			},
		},
		{
			name: "ArgoHelmOptionsKeepReleaseNameAndSkipIgnoredMissingFiles",
			files: map[string]string{
				"charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
				"argocd/web.yaml": argoApp("web", "  source:\n    path: charts/web\n    kustomize: {namePrefix: x-}\n"+
					"    helm: {releaseName: shop, ignoreMissingValueFiles: true, valueFiles: [missing.yaml], valuesObject: {a: 1}, values: 'b: 2'}\n"+
					"  destination: {name: prod}"),
			},
			want: []string{"view prod", "  charts/web: Argo CD Application argocd/web (argocd/web.yaml:6:11), Helm chart rendered as release shop, valuesObject (argocd/web.yaml:8:104)"},
		},
		{
			name: "ArgoHelmValuesThatAreNoMappingAreANotice",
			files: map[string]string{
				"charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
				"argocd/web.yaml":       argoApp("web", "  source:\n    path: charts/web\n    helm: {values: '[1, 2'}\n  destination: {name: prod}"),
			},
			want:    []string{"view prod", "  charts/web: Argo CD Application argocd/web (argocd/web.yaml:6:11), Helm chart rendered as release web"},
			notices: []string{"argocd/web.yaml:7:20: Application argocd/web gives helm.values that is not a YAML mapping: it is not applied"},
		},
		{
			// A HelmRelease's chart from this repository is rendered in
			// the view of the Kustomization that applies it: valuesFrom
			// in order, then values; a chart that needs the network, or a
			// values object not in the input, is a notice.
			name: "FluxHelmReleaseOfAChartOfTheInput",
			files: map[string]string{
				"clusters/eu/flux-system/gotk-sync.yaml": fluxSync,
				"charts/web/Chart.yaml":                  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
				"clusters/eu/web.yaml": helmRelease("web", "  targetNamespace: shop\n  chart:\n    spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}\n"+
					"  valuesFrom:\n  - {kind: ConfigMap, name: web-values}\n  - {kind: Secret, name: web-secret, valuesKey: name, targetPath: serviceAccount.name}\n  - {kind: ConfigMap, name: gone}\n  - {kind: ConfigMap, name: gone-too, optional: true}\n"+
					"  values:\n    serviceAccount: {create: false}") +
					helmRelease("remote", "  chart:\n    spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}") +
					"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-values, namespace: apps}\ndata:\n  values.yaml: |\n    image: {tag: \"2.0\"}\n---\n" +
					"apiVersion: v1\nkind: Secret\nmetadata: {name: web-secret, namespace: apps}\nstringData: {name: from-secret}\n",
			},
			want: []string{"view clusters/eu",
				"  clusters/eu: Flux Kustomization flux-system/flux-system (clusters/eu/flux-system/gotk-sync.yaml:9:14)",
				"  charts/web: Flux HelmRelease apps/web (clusters/eu/web.yaml:7:19), Helm chart rendered as release shop-web in namespace shop, " +
					"ConfigMap apps/web-values, values (clusters/eu/web.yaml:14:5), parameter serviceAccount.name (clusters/eu/web.yaml:10:5)"},
			notices: []string{
				"clusters/eu/web.yaml:11:5: HelmRelease apps/web takes values from key values.yaml of ConfigMap apps/gone, which is not in the input: not applied",
				"clusters/eu/web.yaml:21:5: HelmRelease apps/remote installs a chart that needs the network",
			},
		},
		{
			name: "FluxPathMissingIsANotice",
			files: map[string]string{
				"clusters/eu/flux-system/gotk-sync.yaml": fluxSync,
				"clusters/eu/apps.yaml":                  fluxKustomization("apps", "  path: ./apps/eu\n  sourceRef: {kind: GitRepository, name: flux-system}"),
			},
			want:    []string{"view clusters/eu", "  clusters/eu: Flux Kustomization flux-system/flux-system (clusters/eu/flux-system/gotk-sync.yaml:9:14)"},
			notices: []string{`clusters/eu/apps.yaml:5:9: Kustomization flux-system/apps syncs path "./apps/eu", which is not in the input`},
		},
		{
			name: "FluxSourcesElsewhereAreNotices",
			files: map[string]string{
				"clusters/eu/flux-system/gotk-sync.yaml": fluxSync,
				"clusters/eu/apps.yaml": fluxKustomization("oci", "  path: ./apps\n  sourceRef: {kind: OCIRepository, name: manifests}") +
					fluxKustomization("other", "  path: ./apps\n  sourceRef: {kind: GitRepository, name: platform}") +
					fluxKustomization("same", "  path: ./apps\n  sourceRef: {kind: GitRepository, name: fleet-again}") +
					"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: platform, namespace: flux-system}\nspec: {url: https://github.com/acme/platform}\n---\n" +
					"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: fleet-again, namespace: flux-system}\nspec: {url: ssh://git@github.com/Acme/fleet/}\n",
				"apps/web.yaml": deployment,
			},
			want: []string{"view clusters/eu",
				"  apps: Flux Kustomization flux-system/same (clusters/eu/apps.yaml:19:9)",
				"  clusters/eu: Flux Kustomization flux-system/flux-system (clusters/eu/flux-system/gotk-sync.yaml:9:14)"},
			notices: []string{
				"Kustomization flux-system/oci takes its content from OCIRepository manifests, which needs the network",
				"Kustomization flux-system/other syncs GitRepository flux-system/platform (https://github.com/acme/platform), another repository than the input",
			},
		},
		{
			name: "FluxClusterDirectoryWithoutSync",
			files: map[string]string{
				"fleet/clusters/us-east/apps.yaml": fluxKustomization("apps", "  path: ./apps\n  targetNamespace: shop"),
				"deploy/infra.yaml":                fluxKustomization("infra", "  path: ./apps"),
				"apps/web.yaml":                    deployment,
			},
			want: []string{
				"view deploy", "  apps: Flux Kustomization flux-system/infra (deploy/infra.yaml:5:9)",
				"view fleet/clusters/us-east", "  apps: Flux Kustomization flux-system/apps (fleet/clusters/us-east/apps.yaml:5:9), namespace shop",
			},
		},
		{
			name: "FluxPathOutsideTheRepository",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxKustomization("apps", "  path: ../elsewhere"),
				"elsewhere/web.yaml":    deployment,
			},
			notices: []string{`syncs path "../elsewhere", which is not in the input`},
		},
		{
			name: "FluxSubstituteFromMissingUnlessOptional",
			files: map[string]string{
				"clusters/eu/apps.yaml": fluxKustomization("apps", `  path: ./apps
  postBuild:
    substitute: {region: eu-1}
    substituteFrom:
      - {kind: ConfigMap, name: vars}
      - {kind: Secret, name: optional-secrets, optional: true}`),
				"apps/web.yaml": deployment,
			},
			want:    []string{"view clusters/eu", "  apps: Flux Kustomization flux-system/apps (clusters/eu/apps.yaml:5:9), substitutes region"},
			notices: []string{"Kustomization flux-system/apps substitutes variables from ConfigMap flux-system/vars, which is not in the input: the variables it sets stay unresolved"},
		},
		{
			name: "ArgoSourcesRecurseAndKustomizeOptions",
			files: map[string]string{
				"apps.yaml": argoApp("multi", `  sources:
    - {repoURL: https://github.com/acme/deploy, path: web, directory: {recurse: true}}
    - {repoURL: https://github.com/acme/deploy, path: api, kustomize: {namespace: api, namePrefix: a-, nameSuffix: -z}}
    - {repoURL: https://github.com/acme/deploy, ref: values}
  destination: {server: "https://kubernetes.default.svc/", namespace: shop}`) +
					argoApp("local", "  source: {repoURL: https://github.com/acme/deploy, path: web}\n  destination: {name: in-cluster}") +
					argoApp("gone", "  source: {repoURL: https://github.com/acme/deploy, path: gone}\n  destination: {name: in-cluster}"),
				"web/web.yaml": deployment,
				"api/api.yaml": deployment,
			},
			want: []string{"view in-cluster",
				"  web: Argo CD Application argocd/multi (apps.yaml:6:55), with subdirectories, default namespace shop",
				"  api: Argo CD Application argocd/multi (apps.yaml:7:55), namespace api, default namespace shop, namePrefix a-, nameSuffix -z",
				"  web: Argo CD Application argocd/local (apps.yaml:15:59)",
			},
			notices: []string{
				// api is a plain directory: no kustomization to edit.
				"apps.yaml:7:71: namePrefix a- and nameSuffix -z of Application argocd/multi is not applied: api holds no kustomization for kustomize to edit, so names are judged as written",
				`Application argocd/gone syncs path "gone", which is not in the input`,
			},
		},
		{
			name: "ArgoRepositoryFromGitConfig",
			files: map[string]string{
				".git/config": "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/deploy.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
				"apps.yaml": argoApp("here", "  source: {repoURL: https://github.com/acme/deploy, path: web}\n  destination: {name: prod}") +
					argoApp("there", "  source: {repoURL: https://github.com/acme/other, path: web}\n  destination: {name: prod}"),
				"web/web.yaml": deployment,
			},
			want:    []string{"view prod", "  web: Argo CD Application argocd/here (apps.yaml:5:59)"},
			notices: []string{"Application argocd/there syncs web of https://github.com/acme/other, another repository than the input"},
		},
		{
			name: "ArgoWorktreeGitFile",
			files: map[string]string{
				"repo/.git/worktrees/wt/commondir": "../..\n",
				"repo/.git/config":                 "[remote \"origin\"]\n\turl = https://github.com/acme/deploy\n",
				"wt/.git":                          "gitdir: ../repo/.git/worktrees/wt\n",
				"wt/apps.yaml":                     argoApp("there", "  source: {repoURL: https://github.com/acme/other, path: web}\n  destination: {name: prod}"),
				"wt/web/web.yaml":                  deployment,
			},
			notices: []string{"another repository than the input"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeTree(t, tt.files)
			root := "."
			if _, err := os.Stat("wt"); err == nil {
				t.Chdir("wt")
			}
			d := Discover(readTree(t), root)
			var got []string
			for _, v := range d.Views {
				got = append(got, "view "+v.Name)
				for _, u := range v.Units {
					got = append(got, "  "+u.String())
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("views:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if len(d.Notices) != len(tt.notices) {
				t.Errorf("notices %v, want %d", d.Notices, len(tt.notices))
			}
			for i := range min(len(d.Notices), len(tt.notices)) {
				if !strings.Contains(d.Notices[i].Error(), tt.notices[i]) {
					t.Errorf("notice %q, want it to say %q", d.Notices[i].Error(), tt.notices[i])
				}
			}
		})
	}
}

// TestDiscover_SubstitutionValues checks the variables' values: from
// ConfigMaps and Secrets (decoded) in order, substitute winning, each
// without its line breaks (Flux strips them); and that no notice or
// description holds a Secret's value.
func TestDiscover_SubstitutionValues(t *testing.T) {
	writeTree(t, map[string]string{
		"clusters/eu/apps.yaml": fluxKustomization("apps", `  path: ./apps
  postBuild:
    substitute: {region: "eu-\n1"}
    substituteFrom:
      - {kind: ConfigMap, name: vars}
      - {kind: Secret, name: creds}
      - {kind: Secret, name: absent}`),
		"clusters/eu/vars.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: flux-system}\ndata: {region: us-1, tier: \"gold\\n\", account: from-configmap}\n" +
			"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: other}\ndata: {tier: wrong-namespace}\n",
		"clusters/eu/creds.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata: {account: czNjcjN0LWFjY291bnQK}\nstringData: {token: \"hun\\nter2\\n\"}\n",
		"apps/web.yaml":          deployment,
	})
	d := Discover(readTree(t), ".")
	if len(d.Views) != 1 || len(d.Views[0].Units) != 1 {
		t.Fatalf("views %+v", d.Views)
	}
	u := d.Views[0].Units[0]
	want := map[string]string{"region": "eu-1", "tier": "gold", "account": "s3cr3t-account", "token": "hunter2"}
	if !reflect.DeepEqual(u.Substitute, want) {
		t.Errorf("substitute = %v, want %v", u.Substitute, want)
	}
	said := u.String()
	for _, n := range d.Notices {
		said += "\n" + n.Error()
	}
	if !strings.Contains(said, "Secret flux-system/absent") {
		t.Errorf("no notice for the missing Secret:\n%s", said)
	}
	for _, secret := range []string{"s3cr3t", "hunter2", "czNjcjN0"} {
		if strings.Contains(said, secret) {
			t.Errorf("a Secret value is printed:\n%s", said)
		}
	}
}

func TestNormalizeRepo(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/deploy.git":  "github.com/acme/deploy",
		"https://github.com/Acme/deploy/":     "github.com/acme/deploy",
		"ssh://git@github.com/acme/deploy":    "github.com/acme/deploy",
		"git@github.com:acme/deploy.git":      "github.com/acme/deploy",
		"https://user@gitlab.example.com/a/b": "gitlab.example.com/a/b",
		"":                                    "",
	} {
		if got := normalizeRepo(in); got != want {
			t.Errorf("normalizeRepo(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDiscover_SubstitutionFromTheClusterItsKustomizationIsIn: clusters
// of a fleet each define cluster-vars in flux-system; each Kustomization
// takes its own cluster's: the one a Kustomization of its cluster applies
// (a config directory outside clusters/), else the one below its cluster
// directory; never the first found.
func TestDiscover_SubstitutionFromTheClusterItsKustomizationIsIn(t *testing.T) {
	const vars = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-vars, namespace: flux-system}\ndata: {env: %s}\n"
	for name, layout := range map[string]func(files map[string]string, cluster string){
		"BelowTheClusterDirectory": func(files map[string]string, c string) {
			files["clusters/"+c+"/vars.yaml"] = fmt.Sprintf(vars, c)
		},
		"AppliedByAKustomizationOfTheCluster": func(files map[string]string, c string) {
			files["clusters/"+c+"/apps.yaml"] += fluxKustomization("config", "  path: ./config/"+c)
			files["config/"+c+"/vars.yaml"] = fmt.Sprintf(vars, c)
		},
	} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"apps/web.yaml": deployment}
			for _, c := range []string{"production", "staging"} {
				files["clusters/"+c+"/apps.yaml"] = fluxKustomization("apps", "  path: ./apps\n  postBuild:\n    substituteFrom: [{kind: ConfigMap, name: cluster-vars}]")
				layout(files, c)
			}
			writeTree(t, files)
			d := Discover(readTree(t), ".")
			if len(d.Views) != 2 || len(d.Notices) != 0 {
				t.Fatalf("views %v, notices %v", d.Views, d.Notices)
			}
			for _, v := range d.Views {
				if got, want := v.Units[0].Substitute["env"], strings.TrimPrefix(v.Name, "clusters/"); got != want {
					t.Errorf("view %s: env = %q, want %q", v.Name, got, want)
				}
			}
		})
	}
}

// TestParameterAssignment: Argo CD escapes a parameter's commas, which
// Helm's --set would read as separators, unless the value is a {list}.
func TestParameterAssignment(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{"plain", "k=plain"},
		{"a,b", `k=a\,b`},
		{`a\,b`, `k=a\,b`},
		{"{a,b}", "k={a,b}"},
		{"{a,b", `k={a\,b`},
	} {
		if got := (Parameter{Name: "k", Value: tt.value}).Assignment(); got != tt.want {
			t.Errorf("Assignment of %q = %q, want %q", tt.value, got, tt.want)
		}
	}
}
