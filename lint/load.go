package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/salint/salint/lint/helm"
	"github.com/salint/salint/lint/kustomize"
	"github.com/salint/salint/rules/model"
)

// StdinPath is the path argument that reads standard input.
const StdinPath = model.StdinPath

// MaxFileSize bounds what is read of one file. A larger file cannot hold
// an object the API server accepts in one piece that salint would read
// sensibly, and reading it whole could exhaust memory.
const MaxFileSize = 64 << 20

// Input is the reading side of a run: the paths and where stdin comes from.
type Input struct {
	Paths []string
	Stdin io.Reader
	// Kustomize is KustomizeAuto (also "") or KustomizeOff.
	Kustomize string
	// EnableExec lets kustomize builds run exec and container plugins.
	EnableExec bool
	// Prune reads each object down to what rules and views reach
	// (model.ReadOptions): the same findings and the same suggested
	// edits in far less memory. For lint, accounts and fix; never for
	// admit, which re-encodes whole objects.
	Prune bool
	// ReportOnly says the run only reports (salint lint, salint
	// accounts): each regular file's bytes are released once it is read
	// (read again, checked, only to compute a fix). fix keeps the bytes
	// it edits.
	ReportOnly bool
	// Open opens a file to read; nil is os.Open. Tests make it fail as
	// they cannot otherwise when they run as root (permissions) or as a
	// race would (a file removed after the walk listed it).
	Open func(name string) (*os.File, error)
	// Helm is what the Helm charts found in the input are rendered with
	// (the flags); HelmCharts, by absolute chart directory, what one chart
	// is rendered with before them (the config).
	Helm       helm.Options
	HelmCharts map[string]helm.Options
}

// Values of Input.Kustomize.
const (
	// KustomizeAuto builds the kustomizations found in the input and lints
	// what they produce, located in their source files.
	KustomizeAuto = "auto"
	// KustomizeOff reads every file as written.
	KustomizeOff = "off"
)

// Load reads every file reachable from in.Paths (directories recursively,
// hidden directories skipped) in parallel and returns them in a
// deterministic order. Kustomization directories are built (see package
// lint/kustomize) unless in.Kustomize is off; the files a build reads are
// not read again. Errors are per file; a bad file never stops a run.
func Load(in Input) []*model.File {
	files, _ := load(in, nil, nil)
	return files
}

// Reload reads in again as Load does, but takes the content of every file
// in current from there rather than from the disk, keeping its Source:
// fix re-checks with it after applying edits in memory, so that
// kustomizations are rebuilt from the edited sources and their objects
// keep pointing at the Sources the edits were made on.
func Reload(in Input, current []*model.File) []*model.File {
	byPath := make(map[string]*model.File, len(current))
	for _, f := range current {
		byPath[f.Source.Path] = f
	}
	files, _ := load(in, byPath, nil)
	return files
}

