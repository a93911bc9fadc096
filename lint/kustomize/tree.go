package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// IsKustomizationFile reports the file names kustomize reads as a
// kustomization: kustomization.yaml, kustomization.yml, Kustomization.
func IsKustomizationFile(name string) bool {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if name == n {
			return true
		}
	}
	return false
}

// kustFile is one kustomization (or component) file, parsed with positions.
type kustFile struct {
	dir  string // directory as the user reaches it
	abs  string // absolute directory
	src  *model.Source
	root *yaml.Node // the document's mapping; nil when it did not parse
	kind string     // Kustomization or Component
	err  *model.Error
	none bool // the directory holds no kustomization file
	// foreign is set when the file is an object of another API that only
	// shares the name (Flux's Kustomization): it is not built.
	foreign bool

	entries   []*entry
	patchDocs []*patchDoc // parsed on first use

	hashOnce   sync.Once // hashSuffix, once: roots are built in parallel
	hashSuffix bool
}

// entryKind says how kustomize uses a path named in a kustomization.
type entryKind int

const (
	entryResource  entryKind = iota // resources, bases: a file or a kustomization directory
	entryComponent                  // components: a kustomization directory
	entryFile                       // any other file the build reads (patches, generator inputs, configs)
)

// entry is one path named in a kustomization.
type entry struct {
	field string // the kustomization field it is listed under
	value string
	node  *yaml.Node
	kind  entryKind

	abs    string
	remote bool // may name something remote (kustomize decides, see offline.go)
	dir    bool // a local directory
	exists bool
}

// findKustomization returns the kustomization file in dir, or "".
func findKustomization(dir string) string {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		p := filepath.Join(dir, n)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// readKustFile parses the kustomization in dir (display path) and lists
// the paths it names.
func readKustFile(dir, abs string) *kustFile {
	k := &kustFile{dir: dir, abs: abs}
	file := findKustomization(abs)
	if file == "" {
		// Reported at the entry that names the directory (buildRoot).
		k.src = &model.Source{Path: filepath.Join(dir, "kustomization.yaml")}
		k.none = true
		return k
	}
	display := filepath.Join(dir, filepath.Base(file))
	data, err := os.ReadFile(file)
	k.src = model.NewSource(display, data)
	if err != nil {
		k.err = &model.Error{Pos: model.Position{File: display}, Message: "cannot read: " + err.Error()}
		return k
	}
	root, err := parseDoc(data)
	if err != nil {
		line, msg := model.YAMLErrorLine(err)
		k.err = &model.Error{Pos: model.Position{File: display, Line: max(line, 1)}, Message: "invalid kustomization: " + msg}
		return k
	}
	k.root = root
	if v := model.Get(root, "apiVersion").String(); v != "" && !strings.HasPrefix(v, "kustomize.config.k8s.io/") {
		// Flux's Kustomization objects (kustomize.toolkit.fluxcd.io) are
		// sometimes kept in a file of this name: manifests, not a build.
		k.foreign = true
	}
	k.kind = model.Get(root, "kind").String()
	if k.kind == "" {
		k.kind = "Kustomization"
	}
	k.collect()
	return k
}

// parseDoc parses the first document of data with file-absolute positions.
func parseDoc(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode}, nil
		}
		return nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a mapping")
	}
	return doc.Content[0], nil
}

