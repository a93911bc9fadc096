package model

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options shape the model: what the files do not say themselves.
type Options struct {
	// DefaultNamespace is where namespaced objects without
	// metadata.namespace land (spec §7); "default" when empty.
	DefaultNamespace string
	// ExternalAccounts are accounts that exist outside the bundle, as
	// "namespace/name"; either part may be "*".
	ExternalAccounts []string
	// ExternalSecrets likewise names Secrets made outside the bundle.
	ExternalSecrets []string
}

// Bundle is every object read in one run, indexed by namespace.
type Bundle struct {
	Files    []*File
	Objects  []*Object // parsed objects, in input order
	Pods     []*PodSpec
	Accounts []*Account
	// RejectedPods and RejectedAccounts hold the pod specs and accounts
	// with a field the API server cannot decode (WrongTypes): it rejects
	// the object, so no rule judges what it would do; the rules that read
	// the field report why.
	RejectedPods     []*PodSpec
	RejectedAccounts []*Account
	Secrets          []*Secret
	Bindings         []*Binding
	Namespaces       map[string]*Namespace

	external        []string
	externalSecrets []string
	uses            map[string]*uses // by namespace (uses.go)
	registries      registryIndex    // pull secrets by registry (pullsecret.go)

	memoMu sync.Mutex
	memo   map[string]any // see Memo
}

// Memo returns the value compute gives for key, computing it once per
// bundle. Rules keep what they derive from a whole namespace or the whole
// bundle here (sorted names for "did you mean" hints), so that each
// finding costs a lookup rather than a pass over every name: rules stay
// O(objects) even when thousands of pods share a namespace of thousands of
// accounts (lint's BenchmarkManyMissingInOneNamespace).
func (b *Bundle) Memo(key string, compute func() any) any {
	b.memoMu.Lock()
	v, ok := b.memo[key]
	b.memoMu.Unlock()
	if ok {
		return v
	}
	v = compute() // outside the lock: compute may use Memo itself
	b.memoMu.Lock()
	defer b.memoMu.Unlock()
	if prev, ok := b.memo[key]; ok {
		return prev
	}
	if b.memo == nil {
		b.memo = map[string]any{}
	}
	b.memo[key] = v
	return v
}

// Namespace holds what one namespace defines.
type Namespace struct {
	Name     string
	Accounts map[string][]*Account // every definition, in input order
	Secrets  map[string][]*Secret
}

// Account is one ServiceAccount definition.
type Account struct {
	Object           *Object
	Automount        Field
	ImagePullSecrets []Ref
	Secrets          []Ref
	// EnforceMountable is the deprecated kubernetes.io/enforce-mountable-secrets
	// annotation, read with Go's ParseBool (spec §1.8).
	EnforceMountable bool
	// WrongTypes are the fields the API server cannot decode: it rejects
	// the account, so the bundle keeps it in RejectedAccounts.
	WrongTypes []WrongType
}

// Name is the account's name.
func (a *Account) Name() string { return a.Object.Name }

// Ref is a reference by name ({name: x} or a plain string), with the node
// holding the name for locating it.
type Ref struct {
	Name string
	Node *yaml.Node // the name's value node, or the item when it has none
	Item *yaml.Node // the list item
}

// Secret is a Secret, or an object that produces one (SealedSecret,
// ExternalSecret): then Produced is true and its content is not known.
type Secret struct {
	Object   *Object
	Name     string
	Type     string // "Opaque" when the Secret sets none
	TypeNode *yaml.Node
	Produced bool
	// Pull says what is known of a pull secret's docker config, and
	// Registries are the normalised registry keys of its auths
	// (NormalizeRegistryKey). No credential is ever kept.
	Pull       PullConfig
	Registries []string
}

// Binding is a RoleBinding or ClusterRoleBinding.
type Binding struct {
	Object   *Object
	RoleKind string
	RoleName string
	Subjects []Subject
}

// Subject is one entry of a binding's subjects.
type Subject struct {
	Kind, APIGroup, Name string
	Namespace            Field
	Node                 *yaml.Node // the subject mapping
	NameNode             *yaml.Node
	Index                int
}

