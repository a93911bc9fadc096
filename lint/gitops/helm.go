package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A HelmSource is how an Argo CD Application renders a chart directory
// of the input (its path holds a Chart.yaml): `helm template` with the
// Application's helm options.
type HelmSource struct {
	// ReleaseName is helm.releaseName, else the Application's name;
	// Namespace is the release namespace, destination.namespace.
	ReleaseName, Namespace string
	// ValueFiles are the helm.valueFiles found in the input, absolute, in
	// order; Written, the same as the Application writes them.
	ValueFiles, Written []string
	// Values is helm.valuesObject, else helm.values read as YAML: its
	// nodes carry their lines in ValuesFile (the Application's file);
	// ValuesField names the field, ValuesAt locates it.
	Values      *yaml.Node
	ValuesFile  string
	ValuesField string
	ValuesAt    model.Position
	// Parameters are helm.parameters, in order.
	Parameters []Parameter
}

// A Parameter is an Argo CD Helm parameter: --set Name=Value, or
// --set-string with ForceString.
type Parameter struct {
	Name, Value string
	ForceString bool
	At          model.Position
}

// Assignment is p as Argo CD passes it to helm (Helm's strvals syntax):
// its commas escaped, unless the value is a {list}.
func (p Parameter) Assignment() string {
	v := p.Value
	if !strings.HasPrefix(v, "{") || !strings.HasSuffix(v, "}") {
		var b strings.Builder
		prev := rune(0)
		for _, r := range v {
			if r == ',' && prev != '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
			prev = r
		}
		v = b.String()
	}
	return p.Name + "=" + v
}

// isChartDir reports a directory holding a Helm chart, which Argo CD
// renders with Helm whatever else it holds.
func isChartDir(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && info.Mode().IsRegular()
}

// helmSource reads the helm options of Argo CD source s of Application o,
// whose path is the chart directory dir; refs are the repoURLs of the
// Application's sources by their ref name ($values/...). What cannot be
// followed is said in notices.
func (d *discoverer) helmSource(o *model.Object, s *yaml.Node, dir, destNS string, refs map[string]string) *HelmSource {
	h := model.Get(s, "helm").Value
	out := &HelmSource{ReleaseName: model.Get(h, "releaseName").String(), Namespace: destNS}
	if out.ReleaseName == "" {
		out.ReleaseName = o.Name
	}
	ignoreMissing, _ := model.Get(h, "ignoreMissingValueFiles").Bool()
	for _, item := range model.Get(h, "valueFiles").Items() {
		if file, ok := d.valueFile(o, item, dir, refs, ignoreMissing); ok {
			out.ValueFiles = append(out.ValueFiles, file)
			out.Written = append(out.Written, item.Value)
		}
	}
	for _, field := range []string{"valuesObject", "values"} {
		f := model.Get(h, field)
		if !f.Present() || f.Value.Kind == yaml.ScalarNode && strings.TrimSpace(f.String()) == "" {
			continue
		}
		values := f.Value
		if field == "values" {
			values = valuesOfString(f.Value)
		}
		if values != nil && values.Kind == yaml.MappingNode {
			out.Values, out.ValuesFile, out.ValuesField, out.ValuesAt = values, o.Source.Path, field, o.Pos(f.Value)
		} else {
			d.notice(o, f.Value, "%s gives helm.%s that is not a YAML mapping: it is not applied", o, field)
		}
		break // Argo CD uses valuesObject when set, else values
	}
	for _, p := range model.Get(h, "parameters").Items() {
		force, _ := model.Get(p, "forceString").Bool()
		out.Parameters = append(out.Parameters, Parameter{
			Name: model.Get(p, "name").String(), Value: model.Get(p, "value").String(),
			ForceString: force, At: o.Pos(p),
		})
	}
	if fp := model.Get(h, "fileParameters"); fp.Present() {
		d.notice(o, fp.Value, "%s: helm.fileParameters are not applied", o)
	}
	return out
}

// valueFile resolves an entry of helm.valueFiles: relative to the chart
// directory, or $ref/path relative to the root of the source named ref.
// A URL, another repository, a path outside the repository or a missing
// file is a notice (a missing one none with ignoreMissingValueFiles, as
// Argo CD then skips it).
func (d *discoverer) valueFile(o *model.Object, item *yaml.Node, dir string, refs map[string]string, ignoreMissing bool) (string, bool) {
	written := item.Value
	file := filepath.Join(dir, filepath.FromSlash(written))
	if strings.Contains(written, "://") {
		d.notice(o, item, "%s: values file %s needs the network: not applied", o, written)
		return "", false
	}
	if ref, rest, ok := strings.Cut(written, "/"); ok && strings.HasPrefix(ref, "$") {
		repo, known := refs[ref[1:]]
		if !known {
			d.notice(o, item, "%s: values file %s names no source with ref %s: not applied", o, written, ref[1:])
			return "", false
		}
		if !d.thisRepo(repo) {
			d.notice(o, item, "%s: values file %s is in another repository than the input: not applied", o, written)
			return "", false
		}
		file = filepath.Join(d.root, filepath.FromSlash(rest))
	}
	if !within(d.root, file) {
		d.notice(o, item, "%s: values file %s is outside the repository: not applied", o, written)
		return "", false
	}
	if info, err := os.Stat(file); err != nil || !info.Mode().IsRegular() {
		if !ignoreMissing {
			d.notice(o, item, "%s: values file %s is not in the input: not applied", o, written)
		}
		return "", false
	}
	return file, true
}

// valuesOfString reads helm.values, a YAML document in a string, with the
// lines of the Application's file when it is a block scalar (its lines
// are the file's, one for one); else every node at the field's line.
func valuesOfString(n *yaml.Node) *yaml.Node {
	var doc yaml.Node
	if n == nil || yaml.Unmarshal([]byte(n.Value), &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	var place func(v *yaml.Node)
	place = func(v *yaml.Node) {
		if block {
			v.Line += n.Line
		} else {
			v.Line, v.Column = n.Line, n.Column
		}
		for _, c := range v.Content {
			place(c)
		}
	}
	place(doc.Content[0])
	return doc.Content[0]
}

// String describes the render for salint views: release, namespace and
// where its values come from (names of parameters, never their values).
func (h *HelmSource) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Helm chart rendered as release %s", h.ReleaseName)
	if h.Namespace != "" {
		b.WriteString(" in namespace " + h.Namespace)
	}
	for _, f := range h.Written {
		b.WriteString(", values file " + f)
	}
	if h.Values != nil {
		fmt.Fprintf(&b, ", %s (%s)", h.ValuesField, h.ValuesAt)
	}
	for _, p := range h.Parameters {
		fmt.Fprintf(&b, ", parameter %s (%s)", p.Name, p.At)
	}
	return b.String()
}
