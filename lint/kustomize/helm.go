package kustomize

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomize inflates helmCharts by running `helm template` and reading
// its output. salint gives it no helm binary: the command it runs is
// salint itself, reached through a link named helm in a private
// directory, and that process (the relay) only passes its arguments to
// the building process over a socket beside the link and prints the
// answer. The building process renders the chart with the renderer lint
// gives (lint/helm: bounded, offline, located in the templates), marks
// each rendered document as resource files are marked (serve.go), and
// so finds each built object's template lines again. kustomize does all
// it does around helm (values files, valuesInline merges, the entry's
// options, what comes after) as it would with helm: only the render is
// salint's. A `helm pull` is refused like any fetch (offline.go).

// ChartRenderer renders the Helm chart in dir as `helm template` does
// with req: the Files Render of lint/helm returns, with each template's
// rendered text by its File's path. lint passes lint/helm's, which this
// package does not import.
type ChartRenderer func(dir string, req ChartRequest) (files []*model.File, texts map[string]string)

// ChartRequest is what a helmCharts entry asks of a render.
type ChartRequest struct {
	// ReleaseName is empty for a generated name.
	ReleaseName, Namespace string
	// Values are applied in order over the chart's own, the later over
	// the earlier, as helm's --values files are.
	Values      []ChartValues
	KubeVersion string
	APIVersions []string
}

// ChartValues is one values document, and what to call where it was set:
// a file's path when Doc's lines are that file's, else a description
// with Doc's lines cleared.
type ChartValues struct {
	By  string
	Doc *yaml.Node
	// Source is the user's file Doc was read from (as Options.Sources
	// holds it, when it does), nil for values kustomize merged: a fix
	// may set a value in it.
	Source *model.Source
}

const (
	// relayDirPrefix names the private directory of the link and socket:
	// a process run as its helm link is a relay.
	relayDirPrefix = "salint-helm-relay-"
	relayLink      = "helm"
	relaySocket    = "socket"
	// relayMarkKey starts the field that marks rendered documents.
	relayMarkKey = "salint.internal/helm"
	// relayVersion is what `helm version` says: kustomize wants v3 or v4.
	relayVersion = "v4.3.2"
	// relayErrorText starts every message of the relay's refusals, and
	// renderFailedText follows it when a chart does not render (its
	// located errors are reported on their own).
	relayErrorText   = "salint helm: "
	renderFailedText = "the Helm chart did not render: "
	maxRelayMessage  = 64 << 20
)

// A relay's link is <relay dir>/<root number>/helm: one per root built,
// so that the relay knows which build asks (kustomize passes helm nothing
// that says), and the socket is <relay dir>/socket.
func init() {
	if len(os.Args) > 1 && filepath.Base(os.Args[0]) == relayLink {
		rootDir := filepath.Dir(os.Args[0])
		if dir := filepath.Dir(rootDir); strings.HasPrefix(filepath.Base(dir), relayDirPrefix) {
			os.Exit(relayMain(filepath.Join(dir, relaySocket), filepath.Base(rootDir), os.Args[1:], os.Stdout, os.Stderr))
		}
	}
}

type relayRequest struct {
	Root string // the root's number
	Args []string
}

type relayResponse struct {
	Stdout []byte
	Stderr string
	Code   int
}

// relayMain is the relay process: it asks the building process and says
// what it answers.
func relayMain(socket, root string, args []string, stdout, stderr io.Writer) int {
	conn, err := net.Dial("unix", socket) //nolint:gosec // the socket beside this process's own link (see init)
	if err != nil {
		fmt.Fprintln(stderr, "salint helm relay:", err)
		return 1
	}
	defer func() { _ = conn.Close() }()
	var resp relayResponse
	err = json.NewEncoder(conn).Encode(relayRequest{Root: root, Args: args})
	if err == nil {
		err = json.NewDecoder(io.LimitReader(conn, maxRelayMessage)).Decode(&resp)
	}
	if err != nil {
		fmt.Fprintln(stderr, "salint helm relay:", err)
		return 1
	}
	_, _ = stdout.Write(resp.Stdout)
	fmt.Fprint(stderr, resp.Stderr)
	return resp.Code
}

