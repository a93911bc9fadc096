package model

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PodSpecLocation says where a kind keeps the pod spec that its pods are
// created from (spec §6). It is data, so that a custom resource that embeds a
// pod template is one more line here, not code.
type PodSpecLocation struct {
	Group string   // API group; "" for the core group
	Kind  string   // object kind
	Path  []string // keys from the object root to the pod spec mapping
	// Template is true when the spec is a template a controller creates pods
	// from; false for a Pod, which the API server admits directly.
	Template bool
	// AccountOnly marks custom resources whose spec only names the account
	// its pods run as (an operator builds the pod spec itself): only
	// the account key is read there, and only when it is present.
	AccountOnly bool
	// AccountKey is the key naming the account; "serviceAccountName"
	// when empty.
	AccountKey string
	// Reconciler, for AccountOnly objects that no pod runs from, is the
	// GitOps controller that applies the object's content as the account
	// (impersonating it): without the account the reconciliation fails.
	Reconciler string
}

// EachItem in a Path stands for every item of a sequence.
const EachItem = "[]"

func (l *PodSpecLocation) accountKey() string {
	if l.AccountKey != "" {
		return l.AccountKey
	}
	return "serviceAccountName"
}

// specAt is one pod spec found in an object, with its field path and the
// mapping that holds it (whose metadata a template's annotations are in).
type specAt struct {
	spec, parent, key *yaml.Node
	path              string
}

// find returns the pod spec mappings of an object at this location.
func (l *PodSpecLocation) find(root *yaml.Node) []specAt {
	var out []specAt
	var walk func(n, parent, key *yaml.Node, rest []string, path string)
	walk = func(n, parent, key *yaml.Node, rest []string, path string) {
		if len(rest) == 0 {
			if n != nil && n.Kind == yaml.MappingNode {
				out = append(out, specAt{spec: n, parent: parent, key: key, path: path})
			}
			return
		}
		if rest[0] == EachItem {
			for i, item := range (Field{Value: n}).Items() {
				walk(item, n, item, rest[1:], fmt.Sprintf("%s[%d]", path, i))
			}
			return
		}
		next := Get(n, rest[0])
		if !next.Present() {
			return
		}
		if path != "" {
			path += "."
		}
		walk(next.Value, n, next.Key, rest[1:], path+rest[0])
	}
	walk(root, nil, nil, l.Path, "")
	return out
}

var (
	specPath     = []string{"spec"}
	templatePath = []string{"spec", "template", "spec"}
)

// PodSpecLocations lists every kind whose pod specs salint checks.
var PodSpecLocations = []PodSpecLocation{
	{Group: "", Kind: "Pod", Path: specPath},
	{Group: "apps", Kind: "Deployment", Path: templatePath, Template: true},
	{Group: "apps", Kind: "StatefulSet", Path: templatePath, Template: true},
	{Group: "apps", Kind: "DaemonSet", Path: templatePath, Template: true},
	{Group: "apps", Kind: "ReplicaSet", Path: templatePath, Template: true},
	{Group: "extensions", Kind: "Deployment", Path: templatePath, Template: true},
	{Group: "extensions", Kind: "DaemonSet", Path: templatePath, Template: true},
	{Group: "extensions", Kind: "ReplicaSet", Path: templatePath, Template: true},
	{Group: "batch", Kind: "Job", Path: templatePath, Template: true},
	{Group: "", Kind: "ReplicationController", Path: templatePath, Template: true},
	{Group: "batch", Kind: "CronJob", Path: []string{"spec", "jobTemplate", "spec", "template", "spec"}, Template: true},
	{Group: "", Kind: "PodTemplate", Path: []string{"template", "spec"}, Template: true},
	// Well-known custom resources with a full pod template.
	{Group: "argoproj.io", Kind: "Rollout", Path: templatePath, Template: true},
	{Group: "apps.kruise.io", Kind: "CloneSet", Path: templatePath, Template: true},
	{Group: "apps.kruise.io", Kind: "StatefulSet", Path: templatePath, Template: true},
	{Group: "apps.kruise.io", Kind: "DaemonSet", Path: templatePath, Template: true},
	{Group: "kubeflow.org", Kind: "Notebook", Path: templatePath, Template: true},
	{Group: "serving.knative.dev", Kind: "Service", Path: templatePath, Template: true},
	{Group: "serving.knative.dev", Kind: "Configuration", Path: templatePath, Template: true},
	{Group: "keda.sh", Kind: "ScaledJob", Path: []string{"spec", "jobTargetRef", "template", "spec"}, Template: true},
	// Custom resources that only name the account their operator runs pods
	// as (spec.serviceAccountName unless AccountKey says otherwise).
	{Group: "monitoring.coreos.com", Kind: "Prometheus", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "PrometheusAgent", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "Alertmanager", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "ThanosRuler", Path: specPath, Template: true, AccountOnly: true},
	// Tekton: TaskRun (v1, v1beta1); PipelineRun v1 (taskRunTemplate and
	// per-task taskRunSpecs) and v1beta1 (spec and taskServiceAccountName).
	{Group: "tekton.dev", Kind: "TaskRun", Path: specPath, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "PipelineRun", Path: []string{"spec", "taskRunTemplate"}, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "PipelineRun", Path: []string{"spec", "taskRunSpecs", EachItem}, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "PipelineRun", Path: specPath, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "PipelineRun", Path: []string{"spec", "taskRunSpecs", EachItem}, Template: true, AccountOnly: true, AccountKey: "taskServiceAccountName"},
	{Group: "triggers.tekton.dev", Kind: "EventListener", Path: specPath, Template: true, AccountOnly: true},
	// Argo Workflows: the workflow's pods run as spec.serviceAccountName.
	{Group: "argoproj.io", Kind: "Workflow", Path: specPath, Template: true, AccountOnly: true},
	{Group: "argoproj.io", Kind: "WorkflowTemplate", Path: specPath, Template: true, AccountOnly: true},
	{Group: "argoproj.io", Kind: "CronWorkflow", Path: []string{"spec", "workflowSpec"}, Template: true, AccountOnly: true},
	// Flux applies a Kustomization or HelmRelease as its
	// spec.serviceAccountName, an account of the object's own namespace.
	{Group: "kustomize.toolkit.fluxcd.io", Kind: "Kustomization", Path: specPath, Template: true, AccountOnly: true, Reconciler: "Flux's kustomize-controller"},
	{Group: "helm.toolkit.fluxcd.io", Kind: "HelmRelease", Path: specPath, Template: true, AccountOnly: true, Reconciler: "Flux's helm-controller"},
}

