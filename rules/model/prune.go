package model

import (
	"bytes"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ReadOptions change how Read keeps what it parses.
type ReadOptions struct {
	// Prune drops, right after a document is parsed, the content of the
	// collections in pod-spec objects that no rule and no view of the
	// model reads (probes, resources, affinity, selectors, status...),
	// which is most of a workload's nodes; every value the model reads
	// stays (keep below). Once the object's definitions are read, a
	// pod-spec object is cut down to what rules still reach through its
	// tree (skeleton below). Only for reading that ends in findings or views: fix and admit edit
	// or re-encode whole objects, and kustomize maps built objects back to
	// their sources node by node, so those read everything.
	Prune bool
}

// keep is a whitelist of what pruning leaves in a node. A nil *keep
// empties a collection (its key stays); all keeps the whole subtree; keys
// says, for a mapping, what to keep of each key's value (a key not listed
// is kept with an empty value); items applies to every item of a
// sequence, and when "when" is set, only to the items it accepts: the
// others are emptied (they stay, so item indexes do not move).
type keep struct {
	all   bool
	keys  map[string]*keep
	items *keep
	when  func(item *yaml.Node) bool
	// others, when set, applies to the keys of a mapping not in keys.
	others *keep
}

var keepAll = &keep{all: true}

// metadataKeep is what is read of an object's or a template's metadata:
// names and namespace (scalars, always kept) and annotations.
var metadataKeep = &keep{keys: map[string]*keep{"annotations": keepAll}}

// podSpecKeep is what the model reads of a pod spec (bundle.go addPod,
// containers.go readContainers and readSecretUses), which is all the
// rules and the accounts view see of it: the account fields, pull
// secrets, the secret references of volumes, and of each container its
// name and image (scalars) and the env and envFrom items that reference
// a Secret (spec §2, §4, §5, §6).
var podSpecKeep = func() *keep {
	container := &keep{keys: map[string]*keep{
		"env": {items: keepAll, when: func(e *yaml.Node) bool {
			return Lookup(e, "valueFrom", "secretKeyRef").Mapping() != nil
		}},
		"envFrom": {items: keepAll, when: func(e *yaml.Node) bool {
			return Get(e, "secretRef").Mapping() != nil
		}},
	}}
	list := &keep{items: container}
	volume := &keep{keys: map[string]*keep{
		"secret":    keepAll,
		"projected": {keys: map[string]*keep{"sources": {items: &keep{keys: map[string]*keep{"secret": keepAll}}}}},
		"csi":       {keys: map[string]*keep{"nodePublishSecretRef": keepAll}},
	}}
	return &keep{keys: map[string]*keep{
		"serviceAccountName":           keepAll,
		"serviceAccount":               keepAll,
		"automountServiceAccountToken": keepAll,
		"imagePullSecrets":             keepAll,
		"volumes":                      {items: volume},
		InitContainers:                 list,
		Containers:                     list,
		EphemeralContainers:            list,
	}}
}()

// pruneKeeps maps "group/kind" to what pruning keeps of objects of that
// kind:
//   - pod-spec kinds of the table (plain paths, not AccountOnly):
//     apiVersion, kind and metadata, and along the table's path to the pod
//     spec the metadata of every mapping on the way (a template's
//     annotations are read), and podSpecKeep there;
//   - kinds the model reads whole (ServiceAccount, Secret, the RBAC
//     bindings, secret producers): everything but unread metadata;
//   - table kinds with an AccountOnly or a per-item location: nothing is
//     pruned (nil entry).
//
// Any other kind is read by nothing but its metadata (pruneOther).
// Unread collections of metadata (labels, ownerReferences, managedFields)
// are emptied everywhere.
var pruneKeeps = func() map[string]*keep {
	podSpecKinds = map[string]bool{}
	out := map[string]*keep{}
	whole := &keep{keys: map[string]*keep{"metadata": metadataKeep}, others: keepAll}
	out["/"+KindServiceAccount] = whole
	out["/"+KindSecret] = whole
	out["rbac.authorization.k8s.io/"+KindRoleBinding] = whole
	out["rbac.authorization.k8s.io/"+KindClusterRoleBinding] = whole
	for _, p := range SecretProducers {
		out[p.Group+"/"+p.Kind] = whole
	}
	leave := map[string]bool{}
	for _, l := range PodSpecLocations {
		id := l.Group + "/" + l.Kind
		plain := !l.AccountOnly
		for _, p := range l.Path {
			plain = plain && p != EachItem
		}
		if !plain || out[id] != nil {
			leave[id] = true
			continue
		}
		k := podSpecKeep
		for i := len(l.Path) - 1; i >= 0; i-- {
			k = &keep{keys: map[string]*keep{"metadata": metadataKeep, l.Path[i]: k}}
		}
		k.keys["apiVersion"], k.keys["kind"] = keepAll, keepAll
		out[id] = k
		podSpecKinds[id] = true
	}
	for id := range leave {
		out[id] = nil
		delete(podSpecKinds, id)
	}
	return out
}()

// podSpecKinds are the "group/kind" of pruneKeeps whose objects are
// pruned to podSpecKeep (plain paths), and then to their skeleton.
var podSpecKinds map[string]bool

// pruneOther is what is kept of an object of a kind the model does not
// handle (parsed because another group has a kind of that name, such as
// a core Service beside Knative's): only what newObject reads.
var pruneOther = &keep{keys: map[string]*keep{"apiVersion": keepAll, "kind": keepAll, "metadata": metadataKeep}}

// prune empties what no reader needs in object n of kind group/kind.
// The document must hold no anchor: an alias elsewhere could then read
// what is emptied here.
func prune(n *yaml.Node, group, kind string) {
	k, listed := pruneKeeps[group+"/"+kind]
	if !listed {
		k = pruneOther
	}
	if k != nil {
		pruneNode(n, k)
	}
}

func pruneNode(n *yaml.Node, k *keep) {
	if n == nil || (k != nil && k.all) {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if k == nil {
			stub(n)
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, v := n.Content[i], n.Content[i+1]
			if key.Kind != yaml.ScalarNode {
				stub(v)
				continue
			}
			child, ok := k.keys[key.Value]
			if !ok {
				child = k.others
			}
			pruneNode(v, child)
		}
	case yaml.SequenceNode:
		if k == nil {
			stub(n)
			return
		}
		for _, item := range n.Content {
			if k.when != nil && !k.when(item) {
				stub(item)
				continue
			}
			pruneNode(item, k.items)
		}
	}
}

// stub empties collection n, keeping its kind, style, tag and position.
// A collection that ends in a block scalar keeping its trailing blank
// lines ("|+") stays whole: edits that insert after a mapping's last
// field look for that (rules/edit.go keepsTrailingLines), and a lint
// reports whether a finding has a fix.
func stub(n *yaml.Node) {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return
	}
	last := n
	for (last.Kind == yaml.MappingNode || last.Kind == yaml.SequenceNode) && len(last.Content) > 0 {
		last = last.Content[len(last.Content)-1]
	}
	if last.Kind == yaml.ScalarNode && last.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return
	}
	n.Content = nil
}