// relay serves the helm commands of one Build's kustomizations.
type relay struct {
	b     *builder
	dir   string // the private directory
	ln    net.Listener
	key   string // marks' field: relayMarkKey and the nonce
	nonce string
	// input maps a kustomization directory as kustomize resolves its
	// root's links to the directory as the input names it.
	input map[string]string

	mu      sync.Mutex              // guards what follows
	renders map[string]*chartRender // by request, rendered once per Build
	files   []*renderedFile         // by mark
	roots   []*kustFile             // by link number
	links   map[*kustFile]string    // root -> its helm link
}

// chartRender is one render a helmCharts entry asked for.
type chartRender struct {
	done   chan struct{} // closed once the rest is set
	chart  string        // the chart directory as the user reaches it
	abs    string
	files  []*model.File // as the renderer returned them
	failed bool
	output []byte // what helm template would print
	errMsg string
}

// renderedFile is one template's rendered objects, as a source of built
// objects.
type renderedFile struct {
	render *chartRender
	file   *model.File
}

// startRelay starts serving helm commands when any kustomization of the
// Build names a Helm chart; nil when none does, or when no relay can run
// (b.relayErr says why; the builds then fail as without helm, and the
// notice says why).
func (b *builder) startRelay() *relay {
	if b.opts.RenderChart == nil || !slices.ContainsFunc(slices.Collect(maps.Values(b.kusts)), (*kustFile).inflates) {
		return nil
	}
	r, err := b.newRelay(os.TempDir())
	if err != nil && os.TempDir() != "/tmp" {
		// A socket's path is short (108 bytes on Linux): a long TMPDIR
		// may not hold one.
		r, err = b.newRelay("/tmp")
	}
	if err != nil {
		b.relayErr = withoutPath(err)
		return nil
	}
	go r.accept()
	return r
}

// withoutPath is err without the (temporary, random) path it names, so
// that a message quoting it is the same on every run.
func withoutPath(err error) error {
	var pathErr *os.PathError
	var linkErr *os.LinkError
	var netErr *net.OpError
	switch {
	case errors.As(err, &pathErr):
		return fmt.Errorf("%s: %w", pathErr.Op, pathErr.Err)
	case errors.As(err, &linkErr):
		return fmt.Errorf("%s: %w", linkErr.Op, linkErr.Err)
	case errors.As(err, &netErr):
		return fmt.Errorf("%s: %w", netErr.Op, netErr.Err)
	}
	return err
}

func (b *builder) newRelay(tmp string) (*relay, error) {
	dir, err := os.MkdirTemp(tmp, relayDirPrefix)
	if err != nil {
		return nil, err
	}
	r := &relay{b: b, dir: dir, nonce: newNonce(), renders: map[string]*chartRender{}, input: map[string]string{}, links: map[*kustFile]string{}}
	r.key = relayMarkKey + "-" + r.nonce
	if r.ln, err = net.Listen("unix", filepath.Join(dir, relaySocket)); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	for abs := range b.kusts {
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			r.input[real] = abs
		}
	}
	return r, nil
}

// command is the helm kustomize runs for root's build: a link to this
// executable, made on first use; "" when none can be made.
func (r *relay) command(root *kustFile) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if link, ok := r.links[root]; ok {
		return link, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(r.dir, strconv.Itoa(len(r.roots)))
	link := filepath.Join(dir, relayLink)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Symlink(exe, link); err != nil {
		return "", err
	}
	r.roots = append(r.roots, root)
	r.links[root] = link
	return link, nil
}

// inputPath is p, a path kustomize passed helm, as the input names it:
// kustomize resolves the links of a root's directory.
func (r *relay) inputPath(p string) string {
	best := ""
	for real := range r.input {
		if within(p, real) && len(real) > len(best) {
			best = real
		}
	}
	if best == "" {
		return p
	}
	return r.input[best] + strings.TrimPrefix(p, best)
}

// inflates reports a kustomization that names Helm charts.
func (k *kustFile) inflates() bool {
	for _, f := range chartLists {
		if model.Get(k.root, f.list).Present() {
			return true
		}
	}
	return slices.ContainsFunc(k.entries, func(e *entry) bool { return e.field == "generators" })
}

// stop ends serving; the renders stay for the built objects.
func (r *relay) stop() {
	if r == nil {
		return
	}
	_ = r.ln.Close()
	_ = os.RemoveAll(r.dir)
}