// load reads in; with focus set, it builds only the kustomize roots that
// focus picks (see hook.go) and says whether it left any out.
func load(in Input, current map[string]*model.File, focus *hookFocus) (out []*model.File, partial bool) {
	if in.Open == nil {
		in.Open = os.Open
	}
	paths, kustDirs, charts, templates, walkErrs := collect(in.Paths)
	var pending *kustomize.Pending
	var inflated map[string]bool // chart directories kustomize builds render
	walked := charts             // every chart found; charts loses those builds render
	var skipped []string
	var files []*model.File
	read := false
	if in.Kustomize != KustomizeOff && len(kustDirs) > 0 {
		opts := kustomize.Options{EnableExec: in.EnableExec, RenderChart: renderForKustomize}
		if current != nil {
			opts.Sources = map[string]*model.Source{}
			for path, f := range current {
				if abs, err := filepath.Abs(path); err == nil && path != StdinPath && f.Source.Bytes() != nil {
					opts.Sources[abs] = f.Source
				}
			}
		}
		// The files the builds read are known at once; the others are
		// read while kustomize runs (for a focus, before: it weighs them).
		plan := kustomize.Prepare(kustDirs, opts)
		inflated = plan.Charts()
		charts = slices.DeleteFunc(slices.Clone(charts), func(c string) bool { return inflated[absPath(c)] })
		paths = slices.DeleteFunc(paths, func(p string) bool {
			if p != StdinPath && plan.Consumes(p) {
				skipped = append(skipped, p)
				return true
			}
			return false
		})
		var only map[string]bool
		if focus != nil && len(charts) == 0 && !in.EnableExec {
			files, read = readAll(paths, in, current), true
			only = focus.roots(plan, files)
		}
		pending = plan.Start(only)
		partial = only != nil
	}
	if !read {
		files = readAll(paths, in, current)
	}
	render := func(charts []string) []*model.File {
		rendered := make([][]*model.File, len(charts))
		model.Parallel(len(charts), func(i int) {
			rendered[i] = helm.Render(charts[i], in.HelmCharts[absPath(charts[i])].Over(in.Helm).Editing(current))
		})
		return slices.Concat(rendered...)
	}
	rendered := render(charts)
	var built []*model.File
	if pending != nil {
		res := pending.Wait()
		var consumed []string // files of the PATHs that builds read instead
		for _, p := range skipped {
			if res.Consumes(p) {
				consumed = append(consumed, p)
			}
		}
		// A build that turned out to need the network owns nothing: its
		// files are read as written.
		files = append(files, readAll(slices.DeleteFunc(skipped, res.Consumes), in, current)...)
		built = res.Files
		addFailedBuildSecrets(built, consumed, current, in)
		// A chart a kustomization names but no build rendered (that
		// kustomization needs the network, failed, or was left out) is
		// rendered on its own, as any chart of the input.
		rendered = append(rendered, render(slices.DeleteFunc(slices.Clone(walked), func(c string) bool {
			return !inflated[absPath(c)] || res.Inflated(absPath(c))
		}))...)
	}
	// Every chart the walk found is rendered, on its own or by a build.
	renders := map[string]bool{}
	for _, c := range walked {
		renders[absPath(c)] = true
	}
	for _, t := range templates {
		// A template named on its own (a changed file, with --root) is
		// reported on through its chart's render when the run renders
		// the chart anyway; otherwise nothing reads it.
		if !renders[absPath(t.chart)] {
			walkErrs = append(walkErrs, helmNotice(t.path, t.chart))
		}
	}
	return slices.Concat(walkErrs, files, built, rendered), partial
}

// readAll reads paths; workers take the next file from a shared counter
// and store its result at the file's index, so the order is the walk's
// whatever the scheduling.
func readAll(paths []string, in Input, current map[string]*model.File) []*model.File {
	files := make([]*model.File, len(paths))
	model.Parallel(len(paths), func(i int) {
		if f := current[paths[i]]; f != nil && !f.Built {
			files[i] = f // as edited in memory
			return
		}
		files[i] = readOne(paths[i], in)
	})
	return files
}

// addFailedBuildSecrets gives the files with a build's errors the Secret
// values of the files the builds read: kustomize's error may quote a node
// of any of them (model.SecretValues), and a failed build put no object in
// the model to take them from. Read only when a build failed, whole (not
// pruned) and kept, as in opens them.
func addFailedBuildSecrets(built []*model.File, consumed []string, current map[string]*model.File, in Input) {
	var failed []*model.File
	for _, f := range built {
		if len(f.Errors) > 0 {
			failed = append(failed, f)
		}
	}
	if len(failed) == 0 {
		return
	}
	values := &model.SecretValues{}
	for _, p := range consumed {
		if f := current[p]; f != nil && f.Source.Bytes() != nil {
			// fix's edited bytes, which the build read
			values.Merge(model.Read(model.NewSource(p, f.Source.Bytes())).SecretValues())
			continue
		}
		values.Merge(readOne(p, Input{Open: in.Open}).SecretValues())
	}
	for _, f := range failed {
		f.AddSecretValues(values)
	}
}

