package admit

import (
	"regexp"
	"strings"
	"testing"

	"github.com/salint/salint/rules/model"
)

// admitCase runs the preview over one in-memory file (namespace "shop" for
// objects without one) and checks the output and the rejections.
type admitCase struct {
	name string
	in   string
	// want and notWant are substrings of the output (\n-separated lines).
	want, notWant []string
	// rejected are the exact API server messages, in order.
	rejected []string
	// same: the output is the input byte for byte.
	same bool
	// secrets are the Secret values to scrub (none: no scrub); notWant
	// applies to the diffs' Before and After too.
	secrets []string
}

const accounts = `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
imagePullSecrets: [{name: regcred}, {name: mirror}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: strict
  namespace: shop
  annotations: {kubernetes.io/enforce-mountable-secrets: "T"}
secrets: [{name: tls}]
imagePullSecrets: [{name: regcred}]
---
`

func runAdmitCases(t *testing.T, cases []admitCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := model.BuildText(model.Options{DefaultNamespace: "shop", ExternalAccounts: []string{"shop/ext"}}, "in.yaml", c.in)
			var scrub func(string) string
			if len(c.secrets) > 0 {
				var pairs []string
				for _, v := range c.secrets {
					pairs = append(pairs, v, model.Redacted)
				}
				scrub = strings.NewReplacer(pairs...).Replace
			}
			res, err := Admit(b, nil, scrub)
			if err != nil {
				t.Fatal(err)
			}
			out := string(res.Output)
			for _, a := range res.Admitted {
				out += "\n" + string(a.Before) + "\n" + string(a.After)
			}
			if c.same && string(res.Output) != c.in {
				t.Errorf("output differs from input:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			var got []string
			for _, r := range res.Rejections {
				got = append(got, r.Message)
			}
			if strings.Join(got, "\n") != strings.Join(c.rejected, "\n") {
				t.Errorf("rejections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.rejected, "\n"))
			}
			if f := model.Read(model.NewSource("out.yaml", res.Output)); len(f.Errors) > 0 {
				t.Errorf("output does not parse: %v", f.Errors)
			}
		})
	}
}

func pod(name, spec string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n" + spec
}

const mount = "    volumeMounts:\n    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n      name: kube-api-access-"

func TestAdmit_Defaulting(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{name: "EmptyNameBecomesDefault", in: pod("p", "  serviceAccountName: \"\"\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  serviceAccountName: default\n  serviceAccount: default\n"}},
		{name: "AbsentNameBecomesDefault", in: pod("p", "  containers: [{name: a, image: x}]\n"),
			want: []string{"spec:\n  serviceAccountName: default\n  serviceAccount: default\n"}},
		{name: "AliasAloneFillsTheName", in: accounts + pod("p", "  serviceAccount: web # old\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  serviceAccountName: web\n  serviceAccount: web # old\n"}},
		{name: "NameWinsOverADifferentAlias", in: accounts + pod("p", "  serviceAccountName: quiet\n  serviceAccount: web\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  serviceAccountName: quiet\n  serviceAccount: quiet\n"}, notWant: []string{"  imagePullSecrets:\n  - name: regcred"}},
	})
}

func TestAdmit_PullSecrets(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{name: "CopiedInOrderWhenThePodHasNone", in: accounts + pod("p", "  serviceAccountName: web\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  imagePullSecrets:\n  - name: regcred\n  - name: mirror\n"}},
		{name: "EmptyListCountsAsNone", in: accounts + pod("p", "  serviceAccountName: web\n  imagePullSecrets: []\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  imagePullSecrets:\n  - name: regcred\n  - name: mirror\n"}},
		{name: "NoMergeWhenThePodHasItsOwn", in: accounts + pod("p", "  serviceAccountName: web\n  imagePullSecrets: [{name: own}]\n  containers: [{name: a, image: x}]\n"),
			want: []string{"  imagePullSecrets:\n  - name: own\n  containers"}, notWant: []string{"name: regcred\n  - name: mirror"}},
		{name: "DefaultAccountHasNone", in: pod("p", "  containers: [{name: a, image: x}]\n"),
			notWant: []string{"imagePullSecrets"}},
	})
}

