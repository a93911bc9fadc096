package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A kustomizeLayer is what a tool's kustomize options do on top of the
// build of the unit's own kustomization, as kustomize's transformers do
// it: Argo CD's namePrefix and nameSuffix rename the objects and the
// references to the objects the unit renames (kustomize's
// nameReference, for the fields the model reads), and a namespace
// (Flux targetNamespace, Argo CD kustomize.namespace) also goes to the
// binding subjects kustomize gives it.
type kustomizeLayer struct {
	// prefix and suffix are the tool's; ownPrefix and ownSuffix those
	// the kustomization at the path sets, which `kustomize edit set`
	// replaces.
	prefix, suffix, ownPrefix, ownSuffix string
	namespace                            string
	// defined holds, by kind and name before the tool's options
	// (original), the namespaces as written of the unit's objects that
	// references can name; namespaces are those any object of the unit
	// is written in (effective).
	defined    map[string][]string
	namespaces map[string]bool
}

// referredKinds are the kinds whose names kustomize's nameReference
// follows into fields the model reads (Roles are not read: a roleRef
// stays as written).
var referredKinds = map[string]bool{model.KindServiceAccount: true, model.KindSecret: true}

func definedKey(kind, name string) string { return kind + "\x00" + name }

// readKustomization reads the kustomization in dir: ok is false when
// there is none (a plain directory).
func readKustomization(dir string) (node *yaml.Node, ok bool) {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
			return nil, true
		}
		return doc.Content[0], true
	}
	return nil, false
}

// setLayer sets u.layer when the tool builds u with kustomize
// (Flux always: it writes a kustomization where there is none; Argo CD
// when the path holds one) and its options change names or binding
// subjects. files are the input, read for what the unit defines.
func (u *Unit) setLayer(files []*model.File) {
	if !u.kustomized || u.NamePrefix == "" && u.NameSuffix == "" && u.Namespace == "" {
		return
	}
	l := &kustomizeLayer{prefix: u.NamePrefix, suffix: u.NameSuffix, ownPrefix: u.ownPrefix, ownSuffix: u.ownSuffix,
		namespace: u.Namespace, defined: map[string][]string{}, namespaces: map[string]bool{}}
	holds := map[string]bool{} // by built root
	for _, f := range files {
		plain := !f.Built && u.Holds(f.Source.Path, "")
		for _, o := range f.Objects {
			if !plain {
				if o = builtInstance(u, o, holds); o == nil {
					continue
				}
			}
			if !model.ClusterScoped(o.Kind) {
				l.namespaces[effectiveNamespace(writtenNamespace(o))] = true
			}
			if referredKinds[o.Kind] && o.Group() == "" && o.Name != "" {
				key := definedKey(o.Kind, l.original(o.Name))
				l.defined[key] = append(l.defined[key], writtenNamespace(o))
			}
		}
	}
	u.layer = l
}

// builtInstance is o, or its twin, as a root u holds built it; nil when
// none did. holds memoizes u.Holds by root.
func builtInstance(u *Unit, o *model.Object, holds map[string]bool) *model.Object {
	if o.Built == nil {
		return nil
	}
	for _, in := range withTwins(o) {
		root := in.Built.Root
		h, ok := holds[root]
		if !ok {
			h = u.Holds("", root)
			holds[root] = h
		}
		if h {
			return in
		}
	}
	return nil
}

// renamed is name as the layer's prefix and suffix make it.
func (l *kustomizeLayer) renamed(name string) string {
	if l.prefix != "" {
		name = l.prefix + strings.TrimPrefix(name, l.ownPrefix)
	}
	if l.suffix != "" {
		name = strings.TrimSuffix(name, l.ownSuffix) + l.suffix
	}
	return name
}

// original is name without the kustomization's own prefix and suffix
// the tool's replace: a reference the unit's build did not follow (to
// an object then in another namespace) names the object so.
func (l *kustomizeLayer) original(name string) string {
	if l.prefix != "" {
		name = strings.TrimPrefix(name, l.ownPrefix)
	}
	if l.suffix != "" {
		name = strings.TrimSuffix(name, l.ownSuffix)
	}
	return name
}

// rewrites reports whether the layer may change nodes of o: any with a
// prefix or suffix, else binding subjects only. A nil layer changes
// nothing.
func (l *kustomizeLayer) rewrites(o *model.Object) bool {
	return l != nil && (l.renaming() || o.Kind == model.KindRoleBinding || o.Kind == model.KindClusterRoleBinding)
}

// renaming reports whether the layer renames anything.
func (l *kustomizeLayer) renaming() bool { return l.prefix != "" || l.suffix != "" }