func (r *relay) accept() {
	for {
		conn, err := r.ln.Accept()
		if err != nil {
			return
		}
		go r.serveConn(conn)
	}
}

func (r *relay) serveConn(conn net.Conn) {
	defer func() { _ = conn.Close() }()
	var req relayRequest
	if err := json.NewDecoder(io.LimitReader(conn, maxRelayMessage)).Decode(&req); err != nil {
		return
	}
	_ = json.NewEncoder(conn).Encode(r.answer(req.Root, req.Args))
}

// answer does what helm would do with args for the build of the root
// numbered root, or refuses.
func (r *relay) answer(root string, args []string) relayResponse {
	r.mu.Lock()
	n, err := strconv.Atoi(root)
	if err != nil || n < 0 || n >= len(r.roots) {
		r.mu.Unlock()
		return relayResponse{Stderr: relayErrorText + "no such build\n", Code: 1}
	}
	k := r.roots[n]
	r.mu.Unlock()
	switch {
	case len(args) > 0 && args[0] == "version":
		return relayResponse{Stdout: []byte(relayVersion + "\n")}
	case len(args) > 0 && args[0] == "pull":
		return relayResponse{Stderr: refusedText + pulled(args[1:]) + "\n", Code: 1}
	case len(args) > 0 && args[0] == "template":
		c, err := r.template(k, args[1:])
		switch {
		case err != nil:
			return relayResponse{Stderr: relayErrorText + err.Error() + "\n", Code: 1}
		case c.failed:
			return relayResponse{Stderr: relayErrorText + renderFailedText + c.errMsg + "\n", Code: 1}
		}
		return relayResponse{Stdout: c.output}
	}
	return relayResponse{Stderr: fmt.Sprintf("%shelm %s is not run\n", relayErrorText, strings.Join(args, " ")), Code: 1}
}

// pulled names what `helm pull args` would fetch.
func pulled(args []string) string {
	var repo, name string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--repo" && i+1 < len(args):
			repo = args[i+1]
			i++
		case a == "--untardir" || a == "--version":
			i++
		case !strings.HasPrefix(a, "-"):
			name = a
		}
	}
	if repo != "" {
		return strings.TrimSuffix(repo, "/") + "/" + name
	}
	return name
}

// templateArgs are the arguments of `helm template` that kustomize
// passes (HelmChart.AsHelmArgs).
type templateArgs struct {
	release, chart, namespace string
	values                    []string
	kubeVersion               string
	apiVersions               []string
	noHooks, skipTests        bool
}

func parseTemplateArgs(args []string) (*templateArgs, error) {
	t := &templateArgs{}
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("helm template: %s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		var v string
		switch a {
		case "--namespace", "-n":
			t.namespace, err = value()
		case "-f", "--values":
			v, err = value()
			t.values = append(t.values, v)
		case "--api-versions":
			v, err = value()
			t.apiVersions = append(t.apiVersions, v)
		case "--kube-version":
			t.kubeVersion, err = value()
		case "--name-template":
			// A template of the name: the default name stands for it.
			_, err = value()
		case "--no-hooks":
			t.noHooks = true
		case "--skip-tests":
			t.skipTests = true
		case "--generate-name", "--include-crds", "--debug", "--devel":
			// A generated name is the default name; crds/ holds no
			// object salint judges; the rest changes no output.
		default:
			if strings.HasPrefix(a, "-") {
				return nil, fmt.Errorf("helm template: flag %s is not known to salint", a)
			}
			positional = append(positional, a)
		}
		if err != nil {
			return nil, err
		}
	}
	switch len(positional) {
	case 1:
		t.chart = positional[0]
	case 2:
		t.release, t.chart = positional[0], positional[1]
	default:
		return nil, fmt.Errorf("helm template: want [NAME] CHART, got %q", positional)
	}
	return t, nil
}

