package gitops

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// Holds reports whether the unit applies what the input gives from file:
// a plain manifest (builtRoot "") read from file, or an object built from
// the kustomization directory builtRoot. Both tools build the
// kustomization at their path, or read the plain files there; those of
// subdirectories Flux reads when its path holds no kustomization (a
// kustomization below it is built whole: the kustomization Flux
// generates lists it), Argo CD only with directory.recurse; a chart
// Argo CD renders is its whole directory (crds/ too).
func (u *Unit) Holds(file, builtRoot string) bool {
	if builtRoot != "" {
		root := absPath(builtRoot)
		return root == u.Dir || u.Recurse && within(u.Dir, root)
	}
	f := absPath(file)
	return filepath.Dir(f) == u.Dir || (u.Recurse || u.Helm != nil) && within(u.Dir, f)
}

// Expand is s with the unit's postBuild variables substituted as Flux
// does: ${var}; ${var:-default} and ${var:=default} give the default
// when var is unset or empty, ${var-default} and ${var=default} when it
// is unset; $${var} stays ${var}. A variable the input does not define
// and that has no default is left as written: it may come from a source
// outside the input, and a name holding it is never judged (see
// model.Substituted).
func (u *Unit) Expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			break
		}
		end += i
		if i > 0 && s[i-1] == '$' { // $${var}: escaped
			b.WriteString(s[:i-1] + s[i:end+1])
			s = s[end+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(u.variable(s[i+2:end], s[i:end+1]))
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// variable is the value of the expression expr of ${expr}, or written
// when it has none.
func (u *Unit) variable(expr, written string) string {
	name, def, op := expr, "", ""
	if i := strings.IndexAny(expr, ":-="); i >= 0 {
		name, op = expr[:i], expr[i:]
		switch {
		case strings.HasPrefix(op, ":-"), strings.HasPrefix(op, ":="):
			def, op = op[2:], ":"
		case strings.HasPrefix(op, "-"), strings.HasPrefix(op, "="):
			def, op = op[1:], "-"
		default:
			return written // an operator Flux's substitution has but no rule needs
		}
	}
	value, set := u.Substitute[name]
	switch {
	case set && (value != "" || op != ":"):
		return value
	case op != "":
		return def
	}
	return written
}

// Apply is o as the tool applies it to the unit's cluster: o itself when
// the tool changes nothing of it, else a copy (o is shared with other
// views). Flux's targetNamespace and Argo CD's kustomize namespace set
// the namespace of every namespaced object, Argo CD's destination
// namespace that of objects that set none; kustomize's name prefix and
// suffix and its binding subjects' namespaces follow (the unit's
// layer); then Flux's postBuild variables are substituted in every
// value. fixBlocked says, by the position of each value the tool
// rewrites, why a fix must leave it: what is written there is not what
// the cluster receives.
func (u *Unit) Apply(o *model.Object) (applied *model.Object, fixBlocked map[model.Position]string) {
	ns, at := u.Namespace, u.NamespaceAt
	if ns == "" && !o.NamespaceSet {
		ns, at = u.DefaultNamespace, u.DefaultNamespaceAt
	}
	if model.ClusterScoped(o.Kind) {
		ns = ""
	}
	if ns == "" && len(u.Substitute) == 0 && u.layer == nil {
		return o, nil
	}
	written := o
	substitutes := len(u.Substitute) > 0
	if substitutes || u.layer.rewrites(o) {
		// A pruned tree lost what it defines beyond what rules reach
		// through it (labels too), and a changed copy reads that again.
		o = o.Whole()
	}
	substitutes = substitutes && !substitutionDisabled(o.Node)
	var edits map[*yaml.Node]*yaml.Node
	if u.layer != nil {
		edits = u.layer.edits(o)
	}
	if ns == "" && !substitutes && len(edits) == 0 {
		return written, nil
	}
	block := func(n *yaml.Node, why string) {
		if fixBlocked == nil {
			fixBlocked = map[model.Position]string{}
		}
		fixBlocked[o.Pos(n)] = why
	}
	var replace func(n *yaml.Node) *yaml.Node // nil: only the namespace changes
	if len(edits) > 0 || substitutes {
		var renamed, substituted string
		if len(edits) > 0 {
			renamed = u.layer.why(u)
		}
		if substitutes {
			substituted = fmt.Sprintf("%s (%s) substitutes its postBuild variables in this value when it applies it", u.Object, u.Origin)
		}
		replace = func(n *yaml.Node) *yaml.Node {
			out := n
			if e, ok := edits[n]; ok {
				out = e
				block(n, renamed)
			}
			if substituted != "" && out.Kind == yaml.ScalarNode {
				// An unresolved ${var} stays as written.
				if v, ok := u.substitutedScalar(out); ok {
					out = v
					block(n, substituted)
				}
			}
			return out
		}
	}
	applied = o.Rewrite(replace)
	if ns != "" {
		applied.Namespace = ns
		applied.PlacedBy = &model.Note{Pos: at, Message: fmt.Sprintf("namespace %s set by %s at %s", ns, u.Object, at)}
		if applied.Built != nil && applied.Built.NamespaceNote.Message != "" {
			built := *applied.Built // the build's namespace is not what the cluster receives
			built.NamespaceNote = model.Note{}
			applied.Built = &built
		}
	}
	return applied, fixBlocked
}

// substitutionDisabled reports whether object n is labelled or annotated
// kustomize.toolkit.fluxcd.io/substitute: disabled, which Flux applies
// without substituting its postBuild variables.
func substitutionDisabled(n *yaml.Node) bool {
	meta := model.Get(n, "metadata").Value
	for _, field := range []string{"labels", "annotations"} {
		if model.Get(meta, field).StringMap()["kustomize.toolkit.fluxcd.io/substitute"] == "disabled" {
			return true
		}
	}
	return false
}

// substitutedScalar is scalar n, at its place, with the unit's
// postBuild variables substituted as Flux substitutes them, and typed as
// the object Flux then applies types it; ok is false when n holds no
// variable the unit resolves. Flux writes the object as YAML text with
// sigs.k8s.io/yaml, whose emitter quotes a string by its value, not by
// how the source wrote it, substitutes in that text and reads it back
// with YAML 1.1 (yes and no are booleans): so "${v}" quoted in the source
// with v=false becomes the boolean false, while a value the emitter
// quotes or writes as a block ("x: ${v}") stays a string.
func (u *Unit) substitutedScalar(n *yaml.Node) (out *yaml.Node, ok bool) {
	if !strings.Contains(n.Value, "${") {
		return n, false
	}
	text, err := sigsyaml.Marshal(n.Value)
	if err != nil {
		return n, false
	}
	expanded := u.Expand(string(text))
	if expanded == string(text) {
		return n, false
	}
	asString := withValue(n, u.Expand(n.Value))
	asString.Tag, asString.Style = "!!str", yaml.DoubleQuotedStyle
	js, err := sigsyaml.YAMLToJSON([]byte(expanded))
	if err != nil || len(js) == 0 {
		// Flux fails the build; what it would have applied is the text.
		return asString, true
	}
	out = withValue(n, string(js))
	switch out.Style = 0; js[0] {
	case 't', 'f':
		out.Tag = "!!bool"
	case 'n':
		out.Value, out.Tag = "", "!!null"
	case '"':
		var s string
		if json.Unmarshal(js, &s) != nil {
			return asString, true
		}
		asString.Value = s
		return asString, true
	case '{', '[':
		// A map or list: the model cannot grow a new structure at a
		// scalar's place, so the text stays, as a string.
		return asString, true
	default:
		out.Tag = "!!float"
		if _, err := strconv.ParseInt(out.Value, 10, 64); err == nil {
			out.Tag = "!!int"
		}
	}
	return out, true
}

// CleanPath is the unit's path relative to the repository root, as
// `salint views` shows it: "apps/production" for "./apps/production".
func (u *Unit) CleanPath() string { return path.Clean("./" + filepath.ToSlash(u.Path)) }
