package gitops

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
	// Values are the values documents given in place, in order, after
	// the values files.
	Values []Values
	// Parameters are helm.parameters, in order.
	Parameters []Parameter
}

// Values is one values document a GitOps object gives: Argo CD's
// helm.valuesObject or helm.values, a Flux HelmRelease's spec.values or
// an object of its valuesFrom.
type Values struct {
	// Doc's nodes carry their lines in File; line 0 when they have none
	// there (a ConfigMap's string).
	Doc  *yaml.Node
	File string
	// From says where, for salint views: "valuesObject (argocd/web.yaml:18:9)".
	From string
	// Secret is true for values read from a Secret: never print them.
	Secret bool
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
			out.Values = append(out.Values, Values{Doc: values, File: o.Source.Path, From: fmt.Sprintf("%s (%s)", field, o.Pos(f.Value))})
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
	if n == nil {
		return nil
	}
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	return parseValues(n.Value, func(v *yaml.Node) {
		if block {
			v.Line += n.Line
		} else {
			v.Line, v.Column = n.Line, n.Column
		}
	})
}

// parseValues reads text, a values document, placing each node with
// place; nil when it is no YAML.
func parseValues(text string, place func(*yaml.Node)) *yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(text), &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	var walk func(v *yaml.Node)
	walk = func(v *yaml.Node) {
		place(v)
		for _, c := range v.Content {
			walk(c)
		}
	}
	walk(doc.Content[0])
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
	for _, v := range h.Values {
		b.WriteString(", " + v.From)
	}
	for _, p := range h.Parameters {
		fmt.Fprintf(&b, ", parameter %s (%s)", p.Name, p.At)
	}
	return b.String()
}

// helmReleaseUnits are the units of the Flux HelmReleases of the input
// (releases, see documents) whose chart is a chart directory of this
// repository (a GitRepository path), each in the views whose units apply
// the HelmRelease, as the unit applies its instance; what cannot be
// followed is said in notices. objects are the input's GitOps objects.
func (d *discoverer) helmReleaseUnits(releases [][]*model.Object, objects []*model.Object, views map[string]*View) {
	for _, instances := range releases {
		chartOf := d.releaseCharts(objects)
		applied := false
		for _, name := range slices.Sorted(maps.Keys(views)) {
			for _, by := range views[name].Units {
				in := by.fluxInstance(instances)
				if in == nil {
					continue
				}
				applied = true
				chart, dir, ok := chartOf(in)
				if !ok {
					break
				}
				// As the Kustomization applies it: in its targetNamespace,
				// with its postBuild variables substituted (values too).
				hr, _ := by.Apply(in)
				u := &Unit{Tool: Flux, Object: in, Origin: in.Pos(chart.Value), Path: chart.String(), Dir: dir}
				u.Helm = d.helmReleaseSource(hr, hr.Namespace, model.Get(hr.Node, "spec").Value, views[name])
				views[name].Units = append(views[name].Units, u)
				break
			}
		}
		if !applied {
			if chart, _, ok := chartOf(instances[0]); ok {
				d.notice(instances[0], chart.Value, "%s is applied by no Flux Kustomization of the input: its chart is not rendered", instances[0])
			}
		}
	}
}

// releaseCharts says, for an instance of one HelmRelease, its chart
// field and the chart directory of the input it names; ok is false
// when there is none (said in a notice, once for the instances that
// name the same chart).
func (d *discoverer) releaseCharts(objects []*model.Object) func(o *model.Object) (chart model.Field, dir string, ok bool) {
	type result struct {
		dir string
		ok  bool
	}
	seen := map[string]result{}
	return func(o *model.Object) (model.Field, string, bool) {
		spec := model.Get(o.Node, "spec").Value
		chartSpec := model.Lookup(spec, "chart", "spec").Value
		chart := model.Get(chartSpec, "chart")
		ref := model.Get(chartSpec, "sourceRef").Value
		key := strings.Join([]string{model.Get(ref, "kind").String(), model.Get(ref, "namespace").String(), model.Get(ref, "name").String(), chart.String()}, "\x00")
		if chartSpec == nil {
			key = ""
		}
		if r, ok := seen[key]; ok {
			return chart, r.dir, r.ok
		}
		var r result
		switch {
		case chartSpec == nil || model.Get(ref, "kind").String() != "GitRepository":
			at := model.Get(spec, "chart").Value
			if at == nil {
				at = model.Get(spec, "chartRef").Value
			}
			d.notice(o, at, "%s installs a chart that needs the network: its objects are not judged", o)
		case !d.fluxSourceHere(o, chartSpec, objects): // said in a notice
		default:
			var inInput bool
			r.dir, inInput = d.inInput(chart.String())
			r.ok = inInput && isChartDir(r.dir)
			if !r.ok {
				d.notice(o, chart.Value, "%s installs chart %q, which is no chart directory of the input: its objects are not judged", o, chart.String())
			}
		}
		seen[key] = r
		return chart, r.dir, r.ok
	}
}