// template renders as `helm template args` would, once per Build for
// the same arguments and values.
func (r *relay) template(root *kustFile, args []string) (*chartRender, error) {
	t, err := parseTemplateArgs(args)
	if err != nil {
		return nil, err
	}
	// kustomize resolves the links of the root's directory: the chart is
	// named as the input's entries name it.
	r.b.allChartEntries()
	if chart, ok := r.b.chartsByReal[t.chart]; ok {
		t.chart = chart
	} else {
		t.chart = r.inputPath(t.chart)
	}
	req := ChartRequest{ReleaseName: t.release, Namespace: t.namespace, KubeVersion: t.kubeVersion, APIVersions: t.apiVersions}
	// The values files are kustomize's temporary copies, named anew on
	// every build: the key holds what they say, so that the twin builds
	// of one chart (overlays of a base, a build run again annotated)
	// share one render, and its marks.
	key := sha256.New()
	fmt.Fprintf(key, "%q\x00", []any{t.release, t.chart, t.namespace, t.kubeVersion, t.apiVersions, t.noHooks, t.skipTests})
	for _, f := range t.values {
		data, by, err := r.valuesOf(root, f, t.chart)
		if err != nil {
			return nil, err
		}
		// What the values say and where: a fix edits that file.
		fmt.Fprintf(key, "%q\x00", by.name)
		key.Write(data)
		key.Write([]byte{0})
		doc, err := valuesDoc(data, by.source != nil)
		if err != nil {
			return nil, fmt.Errorf("values %s: %w", by.name, err)
		}
		if doc != nil {
			req.Values = append(req.Values, ChartValues{By: by.name, Doc: doc, Source: by.source})
		}
	}
	id := string(key.Sum(nil))
	r.mu.Lock()
	if c := r.renders[id]; c != nil {
		r.mu.Unlock()
		<-c.done
		return c, nil
	}
	c := &chartRender{abs: t.chart, chart: r.b.display(t.chart), done: make(chan struct{})}
	r.renders[id] = c
	r.mu.Unlock()
	defer close(c.done)
	// Builds run in parallel, and so do the renders of different charts.
	files, texts := r.b.opts.RenderChart(c.chart, req)
	c.files = files
	var out bytes.Buffer
	for _, f := range files {
		if len(f.Errors) > 0 {
			c.failed = true
			c.errMsg = f.Errors[0].Error()
		}
		text, ok := texts[f.Source.Path]
		if !ok {
			continue
		}
		r.mu.Lock()
		mark := len(r.files)
		r.files = append(r.files, &renderedFile{render: c, file: f})
		r.mu.Unlock()
		kept := keptDocuments([]byte(text), t.noHooks, t.skipTests)
		// As serve: not marked where a mark could change what a document
		// says, or where a hash of the object would hash the mark too.
		if marked, ok := markDocuments(kept, r.key, mark, r.nonce); ok {
			kept = marked
		}
		out.WriteString("---\n")
		out.Write(kept)
		if !bytes.HasSuffix(kept, []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	c.output = out.Bytes()
	return c, nil
}

// valuesFrom says where the values of a --values file were set.
type valuesFrom struct {
	name string
	// source is the user's file when the values are its bytes (the
	// document's lines are its lines); nil for a copy kustomize merged.
	source *model.Source
}

// valuesOf reads values file f of a render of chart for root's build: a
// file of the input (additionalValuesFiles), or the copy kustomize writes
// of the entry's valuesFile, or of it merged with valuesInline, in a
// directory of its own. A copy is named by the file it copies when it is
// one, among the entries of root's build that inflate the chart; when
// several such files hold the same bytes, by none.
func (r *relay) valuesOf(root *kustFile, f, chart string) ([]byte, valuesFrom, error) {
	copied := isKustomizeCopy(f)
	if !copied {
		f = r.inputPath(f)
	}
	src, err := r.b.read(f, r.b.display(f))
	if err != nil {
		return nil, valuesFrom{}, fmt.Errorf("values file: %w", err)
	}
	data := src.Bytes()
	if !copied {
		return data, valuesFrom{name: src.Path, source: src}, nil
	}
	var same []*model.Source
	var inline []string
	for _, c := range r.b.chartEntries(root, chart) {
		if own, err := r.b.read(c.valuesFile, r.b.display(c.valuesFile)); err == nil && bytes.Equal(own.Bytes(), data) {
			if !slices.ContainsFunc(same, func(s *model.Source) bool { return s.Path == own.Path }) {
				same = append(same, own)
			}
		}
		if c.inline != nil {
			// kustomize merges valuesInline into valuesFile unless told
			// to replace it; its copy keeps neither's lines.
			by := c.inline.Value + " at " + c.line(c.inline)
			if model.Get(c.node, "valuesMerge").String() != "replace" {
				by = r.b.display(c.valuesFile) + " with " + by
			}
			inline = append(inline, by)
		}
	}
	switch {
	case len(same) == 1:
		return data, valuesFrom{name: same[0].Path, source: same[0]}, nil
	case len(same) == 0 && len(inline) == 1:
		return data, valuesFrom{name: inline[0]}, nil
	}
	return data, valuesFrom{name: "the values kustomize merged for " + r.b.display(chart)}, nil
}

// isKustomizeCopy reports the values file kustomize writes for helm: in
// a directory of its own (os.MkdirTemp "kustomize-helm-").
func isKustomizeCopy(f string) bool {
	return strings.HasPrefix(filepath.Base(filepath.Dir(f)), "kustomize-helm-") && strings.HasSuffix(f, "-kustomize-values.yaml")
}

// valuesDoc parses a values document; without lined, its lines are
// cleared, since they are those of a copy the user does not have.
func valuesDoc(data []byte, lined bool) (*yaml.Node, error) {
	doc, err := parseDoc(data)
	if err != nil || len(doc.Content) == 0 {
		return nil, err
	}
	if !lined {
		shiftLines(doc, -1<<30)
	}
	return doc, nil
}

// shiftLines adds by to the lines of n and the nodes below it; a line
// that falls below 1 is cleared, with its column.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	if n.Line < 1 {
		n.Line, n.Column = 0, 0
	}
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// keptDocuments drops the hooks helm template leaves out with --no-hooks,
// or its tests with --skip-tests.
func keptDocuments(text []byte, noHooks, skipTests bool) []byte {
	if !noHooks && !skipTests || !bytes.Contains(text, []byte("helm.sh/hook")) {
		return text
	}
	src := model.NewSource("", text)
	var out []byte
	for _, d := range src.Documents() {
		doc := text[d.Start:d.End]
		if n, err := yaml.Parse(string(doc)); err == nil {
			hook := n.GetAnnotations()["helm.sh/hook"]
			if hook != "" && (noHooks || slices.ContainsFunc(strings.Split(hook, ","), func(e string) bool {
				return strings.HasPrefix(strings.TrimSpace(e), "test")
			})) {
				continue
			}
		}
		out = append(out, doc...)
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
		out = append(out, "---\n"...)
	}
	return out
}

// take finds and removes the mark of a rendered document from built
// object node; nil when it carries none.
func (r *relay) take(node *yaml.Node) *renderedFile {
	if r == nil {
		return nil
	}
	id, found, ok := takeMark(node, r.key, r.nonce, len(r.files))
	if !found || !ok {
		return nil
	}
	return r.files[id]
}

// marked reports whether node carries a rendered document's mark.
func (r *relay) marked(node *yaml.Node) bool {
	if r == nil || node.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == r.key {
			return true
		}
	}
	return false
}

