// Package admit previews, offline, what the ServiceAccount admission step
// of the API server does to each Pod and pod template of a bundle (behaviour
// spec §1 and §2): it defaults serviceAccountName, copies the account's pull
// secrets, mounts the API token and rejects what the API server rejects,
// with the API server's own messages. Documents without a pod spec pass
// through byte for byte; admitted documents are re-encoded (this is a
// preview, not a rewrite of the user's files).
package admit

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Names and values the API server uses (spec §1.6; plugin/pkg/admission/
// serviceaccount in Kubernetes v1.37.2).
const (
	TokenVolumePrefix = "kube-api-access-"
	AccessMountPath   = "/var/run/secrets/kubernetes.io/serviceaccount"
	// nameAlphabet is the alphabet of the API server's random name suffixes
	// (k8s.io/apimachinery/pkg/util/rand): no vowels, no confusable digits.
	nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"
	suffixLength = 5
	// tokenExpirationSeconds is the bound token's lifetime the projection
	// asks for (WarnOnlyBoundTokenExpirationSeconds).
	tokenExpirationSeconds = 3607
	// projectedDefaultMode is 0644, written in decimal as the API returns it.
	projectedDefaultMode = 420
)

// Rejection is a pod the API server would refuse.
type Rejection struct {
	Pos    model.Position
	Object *model.Object
	// Message is the API server's error, e.g. `pods "web" is forbidden: ...`.
	Message string
}

// Note is something the preview could not know and had to assume.
type Note struct {
	Pos     model.Position
	Message string
}

// Admission is one pod spec admitted: what the API server set in it.
type Admission struct {
	Pos    model.Position
	Object *model.Object
	// Path is the pod spec's field path in the object ("spec.template.spec").
	Path               string
	ServiceAccountName string
	// AccountDefaulted: serviceAccountName was not set (the deprecated
	// serviceAccount, or "default", filled it).
	AccountDefaulted bool
	// TokenVolume is the projected token volume the containers mount; ""
	// when the token is not mounted.
	TokenVolume       string
	PullSecretsCopied []string
	// Before and After are the object as written and as admitted, encoded
	// alike (block style), so that a diff shows only what admission set.
	Before, After []byte
}

// Result is the admitted bundle and what was refused.
type Result struct {
	// Output is the bundle as YAML documents: admitted pods and templates
	// re-encoded, every other document as it was, rejected Pods left out.
	Output     []byte
	Admitted   []Admission
	Rejections []Rejection
	Notes      []Note
}

type admitter struct {
	b       *model.Bundle
	show    func(file string) bool
	scrub   func(string) string
	changed map[*model.Object]bool
	dropped map[*model.Object]bool
	// written are the nodes whose values admission writes whatever the
	// input (the token volume's): the scrub leaves them.
	written map[*yaml.Node]bool
	res     *Result
}

// Admit runs the admission preview over bundle b. show picks the files
// whose documents and rejections are reported (nil: all); the others only
// inform the model. scrub (nil: none) takes the input's Secret values out
// of a text: Output, Before and After have it applied to every scalar
// value and comment, so that a value from a Secret (a rendered valuesFrom,
// a substituted variable) is not printed wherever it is.
func Admit(b *model.Bundle, show func(file string) bool, scrub func(string) string) (*Result, error) {
	if show == nil {
		show = func(string) bool { return true }
	}
	a := &admitter{b: b, show: show, scrub: scrub, changed: map[*model.Object]bool{}, dropped: map[*model.Object]bool{},
		written: map[*yaml.Node]bool{}, res: &Result{}}
	for _, p := range b.Pods {
		if show(p.Object.Source.Path) {
			a.pod(p)
		}
	}
	for _, s := range b.Secrets {
		a.redact(s.Object)
	}
	out, err := a.render()
	if err != nil {
		return nil, err
	}
	a.res.Output = out
	return a.res, nil
}

// Redacted replaces every value of a Secret's data and stringData in the
// preview, and its last-applied annotation (which holds both): salint
// never prints secret values, and the preview is about pods, not about
// what the Secrets hold.
const Redacted = "<redacted>"

func (a *admitter) redact(o *model.Object) {
	if o.Kind != model.KindSecret || o.Group() != "" {
		return // a producer (SealedSecret, ...) holds no plain value
	}
	for _, key := range []string{"data", "stringData"} {
		m := model.Get(o.Node, key).Mapping()
		if m == nil {
			continue
		}
		for i := 1; i < len(m.Content); i += 2 {
			m.Content[i] = str(Redacted)
		}
		a.changed[o] = true
	}
	if m := model.Lookup(o.Node, "metadata", "annotations").Mapping(); m != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == model.LastAppliedAnnotation {
				m.Content[i+1] = str(Redacted)
				a.changed[o] = true
			}
		}
	}
}