// The second stage of pruning, once an object's definitions are read
// (File.pruneAndRead). Records such as PodSpec and Container hold what
// rules read of a pod spec; what rules still reach through the tree
// afterwards is only:
//   - the object's metadata (Lookup(o.Node, "metadata", "name"));
//   - each pod spec mapping, from the root (rules/edit.go EditablePath);
//   - in a pod spec, the fields fixes edit (the account fields,
//     automountServiceAccountToken, imagePullSecrets: DeleteField,
//     RenameKey, AppendItem) and, for AddField and DeleteField, its first
//     field (the keys' indentation), its last field (where to insert, and
//     whether it ends with a block scalar that keeps its trailing lines)
//     and whether it has more than one field;
//   - of a flow-style pod spec, every field (a flow edit reads the
//     neighbours of the field it changes).
//
// So a pod-spec object keeps only that, and each container only its name
// and image: a generated Deployment (bundlegen) keeps 34 of its 172 nodes
// (24 in its tree, 10 in its two containers) instead of the 89 the first
// stage leaves. Content slices are allocated anew at
// their length, which frees the parser's over-allocated arrays.

// editedPodKeys are the pod spec fields rules edit or look up through the
// tree after the model is built (besides the location's account key).
var editedPodKeys = []string{"serviceAccountName", "serviceAccount", "automountServiceAccountToken", "imagePullSecrets"}

