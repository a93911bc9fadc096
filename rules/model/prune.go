package model

import (
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
	// tree (skeleton below). Suggested edits are the same (they read the
	// document again whole where they need more: Unpruned), so lint,
	// accounts and fix prune; admit re-encodes whole objects, and
	// kustomize maps built objects back to their sources node by node, so
	// those read everything.
	Prune bool
	// Decoded, when set, is called with every document Read decodes,
	// before Read walks it (the walk applies merge keys and moves lines),
	// so that fix can compare a fixed document's values on the same parse
	// instead of decoding the document again.
	Decoded func(DecodedDocument)
	// DocumentByDocument decodes each document alone instead of decoding
	// consecutive ones as one stream (parseRun): the reference the joined
	// decoding is tested against.
	DocumentByDocument bool
}

// DecodedDocument is a document as go-yaml decoded it, for
// ReadOptions.Decoded.
type DecodedDocument struct {
	// Start and End are the text decoded, Source.Bytes()[Start:End], cut as
	// Source.Documents cuts it.
	Start, End int
	// Index is the document's index in that text, usually 0. A call with
	// Index 0 starts the text afresh: Read may decode a text twice.
	Index int
	// LineOffset plus a node's Line is its line in the file.
	LineOffset int
	// Node is the document node, or nil when the document does not parse
	// (then no document of the text follows).
	Node *yaml.Node
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
//   - table kinds with an AccountOnly or a per-item location, and
//     GitOpsKinds: nothing is pruned (nil entry).
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
	for _, g := range GitOpsKinds {
		leave[g.Group+"/"+g.Kind] = true
	}
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
// field look for that (rules/yamledit keepsTrailingLines), and a lint
// reports whether a finding has a fix.
func stub(n *yaml.Node) {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return
	}
	if TrailingBlockScalar(n) != nil {
		return
	}
	n.Content = nil
}

// The second stage of pruning, once an object's definitions are read
// (File.pruneAndRead). The records (Account, Secret, Binding, PodSpec,
// Container) hold what rules read; what rules still reach through an
// object's tree afterwards is only:
//   - metadata.name (Lookup(o.Node, "metadata", "name") locates findings
//     on accounts), and a Secret's annotations (orphan-token-secret
//     locates its finding at the account annotation);
//   - each pod spec mapping and an account's root, from the root
//     (yamledit.EditablePath): fixes edit them. Of such a mapping,
//     the fields fixes edit or append to (the account fields,
//     automountServiceAccountToken, imagePullSecrets, an account's
//     secrets) and, for AddField and DeleteField, the first field (the
//     keys' indentation), the last field (where to insert: its kind, and
//     whether it ends with a block scalar that keeps its trailing lines)
//     and whether there is more than one field; of a flow-style one
//     (JSON), every field, as a flow edit reads the neighbours of the
//     field it changes.
//
// So an object keeps only that, and each container only its name and
// image. Content slices are allocated anew at their length, which frees
// the parser's over-allocated arrays. Edits that read the whole
// document's indentation read it parsed again (Unpruned).

// editedPodKeys are the pod spec fields rules edit or look up through the
// tree after the model is built (besides the location's account key);
// editedAccountKeys likewise of a ServiceAccount.
var (
	editedPodKeys     = []string{"serviceAccountName", "serviceAccount", "automountServiceAccountToken", "imagePullSecrets"}
	editedAccountKeys = []string{"automountServiceAccountToken", "imagePullSecrets", "secrets"}
)