func TestAdmit_TokenMount(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{name: "MountedWhenNeitherSays", in: pod("p", "  initContainers:\n  - name: init\n    image: x\n  containers:\n  - name: a\n    image: x\n"),
			want: []string{
				"  initContainers:\n  - name: init\n    image: x\n" + mount,
				"  containers:\n  - name: a\n    image: x\n" + mount,
				"  volumes:\n  - name: kube-api-access-",
				"    projected:\n      defaultMode: 420\n      sources:\n      - serviceAccountToken:\n          expirationSeconds: 3607\n          path: token\n      - configMap:\n          items:\n          - key: ca.crt\n            path: ca.crt\n          name: kube-root-ca.crt\n      - downwardAPI:\n          items:\n          - fieldRef:\n              apiVersion: v1\n              fieldPath: metadata.namespace\n            path: namespace\n",
			}},
		{name: "AccountFalseNotMounted", in: accounts + pod("p", "  serviceAccountName: quiet\n  containers: [{name: a, image: x}]\n"),
			notWant: []string{"kube-api-access"}},
		{name: "PodTrueWinsOverAccountFalse", in: accounts + pod("p", "  serviceAccountName: quiet\n  automountServiceAccountToken: true\n  containers: [{name: a, image: x}]\n"),
			want: []string{"kube-api-access-"}},
		{name: "PodFalseWinsOverDefault", in: pod("p", "  automountServiceAccountToken: false\n  containers: [{name: a, image: x}]\n"),
			notWant: []string{"kube-api-access"}},
		{name: "ExistingMountAtThePathIsKept", in: pod("p", "  containers:\n  - name: a\n    image: x\n    volumeMounts:\n    - {name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}\n  - name: b\n    image: x\n  volumes:\n  - {name: mine, emptyDir: {}}\n"),
			want:    []string{"    - name: mine\n      mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n  - name: b\n    image: x\n" + mount},
			notWant: []string{"    - name: mine\n      mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n    - mountPath"}},
		{name: "NoVolumeWhenEveryContainerMountsThePath", in: pod("p", "  containers:\n  - name: a\n    image: x\n    volumeMounts:\n    - {name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}\n  volumes:\n  - {name: mine, emptyDir: {}}\n"),
			notWant: []string{"kube-api-access"}},
		{name: "ExistingVolumeIsReused", in: pod("p", "  containers:\n  - name: a\n    image: x\n  volumes:\n  - {name: kube-api-access-abcde, emptyDir: {}}\n"),
			want: []string{mount + "abcde\n", "  volumes:\n  - name: kube-api-access-abcde\n    emptyDir: {}\n"}, notWant: []string{"projected"}},
	})
}

func TestAdmit_SuffixIsStableAndFromTheAPIServerAlphabet(t *testing.T) {
	in := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n"
	var names []string
	for range 2 {
		res, err := Admit(model.BuildText(model.Options{}, "d.yaml", in), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`name: kube-api-access-(\S+)`).FindAllStringSubmatch(string(res.Output), -1)
		if len(m) != 2 || m[0][1] != m[1][1] {
			t.Fatalf("mount and volume names differ: %v", m)
		}
		names = append(names, m[0][1])
	}
	if names[0] != names[1] {
		t.Fatalf("suffix changed between runs: %v", names)
	}
	if !regexp.MustCompile(`^[bcdfghjklmnpqrstvwxz2456789]{5}$`).MatchString(names[0]) {
		t.Fatalf("suffix %q is not 5 characters of the API server's alphabet", names[0])
	}
}

func TestAdmit_Rejections(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{name: "MissingAccountPodIsNotPrinted", in: pod("web", "  serviceAccountName: web-sa\n  containers: [{name: a, image: x}]\n"),
			rejected: []string{`pods "web" is forbidden: error looking up service account shop/web-sa: serviceaccount "web-sa" not found`},
			notWant:  []string{"kind: Pod"}},
		{name: "GenerateName", in: "apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-}\nspec:\n  serviceAccount: nope\n  containers: [{name: a, image: x}]\n",
			rejected: []string{`pods "job-" is forbidden: error looking up service account shop/nope: serviceaccount "nope" not found`}},
		{name: "TemplatesAreNamedAsTheControllerNamesPods",
			in: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      serviceAccountName: nope\n      containers: [{name: a, image: x}]\n---\n" +
				"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: other}\nspec:\n  template:\n    spec:\n      serviceAccountName: nope\n      containers: [{name: a, image: x}]\n",
			rejected: []string{
				`pods "db-0" is forbidden: error looking up service account shop/nope: serviceaccount "nope" not found`,
				`pods "web-" is forbidden: error looking up service account other/nope: serviceaccount "nope" not found`,
			},
			want: []string{"kind: StatefulSet", "kind: Deployment"}},
		{name: "ExternalAccountExists", in: pod("p", "  serviceAccountName: ext\n  containers: [{name: a, image: x}]\n"),
			want: []string{"serviceAccountName: ext"}},
		{name: "RejectedListItemIsDropped", in: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: bad}\n  spec:\n    serviceAccountName: nope\n    containers: [{name: a, image: x}]\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: good}\n  spec:\n    containers: [{name: a, image: x}]\n",
			rejected: []string{`pods "bad" is forbidden: error looking up service account shop/nope: serviceaccount "nope" not found`},
			want:     []string{"name: good", "serviceAccountName: default"}, notWant: []string{"name: bad"}},
	})
}

