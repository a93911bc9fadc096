package kustomize

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pod runs as an account no tree defines: a finding at a source position.
const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: ghost\n  containers: [{name: c, image: nginx}]\n"

// Trees where marks could give another result than the build with
// kustomize's origin annotations: each must give exactly what that build
// gives.
func TestBuild_AdversarialTreesGiveWhatOriginAnnotationsGive(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		// List items carry no mark (kustomize takes them out of the
		// List); a Secret among them is not the generated one whose name
		// it contains.
		{"ListItemNamedLikeAGeneratedSecret", map[string]string{
			"kustomization.yaml": "resources: [deploy.yaml, list.yaml]\nsecretGenerator:\n- name: tok\n  type: kubernetes.io/service-account-token\n" +
				"  options: {disableNameSuffixHash: true, annotations: {kubernetes.io/service-account.name: web}}\n",
			"deploy.yaml": pod,
			"list.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: tok\n    namespace: other\n" +
				"    annotations: {kubernetes.io/service-account.name: ghost}\n  type: kubernetes.io/service-account-token\n",
		}},
		// A field spelled like the mark, already in the input (quoted,
		// or escaped), is the user's, not a mark.
		{"MarkLikeFieldQuoted", map[string]string{
			"kustomization.yaml": "resources: [sa.yaml, deploy.yaml]\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
			"deploy.yaml":        "apiVersion: v1\nkind: Pod\n\"salint.internal/source\": \"0\"\n" + pod[len("apiVersion: v1\nkind: Pod\n"):],
		}},
		{"MarkLikeFieldEscaped", map[string]string{
			"kustomization.yaml": "resources: [sa.yaml, deploy.yaml]\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
			"deploy.yaml":        pod + "\"salint.internal\\/source\": 0\n",
		}},
		{"MarkLikeFieldFromAPatch", map[string]string{
			"kustomization.yaml": "resources: [sa.yaml, deploy.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Pod\n" +
				"    metadata: {name: p}\n    salint.internal/source: 0\n",
			"sa.yaml":     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
			"deploy.yaml": pod,
		}},
		// A patch that deletes the mark leaves a Secret that a generator
		// whose name it contains would explain.
		{"MarkDeletedByAPatch", map[string]string{
			"kustomization.yaml": "resources: [secret.yaml]\nsecretGenerator:\n- name: to\n  literals: [a=b]\npatches:\n- patch: |-\n" +
				"    apiVersion: v1\n    kind: Secret\n    metadata: {name: tok}\n    salint.internal/source: null\n",
			"secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tok\n  annotations: {kubernetes.io/service-account.name: ghost}\n" +
				"type: kubernetes.io/service-account-token\n",
		}},
		// kustomize's internal needsHashSuffix annotation hashes an object's
		// whole content, mark (and its nonce) included, into its name:
		// set in a resource, by commonAnnotations, or by a patch file.
		{"HashSuffixOfAResource", map[string]string{
			"kustomization.yaml": "resources: [sa.yaml, pod.yaml]\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ghost\n  annotations: {internal.config.kubernetes.io/needsHashSuffix: enabled}\n",
			"pod.yaml":           pod,
		}},
		{"HashSuffixByCommonAnnotations", map[string]string{
			"kustomization.yaml": "commonAnnotations: {internal.config.kubernetes.io/needsHashSuffix: enabled}\nresources: [sa.yaml, pod.yaml]\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ghost}\n",
			"pod.yaml":           pod,
		}},
		{"HashSuffixByAPatchFile", map[string]string{
			"kustomization.yaml": "resources: [sa.yaml, pod.yaml]\npatches: [{path: p.yaml}]\n",
			"p.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ghost\n  annotations: {internal.config.kubernetes.io/needsHashSuffix: enabled}\n",
			"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ghost}\n",
			"pod.yaml":           pod,
		}},
		// A replacement or a JSON patch that reads the mark's field would
		// carry the mark (and the nonce of one build) into the output,
		// where kustomize itself finds no such field and fails.
		{"ReplacementReadsTheMark", map[string]string{
			"kustomization.yaml": "resources: [cm.yaml, pod.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: c, fieldPath: \"[salint.internal/source]\"}\n" +
				"  targets:\n  - select: {kind: Pod}\n    fieldPaths: [metadata.annotations.x]\n    options: {create: true}\n",
			"cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			"pod.yaml": pod,
		}},
		{"ReplacementFileReadsTheMarkEscaped", map[string]string{
			"kustomization.yaml": "resources: [cm.yaml, pod.yaml]\nreplacements: [{path: r.yaml}]\n",
			"r.yaml": "source: {kind: ConfigMap, name: c, fieldPath: \"[salint\\x2Einternal\\x2Fsource]\"}\n" +
				"targets:\n- select: {kind: Pod}\n  fieldPaths: [metadata.annotations.x]\n  options: {create: true, delimiter: \"-\", index: 0}\n",
			"cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			"pod.yaml": pod,
		}},
		{"JSONPatchCopiesTheMark", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\npatches: [{path: p.yaml, target: {kind: Pod}}]\n",
			"p.yaml":             "- op: copy\n  from: /salint.internal~1source\n  path: /metadata/labels\n",
			"pod.yaml":           pod,
		}},
		// A kustomization that defines a key twice: kustomize reads the
		// last (here a strategic-merge patch that fails on the Widget).
		{"KustomizationKeyDefinedTwice", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, pod.yaml]\npatches:\n- target: {kind: Widget}\n  patch: |-\n    - op: add\n" +
				"      path: /metadata/labels\n      value: {a: b}\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Widget\n" +
				"    metadata: {name: w}\n    spec:\n      x: {a: 1}\n",
			"w.yaml":   "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  x: [1, 2]\n",
			"pod.yaml": pod,
		}},
		// A JSON patch that changes a document's kind makes a kind rules
		// read of a document that could have been cut.
		{"JSONPatchChangesKind", map[string]string{
			"kustomization.yaml": "resources: [app.yaml]\npatches:\n- target: {kind: AppTemplate}\n  patch: |-\n    - op: replace\n      path: /kind\n" +
				"      value: Pod\n    - op: replace\n      path: /apiVersion\n      value: v1\n",
			"app.yaml": "apiVersion: example.com/v1\nkind: AppTemplate\n" + pod[len("apiVersion: v1\nkind: Pod\n"):],
		}},
		// A JSON patch converts its whole target to JSON, which fails on
		// what cut parts may hold: NaN, a key that is no string, a key
		// defined twice, an explicit tag.
		{"JSONPatchTargetHoldsNaN", jsonPatchedCRD("    schema: {openAPIV3Schema: {type: object, maximum: .nan}}\n")},
		{"JSONPatchTargetHoldsAnIntegerKey", jsonPatchedCRD("    schema: {openAPIV3Schema: {properties: {1: {type: object}}}}\n")},
		{"JSONPatchTargetHoldsADuplicateKey", jsonPatchedCRD("    served: true\n    served: false\n")},
		{"JSONPatchTargetHoldsBadBinary", jsonPatchedCRD("    blob: !!binary not*base64\n")},
		// kustomize fails on what a cut document would not hold: a
		// strategic-merge patch meeting a list with a map, the image
		// transformer meeting containers that are no list, name
		// references meeting an Ingress's rules that are no list.
		{"StrategicMergePatchOnCutContent", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, deploy.yaml]\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Widget\n" +
				"    metadata: {name: w}\n    spec:\n      x: {a: 1}\n",
			"w.yaml":      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  x: [1, 2]\n",
			"deploy.yaml": pod,
		}},
		{"StrategicMergePatchFileOnCutContent", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, deploy.yaml]\npatchesStrategicMerge: [p.yaml]\n",
			"p.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  x: {a: 1}\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  x: [1, 2]\n",
			"deploy.yaml":        pod,
		}},
		{"ImagesMeetMalformedContainers", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, deploy.yaml]\nimages:\n- name: nginx\n  newTag: \"1\"\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  containers: notalist\n",
			"deploy.yaml":        pod,
		}},
		{"ImagesMeetMalformedContainersDeepDown", map[string]string{
			// kustomize looks for containers at any depth of any kind but CRDs
			"kustomization.yaml": "resources: [w.yaml, deploy.yaml]\nimages:\n- name: nginx\n  newTag: \"1\"\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  deep:\n    containers: [{image: nginx}, 3]\n",
			"deploy.yaml":        pod,
		}},
		{"ImagesMeetMalformedCRDField", map[string]string{
			"kustomization.yaml": "resources: [crd.yaml, deploy.yaml]\nimages:\n- name: nginx\n  newTag: \"1\"\n",
			"crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.example.com\n" +
				"spec:\n  group: example.com\n  containers: notalist\n",
			"deploy.yaml": pod,
		}},
		{"BadMergeKeyInCutContent", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, pod.yaml]\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nstatus:\n  <<: 3\n",
			"pod.yaml":           pod,
		}},
		{"DuplicateMergeKeyInCutContent", map[string]string{
			"kustomization.yaml": "resources: [w.yaml, pod.yaml]\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nstatus:\n  <<: {a: 1}\n  <<: {b: 2}\n",
			"pod.yaml":           pod,
		}},
		{"NameReferenceMeetsMalformedIngress", map[string]string{
			"kustomization.yaml": "resources: [ing.yaml, deploy.yaml]\n",
			"ing.yaml":           "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules: notalist\n",
			"deploy.yaml":        pod,
		}},
		{"NamespaceMeetsMalformedWebhook", map[string]string{
			"kustomization.yaml": "namespace: apps\nresources: [hook.yaml, deploy.yaml]\n",
			"hook.yaml": "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: h\n" +
				"webhooks: notalist\n",
			"deploy.yaml": pod,
		}},
		{"CustomTransformerConfigurations", map[string]string{
			"kustomization.yaml": "namePrefix: p-\nconfigurations: [conf.yaml]\nresources: [w.yaml, deploy.yaml]\n",
			"conf.yaml":          "nameReference:\n- kind: Deployment\n  fieldSpecs:\n  - path: spec/app/deployment\n    kind: Widget\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  app: notamap\n",
			"deploy.yaml":        pod,
		}},
		{"LabelsWithCustomFields", map[string]string{
			"kustomization.yaml": "labels:\n- pairs: {a: b}\n  fields:\n  - path: spec/deep/labels\n    kind: Widget\n    create: true\nresources: [w.yaml, deploy.yaml]\n",
			"w.yaml":             "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  deep: notamap\n",
			"deploy.yaml":        pod,
		}},
		// Comments around a document's ends are printed by admit as they
		// were (the mark must not take them with it).
		{"CommentsAtTheEndsOfDocuments", map[string]string{
			"kustomization.yaml": "resources: [all.yaml]\n",
			"all.yaml": "# head\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n# before the separator\n---\n# after it\n" +
				"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: web\n  containers: [{name: c, image: nginx}]\n" +
				"  # indented\n# last\n",
		}},
		// A byte-order mark starting a later document of a file: kustomize
		// drops it there (it decodes each document on its own), so the
		// mark must come after it.
		{"ByteOrderMarkStartingALaterDocument", map[string]string{
			"kustomization.yaml": "resources: [all.yaml]\n",
			"all.yaml":           "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n---\n\ufeff" + pod,
		}},
		// The same base reached twice (a diamond), in two namespaces.
		{"DiamondOfBases", map[string]string{
			"kustomization.yaml":        "resources: [a, b]\n",
			"a/kustomization.yaml":      "namespace: a\nresources: [../common]\n",
			"b/kustomization.yaml":      "namespace: b\nresources: [../common]\n",
			"common/kustomization.yaml": "resources: [deploy.yaml, crd.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [a=b]\n",
			"common/deploy.yaml":        pod,
			"common/crd.yaml":           "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {x: 1}\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			want := snapshot(buildWith(t, []string{dir}, false))
			if got := snapshot(buildWith(t, []string{dir}, true)); got != want {
				t.Errorf("differs from the build with origin annotations:\n%s", firstDiff(got, want))
			}
		})
	}
}

