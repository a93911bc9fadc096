package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// This file answers "what does the cluster do with this pod or account?"
// for rules and for `salint accounts`, so both follow the spec the same way.

// AccountNameAnnotation names the account a service-account-token Secret
// belongs to (spec §4).
const AccountNameAnnotation = "kubernetes.io/service-account.name"

// TokenAccount is the account a Secret of type kubernetes.io/service-account-token
// belongs to (its kubernetes.io/service-account.name annotation), "" for any
// other Secret (spec §4).
func (s *Secret) TokenAccount() string {
	if s.Produced || s.Type != "kubernetes.io/service-account-token" {
		return ""
	}
	return s.Object.Annotations[AccountNameAnnotation]
}

// Grant is a binding subject that names a ServiceAccount: the account it
// grants the role to.
type Grant struct {
	Binding *Binding
	Subject *Subject
	// Namespace and Name are the account's, namespace defaulted (spec §8).
	Namespace, Name string
}

// serviceAccountUserPrefix is the user name form of an account (spec §8).
const serviceAccountUserPrefix = "system:serviceaccount:"

// RBACGroup is the apiGroup of User and Group subjects (the default when
// empty).
const RBACGroup = "rbac.authorization.k8s.io"

// dns1123Subdomain is the form of an account name (spec §2).
var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// ValidAccountName is the API server's check for account names (spec §2).
// A Substituted name passes: its value is known only when Flux applies it.
func ValidAccountName(name string) bool {
	return Substituted(name) || len(name) <= 253 && dns1123Subdomain.MatchString(name)
}

// fluxVariable is a variable of Flux's postBuild substitution: ${var},
// ${var:=default}, ${var:-default}.
var fluxVariable = regexp.MustCompile(`\$\{[^{}]*\}`)

// Substituted reports a name (or namespace) that holds a Flux variable
// Flux replaces when it applies the object: what it names is made outside
// the input, like an externalAccounts entry, so it is never reported
// missing or invalid.
func Substituted(name string) bool {
	return strings.Contains(name, "${") && fluxVariable.MatchString(name)
}

// SubjectProblem says why the API server's validation rejects subject s
// of bd (spec §8; ValidateRoleBindingSubject in pkg/apis/rbac/validation),
// "" when it accepts it. An invalid ServiceAccount name also rejects the
// binding, but is not said here (invalid-service-account-name says it).
func (bd *Binding) SubjectProblem(s *Subject) string {
	if s.Name == "" {
		return "has no name"
	}
	switch s.Kind {
	case KindServiceAccount:
		switch {
		case s.APIGroup != "":
			return fmt.Sprintf("has apiGroup %q, which must be empty for a ServiceAccount", s.APIGroup)
		case s.Namespace.String() == "" && bd.Object.Kind == KindClusterRoleBinding:
			return "has no namespace, which a ClusterRoleBinding requires"
		}
	case "User", "Group":
		// An empty apiGroup is defaulted to RBACGroup; any other is refused.
		if s.APIGroup != "" && s.APIGroup != RBACGroup {
			return fmt.Sprintf("has apiGroup %q, which must be %q for a %s", s.APIGroup, RBACGroup, s.Kind)
		}
	default:
		return fmt.Sprintf("has kind %q, which is none of ServiceAccount, User and Group", s.Kind)
	}
	return ""
}

// Rejected reports whether the API server rejects bd for one of its
// subjects: the binding is then never created and grants nothing.
func (bd *Binding) Rejected() bool {
	for i := range bd.Subjects {
		s := &bd.Subjects[i]
		if bd.SubjectProblem(s) != "" || (s.Kind == KindServiceAccount && !ValidAccountName(s.Name)) {
			return true
		}
	}
	return false
}

