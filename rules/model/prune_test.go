package model

import (
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const pruneDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      annotations: {salint.io/ignore: default-service-account}
    spec:
      serviceAccountName: web
      imagePullSecrets: [{name: reg}]
      affinity:
        nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}
      containers:
        - name: app
          image: example.com/app:1
          env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}, {name: B, valueFrom: {fieldRef: {fieldPath: x}}}]
          resources: {limits: {cpu: "1"}}
          command:
            - sh
            - -c
            - |+
              echo kept

status:
  replicas: 2
`

func readPruned(t *testing.T, text string, prune bool) *Object {
	t.Helper()
	f := ReadWith(NewSource("x.yaml", []byte(text)), ReadOptions{Prune: prune})
	if len(f.Objects) != 1 || len(f.Errors) != 0 {
		t.Fatalf("read %d objects, errors %v", len(f.Objects), f.Errors)
	}
	return f.Objects[0]
}

func TestPrune_EmptiesWhatNoReaderNeedsAndKeepsEveryKey(t *testing.T) {
	full, pruned := readPruned(t, pruneDeployment, false), readPruned(t, pruneDeployment, true)
	if countNodes(pruned.Node) >= countNodes(full.Node) {
		t.Fatalf("pruning kept %d of %d nodes", countNodes(pruned.Node), countNodes(full.Node))
	}
	for _, path := range [][]string{
		{"spec", "selector"}, {"status"}, {"spec", "template", "spec", "affinity"}, {"metadata", "labels"},
	} {
		f, p := Lookup(full.Node, path...), Lookup(pruned.Node, path...)
		if !p.Present() || p.Key.Line != f.Key.Line || p.Key.Column != f.Key.Column || p.Value.Kind != f.Value.Kind {
			t.Errorf("%v: key or value kind not kept where it was", path)
		}
	}
	for _, path := range [][]string{{"spec", "selector"}, {"status"}, {"spec", "template", "spec", "affinity"}, {"metadata", "labels"}} {
		if n := len(Lookup(pruned.Node, path...).Value.Content); n != 0 {
			t.Errorf("%v: kept %d nodes no reader needs", path, n)
		}
	}
	for _, path := range [][]string{
		{"spec", "template", "metadata", "annotations"},
		{"spec", "template", "spec", "imagePullSecrets"},
	} {
		if countNodes(Lookup(pruned.Node, path...).Value) != countNodes(Lookup(full.Node, path...).Value) {
			t.Errorf("%v: pruned, but the model reads it", path)
		}
	}
	c := Lookup(pruned.Node, "spec", "template", "spec", "containers").Value.Content[0]
	if len(Get(c, "resources").Value.Content) != 0 {
		t.Error("container resources kept")
	}
	env, fullEnv := Get(c, "env").Items(), Get(Lookup(full.Node, "spec", "template", "spec", "containers").Value.Content[0], "env").Items()
	if len(env) != 2 || countNodes(env[0]) != countNodes(fullEnv[0]) {
		t.Error("an env item referencing a Secret was pruned, but secret uses read it")
	}
	if len(env) == 2 && (len(env[1].Content) != 0 || env[1].Line != fullEnv[1].Line) {
		t.Error("an env item that references no Secret was not emptied in place")
	}
	if len(Get(c, "command").Value.Content) != 3 {
		t.Error("a sequence ending in a |+ block scalar was emptied: edits that append after it check that scalar")
	}
}

func TestPrune_LeavesAnchoredDocumentsAndOperatorKindsWhole(t *testing.T) {
	for name, text := range map[string]string{
		"anchor":         "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  affinity: &a {x: {y: 1}}\n  containers: [{name: c, image: i, resources: *a}]\n",
		"operator CR":    "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: p}\nspec: {serviceAccountName: p, affinity: {x: 1}}\n",
		"per-item paths": "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: p}\nspec: {taskRunSpecs: [{serviceAccountName: a, podTemplate: {x: 1}}]}\n",
		// GitOps objects say what is applied where (lint/gitops reads them).
		"Argo CD Application":    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {source: {path: apps, kustomize: {namePrefix: p-}}, destination: {namespace: x}}\n",
		"Argo CD ApplicationSet": "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: a}\nspec: {generators: [{list: {elements: []}}]}\n",
		"Flux Kustomization":     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a}\nspec: {path: ./apps, targetNamespace: x}\n",
		"Flux GitRepository":     "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: a}\nspec: {url: https://example.com/a.git, ref: {branch: main}}\n",
	} {
		full, pruned := readPruned(t, text, false), readPruned(t, text, true)
		if countNodes(pruned.Node) != countNodes(full.Node) {
			t.Errorf("%s: pruned %d of %d nodes", name, countNodes(full.Node)-countNodes(pruned.Node), countNodes(full.Node))
		}
	}
}

func TestPrune_ListItemsArePrunedByTheirOwnKind(t *testing.T) {
	text := "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {containers: [{name: c, image: i}], affinity: {x: {y: 1}}}\n"
	full, pruned := readPruned(t, text, false), readPruned(t, text, true)
	if countNodes(pruned.Node) >= countNodes(full.Node) || len(Lookup(pruned.Node, "spec", "affinity").Value.Content) != 0 {
		t.Error("the List's Pod item was not pruned")
	}
}

// firstStage reads text whole and prunes it as the first stage does,
// before the definitions are read and the skeleton is cut.
func firstStage(t *testing.T, text string) *Object {
	t.Helper()
	o := readPruned(t, text, false)
	prune(o.Node, o.Group(), o.Kind)
	return o
}

func TestPrune_KindsReadWholeLoseOnlyUnreadMetadata(t *testing.T) {
	for _, text := range []string{
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, labels: {x: y}, annotations: {k: v}}\nimagePullSecrets: [{name: r}]\nextra: {deep: {x: 1}}\n",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s, labels: {x: y}}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{}'}\n",
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, labels: {x: y}}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: a}]\n",
		"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s, labels: {x: y}}\nspec: {template: {metadata: {name: t}, type: Opaque}}\n",
	} {
		full, pruned := readPruned(t, text, false), firstStage(t, text)
		if got, want := countNodes(pruned.Node), countNodes(full.Node)-2; got != want {
			t.Errorf("%s: kept %d nodes, want all but the two of the labels (%d)", full.Kind, got, want)
		}
		if len(Lookup(pruned.Node, "metadata", "labels").Value.Content) != 0 {
			t.Errorf("%s: labels kept", full.Kind)
		}
	}
}

func TestPrune_KindsTheModelDoesNotHandleKeepOnlyMetadata(t *testing.T) {
	for _, text := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: s, annotations: {k: v}}\nspec: {selector: {app: a}, ports: [{port: 80}]}\n",
		"apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c, image: i}]}}}\n",
	} {
		full, pruned := readPruned(t, text, false), firstStage(t, text)
		if n := len(Lookup(pruned.Node, "spec").Value.Content); n != 0 {
			t.Errorf("%s %s: spec kept (%d nodes)", full.APIVersion, full.Kind, n)
		}
		if countNodes(Get(pruned.Node, "metadata").Value) != countNodes(Get(full.Node, "metadata").Value) {
			t.Errorf("%s %s: metadata pruned", full.APIVersion, full.Kind)
		}
	}
}

const skeletonDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      annotations: {salint.io/ignore: default-service-account}
    spec:
      securityContext: {runAsNonRoot: true}
      serviceAccountName: web
      imagePullSecrets: [{name: reg}]
      affinity:
        nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}
      containers:
        - name: app
          image: example.com/app:1
          env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}]
          resources: {limits: {cpu: "1"}}
      volumes:
        - name: v
          secret: {secretName: t}
`