func TestAdmit_MirrorPods(t *testing.T) {
	mirror := func(spec string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-node1\n  namespace: kube-system\n  annotations: {kubernetes.io/config.mirror: abc}\nspec:\n" + spec
	}
	runAdmitCases(t, []admitCase{
		{name: "LeftAlone", in: mirror("  containers: [{name: a, image: x}]\n"), same: true},
		{name: "MayNotNameAnAccount", in: mirror("  serviceAccount: default\n  containers: [{name: a, image: x}]\n"),
			rejected: []string{`pods "etcd-node1" is forbidden: a mirror pod may not reference service accounts`}},
		{name: "MayNotReferenceSecrets", in: mirror("  containers: [{name: a, image: x, envFrom: [{secretRef: {name: s}}]}]\n"),
			rejected: []string{`pods "etcd-node1" is forbidden: a mirror pod may not reference secrets`}},
		{name: "MayNotReferenceSecretsThroughOtherVolumes", in: mirror("  containers: [{name: a, image: x}]\n  volumes: [{name: v, rbd: {image: i, monitors: [m], secretRef: {name: ceph}}}]\n"),
			rejected: []string{`pods "etcd-node1" is forbidden: a mirror pod may not reference secrets`}},
		// VisitPodSecretNames skips empty names (spec §1.2: only a
		// reference to a Secret counts), so these are left alone.
		{name: "EmptyPullSecretNameIsNoReference", in: mirror("  imagePullSecrets: [{}]\n  containers: [{name: a, image: x}]\n"), same: true},
		{name: "EmptySecretVolumeNameIsNoReference", in: mirror("  containers: [{name: a, image: x, env: [{name: E, valueFrom: {secretKeyRef: {key: k}}}]}]\n  volumes: [{name: v, secret: {}}, {name: w, cephfs: {monitors: [m], secretRef: {}}}]\n"), same: true},
		{name: "MayNotProjectATokent", in: mirror("  containers: [{name: a, image: x}]\n  volumes: [{name: v, projected: {sources: [{serviceAccountToken: {path: t}}]}}]\n"),
			rejected: []string{`pods "etcd-node1" is forbidden: a mirror pod may not use ServiceAccountToken volume projections`}},
	})
}

func TestAdmit_EnforceMountableSecrets(t *testing.T) {
	strict := func(spec string) string { return accounts + pod("p", "  serviceAccountName: strict\n"+spec) }
	const tail = ` is not allowed because service account strict does not reference that secret`
	runAdmitCases(t, []admitCase{
		{name: "ListedSecretsPass", in: strict("  containers: [{name: a, image: x, envFrom: [{secretRef: {name: tls}}]}]\n  volumes: [{name: v, secret: {secretName: tls}}]\n"),
			want: []string{"serviceAccountName: strict", "imagePullSecrets:\n  - name: regcred"}},
		{name: "SecretVolumeFirst", in: strict("  containers: [{name: a, image: x, envFrom: [{secretRef: {name: other}}]}]\n  volumes: [{name: v, secret: {secretName: db}}]\n"),
			rejected: []string{`pods "p" is forbidden: volume with secret.secretName="db"` + tail}},
		{name: "InitContainerEnvBeforeContainers", in: strict("  initContainers: [{name: i, image: x, env: [{name: PW, valueFrom: {secretKeyRef: {name: db, key: pw}}}]}]\n  containers: [{name: a, image: x, envFrom: [{secretRef: {name: other}}]}]\n"),
			rejected: []string{`pods "p" is forbidden: init container i with envVar PW referencing secret.secretName="db"` + tail}},
		{name: "ContainerEnvFrom", in: strict("  containers: [{name: a, image: x, envFrom: [{secretRef: {name: other}}]}]\n"),
			rejected: []string{`pods "p" is forbidden: container a with envFrom referencing secret.secretName="other"` + tail}},
		{name: "ProjectedAndCSIAreNotChecked", in: strict("  containers: [{name: a, image: x}]\n  volumes: [{name: v, projected: {sources: [{secret: {name: db}}]}}, {name: c, csi: {driver: d, nodePublishSecretRef: {name: db}}}]\n"),
			want: []string{"serviceAccountName: strict"}},
		{name: "OwnPullSecretMustBeTheAccounts", in: strict("  imagePullSecrets: [{name: regcred}, {name: theirs}]\n  containers: [{name: a, image: x}]\n"),
			rejected: []string{`pods "p" is forbidden: imagePullSecrets[1].name="theirs" is not allowed because service account strict does not reference that imagePullSecret`}},
		{name: "AnnotationFalseDoesNotEnforce", in: strings.Replace(strict("  containers: [{name: a, image: x, envFrom: [{secretRef: {name: other}}]}]\n"), `"T"`, `"no"`, 1),
			want: []string{"serviceAccountName: strict"}},
	})
}

