// Package bundlegen writes deterministic, realistic manifest repositories
// for salint's benchmarks and scale tests (lint, cmd/salint). The same Spec
// always produces byte-identical files, so figures from different runs
// compare; nothing it writes is committed.
package bundlegen

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Spec describes a repository to generate.
type Spec struct {
	Files      int // number of files; documents are spread evenly
	Docs       int // total number of documents
	Namespaces int // namespaces the objects spread over (at least 1)
	// Dense makes every document one salint must read in full (accounts,
	// workloads of every template kind, pods, secrets); otherwise the mix
	// also holds bindings, ConfigMaps, Services and big CRDs, like a real
	// GitOps repository.
	Dense bool
	// Peers makes the documents the kinds every peer linter reads
	// (ServiceAccounts, Secrets, Deployments, Pods; pod specs with env and
	// securityContext): the bundle salint is compared with kube-linter on.
	// It overrides Dense.
	Peers bool
	// FixEvery > 0 makes every FixEvery-th document, when it is a
	// workload, also set the deprecated serviceAccount to the same name as
	// serviceAccountName: a finding `salint fix` fixes by default.
	FixEvery int
}

// Stats says what was written.
type Stats struct {
	Files, Docs int
	Bytes       int64
	ByKind      map[string]int
}

// Write generates the repository described by s under dir.
func Write(dir string, s Spec) (Stats, error) {
	st := Stats{ByKind: map[string]int{}}
	if s.Files < 1 || s.Docs < s.Files {
		return st, fmt.Errorf("bundlegen: need Docs >= Files >= 1, got %d docs in %d files", s.Docs, s.Files)
	}
	nsCount := max(s.Namespaces, 1)
	doc := 0
	for f := range s.Files {
		ns := f % nsCount
		sub := filepath.Join(dir, fmt.Sprintf("ns-%03d", ns), fmt.Sprintf("app-%05d", f))
		if err := os.MkdirAll(sub, 0o750); err != nil {
			return st, err
		}
		path := filepath.Join(sub, "manifests.yaml")
		n := s.Docs / s.Files
		if f < s.Docs%s.Files {
			n++
		}
		size, err := writeFile(path, func(w *bufio.Writer) {
			for i := range n {
				if i > 0 {
					fmt.Fprint(w, "---\n")
				}
				kind := s.pick(doc)
				st.ByKind[kind]++
				g := gen{w: w, ns: fmt.Sprintf("team-%03d", ns), app: fmt.Sprintf("app-%05d", f), i: doc}
				g.deprecated = s.FixEvery > 0 && doc%s.FixEvery == 1
				g.write(kind)
				doc++
			}
		})
		if err != nil {
			return st, err
		}
		st.Files++
		st.Bytes += size
	}
	st.Docs = doc
	return st, nil
}

func writeFile(path string, body func(*bufio.Writer)) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	body(w)
	if err := w.Flush(); err != nil {
		return 0, errors.Join(err, f.Close())
	}
	info, err := f.Stat()
	if err != nil {
		return 0, errors.Join(err, f.Close())
	}
	return info.Size(), f.Close()
}

// WorkloadKinds are the pod template kinds generated, in rotation.
var WorkloadKinds = []string{
	"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
	"ReplicationController", "PodTemplate", "Rollout", "Pod",
}

// The mixes are cycles of kinds; a document's index picks its kind.
var (
	denseMix = []string{"ServiceAccount", "workload", "Secret", "workload", "workload", "Secret", "workload", "ServiceAccount", "workload", "Secret"}
	peersMix = []string{"ServiceAccount", "Deployment", "Secret", "Pod", "Deployment", "Secret", "Deployment", "Pod", "Deployment", "Secret"}
	scaleMix = []string{
		"ServiceAccount", "workload", "Secret", "RoleBinding", "workload", "ConfigMap", "workload", "Service", "workload", "Secret",
		"ServiceAccount", "workload", "Secret", "RoleBinding", "workload", "ConfigMap", "workload", "Service", "workload", "Secret",
		"ServiceAccount", "workload", "Secret", "RoleBinding", "workload", "ConfigMap", "workload", "Service", "workload", "Secret",
		"ServiceAccount", "workload", "Secret", "RoleBinding", "workload", "ConfigMap", "workload", "Service", "workload", "CustomResourceDefinition",
	}
)