func TestPrune_SkeletonKeepsWhatRulesReachAfterReading(t *testing.T) {
	full, pruned := readPruned(t, skeletonDeployment, false), readPruned(t, skeletonDeployment, true)
	if got := countNodes(pruned.Node); got > 30 {
		t.Errorf("kept %d of %d nodes", got, countNodes(full.Node))
	}
	spec := Lookup(pruned.Node, "spec", "template", "spec").Value
	var keys []string
	for i := 0; i < len(spec.Content); i += 2 {
		keys = append(keys, spec.Content[i].Value)
	}
	// First and last fields (AddField, DeleteField), and what fixes edit.
	if want := "securityContext serviceAccountName imagePullSecrets volumes"; strings.Join(keys, " ") != want {
		t.Errorf("pod spec keeps %q, want %q", keys, want)
	}
	if n := len(Get(spec, "volumes").Value.Content); n != 0 {
		t.Errorf("the last field's value kept %d nodes: only its kind is read", n)
	}
	if countNodes(Get(spec, "imagePullSecrets").Value) != 4 {
		t.Error("imagePullSecrets not kept whole: fixes append to it")
	}
	for _, gone := range [][]string{{"spec", "selector"}, {"spec", "replicas"}, {"apiVersion"}, {"spec", "template", "metadata"}} {
		if Lookup(pruned.Node, gone...).Present() {
			t.Errorf("%v kept", gone)
		}
	}
	if Lookup(pruned.Node, "metadata", "name").Key.Line != 4 {
		t.Error("metadata.name not kept: rules locate findings at it")
	}
	// The records read before the skeleton are those of the full tree.
	fd, pd := readDefinitions(full), pruned.defs
	fp, pp := fd.pods[0], pd.pods[0]
	if pp.ServiceAccountName.String() != "web" || len(pp.Containers) != 1 || pp.Containers[0].Image.String() != "example.com/app:1" ||
		len(pp.SecretUses) != len(fp.SecretUses) || len(pp.PullSecretRefs()) != 1 || pp.Ignored[0] != "default-service-account" {
		t.Errorf("records differ: %+v", pp)
	}
	if c := pp.Containers[0].Node; countNodes(c) != 5 || Get(c, "name").String() != "app" {
		t.Errorf("container keeps %d nodes, want its name and image", countNodes(c))
	}
	if pathTo(pruned.Node, pp.Node, 0) == nil {
		t.Error("pod spec not reachable from the root: yamledit.EditablePath needs it")
	}
	// compact: the object and its records hold copies only (a node the
	// parser made points at its copy through Alias afterwards).
	var old []string
	pd.nodes(func(p **yaml.Node) {
		if *p != nil && (*p).Alias != nil {
			old = append(old, fmt.Sprintf("%d:%d", (*p).Line, (*p).Column))
		}
	})
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Alias != nil {
			old = append(old, fmt.Sprintf("%d:%d", n.Line, n.Column))
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(pruned.Node)
	if len(old) > 0 {
		t.Errorf("nodes the parser made are still held after compact, at %v", old)
	}
	if u := Unpruned(pruned.Source, pruned.Node); countNodes(u) != countNodes(full.Node) || u.Line != pruned.Node.Line {
		t.Errorf("Unpruned gave %d nodes, want the full %d", countNodes(u), countNodes(full.Node))
	}
	if u := Unpruned(full.Source, full.Node); u != full.Node {
		t.Error("Unpruned of a source read whole is not its own root")
	}
}

func TestPrune_SkeletonLeavesFlowSpecsAndTrailingBlockScalars(t *testing.T) {
	flow := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {dnsPolicy: Default, serviceAccount: a, hostname: h, containers: [{name: c, image: i, args: [x]}]}\n"
	pruned := readPruned(t, flow, true)
	if n := len(Get(pruned.Node, "spec").Value.Content); n != 8 {
		t.Errorf("flow pod spec keeps %d nodes, want its 4 fields: a flow edit reads the neighbours", n)
	}
	keep := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostname: h\n  dnsPolicy: Default\n  containers:\n  - name: c\n    image: i\n    args:\n    - |+\n      x\n\n"
	pruned = readPruned(t, keep, true)
	if !Lookup(pruned.Node, "spec", "dnsPolicy").Present() || TrailingBlockScalar(Get(pruned.Node, "spec").Value) == nil {
		t.Error("a pod spec ending in a |+ block scalar was reduced: AddField reads that chain")
	}
}

func TestPrune_SkeletonOfKindsReadWhole(t *testing.T) {
	for _, tc := range []struct{ text, keeps string }{
		{"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: n, labels: {x: y}, annotations: {k: v}}\nimagePullSecrets: [{name: r}]\nextra: {deep: {x: 1}}\nautomountServiceAccountToken: false\n",
			"apiVersion:v1 metadata:{name:a} imagePullSecrets:[{name:r}] automountServiceAccountToken:false"},
		{"apiVersion: v1\nkind: Secret\nmetadata: {name: s, labels: {x: y}, annotations: {kubernetes.io/service-account.name: a}}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{}'}\n",
			"metadata:{name:s annotations:{kubernetes.io/service-account.name:a}}"},
		{"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, labels: {x: y}}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: a}]\n",
			"metadata:{name:b}"},
		{"apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\nspec: {selector: {app: a}, ports: [{port: 80}]}\n",
			"metadata:{name:s}"},
	} {
		full, pruned := readPruned(t, tc.text, false), readPruned(t, tc.text, true)
		if got := flowText(pruned.Node); got != tc.keeps {
			t.Errorf("%s keeps %s, want %s", full.Kind, got, tc.keeps)
		}
		if fd, pd := readDefinitions(full), pruned.defs; fmt.Sprint(defsText(fd)) != fmt.Sprint(defsText(*pd)) {
			t.Errorf("%s: records differ:\n full   %s\n pruned %s", full.Kind, defsText(fd), defsText(*pd))
		}
	}
}

// flowText writes a tree compactly, for comparing what a skeleton keeps.
func flowText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, n.Content[i].Value+":"+flowText(n.Content[i+1]))
		}
		if n.Line == 1 && n.Column == 1 {
			return strings.Join(parts, " ") // the root
		}
		return "{" + strings.Join(parts, " ") + "}"
	case yaml.SequenceNode:
		var parts []string
		for _, c := range n.Content {
			parts = append(parts, flowText(c))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return n.Value
}