// renames reports whether kustomize's prefix and suffix transformers
// rename objects of kind (they leave CRDs, APIServices and Namespaces).
func (l *kustomizeLayer) renames(kind, group string) bool {
	switch {
	case !l.renaming(), kind == "CustomResourceDefinition", kind == "Namespace":
		return false
	case kind == "APIService" && group == "apiregistration.k8s.io":
		return false
	}
	return true
}

// writtenNamespace is the namespace o's build gives it, "" for none (the
// model places such objects in the run's default namespace).
func writtenNamespace(o *model.Object) string {
	if o.NamespaceSet {
		return o.Namespace
	}
	return ""
}

// effectiveNamespace is ns as kustomize compares namespaces: none is
// "default".
func effectiveNamespace(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// refersTo reports whether a reference to name of kind from an object
// written in namespace ns names an object the unit defines in the same
// namespace as placed (kustomize follows references within the
// referrer's namespace).
func (l *kustomizeLayer) refersTo(kind, name, ns string) bool {
	for _, defined := range l.defined[definedKey(kind, l.original(name))] {
		if effectiveNamespace(l.placed(defined)) == effectiveNamespace(l.placed(ns)) {
			return true
		}
	}
	return false
}

// podSpecReferrers are kustomize's nameReference referrers whose fields
// the model reads, by kind (any group, as kustomize selects them): where
// the pod spec is, and whether kustomize follows serviceAccountName and
// the Secret references there.
var podSpecReferrers = map[string]struct {
	spec             []string
	account, secrets bool
}{
	"Pod":                   {[]string{"spec"}, true, true},
	"PodTemplate":           {[]string{"template", "spec"}, false, true},
	"Deployment":            {[]string{"spec", "template", "spec"}, true, true},
	"StatefulSet":           {[]string{"spec", "template", "spec"}, true, true},
	"DaemonSet":             {[]string{"spec", "template", "spec"}, true, true},
	"Job":                   {[]string{"spec", "template", "spec"}, true, true},
	"ReplicaSet":            {[]string{"spec", "template", "spec"}, false, true},
	"ReplicationController": {[]string{"spec", "template", "spec"}, true, false},
	"CronJob":               {[]string{"spec", "jobTemplate", "spec", "template", "spec"}, true, true},
}

// secretRefPaths are the Secret references of a pod spec kustomize
// follows (ephemeral containers and CSI secrets are not among them).
var secretRefPaths = [][]string{
	{"volumes", "secret", "secretName"},
	{"volumes", "projected", "sources", "secret", "name"},
	{"containers", "env", "valueFrom", "secretKeyRef", "name"},
	{"initContainers", "env", "valueFrom", "secretKeyRef", "name"},
	{"containers", "envFrom", "secretRef", "name"},
	{"initContainers", "envFrom", "secretRef", "name"},
	{"imagePullSecrets", "name"},
}

// edits are the nodes of o the layer replaces, by the node replaced:
// its name, the names it refers to that the unit renames, and binding
// subjects. o is the object as built, before the tool's namespace.
func (l *kustomizeLayer) edits(o *model.Object) map[*yaml.Node]*yaml.Node {
	out := map[*yaml.Node]*yaml.Node{}
	if n := model.Lookup(o.Node, "metadata", "name").Value; n != nil && n.Kind == yaml.ScalarNode && n.Value != "" && l.renames(o.Kind, o.Group()) {
		out[n] = withValue(n, l.renamed(n.Value))
	}
	refs := func(m *yaml.Node, path []string, kind string) {
		for _, n := range scalarsAt(m, path) {
			if l.refersTo(kind, n.Value, writtenNamespace(o)) {
				out[n] = withValue(n, l.renamed(n.Value))
			}
		}
	}
	if r, ok := podSpecReferrers[o.Kind]; ok && l.renaming() {
		spec := model.Lookup(o.Node, r.spec...).Value
		if r.account {
			refs(spec, []string{"serviceAccountName"}, model.KindServiceAccount)
		}
		if r.secrets {
			for _, p := range secretRefPaths {
				refs(spec, p, model.KindSecret)
			}
		}
	}
	if o.Kind == model.KindServiceAccount && o.Group() == "" && l.renaming() {
		refs(o.Node, []string{"imagePullSecrets", "name"}, model.KindSecret)
	}
	if (o.Kind == model.KindRoleBinding || o.Kind == model.KindClusterRoleBinding) && o.Group() == "rbac.authorization.k8s.io" {
		subjects := model.Get(o.Node, "subjects").Items()
		subjectNS := l.subjectNamespaces(subjects)
		for _, s := range subjects {
			if e := l.subject(s, o, subjectNS); e != s {
				out[s] = e
			}
		}
	}
	return out
}

// subject is subject s of binding bd as kustomize leaves it (s when
// unchanged). The namespace transformer gives subjects named "default"
// the namespace; then nameReference gives a subject that names a
// ServiceAccount of the unit that account's name and namespace as
// placed. It looks among the accounts a binding may name: any for a
// ClusterRoleBinding, for a RoleBinding those of its namespace and of the
// namespaces its ServiceAccount subjects say (subjectNS); of these,
// when the subject says a namespace, those written there (if the unit
// writes anything there), else placed there. kustomize matches subjects
// of any kind.
func (l *kustomizeLayer) subject(s *yaml.Node, bd *model.Object, subjectNS map[string]bool) *yaml.Node {
	name, ns := model.Get(s, "name"), model.Get(s, "namespace")
	if s.Kind != yaml.MappingNode || name.Value == nil || name.Value.Kind != yaml.ScalarNode {
		return s
	}
	newName, newNS, hasNS := name.String(), ns.String(), ns.Present()
	if l.namespace != "" && newName == "default" {
		newNS, hasNS = l.namespace, true
	}
	var found []string // the namespaces, as placed, of the accounts it may name
	written := hasNS && l.namespaces[effectiveNamespace(newNS)]
	for _, d := range l.defined[definedKey(model.KindServiceAccount, l.original(name.String()))] {
		placed := l.placed(d)
		reachable := bd.Kind == model.KindClusterRoleBinding || subjectNS[placed] ||
			effectiveNamespace(placed) == effectiveNamespace(l.placed(writtenNamespace(bd)))
		switch {
		case !reachable:
		case !hasNS, written && effectiveNamespace(d) == effectiveNamespace(newNS), !written && effectiveNamespace(placed) == effectiveNamespace(newNS):
			found = append(found, placed)
		}
	}
	if len(found) > 0 {
		for _, f := range found[1:] {
			if f != found[0] {
				return s // kustomize fails: several accounts could be meant
			}
		}
		newName = l.renamed(name.String())
		if found[0] != "" {
			newNS, hasNS = found[0], true
		}
	}
	if newName == name.String() && (!hasNS || ns.Present() && newNS == ns.String()) {
		return s
	}
	c := *s
	c.Content = slices.Clone(s.Content)
	for i := 0; i+1 < len(c.Content); i += 2 {
		switch c.Content[i].Value {
		case "name":
			c.Content[i+1] = withValue(c.Content[i+1], newName)
		case "namespace":
			c.Content[i+1] = withValue(c.Content[i+1], newNS)
		}
	}
	if hasNS && !ns.Present() {
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "namespace", Line: s.Line, Column: s.Column}
		c.Content = append(c.Content, key, withValue(key, newNS))
	}
	return &c
}