func (s Spec) pick(i int) string {
	mix := scaleMix
	switch {
	case s.Peers:
		mix = peersMix
	case s.Dense:
		mix = denseMix
	}
	k := mix[i%len(mix)]
	if k == "workload" {
		k = WorkloadKinds[(i/len(mix))%len(WorkloadKinds)]
	}
	return k
}

type gen struct {
	w          *bufio.Writer
	ns         string
	app        string
	i          int
	deprecated bool // also set serviceAccount (Spec.FixEvery)
}

func (g *gen) f(format string, args ...any) { fmt.Fprintf(g.w, format, args...) }

// account names the ServiceAccount a workload runs as: usually one the
// repository defines, sometimes one it does not, so that rules find
// something on every scale.
func (g *gen) account() string {
	if g.i%97 == 0 {
		return fmt.Sprintf("missing-%d", g.i)
	}
	return g.app
}

func (g *gen) meta(name string) {
	g.f("metadata:\n  name: %s\n  namespace: %s\n  labels:\n    app.kubernetes.io/name: %s\n    app.kubernetes.io/part-of: %s\n    app.kubernetes.io/version: \"1.%d.0\"\n", name, g.ns, g.app, g.ns, g.i%20)
}

func (g *gen) write(kind string) {
	name := fmt.Sprintf("%s-%d", g.app, g.i)
	switch kind {
	case "ServiceAccount":
		g.f("apiVersion: v1\nkind: ServiceAccount\n")
		g.meta(g.app)
		g.f("  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/%s\n", g.app)
		g.f("automountServiceAccountToken: %t\nimagePullSecrets:\n  - name: %s-pull\n", g.i%3 == 0, g.app)
	case "Secret":
		g.secret(name)
	case "RoleBinding":
		g.f("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n")
		g.meta(name)
		g.f("roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: %s\n    namespace: %s\n  - kind: ServiceAccount\n    name: %s\n", g.app, g.ns, g.account())
	case "ConfigMap":
		g.f("apiVersion: v1\nkind: ConfigMap\n")
		g.meta(name)
		g.f("data:\n  app.properties: |\n")
		for l := range 20 {
			g.f("    setting.%d.key = value-%d-%d\n", l, g.i, l)
		}
	case "Service":
		g.f("apiVersion: v1\nkind: Service\n")
		g.meta(name)
		g.f("spec:\n  selector:\n    app.kubernetes.io/name: %s\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n    - name: metrics\n      port: 9090\n", g.app)
	case "CustomResourceDefinition":
		g.crd(name)
	case "Pod":
		g.f("apiVersion: v1\nkind: Pod\n")
		g.meta(name)
		g.podSpec("spec", 0)
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		g.f("apiVersion: apps/v1\nkind: %s\n", kind)
		g.meta(name)
		g.f("spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: %s\n", g.app)
		g.template(1)
	case "Rollout":
		g.f("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n")
		g.meta(name)
		g.f("spec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 20\n        - pause: {duration: 10m}\n")
		g.template(1)
	case "ReplicationController":
		g.f("apiVersion: v1\nkind: ReplicationController\n")
		g.meta(name)
		g.f("spec:\n  replicas: 1\n  selector:\n    app.kubernetes.io/name: %s\n", g.app)
		g.template(1)
	case "Job":
		g.f("apiVersion: batch/v1\nkind: Job\n")
		g.meta(name)
		g.f("spec:\n  backoffLimit: 3\n")
		g.template(1)
	case "CronJob":
		g.f("apiVersion: batch/v1\nkind: CronJob\n")
		g.meta(name)
		g.f("spec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n")
		g.template(3)
	case "PodTemplate":
		g.f("apiVersion: v1\nkind: PodTemplate\n")
		g.meta(name)
		g.f("template:\n  metadata:\n    labels:\n      app.kubernetes.io/name: %s\n", g.app)
		g.podSpec("  spec", 1)
	default:
		panic("bundlegen: unknown kind " + kind)
	}
}

