package kustomize

import (
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// randomDocs are resource documents random trees draw from: every kind of
// object salint reads, kinds it cuts (some malformed where kustomize
// looks), a List, quoted, CRLF, commented and byte-order-marked documents,
// aliases, a var reference.
var randomDocs = []string{
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      serviceAccountName: runner\n      volumes: [{name: v, configMap: {name: cfg}}, {name: s, secret: {secretName: tok}}]\n      containers: [{name: c, image: nginx, envFrom: [{configMapRef: {name: cfg}}]}]\n",
	"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n",
	"apiVersion: v1\nkind: Secret\nmetadata:\n  name: tok\n  annotations: {kubernetes.io/service-account.name: runner}\ntype: kubernetes.io/service-account-token\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata: {account: builder}\n",
	"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    schema: {openAPIV3Schema: {type: object}}\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  account: builder\n  template:\n    spec:\n      containers: [{name: c, image: nginx}]\n  weird: [1, {a: b}]\n",
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: runner}]\n",
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n",
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 80}}}}]}}]\n",
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: listed}\n",
	"apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  containers: [3]\n",
	"apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g2\nstatus:\n  x: .nan\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: pull-x, namespace: other}\n  type: Opaque\n",
	"apiVersion: v1\nkind: \"ServiceAccount\"\nmetadata:\n  name: quoted\n",
	"apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: crlf\r\nautomountServiceAccountToken: false\r\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: anchored\nspec: &s {a: 1}\nstatus: *s\n",
	"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb\nspec:\n  selector: {matchLabels: {app: web}}\n",
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: hpa\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n",
	"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: hook\nwebhooks:\n- name: a.b\n  clientConfig: {service: {name: svc, namespace: default}}\n",
	"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
	"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: $(ACCOUNT)\n          containers: [{name: c, image: busybox}]\n",
	"# only a comment\n",
	"\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bom\n",
	"\ufeff# bom then a comment\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: wb\nspec: {a: 1}",
	"# head\n\n# of the account\napiVersion: v1\nkind: ServiceAccount # line\nmetadata:\n  name: commented\n  # indented\n# trailing\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: wc\nspec:\n  list:\n  - a\n  # in the list\n# after\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: nested\nspec:\n  deep:\n    containers: [{name: c, image: nginx}]\n",
}

// randomFields are kustomization fields random trees draw from (each key
// once per kustomization).
var randomFields = []string{
	"namespace: apps\n",
	"namePrefix: p-\n",
	"nameSuffix: -s\n",
	"commonLabels: {team: a}\n",
	"labels:\n- pairs: {tier: x}\n  includeSelectors: true\n  includeTemplates: true\n",
	"commonAnnotations: {note: x}\n",
	"images:\n- name: nginx\n  newTag: \"2\"\n",
	"configMapGenerator:\n- name: gen\n  literals: [a=b]\n",
	"secretGenerator:\n- name: pull\n  type: kubernetes.io/dockerconfigjson\n  literals: ['.dockerconfigjson={\"auths\":{}}']\n",
	"patches:\n- target: {kind: Widget}\n  patch: |-\n    - op: replace\n      path: /spec/account\n      value: other\n",
	"patches:\n- target: {kind: CustomResourceDefinition}\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {x: y}\n",
	"patches:\n- target: {kind: Gadget}\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {x: y}\n",
	"patches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Widget\n    metadata: {name: w}\n    spec:\n      weird: {a: 1}\n",
	"patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      template:\n        spec:\n          serviceAccountName: builder\n",
	"replacements:\n- source: {kind: Widget, name: w, fieldPath: spec.account}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.serviceAccountName]\n",
	"replacements:\n- source: {kind: ConfigMap, name: cfg, fieldPath: data.account}\n  targets:\n  - select: {kind: RoleBinding}\n    fieldPaths: [subjects.0.name]\n",
	"sortOptions: {order: legacy}\n",
	"replicas: [{name: web, count: 3}]\n",
	"vars:\n- name: ACCOUNT\n  objref: {kind: ServiceAccount, name: runner, apiVersion: v1}\n  fieldref: {fieldPath: metadata.name}\n",
	"generatorOptions: {disableNameSuffixHash: true, labels: {g: x}}\n",
	"patchesJson6902:\n- target: {version: v1, kind: Widget, name: w}\n  patch: |-\n    - op: replace\n      path: /kind\n      value: Pod\n",
	"patchesStrategicMerge:\n- |-\n  apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: r}\n  rules: []\n",
	"buildMetadata: [managedByLabel]\n",
	"secretGenerator:\n- name: tok\n  behavior: merge\n  literals: [x=y]\n",
	"commonLabels: {app: other}\n",
}