// PodSpec is a pod spec: a Pod's, or a template a controller makes pods from.
type PodSpec struct {
	Object   *Object
	Location *PodSpecLocation
	Node     *yaml.Node // the spec mapping
	KeyNode  *yaml.Node // the key holding it ("spec"), or the list item
	// Path is the field path of the spec in its document ("spec.template.spec").
	Path string

	ServiceAccountName Field
	ServiceAccount     Field // deprecated alias (spec §2)
	Automount          Field
	ImagePullSecrets   Field
	// Containers are init containers, containers and ephemeral
	// containers, in that order.
	Containers []*Container
	// SecretUses are the Secrets the spec names, in the order admission
	// checks them (spec §1.8).
	SecretUses []SecretUse
	// Ignored are rule ids silenced on the pod template's metadata.
	Ignored []string

	// WrongTypes are the fields the API server cannot decode: it rejects
	// the object, so the bundle keeps the spec in RejectedPods.
	WrongTypes []WrongType

	pullSecretRefs []Ref // Refs(ImagePullSecrets), read once
}

// PullSecretRefs are the pod spec's own imagePullSecrets references,
// Refs(p.ImagePullSecrets) read once. Callers must not change them.
func (p *PodSpec) PullSecretRefs() []Ref { return p.pullSecretRefs }

// Namespace is the namespace the pods run in.
func (p *PodSpec) Namespace() string { return p.Object.Namespace }

// AccountKey is the key of the spec that names the account
// ("serviceAccountName" but for a few custom resources).
func (p *PodSpec) AccountKey() string { return p.Location.accountKey() }

// AccountName is the account the pods run as, and the field that names it:
// serviceAccountName, else the deprecated serviceAccount, else "default"
// with an absent field (spec §1.3, §2).
func (p *PodSpec) AccountName() (string, Field) {
	if v := p.ServiceAccountName.String(); v != "" {
		return v, p.ServiceAccountName
	}
	if p.Location.AccountOnly {
		return "", Field{}
	}
	if v := p.ServiceAccount.String(); v != "" {
		return v, p.ServiceAccount
	}
	return "default", Field{}
}

// FieldPath is the document field path of key inside this pod spec.
func (p *PodSpec) FieldPath(key string) string {
	if key == "" {
		return p.Path
	}
	return p.Path + "." + key
}

// IsMirror reports a static pod's mirror, which admission never changes (spec §1.2).
func (p *PodSpec) IsMirror() bool {
	_, ok := p.Object.Annotations["kubernetes.io/config.mirror"]
	return ok && !p.Location.Template
}

// Build indexes the objects of files by namespace.
func Build(files []*File, opts Options) *Bundle {
	if opts.DefaultNamespace == "" {
		opts.DefaultNamespace = "default"
	}
	b := &Bundle{
		Files:           files,
		Namespaces:      map[string]*Namespace{},
		external:        opts.ExternalAccounts,
		externalSecrets: opts.ExternalSecrets,
	}
	for _, f := range files {
		for _, o := range f.Objects {
			if ClusterScoped(o.Kind) {
				o.Namespace = ""
			} else if !o.NamespaceSet && o.PlacedBy == nil {
				// Built again per cluster view, whose default may differ.
				o.Namespace = opts.DefaultNamespace
			}
			b.Objects = append(b.Objects, o)
		}
	}
	// Reading what each object defines is independent of the others, so
	// it runs on every core; indexing it stays in input order.
	defs := make([]definitions, len(b.Objects))
	Parallel(len(b.Objects), func(i int) {
		if o := b.Objects[i]; o.defs != nil {
			defs[i] = *o.defs
		} else {
			defs[i] = readDefinitions(o)
		}
	})
	for i := range defs {
		b.add(&defs[i])
	}
	b.indexUses()
	return b
}

func (b *Bundle) namespace(name string) *Namespace {
	ns := b.Namespaces[name]
	if ns == nil {
		ns = &Namespace{Name: name, Accounts: map[string][]*Account{}, Secrets: map[string][]*Secret{}}
		b.Namespaces[name] = ns
	}
	return ns
}

// definitions is what one object defines: at most one of account,
// secret and binding, or the pod specs of a workload.
type definitions struct {
	account *Account
	secret  *Secret
	binding *Binding
	pods    []*PodSpec
}