// template writes "template:" with labels and a pod spec at depth levels
// of indentation below spec.
func (g *gen) template(depth int) {
	in := strings.Repeat("  ", depth)
	g.f("%stemplate:\n%s  metadata:\n%s    labels:\n%s      app.kubernetes.io/name: %s\n", in, in, in, in, g.app)
	g.podSpec(in+"  spec", depth+1)
}

func (g *gen) podSpec(key string, depth int) {
	in := strings.Repeat("  ", depth)
	g.f("%s:\n", key)
	g.f("%s  serviceAccountName: %s\n", in, g.account())
	if g.deprecated {
		g.f("%s  serviceAccount: %s\n", in, g.account())
	}
	if g.i%5 == 0 {
		g.f("%s  automountServiceAccountToken: true\n", in)
	}
	g.f("%s  imagePullSecrets:\n%s    - name: %s-pull\n", in, in, g.app)
	g.f("%s  securityContext:\n%s    runAsNonRoot: true\n%s    fsGroup: 2000\n", in, in, in)
	for c, role := range []string{"app", "sidecar"} {
		if c == 0 {
			g.f("%s  containers:\n", in)
		}
		g.f("%s    - name: %s\n%s      image: registry.example.com/%s/%s:%d.%d.%d\n", in, role, in, g.ns, role, g.i%7, g.i%11, g.i%13)
		g.f("%s      args: [\"--port=8080\", \"--log-level=info\"]\n", in)
		g.f("%s      ports:\n%s        - containerPort: 8080\n%s          name: http\n", in, in, in)
		g.f("%s      env:\n", in)
		for e := range 4 {
			g.f("%s        - name: SETTING_%d\n%s          value: \"value-%d\"\n", in, e, in, e)
		}
		g.f("%s        - name: POD_NAME\n%s          valueFrom:\n%s            fieldRef:\n%s              fieldPath: metadata.name\n", in, in, in, in)
		g.f("%s      resources:\n%s        requests: {cpu: 100m, memory: 128Mi}\n%s        limits: {memory: 256Mi}\n", in, in, in)
		g.f("%s      readinessProbe:\n%s        httpGet: {path: /healthz, port: http}\n%s        periodSeconds: 10\n", in, in, in)
		g.f("%s      volumeMounts:\n%s        - name: config\n%s          mountPath: /etc/%s\n", in, in, in, role)
	}
	g.f("%s  volumes:\n%s    - name: config\n%s      configMap:\n%s        name: %s-config\n", in, in, in, in, g.app)
}

func (g *gen) secret(name string) {
	g.f("apiVersion: v1\nkind: Secret\n")
	switch g.i % 3 {
	case 0:
		g.meta(g.app + "-pull")
		g.f("type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiWkdWd2JHOTVPbk5sWTNKbGRBPT0ifX19\n")
	case 1:
		g.meta(name)
		g.f("  annotations:\n    kubernetes.io/service-account.name: %s\ntype: kubernetes.io/service-account-token\n", g.app)
	default:
		g.meta(name)
		g.f("type: Opaque\nstringData:\n  username: app-%d\n  password: not-a-real-password-%d\n", g.i, g.i)
	}
}

// crd writes a CustomResourceDefinition with a large schema (about 40
// KiB), the shape that makes up most bytes of real repositories.
func (g *gen) crd(name string) {
	g.f("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: %ss.example.com\n", name)
	g.f("spec:\n  group: example.com\n  names:\n    kind: Widget%d\n    plural: %ss\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n", g.i, name)
	for p := range 120 {
		g.f("            field%d:\n              description: Field %d configures one aspect of the widget; see the documentation for the accepted values.\n              type: object\n              properties:\n", p, p)
		g.f("                enabled: {type: boolean}\n                mode:\n                  type: string\n                  enum: [fast, safe, off]\n")
	}
}