// subjectNamespaces are the namespaces the ServiceAccount subjects of a
// RoleBinding say, after the namespace transformer: kustomize looks for
// the accounts a RoleBinding names there too.
func (l *kustomizeLayer) subjectNamespaces(subjects []*yaml.Node) map[string]bool {
	out := map[string]bool{}
	for _, s := range subjects {
		if model.Get(s, "kind").String() != model.KindServiceAccount {
			continue
		}
		switch ns := model.Get(s, "namespace"); {
		case l.namespace != "" && model.Get(s, "name").String() == "default":
			out[l.namespace] = true
		case ns.Present():
			out[ns.String()] = true
		}
	}
	return out
}

// placed is the namespace an object built in ns is placed in.
func (l *kustomizeLayer) placed(ns string) string {
	if l.namespace != "" {
		return l.namespace
	}
	return ns
}

// withValue is a copy of scalar n holding v, at n's position.
func withValue(n *yaml.Node, v string) *yaml.Node {
	c := *n
	c.Value = v
	return &c
}

// scalarsAt are the scalars at path below m, through every item of the
// lists on the way (as kustomize's field specs go).
func scalarsAt(m *yaml.Node, path []string) []*yaml.Node {
	nodes := []*yaml.Node{m}
	for _, key := range path {
		var next []*yaml.Node
		for _, n := range nodes {
			v := model.Get(n, key).Value
			if v == nil {
				continue
			}
			if v.Kind == yaml.SequenceNode {
				next = append(next, v.Content...)
			} else {
				next = append(next, v)
			}
		}
		nodes = next
	}
	var out []*yaml.Node
	for _, n := range nodes {
		if n.Kind == yaml.ScalarNode {
			out = append(out, n)
		}
	}
	return out
}

// why says what the layer does to the values it changes, for a finding
// whose fix must leave them.
func (l *kustomizeLayer) why(u *Unit) string {
	opts := renameOptions(l.prefix, l.suffix)
	if l.namespace != "" {
		opts = append(opts, "namespace "+l.namespace)
	}
	return fmt.Sprintf("%s (%s) rewrites this value through kustomize (%s): what is written here is not what the cluster receives", u.Object, u.Origin, strings.Join(opts, ", "))
}