func TestAdmit_PassesOtherDocumentsThroughByteForByte(t *testing.T) {
	in := "# header comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}   # odd   spacing\ndata: {k: 'v'}\n---\n" +
		pod("p", "  containers: [{name: a, image: x}]\n") +
		"---\napiVersion: v1\nkind: Service\nmetadata:\n    name: s\n"
	res, err := Admit(model.BuildText(model.Options{}, "in.yaml", in), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.Output)
	if !strings.HasPrefix(out, "# header comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}   # odd   spacing\ndata: {k: 'v'}\n---\n") ||
		!strings.HasSuffix(out, "---\napiVersion: v1\nkind: Service\nmetadata:\n    name: s\n") {
		t.Fatalf("untouched documents changed:\n%s", out)
	}
}

func TestAdmit_JSONBecomesYAML(t *testing.T) {
	in := `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "x"}]}}`
	res, err := Admit(model.BuildText(model.Options{}, "p.json", in), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := string(res.Output); !strings.Contains(out, "spec:\n  serviceAccountName: default\n") || strings.Contains(out, "{") {
		t.Fatalf("not block YAML:\n%s", out)
	}
}

// The scrub takes Secret values out of every value and comment the preview
// prints, not out of keys, nor out of what admission writes (the token
// volume), so that the output stays manifests; a value that starts with
// such a word is redacted whole.
func TestAdmit_ScrubsValuesNotKeys(t *testing.T) {
	words := []string{"secret", "serviceAccountName", "kube-root-ca.crt-CANARY", "kube-api-access-CANARY", "123456"}
	runAdmitCases(t, []admitCase{
		{name: "NoValuePassesThroughByteForByte", secrets: words, same: true,
			in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}   # odd   spacing\ndata: {k: 'v'}\n"},
		{name: "PassedThroughValuesAndComments", secrets: words,
			in:      "# kube-api-access-CANARY\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {secret: kube-root-ca.crt-CANARY, n: 123456} # secret\n",
			want:    []string{"# <redacted>\n", "data: {secret: <redacted>, n: <redacted>} # <redacted>\n"},
			notWant: []string{"CANARY", "!!int"}},
		{name: "AdmittedPodKeepsKeysAndTokenVolume", secrets: words,
			in: pod("p", "  containers:\n  - name: a\n    image: x\n    env:\n    - {name: A, value: kube-root-ca.crt-CANARY}\n"+
				"    - {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}\n  volumes:\n  - {name: v, secret: {secretName: s}}\n"),
			want: []string{"  serviceAccountName: default\n", "value: <redacted>\n", "secretKeyRef:\n", "secret:\n", "secretName: s\n",
				mount, "name: kube-root-ca.crt\n", "- serviceAccountToken:\n"},
			notWant: []string{"CANARY", "<redacted>:", "<redacted>KeyRef", "<redacted>Name"}},
		{name: "ReusedTokenVolumeNameIsTheInputs", secrets: []string{"kube-api-access-CANARY"},
			in:      pod("p", "  containers: [{name: a, image: x}]\n  volumes: [{name: kube-api-access-CANARY, emptyDir: {}}]\n"),
			want:    []string{"- mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n      name: <redacted>\n", "- name: <redacted>\n"},
			notWant: []string{"CANARY"}},
	})
}