// chartEntry is one chart entry of a kustomization of the Build.
type chartEntry struct {
	k          *kustFile
	file       string     // the file holding the entry, as the user reaches it
	node       *yaml.Node // the entry
	chart      string     // the chart directory it inflates
	valuesFile string     // absolute
	inline     *yaml.Node // valuesInline's key
}

// line names a line of the entry's file.
func (c chartEntry) line(n *yaml.Node) string { return fmt.Sprintf("%s:%d", c.file, n.Line) }

// chartFields names the fields of a chart entry: helmCharts', those of a
// HelmChartInflationGenerator config that generators names, or those of
// the older helmChartInflationGenerator, which kustomize still reads
// (types.SplitHelmParameters) and which names its chart home per entry.
type chartFields struct {
	list, name, home, version, repo, valuesFile, valuesInline string
}

var (
	helmChartFields = chartFields{"helmCharts", "name", "chartHome", "version", "repo", "valuesFile", "valuesInline"}
	chartLists      = []chartFields{
		helmChartFields,
		{"helmChartInflationGenerator", "chartName", "chartHome", "chartVersion", "chartRepoUrl", "values", "valuesLocal"},
	}
)

// chartEntries are the chart entries of the kustomizations of root's
// build that inflate the chart directory abs.
func (b *builder) chartEntries(root *kustFile, abs string) []chartEntry {
	var out []chartEntry
	for _, c := range b.allChartEntries()[abs] {
		if b.chain(root, c.k.file()) != nil {
			out = append(out, c)
		}
	}
	return out
}

