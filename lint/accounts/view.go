// Package accounts builds the view behind `salint accounts`: for every
// namespace, its ServiceAccounts and what hangs off them (the workloads
// that run as each, with the token and pull secrets those pods end up with,
// the account's pull secrets, and the roles bound to it), and writes it as
// a text table, JSON, Graphviz DOT or Mermaid.
//
// Every effective value comes from the model's helpers (rules/model,
// uses.go), so the view and the rules read the spec the same way.
package accounts

import (
	"maps"
	"slices"
	"sort"

	"github.com/salint/salint/rules/model"
)

// View is the whole picture, namespaces sorted by name: of the one cluster
// view of the input, or, when it forms several, of each in a Section.
type View struct {
	Namespaces []*Namespace `json:"namespaces"`
	// Sections, when the input forms several cluster views, hold each
	// view's namespaces, in the views' order; Namespaces is then empty.
	Sections []*Section `json:"-"`
	// Errors are inputs that could not be read or parsed: the view lacks
	// what they hold. Text, DOT and Mermaid leave them to standard error.
	Errors []InputError `json:"errors"`
	// Notices say how inputs were read (a kustomization not built), as in
	// salint lint's JSON.
	Notices []InputError `json:"notices"`
}

// A Section is what one of several cluster views holds (see
// docs/cluster-views.md): each view is judged on its own, so its accounts
// are shown on their own.
type Section struct {
	// Name and Origin are the cluster view's: what reports call it, and
	// where it came from ("inferred", "config", the GitOps objects').
	Name       string       `json:"name"`
	Origin     string       `json:"origin"`
	Namespaces []*Namespace `json:"namespaces"`
}

// sections returns v.Sections, or the namespaces of v's one view as a
// section of no name.
func (v *View) sections() []*Section {
	if len(v.Sections) > 0 {
		return v.Sections
	}
	return []*Section{{Namespaces: v.Namespaces}}
}

// A Cluster is a cluster view to show: its name, origin and model.
type Cluster struct {
	Name, Origin string
	Bundle       *model.Bundle
}

// BuildClusters makes the view of the cluster views cs: of one, Build's
// view of its bundle; of several, a Section each, in their order; of
// none, an empty view.
func BuildClusters(cs []Cluster) *View {
	if len(cs) == 1 {
		return Build(cs[0].Bundle)
	}
	v := &View{Errors: []InputError{}, Notices: []InputError{}}
	for _, c := range cs {
		v.Sections = append(v.Sections, &Section{Name: c.Name, Origin: c.Origin, Namespaces: Build(c.Bundle).Namespaces})
	}
	return v
}

// InputError is one located input error, as in salint lint's JSON.
type InputError struct {
	File    string `json:"file" scrub:"-"`
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// SetInputs records the input errors and notices of the run the view was
// built from.
func (v *View) SetInputs(errs, notices []model.Error) {
	v.Errors, v.Notices = inputErrors(errs), inputErrors(notices)
}

func inputErrors(errs []model.Error) []InputError {
	out := make([]InputError, 0, len(errs))
	for _, e := range errs {
		out = append(out, InputError{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Col, Message: e.Message})
	}
	return out
}

// Namespace holds the accounts of one namespace, sorted by name.
type Namespace struct {
	Name     string     `json:"name"`
	Accounts []*Account `json:"accounts"`
}

// Status is where an account comes from: salint's word, not the input's
// (safetext.MapStrings leaves it).
type Status string

// Account statuses.
const (
	// Defined accounts have a ServiceAccount object in the files.
	Defined Status = "defined"
	// Implicit is the namespace's default account, which the cluster makes
	// whether or not the files define it (spec §3).
	Implicit = "implicit"
	// External accounts are declared in the config's externalAccounts.
	External = "external"
	// Missing accounts are referenced but exist nowhere: pods that run as
	// one are rejected (spec §1.4), a binding to one grants nothing (§8).
	Missing = "missing"
)

// Account is one ServiceAccount and what refers to it.
type Account struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// DefinedAt locates every definition (more than one is a conflict).
	DefinedAt []model.Position `json:"definedAt"`
	// Automount is the account's own automountServiceAccountToken: what
	// its pods get when they do not decide (spec §1.5).
	Automount Token `json:"automount"`
	// PullSecrets are the account's imagePullSecrets, in order (spec §1.7).
	PullSecrets []Secret `json:"pullSecrets"`
	// TokenSecrets are legacy token Secrets that belong to it (spec §4).
	TokenSecrets []Secret `json:"tokenSecrets"`
	// Roles are the roles bound to it (spec §8).
	Roles []Role `json:"roles"`
	// Workloads are the pods and pod templates that run as it.
	Workloads []Workload `json:"workloads"`
}