// reject records the API server's refusal, located at the field that names
// the account, else at the pod spec.
func (a *admitter) reject(p *model.PodSpec, format string, args ...any) {
	msg := fmt.Sprintf("pods %q is forbidden: %s", PodName(p), fmt.Sprintf(format, args...))
	at := p.Node
	if _, f := p.AccountName(); f.Key != nil {
		at = f.Key
	}
	a.res.Rejections = append(a.res.Rejections, Rejection{Pos: p.Object.Pos(at), Object: p.Object, Message: msg})
	if !p.Location.Template {
		a.dropped[p.Object] = true
	}
}

func (a *admitter) note(p *model.PodSpec, format string, args ...any) {
	a.res.Notes = append(a.res.Notes, Note{Pos: p.Object.Pos(p.Node), Message: fmt.Sprintf(format, args...)})
}

// PodName is the name the API server sees for the pods of p: the Pod's name
// (or generateName), and for a template the name its controller gives:
// "<name>-0" for a StatefulSet's first pod, else "<name>-" as generateName.
func PodName(p *model.PodSpec) string {
	o := p.Object
	switch {
	case o.Name == "":
		return o.GenerateName
	case !p.Location.Template:
		return o.Name
	case o.Kind == "StatefulSet":
		return o.Name + "-0"
	}
	return o.Name + "-"
}

func (a *admitter) pod(p *model.PodSpec) {
	if p.Location.AccountOnly {
		return // an operator builds these pods; the spec here only names the account
	}
	ns := p.Namespace()
	// spec §2: defaulting fills serviceAccountName from the deprecated alias.
	name := p.ServiceAccountName.String()
	if name == "" {
		name = p.ServiceAccount.String()
	}
	if p.IsMirror() {
		a.mirror(p, name) // never changed (spec §1.2)
		return
	}
	if name == "" {
		name = "default" // spec §1.3
	}
	if !a.b.AccountExists(ns, name) { // spec §1.4
		a.reject(p, "%s", model.AccountNotFound(ns, name))
		return
	}
	acct := a.b.AppliedAccount(ns, name)
	external := acct == nil && name != "default"

	// spec §1.5: the pod's setting, else the account's, else mounted.
	mount := true
	if v, ok := p.Automount.Bool(); ok {
		mount = v
	} else if acct != nil {
		if v, ok := acct.Automount.Bool(); ok {
			mount = v
		}
	} else if external {
		a.note(p, "ServiceAccount %s/%s is declared external, so its automountServiceAccountToken is unknown; the preview mounts the token, as the API server does when the account does not say", ns, name)
	}

	// spec §1.7: copied only when the pod has none (an empty list is none).
	var copied []string
	own := model.Refs(p.ImagePullSecrets)
	if len(own) == 0 {
		if acct != nil {
			for _, r := range acct.ImagePullSecrets {
				copied = append(copied, r.Name)
			}
		} else if external {
			a.note(p, "ServiceAccount %s/%s is declared external, so its imagePullSecrets are unknown; the preview copies none", ns, name)
		}
	}

	// spec §1.8: validation runs on the mutated pod; copied pull secrets
	// always pass, so checking before mutating gives the same answer.
	if acct != nil && acct.EnforceMountable {
		if _, _, msg := model.FirstUnmountable(p, acct); msg != "" {
			a.reject(p, "%s", msg)
			return
		}
	}

	spec := p.Node
	blockStyle(spec, false) // new fields cannot go inside flow collections
	adm := Admission{Pos: p.Object.Pos(p.Node), Object: p.Object, Path: p.Path, ServiceAccountName: name,
		AccountDefaulted: p.ServiceAccountName.String() == "", PullSecretsCopied: copied, Before: a.encode(p.Object.Node)}
	setAccount(spec, name)
	if mount {
		adm.TokenVolume = a.mountToken(spec, TokenVolumePrefix+suffix(p))
	}
	if len(copied) > 0 {
		items := make([]*yaml.Node, len(copied))
		for i, n := range copied {
			items[i] = mapping("name", str(n))
		}
		setValue(spec, "imagePullSecrets", seq(items...))
	}
	adm.After = a.encode(p.Object.Node)
	a.res.Admitted = append(a.res.Admitted, adm)
	a.changed[p.Object] = true
}