// Random trees (a base, one or two overlays, a component), drawn with a
// fixed seed from the documents and fields above, give with marks
// exactly what they give with origin annotations. Builds that fail are compared too (kustomize's messages,
// once pointer values are blanked: kustomize prints some).
func TestBuild_RandomTreesGiveWhatOriginAnnotationsGive(t *testing.T) {
	const trees = 60
	r := rand.New(rand.NewSource(7))
	addr := regexp.MustCompile(`0x[0-9a-f]+`)
	marked := 0
	for i := range trees {
		files := randomTree(r)
		dirs := kustDirs(t, writeFiles(t, files))
		want := addr.ReplaceAllString(snapshot(buildWith(t, dirs, false)), "0x")
		res := buildWith(t, dirs, true)
		marked += countHow(res, builtMarked)
		if got := addr.ReplaceAllString(snapshot(res), "0x"); got != want {
			t.Errorf("tree %d: differs from the build with origin annotations:\n%s\nfiles: %q", i, firstDiff(got, want), files)
		}
	}
	if marked < trees/4 {
		t.Errorf("%d builds marked of %d trees: too few to compare", marked, trees)
	}
}

// randomTree draws a tree: base/ with some documents (some in one file),
// overlay/ on it, maybe overlay2/ and a component.
func randomTree(r *rand.Rand) map[string]string {
	files := map[string]string{}
	var res, docs []string
	for j, d := range randomDocs {
		if r.Intn(3) == 0 || strings.Contains(d, "kind: List") && r.Intn(8) != 0 {
			continue
		}
		if r.Intn(3) == 0 {
			docs = append(docs, d)
			continue
		}
		name := fmt.Sprintf("r%d.yaml", j)
		files["base/"+name] = d
		res = append(res, name)
	}
	if len(docs) > 0 {
		files["base/multi.yaml"] = strings.Join(docs, "---\n")
		res = append(res, "multi.yaml")
	}
	kusts := map[string]string{"base": "resources: [" + strings.Join(res, ", ") + "]\n", "overlay": "resources: [../base]\n"}
	used := map[string]bool{}
	for _, f := range randomFields {
		rare := strings.Contains(f, "buildMetadata") || strings.Contains(f, "behavior")
		if r.Intn(4) != 0 || rare && r.Intn(6) != 0 {
			continue
		}
		at := []string{"base", "overlay"}[r.Intn(2)]
		if key := at + f[:strings.IndexByte(f, ':')]; !used[key] {
			used[key] = true
			kusts[at] += f
		}
	}
	if r.Intn(3) == 0 {
		files["comp/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\n"
		files["comp/extra.yaml"] = randomDocs[1+r.Intn(3)]
		kusts["overlay"] += "components: [../comp]\n"
	}
	if r.Intn(2) == 0 {
		kusts["overlay2"] = "resources: [../base]\n"
		for _, f := range randomFields[:6] {
			if r.Intn(3) == 0 {
				kusts["overlay2"] += f
			}
		}
	}
	for dir, k := range kusts {
		files[dir+"/kustomization.yaml"] = k
	}
	return files
}