// skeleton reduces a pruned pod-spec object to what rules reach through
// its tree once d is read (see above). It leaves the object as it is when
// a pod spec is not a mapping reached from the root through mappings, or
// when a block pod spec's last field ends in a block scalar: the whole
// chain of last nodes is then read, and such objects are rare.
func skeleton(o *Object, pods []*PodSpec) {
	root := o.Node
	if len(pods) == 0 || root == nil || root.Kind != yaml.MappingNode || !podSpecKinds[o.Group()+"/"+o.Kind] {
		return
	}
	// keep lists, per mapping to reduce, the indexes of the keys it keeps.
	keep := map[*yaml.Node][]int{}
	add := func(m *yaml.Node, i int) {
		if !slices.Contains(keep[m], i) {
			keep[m] = append(keep[m], i)
		}
	}
	if i := keyIndex(root, "metadata"); i >= 0 {
		add(root, i)
	}
	specs := map[*yaml.Node]*PodSpec{}
	for _, p := range pods {
		spec := p.Node
		if spec == nil || spec.Kind != yaml.MappingNode || len(spec.Content) < 2 {
			return
		}
		path := pathTo(root, spec, 0)
		if path == nil {
			return
		}
		for _, step := range path {
			add(step.m, step.i)
		}
		if spec.Style&yaml.FlowStyle == 0 && endsInBlockScalar(spec.Content[len(spec.Content)-1]) {
			return
		}
		specs[spec] = p
	}
	for spec, p := range specs {
		if _, onPath := keep[spec]; onPath {
			return // a pod spec inside another: no such location
		}
		if spec.Style&yaml.FlowStyle != 0 {
			for i := 0; i+1 < len(spec.Content); i += 2 {
				add(spec, i)
			}
			continue
		}
		first, last := 0, len(spec.Content)-2
		add(spec, first)
		add(spec, last)
		for _, k := range append(editedPodKeys, p.Location.accountKey()) {
			if i := keyIndex(spec, k); i >= 0 {
				add(spec, i)
			}
		}
	}
	for m, idx := range keep {
		slices.Sort(idx)
		content := make([]*yaml.Node, 0, 2*len(idx))
		for _, i := range idx {
			key, v := m.Content[i], m.Content[i+1]
			if p := specs[m]; p != nil && !p.edited(key.Value) {
				stub(v) // first or last field: its key and kind are read
			}
			content = append(content, key, v)
		}
		m.Content = content
	}
	for _, p := range pods {
		for _, c := range p.Containers {
			if c.Node.Kind != yaml.MappingNode {
				continue
			}
			content := make([]*yaml.Node, 0, 4)
			for _, k := range []string{"name", "image"} {
				if i := keyIndex(c.Node, k); i >= 0 {
					content = append(content, c.Node.Content[i], c.Node.Content[i+1])
				}
			}
			c.Node.Content = content
		}
	}
}

// edited reports whether key of the pod spec is one rules edit or read.
func (p *PodSpec) edited(key string) bool {
	return key == p.Location.accountKey() || slices.Contains(editedPodKeys, key)
}

// keyIndex is the index in m.Content of the first key called key, or -1.
func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i
		}
	}
	return -1
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

// endsInBlockScalar reports whether the chain of last nodes from n ends
// in a block scalar (rules/edit.go keepsTrailingLines reads it).
func endsInBlockScalar(n *yaml.Node) bool {
	for (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// Unpruned returns the root of the object at root's position in src as
// read without pruning: root itself unless src was read with
// ReadOptions.Prune, else its document parsed again. Edits that infer the
// document's indentation style from all of its collections
// (rules.DetectLayout) read it, so that a suggested edit is the same
// whether or not its object was pruned; only the one document is parsed,
// and only when such an edit is computed.
func Unpruned(src *Source, root *yaml.Node) *yaml.Node {
	if !src.pruned || root == nil {
		return root
	}
	start := 0
	if bytes.HasPrefix(src.Data, bom) {
		start = len(bom)
	}
	var doc *chunk // the last document starting at or before root
	for _, c := range splitDocuments(src.Data, start) {
		if c.line > root.Line {
			break
		}
		doc = &c
	}
	if doc == nil {
		return root
	}
	scratch := &File{Source: src}
	scratch.parseChunk(src.Data[doc.start:doc.end], doc.line-1, 0)
	for _, o := range scratch.Objects {
		if o.Node.Line == root.Line && o.Node.Column == root.Column {
			return o.Node
		}
	}
	return root
}