// Token says whether an API token is mounted and where that comes from:
// "pod", "account", "default" (neither sets it: mounted), "unknown" (the
// account is not in the files), "none" (a mirror pod: admission does not
// act), "operator" (a custom resource whose operator builds the pod).
// Mounted is null when unknown.
type Token struct {
	Mounted *bool        `json:"mounted"`
	From    model.Origin `json:"from"`
}

// Secret is a Secret referred to by name, and whether it exists: defined in
// the files (Source "Secret", or the kind of the object that produces it),
// declared in externalSecrets (Source "external"), or not at all.
type Secret struct {
	Name      string           `json:"name"`
	Exists    bool             `json:"exists"`
	Source    string           `json:"source,omitempty"`
	DefinedAt []model.Position `json:"definedAt"`
}

// Role is a role bound to an account by a RoleBinding or ClusterRoleBinding.
type Role struct {
	Binding   ObjectRef      `json:"binding"`
	BindingAt model.Position `json:"bindingAt"`
	// Kind is Role or ClusterRole; Namespace is the binding's for a Role.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// ObjectRef names an object.
type ObjectRef struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// Workload is a pod or pod template that runs as an account.
type Workload struct {
	Kind       string         `json:"kind"`
	APIVersion string         `json:"apiVersion"`
	Name       string         `json:"name"`
	At         model.Position `json:"at"`
	// BuiltBy is the kustomization directory whose build produced it, when
	// one did (several overlays may each produce the same workload).
	BuiltBy string `json:"builtBy,omitempty" scrub:"-"`
	// Rejected is true when its account is missing: the API server rejects
	// its pods (spec §1.4), so they get nothing.
	Rejected bool `json:"rejected"`
	// Reconciler, when set, is the controller that applies as the account
	// (a Flux Kustomization or HelmRelease): no pod runs from it, and a
	// missing account fails the reconciliation.
	Reconciler string `json:"reconciler,omitempty"`
	// Token is the effective token mount (spec §1.5).
	Token Token `json:"token"`
	// PullSecrets are the effective imagePullSecrets (spec §1.7).
	PullSecrets PullSecrets `json:"pullSecrets"`
}

// PullSecrets are the pull secrets pods end up with and where they come
// from: "pod" (its own list wins whole), "account" (copied from the
// account), "default" (neither has any), "unknown", "none", "operator" (see
// Token).
type PullSecrets struct {
	From    model.Origin `json:"from"`
	Secrets []Secret     `json:"secrets"`
}

// Build makes the view of bundle b.
func Build(b *model.Bundle) *View {
	v := &View{Errors: []InputError{}, Notices: []InputError{}}
	names := map[string]map[string]bool{} // namespace → account names
	add := func(ns, name string) {
		if names[ns] == nil {
			names[ns] = map[string]bool{}
		}
		names[ns][name] = true
	}
	for _, a := range b.Accounts {
		if a.Name() != "" {
			add(a.Object.Namespace, a.Name())
		}
	}
	for ns, list := range b.ReferencedAccounts() {
		for _, name := range list {
			add(ns, name)
		}
	}
	for _, e := range b.ExternalAccountNames() {
		add(e[0], e[1])
	}
	for _, ns := range slices.Sorted(maps.Keys(names)) {
		n := &Namespace{Name: ns}
		for _, name := range slices.Sorted(maps.Keys(names[ns])) {
			n.Accounts = append(n.Accounts, account(b, ns, name))
		}
		v.Namespaces = append(v.Namespaces, n)
	}
	return v
}

func account(b *model.Bundle, ns, name string) *Account {
	a := &Account{
		Name:         name,
		DefinedAt:    []model.Position{},
		PullSecrets:  []Secret{},
		TokenSecrets: []Secret{},
		Roles:        []Role{},
		Workloads:    []Workload{},
	}
	defs := b.AccountDefs(ns, name)
	switch {
	case len(defs) > 0:
		a.Status = Defined
	case name == "default":
		a.Status = Implicit
	case b.AccountExternal(ns, name):
		a.Status = External
	default:
		a.Status = Missing
	}
	for _, d := range defs {
		a.DefinedAt = append(a.DefinedAt, d.Object.Pos(nil))
	}
	a.Automount = Token{From: model.FromUnknown}
	if first := b.AppliedAccount(ns, name); first != nil {
		if v, set := first.Automount.Bool(); set {
			a.Automount = known(v, model.FromAccount)
		} else {
			a.Automount = known(true, model.FromDefault)
		}
		a.PullSecrets = secrets(b, ns, first.ImagePullSecrets)
	} else if a.Status == Implicit {
		a.Automount = known(true, model.FromDefault)
	}
	for _, s := range b.TokenSecretsFor(ns, name) {
		a.TokenSecrets = append(a.TokenSecrets, Secret{Name: s.Name, Exists: true, Source: s.Object.Kind, DefinedAt: []model.Position{s.Object.Pos(nil)}})
	}
	for _, g := range b.GrantsTo(ns, name) {
		bo := g.Binding.Object
		r := Role{
			Binding:   ObjectRef{Kind: bo.Kind, Namespace: bo.Namespace, Name: bo.Name},
			BindingAt: bo.Pos(nil),
			Kind:      g.Binding.RoleKind,
			Name:      g.Binding.RoleName,
		}
		if r.Kind == "Role" {
			r.Namespace = bo.Namespace // a RoleBinding's Role is in its own namespace
		}
		a.Roles = append(a.Roles, r)
	}
	sort.SliceStable(a.Roles, func(i, j int) bool { return roleKey(a.Roles[i]) < roleKey(a.Roles[j]) })
	for _, p := range b.PodsRunningAs(ns, name) {
		a.Workloads = append(a.Workloads, workload(b, p, a.Status == Missing))
	}
	sort.SliceStable(a.Workloads, func(i, j int) bool {
		x, y := a.Workloads[i], a.Workloads[j]
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.Name < y.Name
	})
	return a
}

func workload(b *model.Bundle, p *model.PodSpec, rejected bool) Workload {
	o := p.Object
	w := Workload{Kind: o.Kind, APIVersion: o.APIVersion, Name: o.DisplayName(), At: o.Pos(nil), Rejected: rejected, Reconciler: p.Location.Reconciler}
	if o.Built != nil {
		w.BuiltBy = o.Built.Root
	}
	if mounted, from, ok := b.EffectiveAutomount(p); ok {
		w.Token = known(mounted, from)
	} else {
		w.Token = Token{From: from}
	}
	refs, from := b.EffectivePullSecrets(p)
	w.PullSecrets = PullSecrets{From: from, Secrets: secrets(b, p.Namespace(), refs)}
	return w
}

func secrets(b *model.Bundle, ns string, refs []model.Ref) []Secret {
	out := make([]Secret, 0, len(refs))
	for _, r := range refs {
		s := Secret{Name: r.Name, Exists: b.SecretExists(ns, r.Name), DefinedAt: []model.Position{}}
		for _, d := range b.SecretDefs(ns, r.Name) {
			s.DefinedAt = append(s.DefinedAt, d.Object.Pos(nil))
			if s.Source == "" {
				s.Source = d.Object.Kind
			}
		}
		if s.Source == "" && s.Exists {
			s.Source = "external"
		}
		out = append(out, s)
	}
	return out
}

func known(v bool, from model.Origin) Token { return Token{Mounted: &v, From: from} }

func roleKey(r Role) string {
	return r.Binding.Kind + "\x00" + r.Binding.Namespace + "\x00" + r.Binding.Name + "\x00" + r.Kind + "\x00" + r.Name
}