// allChartEntries are the chart entries of every kustomization of the
// input, by the chart directory they inflate; read once.
func (b *builder) allChartEntries() map[string][]chartEntry {
	b.chartsOnce.Do(func() {
		b.charts, b.chartsByReal = map[string][]chartEntry{}, map[string]string{}
		for _, k := range slices.SortedFunc(maps.Values(b.kusts), func(x, y *kustFile) int { return strings.Compare(x.abs, y.abs) }) {
			for _, c := range b.kustChartEntries(k) {
				b.charts[c.chart] = append(b.charts[c.chart], c)
				if real, err := filepath.EvalSymlinks(c.chart); err == nil {
					b.chartsByReal[real] = c.chart
				}
			}
		}
	})
	return b.charts
}

// kustChartEntries are k's chart entries: its helmCharts, its older
// helmChartInflationGenerator (whose chartHome kustomize takes, the last
// one set, only without helmGlobals), and the HelmChartInflationGenerator
// configs its generators name.
func (b *builder) kustChartEntries(k *kustFile) []chartEntry {
	var out []chartEntry
	home := model.Lookup(k.root, "helmGlobals", "chartHome").String()
	if !model.Get(k.root, "helmGlobals").Present() {
		for _, item := range model.Get(k.root, "helmChartInflationGenerator").Items() {
			if h := model.Get(item, "chartHome").String(); h != "" {
				home = h
			}
		}
	}
	for _, f := range chartLists {
		for _, item := range model.Get(k.root, f.list).Items() {
			out = appendChartEntry(out, chartEntry{k: k, file: k.src.Path, node: item}, f, home)
		}
	}
	for _, e := range k.entries {
		if e.field != "generators" || !e.exists || e.dir {
			continue
		}
		src, err := b.read(e.abs, filepath.Join(k.dir, e.value))
		if err != nil {
			continue
		}
		for _, n := range helmGeneratorConfigs(src) {
			// A plugin config holds its own chartHome.
			out = appendChartEntry(out, chartEntry{k: k, file: src.Path, node: n}, helmChartFields, model.Get(n, "chartHome").String())
		}
	}
	return out
}

// helmGeneratorConfigs are the HelmChartInflationGenerator configs in
// src, parsed here (not a kind the model reads), with src's lines.
func helmGeneratorConfigs(src *model.Source) []*yaml.Node {
	var out []*yaml.Node
	data := src.Bytes()
	for _, d := range src.Documents() {
		n, err := parseDoc(data[d.Start:d.End])
		if err != nil || model.Get(n, "kind").String() != "HelmChartInflationGenerator" {
			continue
		}
		shiftLines(n, d.Line-1)
		out = append(out, n)
	}
	return out
}

// appendChartEntry completes c (whose node holds fields f) with the chart
// it inflates from home, and appends it to out.
func appendChartEntry(out []chartEntry, c chartEntry, f chartFields, home string) []chartEntry {
	name := model.Get(c.node, f.name).String()
	if name == "" {
		return out
	}
	if home == "" {
		home = "charts"
	}
	if !filepath.IsAbs(home) {
		home = filepath.Join(c.k.abs, home)
	}
	if v, repo := model.Get(c.node, f.version).String(), model.Get(c.node, f.repo).String(); v != "" && repo != "" {
		home = filepath.Join(home, name+"-"+v)
	}
	c.chart = filepath.Join(home, name)
	c.valuesFile, c.inline = model.Get(c.node, f.valuesFile).String(), model.Get(c.node, f.valuesInline).Key
	switch {
	case c.valuesFile == "":
		c.valuesFile = filepath.Join(c.chart, "values.yaml")
	case !filepath.IsAbs(c.valuesFile):
		c.valuesFile = filepath.Join(c.k.abs, c.valuesFile)
	}
	return append(out, c)
}

