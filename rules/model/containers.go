package model

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Container lists of a pod spec, in the order admission visits them.
const (
	InitContainers      = "initContainers"
	Containers          = "containers"
	EphemeralContainers = "ephemeralContainers"
)

// Container is one container of a pod spec.
type Container struct {
	// List is InitContainers, Containers or EphemeralContainers.
	List  string
	Index int
	Name  string
	Node  *yaml.Node
	Image Field
}

// Key is the container's field path inside the pod spec ("containers[1]").
func (c *Container) Key() string { return fmt.Sprintf("%s[%d]", c.List, c.Index) }

// SecretUseKind says how a pod spec uses a Secret.
type SecretUseKind int

// The ways a pod spec names a Secret.
const (
	// SecretVolume is volumes[].secret.secretName.
	SecretVolume SecretUseKind = iota + 1
	// SecretEnv is a container's env[].valueFrom.secretKeyRef.name.
	SecretEnv
	// SecretEnvFrom is a container's envFrom[].secretRef.name.
	SecretEnvFrom
	// SecretProjected is volumes[].projected.sources[].secret.name; the
	// mountable-secrets check ignores it (spec §1.8).
	SecretProjected
	// SecretCSI is volumes[].csi.nodePublishSecretRef.name; likewise
	// not checked by admission (spec §1.8).
	SecretCSI
)

// SecretUse is one place a pod spec names a Secret.
type SecretUse struct {
	Kind SecretUseKind
	Name string
	// Node is the name's key (the reference mapping when the name is absent).
	Node *yaml.Node
	// Key is the field path inside the pod spec.
	Key string
	// Container is set for env and envFrom uses; EnvName for env.
	Container *Container
	EnvName   string
}

// readContainers reads the containers of a pod spec: init containers
// first, then containers, then ephemeral containers.
func readContainers(spec *yaml.Node) []*Container {
	var out []*Container
	for _, list := range []string{InitContainers, Containers, EphemeralContainers} {
		for i, c := range Get(spec, list).Items() {
			if c.Kind != yaml.MappingNode {
				continue
			}
			out = append(out, &Container{List: list, Index: i, Name: Get(c, "name").String(), Node: c, Image: Get(c, "image")})
		}
	}
	return out
}

// readSecretUses lists the Secrets a pod spec names, in the order the
// ServiceAccount admission plugin checks them (spec §1.8): volumes, then
// each init container's env and envFrom, then each container's, then
// ephemeral containers' (checked only when they are added).
func readSecretUses(spec *yaml.Node, containers []*Container) []SecretUse {
	var out []SecretUse
	ref := func(kind SecretUseKind, m *yaml.Node, nameKey, key string) SecretUse {
		n := Get(m, nameKey)
		node := n.Key
		if node == nil {
			node = m
		}
		return SecretUse{Kind: kind, Name: n.String(), Node: node, Key: key + "." + nameKey}
	}
	for i, v := range Get(spec, "volumes").Items() {
		vol := fmt.Sprintf("volumes[%d]", i)
		if m := Get(v, "secret").Mapping(); m != nil {
			out = append(out, ref(SecretVolume, m, "secretName", vol+".secret"))
		}
		for j, src := range Lookup(v, "projected", "sources").Items() {
			if m := Get(src, "secret").Mapping(); m != nil {
				out = append(out, ref(SecretProjected, m, "name", fmt.Sprintf("%s.projected.sources[%d].secret", vol, j)))
			}
		}
		if m := Lookup(v, "csi", "nodePublishSecretRef").Mapping(); m != nil {
			out = append(out, ref(SecretCSI, m, "name", vol+".csi.nodePublishSecretRef"))
		}
	}
	for _, c := range containers {
		for i, e := range Get(c.Node, "env").Items() {
			if m := Lookup(e, "valueFrom", "secretKeyRef").Mapping(); m != nil {
				u := ref(SecretEnv, m, "name", fmt.Sprintf("%s.env[%d].valueFrom.secretKeyRef", c.Key(), i))
				u.Container, u.EnvName = c, Get(e, "name").String()
				out = append(out, u)
			}
		}
		for i, e := range Get(c.Node, "envFrom").Items() {
			if m := Get(e, "secretRef").Mapping(); m != nil {
				u := ref(SecretEnvFrom, m, "name", fmt.Sprintf("%s.envFrom[%d].secretRef", c.Key(), i))
				u.Container = c
				out = append(out, u)
			}
		}
	}
	return out
}