// defsText prints the records of d with the positions of their nodes.
func defsText(d definitions) string {
	pos := func(n *yaml.Node) string {
		if n == nil {
			return "-"
		}
		return fmt.Sprintf("%d:%d", n.Line, n.Column)
	}
	var b strings.Builder
	if a := d.account; a != nil {
		fmt.Fprintf(&b, "account %s %s %v", a.Automount.String(), pos(a.Automount.Key), a.EnforceMountable)
		for _, r := range append(a.ImagePullSecrets, a.Secrets...) {
			fmt.Fprintf(&b, " ref %s %s %s", r.Name, pos(r.Node), pos(r.Item))
		}
	}
	if s := d.secret; s != nil {
		fmt.Fprintf(&b, "secret %s %s %s %v %v %v", s.Name, s.Type, pos(s.TypeNode), s.Produced, s.Pull, s.Registries)
	}
	if bd := d.binding; bd != nil {
		fmt.Fprintf(&b, "binding %s %s", bd.RoleKind, bd.RoleName)
		for _, sj := range bd.Subjects {
			fmt.Fprintf(&b, " subject %s %s %s %s %s %s", sj.Kind, sj.Name, sj.Namespace.String(), pos(sj.Node), pos(sj.NameNode), pos(sj.Namespace.Key))
		}
	}
	for _, p := range d.pods {
		fmt.Fprintf(&b, "pod %s %s %s %s %s %v", p.Path, pos(p.Node), pos(p.KeyNode), p.ServiceAccountName.String(), pos(p.ServiceAccountName.Key), p.Ignored)
		for _, c := range p.Containers {
			fmt.Fprintf(&b, " container %s %s %s", c.Key(), c.Name, c.Image.String())
		}
		for _, u := range p.SecretUses {
			fmt.Fprintf(&b, " use %s %s %s", u.Key, u.Name, pos(u.Node))
		}
	}
	return b.String()
}

