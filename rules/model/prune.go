package model

import "sigs.k8s.io/kustomize/kyaml/yaml"

// ReadOptions change how Read keeps what it parses.
type ReadOptions struct {
	// Prune drops, right after a document is parsed, the content of the
	// collections in pod-spec objects that no rule and no view of the
	// model reads (probes, resources, affinity, selectors, status...),
	// which is most of a workload's nodes. Every key stays, with its
	// position, and so does every value the model reads (keep below).
	// Only for reading that ends in findings or views: fix and admit edit
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
	}
	for id := range leave {
		out[id] = nil
	}
	return out
}()

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