// skeleton reduces a pruned object to what rules reach through its tree
// once d is read (see above). It leaves the object as it is when its kind
// is not pruned, when an edited mapping is not reached from the root
// through mappings, or when a block one's last field ends in a block
// scalar: the whole chain of last nodes is then read, and such objects
// are rare.
func skeleton(o *Object, d *definitions) {
	root := o.Node
	id := o.Group() + "/" + o.Kind
	k, listed := pruneKeeps[id]
	if root == nil || root.Kind != yaml.MappingNode || (listed && k == nil) {
		return
	}
	// maps are the mappings to reduce, with the indexes of the keys they
	// keep and, for the mappings fixes edit, the keys kept whole. There
	// are a handful per object, so a slice beats a map.
	type reduced struct {
		m      *yaml.Node
		idx    []int
		edited []string
	}
	var maps []reduced
	find := func(m *yaml.Node) *reduced {
		for i := range maps {
			if maps[i].m == m {
				return &maps[i]
			}
		}
		return nil
	}
	at := func(m *yaml.Node) *reduced {
		if r := find(m); r != nil {
			return r
		}
		maps = append(maps, reduced{m: m})
		return &maps[len(maps)-1]
	}
	add := func(m *yaml.Node, i int) {
		if r := at(m); i >= 0 && !slices.Contains(r.idx, i) {
			r.idx = append(r.idx, i)
		}
	}
	switch {
	case d.account != nil:
		at(root).edited = editedAccountKeys
	case len(d.pods) > 0:
		if !podSpecKinds[id] {
			return
		}
		for _, p := range d.pods {
			// The location's path, key by key (plain paths only, as
			// podSpecKinds holds), must lead from the root to the spec.
			m := root
			for _, key := range p.Location.Path {
				i := keyIndex(m, key)
				if i < 0 {
					return
				}
				add(m, i)
				m = m.Content[i+1]
			}
			if m != p.Node || m.Kind != yaml.MappingNode || at(m).edited != nil {
				return
			}
			at(m).edited = append(slices.Clip(editedPodKeys), p.Location.accountKey())
		}
	}
	for _, r := range maps {
		m := r.m
		if r.edited == nil {
			continue
		}
		if len(m.Content) < 2 || (m.Style&yaml.FlowStyle == 0 && TrailingBlockScalar(m.Content[len(m.Content)-1]) != nil) {
			return
		}
		if len(r.idx) > 0 && m != root {
			return // a pod spec on the path to another: no such location
		}
	}
	for i := range maps {
		r := &maps[i]
		if r.edited == nil {
			continue
		}
		for _, key := range r.edited {
			add(r.m, keyIndex(r.m, key))
		}
		if r.m.Style&yaml.FlowStyle != 0 {
			for j := 0; j+1 < len(r.m.Content); j += 2 {
				add(r.m, j)
			}
			continue
		}
		add(r.m, 0)
		add(r.m, len(r.m.Content)-2)
	}
	meta := Get(root, "metadata")
	add(root, keyIndex(root, "metadata"))
	// The last field of an account is read down to its last node; the
	// metadata then stays as it is.
	reduceMeta := at(root).edited == nil || root.Content[len(root.Content)-1] != meta.Value
	for _, r := range maps {
		m := r.m
		slices.Sort(r.idx)
		// In place: compact copies what is kept right after.
		n := 0
		for _, i := range r.idx {
			key, v := m.Content[i], m.Content[i+1]
			if r.edited != nil && !slices.Contains(r.edited, key.Value) && v != meta.Value && find(v) == nil {
				stub(v) // only its key, kind and position are read
			}
			m.Content[n], m.Content[n+1] = key, v
			n += 2
		}
		m.Content = m.Content[:n]
	}
	if m := meta.Mapping(); m != nil && reduceMeta {
		if d.secret != nil && !d.secret.Produced {
			m.Content = only(m, "name", "annotations")
		} else {
			m.Content = only(m, "name")
		}
	}
	for _, p := range d.pods {
		for _, c := range p.Containers {
			if c.Node.Kind == yaml.MappingNode {
				c.Node.Content = only(c.Node, "name", "image")
			}
		}
	}
}

// only keeps, in place, the fields of mapping m called keys.
func only(m *yaml.Node, keys ...string) []*yaml.Node {
	n := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if slices.Contains(keys, m.Content[i].Value) {
			m.Content[n], m.Content[n+1] = m.Content[i], m.Content[i+1]
			n += 2
		}
	}
	return m.Content[:n]
}

// TrailingBlockScalar returns the block scalar ("|", ">") that ends the
// chain of last nodes from n, or nil when that chain ends otherwise.
// Pruning keeps such chains whole, and rules/yamledit keepsTrailingLines
// reads the scalar's header.
func TrailingBlockScalar(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return nil
	}
	return n
}