func TestCompact_CopiesTreeAndRecordsTogether(t *testing.T) {
	o := readPruned(t, skeletonDeployment, false)
	d := readDefinitions(o)
	root, spec, image := o.Node, d.pods[0].Node, d.pods[0].Containers[0].Image.Value
	n := countNodes(root)
	compact(o, &d)
	if o.Node == root || root.Alias != o.Node || d.pods[0].Node != spec.Alias || d.pods[0].Containers[0].Image.Value != image.Alias {
		t.Fatal("the object and its records were not moved to the copies")
	}
	if countNodes(o.Node) != n || pathTo(o.Node, d.pods[0].Node, 0) == nil || d.pods[0].Containers[0].Image.String() != "example.com/app:1" {
		t.Error("the copy is not the same tree")
	}

	anchored := readPruned(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  affinity: &a {x: 1}\n  containers: [{name: c, image: i, resources: *a}]\n", false)
	ad := readDefinitions(anchored)
	before := anchored.Node
	compact(anchored, &ad)
	if anchored.Node != before {
		t.Error("a document with an alias was copied: the alias would point at the original")
	}
}

// pathStep is one mapping on the way to a pod spec and the index of the
// key whose value leads there.
type pathStep struct {
	m *yaml.Node
	i int
}

// pathTo returns the mappings and keys from m down to target, through
// mappings only, or nil.
func pathTo(m, target *yaml.Node, depth int) []pathStep {
	if m.Kind != yaml.MappingNode || depth > 16 {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		v := m.Content[i+1]
		if v == target {
			return []pathStep{{m, i}}
		}
		if rest := pathTo(v, target, depth+1); rest != nil {
			return append([]pathStep{{m, i}}, rest...)
		}
	}
	return nil
}
