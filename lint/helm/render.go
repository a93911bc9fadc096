// Package helm renders Helm charts with Helm's own library, as `helm
// template` does, and reads what they produce into the model located in
// the templates: each object's fields point at the template line that
// produced them. No network and no cluster: `lookup` returns nothing, DNS
// is off. The templates run in a bounded child process (bound.go).
//
// It imports Helm's chart loader and engine, not its chartutil package
// (pkg/chart/common/util), whose schema check fetches http(s) and file
// references: values are coalesced here (values.go) and checked against
// values.schema.json with the library Helm uses (schema.go).
package helm

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DefaultReleaseName is the release name `helm template` uses.
const DefaultReleaseName = "release-name"

// Options are what a render uses beyond the chart's own values.yaml. The
// entry point for every source of a chart (a walked directory today; GitOps
// objects naming a chart later): they pass their values here.
type Options struct {
	// ReleaseName is DefaultReleaseName when empty.
	ReleaseName string
	// Namespace is the release namespace; "default" when empty.
	Namespace string
	// ValuesFiles are read in order over values.yaml (--values).
	ValuesFiles []string
	// ConfigSet are Helm strvals assignments from ConfigFile (a chart's
	// set: in .salint.yaml), applied after the values files.
	ConfigSet  []string
	ConfigFile string
	// Given are values a GitOps object gives the render (an Argo CD
	// Application's helm options), applied in order after ValuesFiles.
	Given []Given
	// Set are Helm strvals assignments applied last, in order (--set).
	Set []string
	// Edited are values files (values.yaml, ValuesFiles) as salint fix
	// edited them in memory, by path: read instead of the disk, and the
	// Sources a fix of a value set in them edits (model.Built.Values).
	Edited map[string]*model.Source `json:"-"`
	// ValuesData is Edited's bytes, for the renderer's child process.
	ValuesData map[string][]byte
	// KubeVersion and APIVersions change .Capabilities as helm
	// template's --kube-version and --api-versions do.
	KubeVersion string   `json:",omitempty"`
	APIVersions []string `json:",omitempty"`
}

// ValuesPaths are the values files a render of the chart in dir reads,
// in order: its values.yaml, then ValuesFiles.
func (o Options) ValuesPaths(dir string) []string {
	return append([]string{filepath.Join(dir, "values.yaml")}, o.ValuesFiles...)
}

// Given is one piece of values a GitOps object writes in place: a values
// document (Doc), or one strvals assignment (Set; its value a string when
// String, as --set-string). By says where, for a finding's notes: the
// file whose lines Doc's nodes carry, or the assignment's place
// ("argocd/web.yaml:14").
type Given struct {
	By     string
	Doc    *yaml.Node
	Set    string
	String bool
}

// Over returns o (a chart's own options, from the config) completed by
// more (the run's): more's values files and assignments after o's; o's
// release name and namespace when set, else more's.
func (o Options) Over(more Options) Options {
	out := more
	out.ValuesFiles = append(slices.Clone(o.ValuesFiles), more.ValuesFiles...)
	out.ConfigSet = append(slices.Clone(o.ConfigSet), more.ConfigSet...)
	out.Given = append(slices.Clone(o.Given), more.Given...)
	out.Set = append(slices.Clone(o.Set), more.Set...)
	for _, f := range []struct{ own, run *string }{
		{&o.ConfigFile, &out.ConfigFile}, {&o.ReleaseName, &out.ReleaseName}, {&o.Namespace, &out.Namespace},
	} {
		if *f.own != "" {
			*f.run = *f.own
		}
	}
	return out
}

// IsChart reports a directory holding a Helm chart.
func IsChart(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && info.Mode().IsRegular()
}

// IsChartFile reports Helm's own files at a chart's root: Chart.yaml,
// Chart.lock and values.yaml are not Kubernetes objects, and values.yaml
// holds the chart's defaults, passwords among them, which admit's preview
// would print as it passes documents other than objects through.
func IsChartFile(path string) bool {
	switch filepath.Base(path) {
	case "Chart.yaml", "Chart.lock", "values.yaml":
		return IsChart(filepath.Dir(path))
	}
	return false
}

// Render renders the chart in dir and returns one file per template that
// produced objects, each built (model.File.Built) with its Source the
// template's own bytes, plus a file holding the chart's errors and notices
// when there are any. A chart that cannot be rendered yields only that.
func Render(dir string, opts Options) []*model.File {
	files, _ := RenderText(dir, opts)
	return files
}