// collect expands the path arguments into the list of files to read, the
// directories that hold a kustomization and the Helm chart directories
// (rendered, not read). Explicitly named files are read whatever their
// extension.
func collect(args []string) (paths, kustDirs, charts []string, templates []template, errs []*model.File) {
	fail := func(path string, err error) {
		errs = append(errs, errorFile(path, err))
	}
	for _, arg := range args {
		if arg == StdinPath {
			paths = append(paths, arg)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			fail(arg, err)
			continue
		}
		if !info.IsDir() {
			if chart := helmChartOf(arg); chart != "" {
				templates = append(templates, template{path: arg, chart: chart})
				continue
			}
			if kustomize.IsKustomizationFile(filepath.Base(arg)) {
				kustDirs = append(kustDirs, filepath.Dir(arg))
			}
			paths = append(paths, arg)
			continue
		}
		var found []string
		chartsBefore := len(charts)
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path != arg && errors.Is(err, fs.ErrNotExist) {
					return nil // removed while walking
				}
				fail(path, err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if d.IsDir() {
				if path != arg && strings.HasPrefix(name, ".") {
					return fs.SkipDir
				}
				if helm.IsChart(path) && !helm.IsChart(filepath.Dir(filepath.Dir(path))) {
					charts = append(charts, path) // rendered, its subcharts with it
				}
				if (name == "templates" || name == "charts") && helm.IsChart(filepath.Dir(path)) {
					return fs.SkipDir // Go templates and subcharts: rendered, not read
				}
				return nil
			}
			if kustomize.IsKustomizationFile(name) {
				kustDirs = append(kustDirs, filepath.Dir(path))
			}
			if !IsManifestName(name) || helm.IsChartFile(path) {
				return nil
			}
			switch ok, err := isRegularOrLinkToRegular(path, d); {
			case err != nil:
				fail(path, err)
			case ok:
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			fail(arg, err)
		}
		if len(found) == 0 && len(charts) == chartsBefore && err == nil {
			// A CI job pointed at the wrong directory must not pass quietly.
			fail(arg, errNoManifests)
		}
		paths = append(paths, found...)
	}
	return dedupe(paths), kustDirs, dedupe(charts), templates, errs
}

// helmChartOf returns the chart directory when file lies in a Helm chart's
// templates directory (at any depth), else "".
func helmChartOf(file string) string {
	dir := filepath.Dir(absPath(file))
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		if filepath.Base(dir) == "templates" && helm.IsChart(parent) {
			return parent
		}
		dir = parent
	}
}

// template is a file of a Helm chart's templates named as a PATH.
type template struct{ path, chart string }

// helmNotice says that Helm templates were left out: they are Go templates,
// not manifests, and only their rendered output can be linted.
func helmNotice(path, chart string) *model.File {
	return &model.File{Source: &model.Source{Path: path}, Notices: []model.Error{{
		Pos:     model.Position{File: path},
		Message: fmt.Sprintf("Helm chart templates are not manifests: not read (lint the rendered chart: helm template %s | salint lint -)", chart),
	}}}
}