// readDefinitions reads what o defines. It only reads o, so objects are read
// concurrently.
func readDefinitions(o *Object) definitions {
	group := o.Group()
	switch {
	case o.Kind == KindServiceAccount && group == "":
		return definitions{account: &Account{
			Object:           o,
			Automount:        Get(o.Node, "automountServiceAccountToken"),
			ImagePullSecrets: refs(Get(o.Node, "imagePullSecrets")),
			Secrets:          refs(Get(o.Node, "secrets")),
			EnforceMountable: ParseBool(o.Annotations["kubernetes.io/enforce-mountable-secrets"]),
			WrongTypes:       wrongTypes(o.Node, true, []string{"metadata", "name"}),
		}}
	case o.Kind == KindSecret && group == "":
		t := Get(o.Node, "type")
		s := &Secret{Object: o, Name: o.Name, Type: t.String(), TypeNode: t.Key}
		if s.Type == "" {
			s.Type = "Opaque" // the API server's default
		}
		s.Pull, s.Registries = readPullConfig(o.Node, s.Type)
		return definitions{secret: s}
	case (o.Kind == KindRoleBinding || o.Kind == KindClusterRoleBinding) && group == "rbac.authorization.k8s.io":
		return definitions{binding: newBinding(o)}
	}
	for i := range SecretProducers {
		p := &SecretProducers[i]
		if p.Kind == o.Kind && p.Group == group {
			name := Lookup(o.Node, p.NamePath...).String()
			if name == "" {
				name = o.Name
			}
			// The produced type is known only when the template sets it.
			return definitions{secret: &Secret{Object: o, Name: name, Type: Lookup(o.Node, p.TypePath...).String(), Produced: true, Pull: PullConfigUnknown}}
		}
	}
	var d definitions
	for i := range PodSpecLocations {
		l := &PodSpecLocations[i]
		if l.Kind != o.Kind || l.Group != group {
			continue
		}
		for _, at := range l.find(o.Node) {
			if p := newPodSpec(o, l, at); p != nil {
				d.pods = append(d.pods, p)
			}
		}
	}
	return d
}

// add indexes what one object defines.
func (b *Bundle) add(d *definitions) {
	switch {
	case d.account != nil && len(d.account.WrongTypes) > 0:
		b.RejectedAccounts = append(b.RejectedAccounts, d.account)
	case d.account != nil:
		a := d.account
		if o := a.Object; o.Name != "" {
			ns := b.namespace(o.Namespace)
			ns.Accounts[o.Name] = append(ns.Accounts[o.Name], a)
		}
		b.Accounts = append(b.Accounts, a)
	case d.secret != nil:
		if !d.secret.Produced {
			b.registries.add(d.secret)
		}
		b.addSecret(d.secret)
	case d.binding != nil:
		b.Bindings = append(b.Bindings, d.binding)
	default:
		for _, p := range d.pods {
			if len(p.WrongTypes) > 0 {
				b.RejectedPods = append(b.RejectedPods, p)
			} else {
				b.Pods = append(b.Pods, p)
			}
		}
	}
}

// newPodSpec reads the pod spec at at, or returns nil when there is
// nothing to check.
func newPodSpec(o *Object, l *PodSpecLocation, at specAt) *PodSpec {
	spec := at.spec
	p := &PodSpec{
		Object:             o,
		Location:           l,
		Node:               spec,
		KeyNode:            at.key,
		Path:               at.path,
		ServiceAccountName: Get(spec, l.accountKey()),
	}
	if l.AccountOnly {
		if !p.ServiceAccountName.Present() {
			return nil // the operator picks the account; nothing to check
		}
		p.WrongTypes = wrongTypes(spec, false, []string{l.accountKey()})
	} else {
		p.WrongTypes = wrongTypes(spec, true, []string{l.accountKey()}, []string{"serviceAccount"})
		p.ServiceAccount = Get(spec, "serviceAccount")
		p.Automount = Get(spec, "automountServiceAccountToken")
		p.ImagePullSecrets = Get(spec, "imagePullSecrets")
		p.pullSecretRefs = slices.Clip(refs(p.ImagePullSecrets))
		p.Containers = readContainers(spec)
		p.SecretUses = readSecretUses(spec, p.Containers)
	}
	if l.Template && at.parent != nil && l.Path[len(l.Path)-1] == "spec" {
		p.Ignored = ParseIgnore(Lookup(at.parent, "metadata", "annotations").StringMap()[IgnoreAnnotation])
	}
	return p
}

func (b *Bundle) addSecret(s *Secret) {
	if s.Name != "" {
		ns := b.namespace(s.Object.Namespace)
		ns.Secrets[s.Name] = append(ns.Secrets[s.Name], s)
	}
	b.Secrets = append(b.Secrets, s)
}

