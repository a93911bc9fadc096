package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// This file holds what the pull-secret rules share: whether a named pull
// secret is usable by the kubelet (spec §5), and how to say so.

// pullSecretProblem says why the kubelet cannot use pull secret ns/name,
// "" when it can. s is the Secret (or producer) found, nil when the name is
// declared external or not found. A name that is defined more than once
// is judged by its first definition.
func pullSecretProblem(b *model.Bundle, ns, name string) (problem string, s *model.Secret) {
	why, s := pullSecretFault(b, ns, name)
	if why == nil {
		return "", s
	}
	return why(), s
}

// pullSecretFault is pullSecretProblem for callers that only need to know
// whether there is a problem: why is nil when the kubelet can use the
// secret, else it words the problem (only findings need the words).
func pullSecretFault(b *model.Bundle, ns, name string) (why func() string, s *model.Secret) {
	if name == "" {
		return func() string { return "has an empty name; the kubelet has nothing to look up" }, nil
	}
	s = b.AppliedSecret(ns, name)
	if s == nil {
		if b.SecretExternal(ns, name) {
			return nil, nil
		}
		return func() string {
			return fmt.Sprintf("names Secret %q, which is not defined in namespace %s; the kubelet only warns (FailedToRetrieveImagePullSecret) and pulls without it", name, ns)
		}, nil
	}
	switch {
	case s.Produced && s.Type != "" && model.PullKey(s.Type) == "":
		return func() string {
			return fmt.Sprintf("names Secret %q, which %s makes with type %q, not %s or %s; the kubelet silently ignores it",
				name, s.Object, s.Type, model.DockerConfigJSONType, model.DockercfgType)
		}, s
	case s.Produced:
		return nil, s
	case model.PullKey(s.Type) == "":
		return func() string {
			return fmt.Sprintf("names Secret %s/%s (%s), whose type is %q, not %s or %s; the kubelet silently ignores it",
				ns, name, s.Object.Pos(nil), s.Type, model.DockerConfigJSONType, model.DockercfgType)
		}, s
	case s.Pull == model.PullConfigNotObject:
		return func() string {
			return fmt.Sprintf("names Secret %s/%s (%s), whose %s is not a JSON object; the API server rejects that Secret, so the kubelet pulls without it",
				ns, name, s.Object.Pos(nil), model.PullKey(s.Type))
		}, s
	case s.Pull == model.PullConfigMissing:
		return func() string {
			return fmt.Sprintf("names Secret %s/%s (%s), which has no %s data; the kubelet silently ignores it",
				ns, name, s.Object.Pos(nil), model.PullKey(s.Type))
		}, s
	}
	return nil, s
}

// pullSecretNames lists the names of the usable pull secrets of ns, sorted,
// for "did you mean" hints.
func pullSecretNames(b *model.Bundle, ns string) []string {
	return b.Memo("rules.pullSecretNames\x00"+ns, func() any {
		n := b.Namespaces[ns]
		if n == nil {
			return []string(nil)
		}
		var names []string
		for name := range n.Secrets {
			if why, _ := pullSecretFault(b, ns, name); why == nil {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		return names
	}).([]string)
}

// quotedNames renders names as "a", "b".
func quotedNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// appendRefs builds the edit that appends {name: n} entries for names to
// the reference list seq of object o (imagePullSecrets).
func appendRefs(o *model.Object, seq *yaml.Node, names []string) (TextEdit, error) {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return TextEdit{}, &yamledit.UnsafeEdit{Reason: "imagePullSecrets is not a list"}
	}
	items := make([]any, len(names))
	for i, n := range names {
		items[i] = yamledit.Map{{Key: "name", Value: n}}
	}
	return yamledit.AppendItem(o.Source, o.Node, seq, items...)
}

// addPullSecret builds the edit that adds pull secret name to the
// imagePullSecrets of object o (a ServiceAccount, or a pod spec when spec
// is set): appended to the list when there is one, else a new field.
func addPullSecret(o *model.Object, spec *yaml.Node, name string) (TextEdit, error) {
	m := spec
	if m == nil {
		m = o.Node
	}
	f := model.Get(m, "imagePullSecrets")
	if f.Present() {
		return appendRefs(o, f.Value, []string{name})
	}
	return yamledit.AddField(o.Source, o.Node, m, "imagePullSecrets", []any{yamledit.Map{{Key: "name", Value: name}}})
}