// encode is n scrubbed, as YAML, for Admission's Before and After: ""
// when it does not encode (the output's render reports that).
func (a *admitter) encode(n *yaml.Node) []byte {
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(a.scrubbed(n, false)); err != nil {
		return nil
	}
	return b.Bytes()
}

// scrubbed returns n with a.scrub applied to every scalar value and
// comment, a copy of the nodes where one changes (n itself when none
// does). Mapping keys (key: n is one) are the schema's, not data, and
// stay: the output remains manifests. So do the values admission writes
// (a.written), which a Secret value that is part of them ("secret") would
// otherwise strike.
func (a *admitter) scrubbed(n *yaml.Node, key bool) *yaml.Node {
	if n == nil || a.scrub == nil {
		return n
	}
	var c *yaml.Node // n's copy, made at the first change
	edit := func() *yaml.Node {
		if c == nil {
			copied := *n
			copied.Content = slices.Clone(n.Content)
			c = &copied
		}
		return c
	}
	head, line, foot := a.scrub(n.HeadComment), a.scrub(n.LineComment), a.scrub(n.FootComment)
	if head != n.HeadComment || line != n.LineComment || foot != n.FootComment {
		e := edit()
		e.HeadComment, e.LineComment, e.FootComment = head, line, foot
	}
	if n.Kind == yaml.ScalarNode && !key && !a.written[n] {
		if s := a.scrub(n.Value); s != n.Value {
			edit().Value, c.Tag = s, "!!str" // no longer an !!int, a !!bool
		}
	}
	for i, child := range n.Content {
		if s := a.scrubbed(child, n.Kind == yaml.MappingNode && i%2 == 0); s != child {
			edit().Content[i] = s
		}
	}
	if c == nil {
		return n
	}
	return c
}

// mirror applies the checks on mirror pods (spec §1.2).
func (a *admitter) mirror(p *model.PodSpec, name string) {
	switch {
	case name != "":
		a.reject(p, "a mirror pod may not reference service accounts")
	case mirrorReferencesSecret(p):
		a.reject(p, "a mirror pod may not reference secrets")
	case usesTokenProjection(p.Node):
		a.reject(p, "a mirror pod may not use ServiceAccountToken volume projections")
	}
}

// otherSecretVolumes lists the volume sources besides secret, projected
// and csi that name a Secret (podutil.VisitPodSecretNames): the key of the
// source and the path to the name inside it.
var otherSecretVolumes = []struct {
	source string
	name   []string
}{
	{"azureFile", []string{"secretName"}},
	{"cephfs", []string{"secretRef", "name"}},
	{"cinder", []string{"secretRef", "name"}},
	{"flexVolume", []string{"secretRef", "name"}},
	{"rbd", []string{"secretRef", "name"}},
	{"scaleIO", []string{"secretRef", "name"}},
	{"iscsi", []string{"secretRef", "name"}},
	{"storageos", []string{"secretRef", "name"}},
}

// mirrorReferencesSecret reports whether a mirror pod names a Secret the way
// podutil.VisitPodSecretNames sees it: it skips empty names, so `[{}]` or
// `secret: {}` reference nothing (spec §1.2).
func mirrorReferencesSecret(p *model.PodSpec) bool {
	for _, r := range p.PullSecretRefs() {
		if r.Name != "" {
			return true
		}
	}
	for _, u := range p.SecretUses {
		if u.Name != "" {
			return true
		}
	}
	for _, v := range model.Get(p.Node, "volumes").Items() {
		for _, s := range otherSecretVolumes {
			if model.Lookup(v, append([]string{s.source}, s.name...)...).String() != "" {
				return true
			}
		}
	}
	return false
}

func usesTokenProjection(spec *yaml.Node) bool {
	for _, v := range model.Get(spec, "volumes").Items() {
		for _, src := range model.Lookup(v, "projected", "sources").Items() {
			if model.Get(src, "serviceAccountToken").Present() {
				return true
			}
		}
	}
	return false
}

