package model

import "strings"

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
	// serviceAccountName is read there.
	AccountOnly bool
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
	// Custom resources that only name the account their operator runs pods as.
	{Group: "monitoring.coreos.com", Kind: "Prometheus", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "PrometheusAgent", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "Alertmanager", Path: specPath, Template: true, AccountOnly: true},
	{Group: "monitoring.coreos.com", Kind: "ThanosRuler", Path: specPath, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "TaskRun", Path: specPath, Template: true, AccountOnly: true},
	{Group: "tekton.dev", Kind: "PipelineRun", Path: []string{"spec", "taskRunTemplate"}, Template: true, AccountOnly: true},
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
	{Group: "bitnami.com", Kind: "SealedSecret", NamePath: []string{"spec", "template", "metadata", "name"}},
	{Group: "external-secrets.io", Kind: "ExternalSecret", NamePath: []string{"spec", "target", "name"}},
}

// SecretProducer names where a custom resource keeps the name of the Secret
// it creates; when that field is empty the Secret has the object's own name.
type SecretProducer struct {
	Group, Kind string
	NamePath    []string
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