// Unpruned returns the root of the object at root's position in src as
// read without pruning: root itself unless src was read with
// ReadOptions.Prune, else its document parsed again. Edits that infer the
// document's indentation style from all of its collections
// (yamledit.DetectLayout) read it, so that a suggested edit is the same
// whether or not its object was pruned; only the one document is parsed,
// and only when such an edit is computed.
func Unpruned(src *Source, root *yaml.Node) *yaml.Node {
	if !src.pruned || root == nil || src.Load() != nil {
		return root
	}
	var doc *chunk // the last document starting at or before root
	for _, c := range splitDocuments(src.Bytes(), textStart(src.Bytes())) {
		if c.line > root.Line {
			break
		}
		doc = &c
	}
	if doc == nil {
		return root
	}
	scratch := &File{Source: src}
	scratch.parseChunk(*doc, 0)
	for _, o := range scratch.Objects {
		if o.Node.Line == root.Line && o.Node.Column == root.Column {
			return o.Node
		}
	}
	return root
}

// compact copies the nodes that o's tree and the records d still reach
// into one array, with their Content in one more, and points the object
// and the records at the copies. The parser allocates nodes one by one
// as it reads, so the few a skeleton keeps would stay scattered over
// memory that is otherwise garbage: every collection would find each of
// them in its own span (Go's collector marks span by span), and those
// spans could not be reused. Copied, the whole parse output is garbage at
// once and what stays is dense. Only for documents without aliases (the
// copy would not keep an alias pointing at its anchor's copy).
func compact(o *Object, d *definitions) {
	// Alias marks a node listed (itself), then points at its copy; a
	// document with an alias is left as it is.
	order := make([]*yaml.Node, 0, 64)
	ok := true
	var list func(n *yaml.Node)
	list = func(n *yaml.Node) {
		if n == nil || !ok || n.Alias == n {
			return
		}
		if n.Kind == yaml.AliasNode || n.Alias != nil {
			ok = false
			return
		}
		n.Alias = n
		order = append(order, n)
		for _, c := range n.Content {
			list(c)
		}
	}
	list(o.Node)
	d.nodes(func(p **yaml.Node) { list(*p) })
	if !ok {
		for _, n := range order {
			n.Alias = nil
		}
		return
	}
	nodes := make([]yaml.Node, len(order))
	contents := 0
	for i, n := range order {
		nodes[i] = *n
		contents += len(n.Content)
	}
	// Each old node points at its copy while the pointers are rewritten;
	// the old nodes are garbage afterwards.
	for i, n := range order {
		nodes[i].Alias = nil
		n.Alias = &nodes[i]
	}
	content := make([]*yaml.Node, contents)
	for i := range nodes {
		n := &nodes[i]
		if len(n.Content) == 0 {
			n.Content = nil
			continue
		}
		c := content[:len(n.Content):len(n.Content)]
		content = content[len(n.Content):]
		for j, child := range n.Content {
			c[j] = child.Alias
		}
		n.Content = c
	}
	o.Node = o.Node.Alias
	d.nodes(func(p **yaml.Node) {
		if *p != nil {
			*p = (*p).Alias
		}
	})
}

// nodes calls fn with the address of every node pointer the records of d
// hold.
func (d *definitions) nodes(fn func(**yaml.Node)) {
	field := func(f *Field) { fn(&f.Key); fn(&f.Value) }
	refs := func(rs []Ref) {
		for i := range rs {
			fn(&rs[i].Node)
			fn(&rs[i].Item)
		}
	}
	if a := d.account; a != nil {
		field(&a.Automount)
		refs(a.ImagePullSecrets)
		refs(a.Secrets)
	}
	if s := d.secret; s != nil {
		fn(&s.TypeNode)
	}
	if b := d.binding; b != nil {
		for i := range b.Subjects {
			s := &b.Subjects[i]
			field(&s.Namespace)
			fn(&s.Node)
			fn(&s.NameNode)
		}
	}
	for _, p := range d.pods {
		fn(&p.Node)
		fn(&p.KeyNode)
		field(&p.ServiceAccountName)
		field(&p.ServiceAccount)
		field(&p.Automount)
		field(&p.ImagePullSecrets)
		for _, c := range p.Containers {
			fn(&c.Node)
			field(&c.Image)
		}
		for i := range p.SecretUses {
			fn(&p.SecretUses[i].Node)
		}
		refs(p.pullSecretRefs)
	}
}