// suffix stands in for the API server's random 5-character volume suffix:
// the same alphabet, derived from the pod's identity so that the preview
// is stable across runs.
func suffix(p *model.PodSpec) string {
	h := fnv.New64a()
	o := p.Object
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", o.Namespace, o.Kind, o.Name, o.GenerateName, p.Path)
	v := h.Sum64()
	var b strings.Builder
	for range suffixLength {
		b.WriteByte(nameAlphabet[v%uint64(len(nameAlphabet))])
		v /= uint64(len(nameAlphabet))
	}
	return b.String()
}

// mountToken is the API server's mountServiceAccountToken (spec §1.6): an
// existing kube-api-access-* volume is reused; every init container and
// container without a mount at the token path gets a read-only one; the
// projected volume is added when some container needs it. It returns the
// volume the containers mount.
func (a *admitter) mountToken(spec *yaml.Node, newName string) string {
	volName, hasVolume := newName, false
	for _, v := range model.Get(spec, "volumes").Items() {
		if n := model.Get(v, "name").String(); strings.HasPrefix(n, TokenVolumePrefix) {
			volName, hasVolume = n, true
			break
		}
	}
	needed := false
	for _, list := range []string{model.InitContainers, model.Containers} {
		for _, c := range model.Get(spec, list).Items() {
			if c.Kind != yaml.MappingNode {
				continue
			}
			mounted := false
			for _, m := range model.Get(c, "volumeMounts").Items() {
				if model.Get(m, "mountPath").String() == AccessMountPath {
					mounted = true
					break
				}
			}
			if !mounted {
				name := str(volName)
				if !hasVolume {
					a.writes(name) // the name made of the suffix, not the input's
				}
				appendItem(c, "volumeMounts", mapping("mountPath", a.writes(str(AccessMountPath)), "name", name, "readOnly", boolean(true)))
				needed = true
			}
		}
	}
	if needed && !hasVolume {
		appendItem(spec, "volumes", a.writes(tokenVolume(volName)))
	}
	return volName
}

// writes records n and every node below it as written by admission
// whatever the input, and returns n.
func (a *admitter) writes(n *yaml.Node) *yaml.Node {
	a.written[n] = true
	for _, c := range n.Content {
		a.writes(c)
	}
	return n
}

// tokenVolume is TokenVolumeSource() as the API returns it (keys sorted).
func tokenVolume(name string) *yaml.Node {
	return mapping(
		"name", str(name),
		"projected", mapping(
			"defaultMode", integer(projectedDefaultMode),
			"sources", seq(
				mapping("serviceAccountToken", mapping(
					"expirationSeconds", integer(tokenExpirationSeconds),
					"path", str("token"))),
				mapping("configMap", mapping(
					"items", seq(mapping("key", str("ca.crt"), "path", str("ca.crt"))),
					"name", str("kube-root-ca.crt"))),
				mapping("downwardAPI", mapping(
					"items", seq(mapping(
						"fieldRef", mapping("apiVersion", str("v1"), "fieldPath", str("metadata.namespace")),
						"path", str("namespace"))))),
			),
		),
	)
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func integer(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// mapping builds a mapping from key, value pairs.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

// setValue sets key in mapping m to value, replacing the old value.
func setValue(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, str(key), value)
}

// setAccount sets serviceAccountName and, as defaulting does (spec §2), the
// deprecated serviceAccount to name, keeping the two side by side.
func setAccount(spec *yaml.Node, name string) {
	index := func(key string) int {
		for i := 0; i+1 < len(spec.Content); i += 2 {
			if spec.Content[i].Value == key {
				return i
			}
		}
		return -1
	}
	for _, key := range []string{"serviceAccountName", "serviceAccount"} {
		if i := index(key); i >= 0 {
			v := str(name)
			v.LineComment = spec.Content[i+1].LineComment
			spec.Content[i+1] = v
			continue
		}
		// Insert next to the other one, or first.
		at := 0
		if i := index("serviceAccountName"); i >= 0 {
			at = i + 2
		} else if i := index("serviceAccount"); i >= 0 {
			at = i
		}
		spec.Content = append(spec.Content[:at], append([]*yaml.Node{str(key), str(name)}, spec.Content[at:]...)...)
	}
}

// appendItem appends item to the sequence at key, creating it when absent
// or null.
func appendItem(m *yaml.Node, key string, item *yaml.Node) {
	if f := model.Get(m, key); f.Value != nil && f.Value.Kind == yaml.SequenceNode {
		f.Value.Content = append(f.Value.Content, item)
		return
	}
	setValue(m, key, seq(item))
}

// render writes the bundle, scrubbed: documents without a change byte for
// byte, the others re-encoded in block style (straight into the output: an
// error discards all of it).
func (a *admitter) render() ([]byte, error) {
	var out bytes.Buffer
	first := true
	sep := func() {
		if !first {
			out.WriteString("---\n")
		}
		first = false
	}
	for _, f := range a.b.Files {
		src := f.Source
		if len(src.Bytes()) == 0 || !a.show(src.Path) {
			continue
		}
		if f.Built {
			// A kustomize build's objects: what the cluster receives is
			// each object's built node, not the source file's text.
			for _, o := range f.Objects {
				if a.dropped[o] {
					continue
				}
				sep()
				if err := yaml.NewEncoder(&out).Encode(a.scrubbed(o.Node, false)); err != nil {
					return nil, fmt.Errorf("%s: %w", o.Pos(nil), err)
				}
			}
			continue
		}
		docs := src.Documents()
		byDoc := make([][]*model.Object, len(docs))
		for _, o := range f.Objects {
			// The last document starting at or before the object's line
			// (the first when none does).
			d := max(sort.Search(len(docs), func(i int) bool { return docs[i].Line > o.Node.Line })-1, 0)
			byDoc[d] = append(byDoc[d], o)
		}
		for d, r := range docs {
			raw := src.Bytes()[r.Start:r.End]
			touched := false
			for _, o := range byDoc[d] {
				touched = touched || a.changed[o] || a.dropped[o]
			}
			var root *yaml.Node
			if touched {
				var err error
				if root, err = a.document(raw, byDoc[d]); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", src.Path, r.Line, err)
				}
				if root == nil {
					continue // a rejected Pod
				}
				if json := bytes.TrimLeft(raw, " \t\r\n"); len(json) > 0 && json[0] == '{' {
					blockStyle(root, true) // JSON in, YAML out
				}
				root = a.scrubbed(root, false)
			} else if root, raw = a.passed(raw); root == nil {
				if !bytes.HasPrefix(raw, []byte("---")) {
					sep()
				} else {
					first = false
				}
				out.Write(raw)
				if len(raw) > 0 && raw[len(raw)-1] != '\n' {
					out.WriteByte('\n')
				}
				continue
			}
			sep()
			if err := yaml.NewEncoder(&out).Encode(root); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", src.Path, r.Line, err)
			}
		}
	}
	return out.Bytes(), nil
}