// Grants lists the subjects of bd that name a ServiceAccount: kind
// ServiceAccount with apiGroup "" (namespace defaulted to the binding's own
// in a RoleBinding, required in a ClusterRoleBinding), or a User named
// system:serviceaccount:<ns>:<name> (spec §8). A binding the API server
// rejects (Rejected) grants nothing.
func (bd *Binding) Grants() []Grant {
	if bd.Rejected() {
		return nil
	}
	var out []Grant
	for i := range bd.Subjects {
		s := &bd.Subjects[i]
		ns, name := "", ""
		switch {
		case s.Kind == KindServiceAccount && s.APIGroup == "":
			ns, name = s.Namespace.String(), s.Name
			if ns == "" && bd.Object.Kind == KindRoleBinding {
				ns = bd.Object.Namespace // spec §8: the binding's own namespace
			}
		case s.Kind == "User" && strings.HasPrefix(s.Name, serviceAccountUserPrefix):
			ns, name, _ = strings.Cut(strings.TrimPrefix(s.Name, serviceAccountUserPrefix), ":")
		}
		if ns == "" || name == "" {
			continue
		}
		out = append(out, Grant{Binding: bd, Subject: s, Namespace: ns, Name: name})
	}
	return out
}

// uses indexes, per namespace and account name, what refers to an account.
type uses struct {
	runAs  map[string][]*PodSpec
	grants map[string][]Grant
	tokens map[string][]*Secret
}

func (b *Bundle) indexUses() {
	b.uses = map[string]*uses{}
	at := func(ns string) *uses {
		u := b.uses[ns]
		if u == nil {
			u = &uses{runAs: map[string][]*PodSpec{}, grants: map[string][]Grant{}, tokens: map[string][]*Secret{}}
			b.uses[ns] = u
		}
		return u
	}
	for _, p := range b.Pods {
		if p.IsMirror() {
			continue // a mirror pod runs as no account (spec §1.2)
		}
		if name, _ := p.AccountName(); name != "" {
			u := at(p.Namespace())
			u.runAs[name] = append(u.runAs[name], p)
		}
	}
	for _, bd := range b.Bindings {
		for _, g := range bd.Grants() {
			u := at(g.Namespace)
			u.grants[g.Name] = append(u.grants[g.Name], g)
		}
	}
	for _, s := range b.Secrets {
		if name := s.TokenAccount(); name != "" {
			u := at(s.Object.Namespace)
			u.tokens[name] = append(u.tokens[name], s)
		}
	}
}

// PodsRunningAs lists the pod specs that run as account ns/name, in input
// order: pods look their account up in their own namespace (spec §1.4).
// Mirror pods run as none (spec §1.2).
func (b *Bundle) PodsRunningAs(ns, name string) []*PodSpec {
	if u := b.uses[ns]; u != nil {
		return u.runAs[name]
	}
	return nil
}

// GrantsTo lists the binding subjects that name account ns/name (spec §8).
func (b *Bundle) GrantsTo(ns, name string) []Grant {
	if u := b.uses[ns]; u != nil {
		return u.grants[name]
	}
	return nil
}

// TokenSecretsFor lists the token Secrets of account ns/name (spec §4).
func (b *Bundle) TokenSecretsFor(ns, name string) []*Secret {
	if u := b.uses[ns]; u != nil {
		return u.tokens[name]
	}
	return nil
}

// ReferencedAccounts lists, per namespace, every account name that a pod
// spec, a binding subject or a token Secret refers to, sorted.
func (b *Bundle) ReferencedAccounts() map[string][]string {
	out := map[string][]string{}
	for ns, u := range b.uses {
		seen := map[string]bool{}
		add := func(name string) {
			if !seen[name] {
				seen[name] = true
				out[ns] = append(out[ns], name)
			}
		}
		for name := range u.runAs {
			add(name)
		}
		for name := range u.grants {
			add(name)
		}
		for name := range u.tokens {
			add(name)
		}
		sort.Strings(out[ns])
	}
	return out
}

// AccountExternal reports an account declared in externalAccounts.
func (b *Bundle) AccountExternal(ns, name string) bool {
	return matchExternal(b.external, ns, name)
}

// ExternalAccountNames lists the externalAccounts entries that name one
// account (no "*"), as namespace and name pairs.
func (b *Bundle) ExternalAccountNames() [][2]string {
	var out [][2]string
	for _, p := range b.external {
		ns, name, ok := strings.Cut(p, "/")
		if ok && ns != "*" && name != "*" && ns != "" && name != "" {
			out = append(out, [2]string{ns, name})
		}
	}
	return out
}