// isRegularOrLinkToRegular follows links to files; a link to a directory,
// a broken link or a device is not a manifest. A link that cannot be
// followed for another reason (a loop, a permission) is an error: the user
// meant it to be read.
func isRegularOrLinkToRegular(path string, d fs.DirEntry) (bool, error) {
	if d.Type()&fs.ModeSymlink == 0 {
		return d.Type().IsRegular(), nil
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	return info.Mode().IsRegular(), nil
}

func dedupe(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := paths[:0]
	for _, p := range paths {
		key := p
		if p != StdinPath {
			key = absPath(p) // a file named and also reached by a walk is read once
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out
}

// absPath is p made absolute and clean, or just clean if that fails.
func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// IsManifestName reports the file names a directory walk reads.
func IsManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// readOne reads path as in says (in.Open set): from in.Stdin for
// StdinPath, pruned, released.
func readOne(path string, in Input) *model.File {
	data, regular, err := readFile(path, in)
	if err != nil {
		return errorFile(path, err)
	}
	src := model.NewSource(path, data)
	f := model.ReadWith(src, model.ReadOptions{Prune: in.Prune})
	if in.ReportOnly && regular {
		// A run that only reports needs a file's bytes again only for a
		// finding's fix (whether it has one is reported): read them then.
		// Standard input, a pipe (<(kustomize build)) or a device cannot
		// be read twice, so they keep their bytes.
		size := int64(len(data))
		open := in.Open
		src.Release(func() ([]byte, error) { return readAgain(path, size, open) })
	}
	return f
}

// readAgain reads a released regular file again (model.Source.Release).
// Only a regular file of the size read is opened: one of another size
// cannot hold the bytes read (it may have grown far beyond them), and
// opening a named pipe put in its place would wait for a writer. What is
// read stops one byte past size, however fast the file grows.
func readAgain(path string, size int64, open func(string) (*os.File, error)) ([]byte, error) {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, errors.New("no longer a regular file")
	case info.Size() != size:
		return nil, model.ErrChanged
	}
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(io.LimitReader(f, size+1), size)
}

// readFile reads path (StdinPath: in.Stdin) whole; regular says that it
// is a regular file, which can be read again.
func readFile(path string, in Input) (data []byte, regular bool, err error) {
	if path == StdinPath {
		stdin := in.Stdin
		if stdin == nil {
			stdin = os.Stdin
		}
		data, err := readLimited(stdin, 0)
		if err == nil && len(bytes.TrimSpace(data)) == 0 {
			// As for an empty directory: in "kustomize build | salint
			// lint -" a failed build must not pass quietly.
			return nil, false, errEmptyStdin
		}
		return data, false, err
	}
	f, err := in.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if info.IsDir() {
		return nil, false, errors.New("is a directory")
	}
	data, err = readLimited(f, info.Size())
	return data, info.Mode().IsRegular(), err
}

// errTooLarge is a file over MaxFileSize.
var errTooLarge = fmt.Errorf("larger than %d MiB: not read", MaxFileSize>>20)

// readLimited reads r to the end into one buffer of the expected size, so
// a file is held in memory once (io.ReadAll would copy it as it grows),
// and refuses more than MaxFileSize bytes without reading them all.
func readLimited(r io.Reader, size int64) ([]byte, error) {
	if size > MaxFileSize {
		return nil, errTooLarge
	}
	data := make([]byte, 0, max(size, 512)+1) // +1: EOF is seen without growing
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if len(data) > MaxFileSize {
			return nil, errTooLarge
		}
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) { // the file grew, or stdin: grow
			data = append(data, 0)[:len(data)]
		}
	}
}

// errorFile records a file that could not be read at all.
func errorFile(path string, err error) *model.File {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in the position
	}
	msg := err.Error()
	if !errors.Is(err, errNoManifests) && !errors.Is(err, errEmptyStdin) {
		msg = "cannot read: " + msg
	}
	return &model.File{Source: &model.Source{Path: path}, Errors: []model.Error{{
		Pos:     model.Position{File: path},
		Message: msg,
	}}}
}

var (
	errNoManifests = errors.New("no *.yaml, *.yml or *.json files in this directory")
	errEmptyStdin  = errors.New("standard input is empty (did the command before the pipe fail?)")
)

// sortErrors orders errors like findings.
func sortErrors(errs []model.Error) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// renderForKustomize renders a chart for kustomize's helmCharts (see
// lint/kustomize/helm.go): with the values kustomize hands helm, and
// nothing of the run's --values and --set, which are for the charts
// salint renders itself. When every values file is one the user has,
// they are rendered as values files, which a fix may edit (as it edits
// them: Source); values kustomize merged are given as documents.
func renderForKustomize(dir string, req kustomize.ChartRequest) ([]*model.File, map[string]string) {
	opts := helm.Options{ReleaseName: req.ReleaseName, Namespace: req.Namespace, KubeVersion: req.KubeVersion, APIVersions: req.APIVersions}
	if !slices.ContainsFunc(req.Values, func(v kustomize.ChartValues) bool { return v.Source == nil }) {
		opts.Edited = map[string]*model.Source{}
		for _, v := range req.Values {
			opts.ValuesFiles = append(opts.ValuesFiles, v.Source.Path)
			opts.Edited[v.Source.Path] = v.Source
		}
		return helm.RenderText(dir, opts)
	}
	for _, v := range req.Values {
		opts.Given = append(opts.Given, helm.Given{By: v.By, Doc: v.Doc})
	}
	return helm.RenderText(dir, opts)
}