// passed returns a document admission does not change, to print: its raw
// bytes when the scrub changes nothing in it, else its root scrubbed, to
// encode in the style it was written (JSON stays JSON). A document that
// does not parse (an input error already reported) is scrubbed as text:
// it is no manifest to keep valid.
func (a *admitter) passed(raw []byte) (*yaml.Node, []byte) {
	if a.scrub == nil {
		return nil, raw
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil || len(doc.Content) == 0 {
		return nil, []byte(a.scrub(string(raw)))
	}
	if s := a.scrubbed(&doc, false); s != &doc {
		return s, nil
	}
	return nil, raw
}

// document returns the root to encode for a document holding objs: the
// object itself, or a List whose items are the admitted objects; nil when
// nothing of it is left.
func (a *admitter) document(raw []byte, objs []*model.Object) (*yaml.Node, error) {
	if len(objs) == 1 && objs[0].FieldPrefix == "" {
		if a.dropped[objs[0]] {
			return nil, nil
		}
		return objs[0].Node, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("cannot re-read the document: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("cannot re-read the document: it is empty")
	}
	root := doc.Content[0]
	items := model.Get(root, "items").Value
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("a List without items")
	}
	byPrefix := map[string]*model.Object{}
	for _, o := range objs {
		byPrefix[o.FieldPrefix] = o
	}
	var kept []*yaml.Node
	for i, item := range items.Content {
		o := byPrefix[fmt.Sprintf("items[%d].", i)]
		switch {
		case o == nil:
			kept = append(kept, item)
		case a.dropped[o]:
		default:
			kept = append(kept, o.Node)
		}
	}
	items.Content = kept
	return root, nil
}

// blockStyle turns flow collections into block style; with plain, quoted
// scalars become plain too (the encoder quotes what needs it), so that a
// JSON document reads as YAML.
func blockStyle(n *yaml.Node, plain bool) {
	n.Style &^= yaml.FlowStyle
	if plain && n.Kind == yaml.ScalarNode {
		n.Style &^= yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle
	}
	for _, c := range n.Content {
		blockStyle(c, plain)
	}
}