// display is abs as the user reaches it: from the directory of the
// nearest kustomization of the Build, as that directory was given.
func (b *builder) display(abs string) string {
	out := abs
	for _, k := range b.kusts {
		rel, err := filepath.Rel(k.abs, abs)
		if err != nil {
			continue
		}
		if d := filepath.Join(k.dir, rel); len(d) < len(out) || len(d) == len(out) && d < out {
			out = d
		}
	}
	return out
}

// renderedSource is the source file of a rendered template's objects:
// one per template, whichever render of it they come from.
func (b *builder) renderedSource(rf *renderedFile) *sourceFile {
	key := "\x00helm\x00" + rf.file.Source.Path
	sf := b.sources[key]
	if sf == nil {
		sf = &sourceFile{src: rf.file.Source, parsed: &model.File{Source: rf.file.Source}}
		b.sources[key] = sf
	}
	return sf
}

// inflatedBy is the kustomization file of root's build whose helmCharts
// inflate the chart directory abs (root's own when none is found).
func (b *builder) inflatedBy(root *kustFile, abs string) string {
	if c := b.chartEntries(root, abs); len(c) > 0 {
		return c[0].k.file()
	}
	return root.file()
}

// fromRender gives built object built what the render of its source
// said: where its values came from, and why no fix edits it.
func fromRender(built, rendered *model.Built) {
	built.Chart = rendered.Chart
	built.NoFix = rendered.NoFix
	maps.Copy(built.Notes, rendered.Notes)
	built.NoFixAt = maps.Clone(rendered.NoFixAt)
}

// report adds to the result the charts the builds rendered and what the
// renders said beside their objects: errors (a chart that did not render
// fails its build, which says so at the kustomization) and notices, each
// once.
func (r *relay) report(res *Result) {
	if r == nil {
		return
	}
	res.inflated = map[string]bool{}
	seen := map[string]bool{}
	unseen := func(errs []model.Error) []model.Error {
		var out []model.Error
		for _, e := range errs {
			if !seen[e.Error()] {
				seen[e.Error()] = true
				out = append(out, e)
			}
		}
		return out
	}
	for _, c := range slices.SortedFunc(maps.Values(r.renders), func(x, y *chartRender) int { return strings.Compare(x.chart, y.chart) }) {
		res.inflated[c.abs] = true
		for _, f := range c.files {
			out := &model.File{Source: f.Source, Built: true, Errors: unseen(f.Errors)}
			out.Notices = unseen(f.Notices) // after the errors: a notice said as an error is kept as the error
			if len(out.Errors)+len(out.Notices) > 0 {
				res.Files = append(res.Files, out)
			}
		}
	}
}

// Inflated reports whether a build rendered the chart in directory dir
// (absolute) for helmCharts. A chart Plan.Charts names that no build
// rendered (its kustomization was not built) is rendered on its own.
func (r *Result) Inflated(dir string) bool { return r.inflated[dir] }

// renderFailure is the error of a build that failed because the relay
// refused it, in the relay's words rather than kustomize's (which quote
// the relay's temporary paths): at the first helmCharts entry of kusts.
// A chart that did not render has its own error reported where it is.
func renderFailure(kusts []*kustFile, err error) (model.Error, bool) {
	msg := err.Error()
	i := strings.Index(msg, relayErrorText)
	if i < 0 {
		return model.Error{}, false
	}
	what, _, _ := strings.Cut(msg[i+len(relayErrorText):], "\n")
	pos, field := kusts[0].pos(nil), "helmCharts"
found:
	for _, k := range kusts {
		for _, f := range []string{chartLists[0].list, chartLists[1].list, "generators"} {
			if fl := model.Get(k.root, f); fl.Present() {
				pos, field = k.pos(fl.Key), f
				break found
			}
		}
	}
	text := fmt.Sprintf("kustomize build failed: %s: %s", field, what)
	if strings.HasPrefix(what, renderFailedText) {
		text = fmt.Sprintf("kustomize build failed: a Helm chart of %s did not render (its error is reported at the chart)", field)
	}
	return model.Error{Pos: pos, Message: text}, true
}

// Charts are the chart directories (absolute) that helmCharts entries of
// the planned kustomizations inflate: the builds render them, so they
// are not rendered again on their own.
func (p *Plan) Charts() map[string]bool {
	out := map[string]bool{}
	for chart := range p.b.allChartEntries() {
		out[chart] = true
	}
	return out
}