// applied is the definition the cluster keeps of defs, an object's
// definitions in input order, or nil: the last, as kubectl apply of a
// directory (files in lexical order, documents in order) or of a
// kustomize build leaves it.
func applied[T any](defs []*T) *T {
	if len(defs) == 0 {
		return nil
	}
	return defs[len(defs)-1]
}

// AppliedAccount is the definition of account ns/name the cluster keeps,
// or nil (applied). When definitions disagree automount-conflict reports it.
func (b *Bundle) AppliedAccount(ns, name string) *Account { return applied(b.AccountDefs(ns, name)) }

// AppliedSecret is the definition of Secret ns/name the cluster keeps, or
// nil (applied): a Secret, or an object that produces one.
func (b *Bundle) AppliedSecret(ns, name string) *Secret { return applied(b.SecretDefs(ns, name)) }

// SecretExists reports whether Secret ns/name exists in the cluster the
// bundle describes: a Secret of that name, an object that produces one
// (SealedSecret, ExternalSecret), or a declared externalSecrets entry.
func (b *Bundle) SecretExists(ns, name string) bool {
	return len(b.SecretDefs(ns, name)) > 0 || b.SecretExternal(ns, name)
}

// Origin says where an effective value comes from.
type Origin string

// Where an effective token mount or pull secret list comes from.
const (
	FromPod      Origin = "pod"      // the pod spec sets it
	FromAccount  Origin = "account"  // the pod's ServiceAccount sets it
	FromDefault  Origin = "default"  // neither: the API server's default
	FromUnknown  Origin = "unknown"  // the account is not in the bundle (external or missing)
	FromNone     Origin = "none"     // admission does not act: a mirror pod (spec §1.2)
	FromOperator Origin = "operator" // an operator builds the pod spec from a custom resource
)

// EffectiveAutomount says whether pods of p get an API token mounted, and
// why: the pod's automountServiceAccountToken, else its account's, else
// true (spec §1.5). ok is false when that cannot be known from the bundle:
// the account is external or missing and the pod does not decide (FromUnknown),
// or an operator builds the pod spec (FromOperator). Mirror pods get none
// (spec §1.2).
func (b *Bundle) EffectiveAutomount(p *PodSpec) (mounted bool, from Origin, ok bool) {
	if p.IsMirror() {
		return false, FromNone, true
	}
	if p.Location.AccountOnly {
		return false, FromOperator, false
	}
	if v, set := p.Automount.Bool(); set {
		return v, FromPod, true
	}
	name, _ := p.AccountName()
	if a := b.AppliedAccount(p.Namespace(), name); a != nil {
		if v, set := a.Automount.Bool(); set {
			return v, FromAccount, true
		}
		return true, FromDefault, true
	}
	if name == "default" {
		return true, FromDefault, true // the implicit default sets nothing (spec §3)
	}
	return false, FromUnknown, false
}

// EffectivePullSecrets is the imagePullSecrets pods of p end up with: the
// pod's own list when it has any entry, else its account's, copied by
// admission (spec §1.7; no merge). from is FromUnknown when the pod has
// none and its account is not defined in the bundle (except the implicit
// default, which has none), FromNone for mirror pods and FromOperator for
// custom resources whose operator builds the pods.
func (b *Bundle) EffectivePullSecrets(p *PodSpec) (refs []Ref, from Origin) {
	if p.Location.AccountOnly {
		return nil, FromOperator
	}
	if own := p.PullSecretRefs(); len(own) > 0 {
		return own, FromPod
	}
	if p.IsMirror() {
		return nil, FromNone // admission never changes mirror pods (spec §1.2)
	}
	name, _ := p.AccountName()
	if a := b.AppliedAccount(p.Namespace(), name); a != nil {
		if len(a.ImagePullSecrets) > 0 {
			return a.ImagePullSecrets, FromAccount
		}
		return nil, FromDefault
	}
	if name == "default" {
		return nil, FromDefault
	}
	return nil, FromUnknown
}