// RenderText is Render, with the text each template rendered by the
// path of the File that holds its objects (the template's Source.Path):
// for a caller that hands the manifests on, as kustomize's helmCharts
// does, and locates what comes back in the Files. Object.DocIndex is the
// document's index in that text.
func RenderText(dir string, opts Options) (files []*model.File, texts map[string]string) {
	opts = opts.withDefaults()
	opts.ValuesData = editedValues(dir, opts)
	c, bad := prepare(dir, opts)
	if bad != nil {
		return []*model.File{bad.file(dir)}, nil
	}
	index := newValueIndex(dir, c.ch, c.origins)
	schemaErrs, schemaNotices := checkSchemas(dir, c.ch, c.vals, index)
	var notes []*model.File
	if len(schemaErrs)+len(schemaNotices) > 0 {
		notes = []*model.File{{Source: &model.Source{Path: filepath.Join(dir, "Chart.yaml")}, Errors: schemaErrs, Notices: schemaNotices}}
	}
	if len(schemaErrs) > 0 {
		return notes, nil // helm template refuses such values too
	}
	rendered, err := renderBounded(dir, opts)
	if err != nil {
		pos, msg := locateRenderError(dir, c.ch.Name(), err)
		return []*model.File{(&problem{pos: pos, msg: msg}).file(dir)}, nil
	}
	r := &renderer{dir: dir, chartName: c.ch.Name(), namespace: opts.Namespace, templates: templateSources(dir, c.ch), values: index,
		files: newValueFiles(dir, opts), advice: map[adviceKey]advice{}}
	for _, name := range slices.Sorted(maps.Keys(r.templates)) {
		r.sorted = append(r.sorted, r.templates[name])
	}
	names := slices.Sorted(maps.Keys(rendered))
	out := notes
	texts = map[string]string{}
	for _, name := range names {
		if f := r.read(name, rendered[name]); f != nil {
			out = append(out, f)
			texts[f.Source.Path] = rendered[name]
		}
	}
	r.dropSharedSpots(out)
	return out, texts
}

func (o Options) withDefaults() Options {
	if o.ReleaseName == "" {
		o.ReleaseName = DefaultReleaseName
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	return o
}

// problem is why a chart is not rendered: an error, or a notice.
type problem struct {
	notice bool
	pos    model.Position // the chart's Chart.yaml when empty
	msg    string
}

func (p *problem) file(dir string) *model.File {
	chartFile := filepath.Join(dir, "Chart.yaml")
	if p.pos.File == "" {
		p.pos.File = chartFile
	}
	f := &model.File{Source: &model.Source{Path: chartFile}}
	e := notRendered(p.pos, p.msg)
	if p.notice {
		f.Notices = append(f.Notices, e)
	} else {
		f.Errors = append(f.Errors, e)
	}
	return f
}

// notRendered is why the chart is not rendered, at pos.
func notRendered(pos model.Position, why string) model.Error {
	return model.Error{Pos: pos, Message: "Helm chart not rendered: " + why}
}

// loaded is a chart with what its templates are executed with.
type loaded struct {
	ch      *chartv2.Chart
	vals    map[string]any // coalesced: top["Values"]
	top     common.Values
	origins map[string]origin // where the user's values were set
}

// prepare loads the chart in dir and its values, as helm template does
// before it executes the templates.
func prepare(dir string, opts Options) (*loaded, *problem) {
	if err := insideChart(dir); err != nil {
		return nil, &problem{msg: err.Error()}
	}
	ch, err := loader.LoadDir(dir)
	if err != nil {
		if !strings.Contains(err.Error(), "values.yaml") {
			return nil, &problem{msg: err.Error()}
		}
		// The loader reads values.yaml too: its error may quote a value.
		return nil, &problem{msg: "values.yaml: " + valuesError(err, func() []*yaml.Node {
			data, _ := readBounded(filepath.Join(dir, "values.yaml"))
			return valuesDocs(data)
		}).Error()}
	}
	if err := useEditedValues(ch, dir, opts.ValuesData); err != nil {
		return nil, &problem{msg: err.Error()}
	}
	if missing := missingDependencies(ch); len(missing) > 0 {
		// helm template refuses such a chart too.
		return nil, &problem{notice: true, msg: fmt.Sprintf(
			"dependency %s is not in %s; run helm dependency build %s",
			strings.Join(missing, ", "), filepath.Join(dir, "charts"), dir)}
	}
	vals, origins, err := userValues(opts)
	if err != nil {
		return nil, &problem{msg: err.Error()}
	}
	vals = coalesce(ch, vals)
	dropDisabled(ch, vals)
	accessor, err := chart.NewAccessor(ch)
	if err != nil {
		return nil, &problem{msg: err.Error()}
	}
	caps, err := capabilities(opts)
	if err != nil {
		return nil, &problem{msg: err.Error()}
	}
	top := common.Values{
		"Chart":        accessor.MetadataAsMap(),
		"Capabilities": caps,
		"Release": map[string]any{
			"Name":      opts.ReleaseName,
			"Namespace": opts.Namespace,
			"IsUpgrade": false,
			"IsInstall": true,
			"Revision":  1,
			"Service":   "Helm",
		},
		"Values": vals,
	}
	return &loaded{ch: ch, vals: vals, top: top, origins: origins}, nil
}

// capabilities are helm template's: the defaults, with opts'
// KubeVersion and more APIVersions.
func capabilities(opts Options) (*common.Capabilities, error) {
	if opts.KubeVersion == "" && len(opts.APIVersions) == 0 {
		return common.DefaultCapabilities, nil
	}
	caps := common.DefaultCapabilities.Copy()
	if opts.KubeVersion != "" {
		v, err := common.ParseKubeVersion(opts.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("invalid kube version %q: %w", opts.KubeVersion, err)
		}
		caps.KubeVersion = *v
	}
	// A new slice: Copy shares the defaults' array, which every render
	// (in parallel) reads.
	caps.APIVersions = slices.Concat(caps.APIVersions, opts.APIVersions)
	return caps, nil
}

// execute runs the chart's templates. The zero Engine has no client:
// lookup returns an empty map, as in helm template; DNS lookups are off.
func (c *loaded) execute() (map[string]string, error) {
	return engine.Engine{}.RenderWithContext(context.Background(), c.ch, c.top)
}

// insideChart refuses a chart with a link out of its directory: Helm's
// loader follows links, and a chart is untrusted input whose templates
// may read any file it loads (.Files.Get) into what salint prints.
func insideChart(dir string) error {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return err
		}
		if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s links out of the chart: charts are read only inside their directory", path)
		}
		return nil
	})
}