// collect lists every path the kustomization names.
func (k *kustFile) collect() {
	add := func(field string, n *yaml.Node, kind entryKind) {
		if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" {
			return
		}
		v := n.Value
		if kind == entryFile && isInline(v) {
			return // an inline patch or config, not a path
		}
		k.entries = append(k.entries, k.newEntry(field, v, n, kind))
	}
	list := func(field string, kind entryKind) {
		for _, n := range model.Get(k.root, field).Items() {
			add(field, n, kind)
		}
	}
	list("resources", entryResource)
	list("bases", entryResource)
	list("components", entryComponent)
	for _, f := range []string{"crds", "configurations", "generators", "transformers", "validators", "patchesStrategicMerge"} {
		list(f, entryFile)
	}
	for _, f := range []string{"patches", "patchesJson6902", "replacements"} {
		for _, item := range model.Get(k.root, f).Items() {
			if item.Kind == yaml.ScalarNode {
				add(f, item, entryFile)
				continue
			}
			add(f, model.Get(item, "path").Value, entryFile)
		}
	}
	add("openapi", model.Lookup(k.root, "openapi", "path").Value, entryFile)
	// The values files helm gets (the chart's own values.yaml is the
	// chart's, and not read as a manifest anyway), of every form of chart
	// entry (see chartLists).
	chartValues := func(field string, item *yaml.Node, f chartFields) {
		add(field, model.Get(item, f.valuesFile).Value, entryFile)
		for _, n := range model.Get(item, "additionalValuesFiles").Items() {
			add(field, n, entryFile)
		}
	}
	for _, f := range chartLists {
		for _, item := range model.Get(k.root, f.list).Items() {
			chartValues(f.list, item, f)
		}
	}
	for _, e := range slices.Clone(k.entries) {
		if e.field != "generators" || !e.exists || e.dir {
			continue
		}
		if data, err := os.ReadFile(e.abs); err == nil {
			for _, n := range helmGeneratorConfigs(model.NewSource(e.abs, data)) {
				chartValues("generators", n, helmChartFields)
			}
		}
	}
	for _, f := range []string{"configMapGenerator", "secretGenerator"} {
		for _, item := range model.Get(k.root, f).Items() {
			for _, key := range []string{"files", "envs"} {
				for _, n := range model.Get(item, key).Items() {
					if n.Kind != yaml.ScalarNode {
						continue
					}
					// files: [key=path]
					if _, p, ok := strings.Cut(n.Value, "="); ok && key == "files" {
						c := *n
						c.Value = p
						add(f, &c, entryFile)
						continue
					}
					add(f, n, entryFile)
				}
			}
			add(f, model.Get(item, "env").Value, entryFile)
		}
	}
}

func (k *kustFile) newEntry(field, v string, n *yaml.Node, kind entryKind) *entry {
	e := &entry{field: field, value: v, node: n, kind: kind}
	if isURL(v) {
		e.remote = true
		return e
	}
	e.abs = filepath.Join(k.abs, v)
	info, err := os.Stat(e.abs)
	if err == nil {
		e.exists = true
		e.dir = info.IsDir()
		return e
	}
	// kustomize may read what it cannot find locally as a remote
	// repository ("github.com/org/repo//dir?ref=v1").
	e.remote = looksRemote(v)
	return e
}

// isInline reports a value that is YAML rather than a path.
func isInline(v string) bool {
	return strings.Contains(v, "\n") || strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") || strings.Contains(v, ": ")
}

// isURL reports a path that names something on the network.
func isURL(v string) bool {
	return strings.Contains(v, "://") || strings.HasPrefix(v, "git@") || strings.HasPrefix(v, "git::")
}

// looksRemote reports the repository forms kustomize accepts without a
// scheme: a host name first ("github.com/org/repo"), or a ref query.
func looksRemote(v string) bool {
	if strings.Contains(v, "?ref=") || strings.Contains(v, "?version=") || strings.Contains(v, "//") {
		return true
	}
	first, _, ok := strings.Cut(v, "/")
	return ok && strings.Contains(first, ".") && !strings.HasPrefix(first, ".")
}

// file is the kustomization file's absolute path.
func (k *kustFile) file() string {
	return filepath.Join(k.abs, filepath.Base(k.src.Path))
}

// pos locates a node of the kustomization file.
func (k *kustFile) pos(n *yaml.Node) model.Position {
	if n == nil {
		return model.Position{File: k.src.Path, Line: 1, Col: 1}
	}
	return model.Position{File: k.src.Path, Line: n.Line, Col: n.Column}
}

// line names a line of the kustomization file: "overlays/prod/kustomization.yaml:3".
func (k *kustFile) line(n *yaml.Node) string {
	return fmt.Sprintf("%s:%d", k.src.Path, n.Line)
}