func newBinding(o *Object) *Binding {
	bd := &Binding{
		Object:   o,
		RoleKind: Lookup(o.Node, "roleRef", "kind").String(),
		RoleName: Lookup(o.Node, "roleRef", "name").String(),
	}
	for i, s := range Get(o.Node, "subjects").Items() {
		name := Get(s, "name")
		bd.Subjects = append(bd.Subjects, Subject{
			Kind:      Get(s, "kind").String(),
			APIGroup:  Get(s, "apiGroup").String(),
			Name:      name.String(),
			Namespace: Get(s, "namespace"),
			Node:      s,
			NameNode:  name.Key,
			Index:     i,
		})
	}
	return bd
}

// refs reads a list of {name: x} references (or plain strings).
func refs(f Field) []Ref {
	var out []Ref
	for _, item := range f.Items() {
		switch item.Kind {
		case yaml.MappingNode:
			n := Get(item, "name")
			node := n.Value
			if node == nil {
				node = item
			}
			out = append(out, Ref{Name: n.String(), Node: node, Item: item})
		case yaml.ScalarNode:
			out = append(out, Ref{Name: Field{Value: item}.String(), Node: item, Item: item})
		}
	}
	return out
}

// Refs reads a pod's or account's list of local object references.
func Refs(f Field) []Ref { return refs(f) }

// AccountExists reports whether account ns/name exists in the cluster the
// bundle describes: defined in the files, declared external, or the
// namespace's default account (spec §3).
func (b *Bundle) AccountExists(ns, name string) bool {
	if name == "default" {
		return true
	}
	if n := b.Namespaces[ns]; n != nil && len(n.Accounts[name]) > 0 {
		return true
	}
	return matchExternal(b.external, ns, name)
}

// AccountDefs returns the definitions of ns/name in the files.
func (b *Bundle) AccountDefs(ns, name string) []*Account {
	if n := b.Namespaces[ns]; n != nil {
		return n.Accounts[name]
	}
	return nil
}

// SecretDefs returns the Secrets (or producers) called name in ns.
func (b *Bundle) SecretDefs(ns, name string) []*Secret {
	if n := b.Namespaces[ns]; n != nil {
		return n.Secrets[name]
	}
	return nil
}

// SecretExternal reports a Secret declared as made outside the bundle.
func (b *Bundle) SecretExternal(ns, name string) bool {
	return matchExternal(b.externalSecrets, ns, name)
}

// AccountNames lists the accounts defined in ns, sorted.
func (b *Bundle) AccountNames(ns string) []string {
	return b.Memo("model.AccountNames\x00"+ns, func() any {
		n := b.Namespaces[ns]
		if n == nil {
			return []string(nil)
		}
		names := make([]string, 0, len(n.Accounts))
		for name := range n.Accounts {
			names = append(names, name)
		}
		sort.Strings(names)
		return names
	}).([]string)
}

// NamespacesDefining lists the namespaces other than except whose files
// define an account called name, sorted.
func (b *Bundle) NamespacesDefining(name, except string) []string {
	return without(namespacesByName(b, "model.NamespacesDefining", func(n *Namespace) map[string][]*Account { return n.Accounts })[name], except)
}

// NamespacesWithSecret lists the namespaces other than except that hold a
// Secret (or a producer of one) called name, sorted.
func (b *Bundle) NamespacesWithSecret(name, except string) []string {
	return without(namespacesByName(b, "model.NamespacesWithSecret", func(n *Namespace) map[string][]*Secret { return n.Secrets })[name], except)
}

// namespacesByName indexes, once per bundle, the sorted namespaces in
// which each name of defs is defined.
func namespacesByName[V any](b *Bundle, key string, defs func(*Namespace) map[string][]V) map[string][]string {
	return b.Memo(key, func() any {
		byName := map[string][]string{}
		for ns, n := range b.Namespaces {
			for name, list := range defs(n) {
				if len(list) > 0 {
					byName[name] = append(byName[name], ns)
				}
			}
		}
		for _, list := range byName {
			sort.Strings(list)
		}
		return byName
	}).(map[string][]string)
}

func without(list []string, except string) []string {
	var out []string
	for _, s := range list {
		if s != except {
			out = append(out, s)
		}
	}
	return out
}

// matchExternal reports ns/name made outside the input: matched by a
// pattern of the config, or named through a Flux variable (Substituted).
func matchExternal(patterns []string, ns, name string) bool {
	if Substituted(ns) || Substituted(name) {
		return true
	}
	for _, p := range patterns {
		pns, pname, ok := strings.Cut(p, "/")
		if !ok {
			continue
		}
		if (pns == "*" || pns == ns) && (pname == "*" || pname == name) {
			return true
		}
	}
	return false
}