// missingDependencies lists the dependencies Chart.yaml names that are not
// vendored under charts/ (as directories or archives).
func missingDependencies(ch *chartv2.Chart) []string {
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	var missing []string
	for _, d := range ch.Metadata.Dependencies {
		if d != nil && !have[d.Name] {
			missing = append(missing, d.Name)
		}
	}
	return missing
}

// renderedLine finds the chart-relative template path and line in Helm's
// error text: "execution error at (demo/templates/sa.yaml:5:12): ..." or
// "template: demo/templates/sa.yaml:5:12: ...".
var renderedLine = regexp.MustCompile(`(?:\(|template: )([^():\s]+):(\d+)(?::(\d+))?`)

// locateRenderError turns Helm's render error into a position in the
// template file it names, and the message without Helm's own location.
func locateRenderError(dir, chartName string, err error) (model.Position, string) {
	msg := strings.Join(strings.Fields(err.Error()), " ") // Helm breaks its messages over lines
	pos := model.Position{File: filepath.Join(dir, "Chart.yaml")}
	m := renderedLine.FindStringSubmatch(msg)
	if m == nil {
		return pos, msg
	}
	pos.File = templateFile(dir, chartName, m[1])
	pos.Line, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		pos.Col, _ = strconv.Atoi(m[3])
	}
	// The message after the last location is what the chart said.
	if i := strings.LastIndex(msg, "): "); i >= 0 {
		msg = msg[i+3:]
	} else if i := strings.Index(msg, m[0]); i >= 0 {
		msg = strings.TrimPrefix(strings.TrimSpace(msg[i+len(m[0]):]), ": ")
	}
	return pos, msg
}

// templateFile is the file path of a template Helm names from the chart's
// name ("demo/templates/sa.yaml", "demo/charts/sub/templates/x.yaml").
func templateFile(dir, chartName, name string) string {
	rel := strings.TrimPrefix(name, chartName+"/")
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// templateSources maps Helm's template names to their sources: the bytes
// the loader read, at their path in the input (a subchart archive's
// templates at their path inside it, under charts/).
func templateSources(dir string, ch *chartv2.Chart) map[string]*model.Source {
	out := map[string]*model.Source{}
	var walk func(c *chartv2.Chart, prefix string)
	walk = func(c *chartv2.Chart, prefix string) {
		for _, t := range c.Templates {
			name := prefix + t.Name
			out[name] = model.NewSource(templateFile(dir, ch.Name(), name), t.Data)
		}
		for _, d := range c.Dependencies() {
			walk(d, prefix+"charts/"+d.Name()+"/")
		}
	}
	walk(ch, ch.Name()+"/")
	return out
}