// One file reached by two paths (a base, and the same base through a
// symlinked directory under another namespace) is located by the path
// each object came by, as kustomize's origin says: marks cannot tell.
func TestBuild_OneFileByTwoPathsGivesWhatOriginAnnotationsGive(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"kustomization.yaml":      "resources: [x, base]\n",
		"x/kustomization.yaml":    "namespace: nx\nresources: [../base-link]\n",
		"base/kustomization.yaml": "resources: [pod.yaml]\n",
		"base/pod.yaml":           pod,
	})
	if err := os.Symlink("base", filepath.Join(dir, "base-link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	buildSame(t, dir, builtAnnotated)
}

// jsonPatchedCRD is a tree whose CRD a JSON patch labels; version is the
// rest of the CRD's one version.
func jsonPatchedCRD(version string) map[string]string {
	return map[string]string{
		"kustomization.yaml": "resources: [crd.yaml, pod.yaml]\npatches:\n- target: {kind: CustomResourceDefinition}\n  patch: |-\n" +
			"    - op: add\n      path: /metadata/labels\n      value: {a: b}\n",
		"crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.example.com\n" +
			"spec:\n  group: example.com\n  versions:\n  - name: v1\n" + version,
		"pod.yaml": pod,
	}
}

// The configs of built-in generators and transformers name files that
// kustomize's loader fetches over HTTP when they are URLs: such a tree is
// not built (hermetic builds), with a notice at the entry; a config that
// names local files is built.
func TestBuild_PluginConfigsThatFetchAreNotBuilt(t *testing.T) {
	patch := "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: %s\ntarget: {kind: Pod}\n"
	tests := []struct {
		name  string
		files map[string]string
		fetch string // "" when built
	}{
		{"InlineTransformerPath", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\ntransformers:\n- |-\n  " + strings.ReplaceAll(fmt.Sprintf(patch, "https://example.invalid/p.yaml"), "\n", "\n  ") + "\n",
			"pod.yaml":           pod,
		}, "its transformers config fetches https://example.invalid/p.yaml"},
		{"TransformerFilePath", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\ntransformers: [t.yaml]\n",
			"t.yaml":             fmt.Sprintf(patch, "http://example.invalid/p.yaml"),
			"pod.yaml":           pod,
		}, "its transformers config fetches http://example.invalid/p.yaml"},
		{"GeneratorFiles", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\ngenerators: [g.yaml]\n",
			"g.yaml":             "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: c}\nfiles: [conf=https://example.invalid/c]\n",
			"pod.yaml":           pod,
		}, "its generators config fetches https://example.invalid/c"},
		{"HelmGenerator", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\ngenerators: [h.yaml]\n",
			"h.yaml":             "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: h}\nname: chart\nrepo: https://charts.example.invalid\n",
			"pod.yaml":           pod,
		}, "its generators config fetches a Helm chart"},
		{"LocalPatchIsBuilt", map[string]string{
			"kustomization.yaml": "resources: [pod.yaml]\ntransformers: [t.yaml]\n",
			"t.yaml":             fmt.Sprintf(patch, "p.yaml"),
			"p.yaml":             "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  automountServiceAccountToken: false\n",
			"pod.yaml":           pod,
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			res := Build([]string{dir}, Options{})
			var notices []string
			for _, f := range res.Files {
				for _, n := range f.Notices {
					notices = append(notices, n.Error())
				}
			}
			if tt.fetch == "" {
				if len(res.Roots) != 1 || len(notices) != 0 {
					t.Errorf("roots %v, notices %q: want built", res.Roots, notices)
				}
				return
			}
			if len(res.Roots) != 0 || len(notices) != 1 || !strings.Contains(notices[0], "not built: needs network ("+tt.fetch+")") ||
				!strings.Contains(notices[0], "kustomization.yaml:") {
				t.Errorf("roots %v, notices %q: want not built, a notice at the entry saying %q", res.Roots, notices, tt.fetch)
			}
		})
	}
}