// fluxInstance is the instance of instances (one document's objects as
// read or built, see documents) that u applies when u is a Flux
// Kustomization's unit; nil when it applies none.
func (u *Unit) fluxInstance(instances []*model.Object) *model.Object {
	if !u.fluxKustomization() {
		return nil
	}
	holds := map[string]bool{}
	for _, o := range instances {
		if o.Built == nil {
			if u.Holds(o.Source.Path, "") {
				return o
			}
		} else if in := builtInstance(u, o, holds); in != nil {
			return in
		}
	}
	return nil
}

// fluxKustomization reports whether u is a Flux Kustomization's unit.
func (u *Unit) fluxKustomization() bool { return u.Tool == Flux && u.Helm == nil }

// helmReleaseSource is how Flux renders HelmRelease o, applied in
// namespace ns, of view:
// release [targetNamespace-]name unless releaseName, in targetNamespace
// else ns; valuesFrom in order (ConfigMaps and Secrets of the input in
// ns, as the Kustomization of units that applies each substitutes it),
// then spec.values.
func (d *discoverer) helmReleaseSource(o *model.Object, ns string, spec *yaml.Node, view *View) *HelmSource {
	target := model.Get(spec, "targetNamespace").String()
	out := &HelmSource{ReleaseName: model.Get(spec, "releaseName").String(), Namespace: target}
	if out.Namespace == "" {
		out.Namespace = ns
	}
	if out.ReleaseName == "" {
		out.ReleaseName = o.Name
		if target != "" {
			out.ReleaseName = target + "-" + o.Name
		}
	}
	for _, from := range model.Get(spec, "valuesFrom").Items() {
		kind, name := model.Get(from, "kind").String(), model.Get(from, "name").String()
		key := model.Get(from, "valuesKey").String()
		if key == "" {
			key = "values.yaml"
		}
		label := fmt.Sprintf("%s %s/%s", kind, ns, name)
		obj, found := d.objectData(kind, ns, name, view)
		var data map[string]string
		if found {
			data = obj.data(kind, substitution(view.Units, obj.file))
		}
		text, has := data[key]
		if !found || !has {
			if optional, _ := model.Get(from, "optional").Bool(); !optional {
				d.notice(o, from, "%s takes values from key %s of %s, which is not in the input: not applied", o, key, label)
			}
			continue
		}
		if path := model.Get(from, "targetPath").String(); path != "" {
			out.Parameters = append(out.Parameters, Parameter{Name: path, Value: text, At: o.Pos(from)})
			continue
		}
		// The document's lines are the object's, not known here: none.
		doc := parseValues(text, func(v *yaml.Node) { v.Line, v.Column = 0, 0 })
		if doc == nil || doc.Kind != yaml.MappingNode {
			d.notice(o, from, "%s takes values from key %s of %s, which is not a YAML mapping: not applied", o, key, label)
			continue
		}
		out.Values = append(out.Values, Values{Doc: doc, File: label, From: label, Secret: kind == model.KindSecret})
	}
	if v := model.Get(spec, "values"); v.Mapping() != nil {
		out.Values = append(out.Values, Values{Doc: v.Value, File: o.Source.Path, From: fmt.Sprintf("values (%s)", o.Pos(v.Value))})
	}
	return out
}

// substitution is the postBuild substitution of the Flux Kustomization of
// units that applies file; nil when none applies it (what it holds is as
// written) or it has no variables.
func substitution(units []*Unit, file string) func(string) string {
	if u := fluxApplying(units, file); u != nil && len(u.Substitute) > 0 {
		return u.Expand
	}
	return nil
}

// fluxApplying is the first unit of units that is a Flux Kustomization's
// and applies plain file file; nil when none.
func fluxApplying(units []*Unit, file string) *Unit {
	for _, u := range units {
		if u.fluxKustomization() && u.Holds(file, "") {
			return u
		}
	}
	return nil
}