// GitOpsKinds are the objects that say what a GitOps tool applies where
// (Flux Kustomizations, HelmReleases and their sources, Argo CD
// Applications): parsed and kept whole, for lint/gitops to form cluster
// views from.
var GitOpsKinds = []struct{ Group, Kind string }{
	{"kustomize.toolkit.fluxcd.io", "Kustomization"},
	{"helm.toolkit.fluxcd.io", "HelmRelease"},
	{"source.toolkit.fluxcd.io", "GitRepository"},
	{"argoproj.io", "Application"},
	{"argoproj.io", "ApplicationSet"},
}

// Kinds whose objects the model reads besides the pod-spec kinds.
const (
	KindServiceAccount     = "ServiceAccount"
	KindSecret             = "Secret"
	KindRoleBinding        = "RoleBinding"
	KindClusterRoleBinding = "ClusterRoleBinding"
)

// SecretProducers are custom resources that make a Secret of a known name:
// a pull secret they produce counts as existing.
var SecretProducers = []SecretProducer{
	{Group: "bitnami.com", Kind: "SealedSecret", NamePath: []string{"spec", "template", "metadata", "name"}, TypePath: []string{"spec", "template", "type"}},
	{Group: "external-secrets.io", Kind: "ExternalSecret", NamePath: []string{"spec", "target", "name"}, TypePath: []string{"spec", "target", "template", "type"}},
}

// SecretProducer names where a custom resource keeps the name of the Secret
// it creates (when that field is empty the Secret has the object's own
// name) and its type (unknown when empty).
type SecretProducer struct {
	Group, Kind string
	NamePath    []string
	TypePath    []string
}

var neededKinds = func() map[string]bool {
	m := map[string]bool{
		KindServiceAccount: true, KindSecret: true,
		KindRoleBinding: true, KindClusterRoleBinding: true,
		// Parsed so that kustomize's own files are recognised by apiVersion
		// and left out, rather than counted as objects.
		"Kustomization": true, "Component": true,
	}
	for _, l := range PodSpecLocations {
		m[l.Kind] = true
	}
	for _, p := range SecretProducers {
		m[p.Kind] = true
	}
	for _, g := range GitOpsKinds {
		m[g.Kind] = true
	}
	return m
}()

// Needed reports whether documents of kind must be parsed in full. Kinds no
// rule reads (CRDs, ConfigMaps, Services, ...) are only counted.
func Needed(kind string) bool {
	return neededKinds[kind] || strings.HasSuffix(kind, "List")
}

// clusterScoped lists the built-in and common kinds that have no namespace
// (spec §7); anything else is namespaced.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true,
	"ClusterRole": true, "ClusterRoleBinding": true,
	"CustomResourceDefinition": true, "StorageClass": true, "PriorityClass": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"APIService": true, "CSIDriver": true, "CSINode": true, "IngressClass": true,
	"RuntimeClass": true, "PodSecurityPolicy": true, "VolumeAttachment": true,
	"ClusterIssuer": true, "ClusterSecretStore": true, "ClusterExternalSecret": true,
	"ComponentStatus": true, "CertificateSigningRequest": true,
}

// ClusterScoped reports whether objects of kind have no namespace.
func ClusterScoped(kind string) bool { return clusterScoped[kind] }

// Group returns the API group of an apiVersion ("apps/v1" → "apps", "v1" → "").
func Group(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// IsKustomizeFile reports kinds that configure kustomize rather than the
// cluster; they are not objects.
func IsKustomizeFile(apiVersion, kind string) bool {
	return strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") &&
		(kind == "Kustomization" || kind == "Component")
}
