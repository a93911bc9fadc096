package helm

import (
	"fmt"
	"path/filepath"
	"strings"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/yamledit"
)

// A fix that replaces a scalar of a rendered object is made in the values
// file that set it, when the template line writes that one value as it is
// and no other line reads it (valueAdvice): the new value then renders
// where the fix meant it, and nowhere else. Only files the user has are
// edited: the chart's values.yaml and the values files of the run (flags,
// config); not --set or a config's set:, not a subchart's values.yaml.

// valueFiles are the values files a render read that a fix may edit, each
// read once per render.
type valueFiles struct {
	editable map[string]bool
	edited   map[string]*model.Source
	read     map[string]*valuesDoc
}

type valuesDoc struct {
	src  *model.Source
	root *yaml.Node // nil when the file does not parse
}

func newValueFiles(dir string, opts Options) *valueFiles {
	f := &valueFiles{editable: map[string]bool{}, edited: opts.Edited, read: map[string]*valuesDoc{}}
	for _, v := range opts.ValuesPaths(dir) {
		f.editable[v] = true
	}
	return f
}

// doc returns the values file at path: as a fix edited it, else from the
// disk; nil when it cannot be read.
func (f *valueFiles) doc(path string) *valuesDoc {
	if d, ok := f.read[path]; ok {
		return d
	}
	src := f.edited[path]
	if src == nil || !src.Loaded() { // released: as on disk
		data, err := readBounded(path)
		if err == nil {
			src = model.NewSource(path, data)
		}
	}
	var d *valuesDoc
	if src != nil {
		d = &valuesDoc{src: src}
		// A file of several documents: a key's spot in one is not what
		// Helm ends with when another sets it too.
		if docs := valuesDocs(src.Bytes()); len(docs) == 1 {
			d.root = docs[0]
		}
	}
	f.read[path] = d
	return d
}

// spot finds where the values file that set key (o) writes the scalar a
// render wrote as rendered: the same value of the same type, a one-line
// scalar no anchor or alias shares. ok false when there is none.
func (f *valueFiles) spot(key string, o origin, rendered *yaml.Node) (model.ValueSpot, bool) {
	if o.Line == 0 || !f.editable[o.By] || rendered.Kind != yaml.ScalarNode {
		return model.ValueSpot{}, false
	}
	d := f.doc(o.By)
	if d == nil || d.root == nil {
		return model.ValueSpot{}, false
	}
	n := d.root
	for _, k := range strings.Split(key, ".") {
		if n = model.Get(n, k).Value; n == nil {
			return model.ValueSpot{}, false
		}
	}
	if n.Kind != yaml.ScalarNode || n.Value != rendered.Value || n.ShortTag() != rendered.ShortTag() || yamledit.EditablePath(d.root, n) != nil {
		return model.ValueSpot{}, false
	}
	e, err := yamledit.ReplaceScalar(d.src, n, n.Value)
	if err != nil {
		return model.ValueSpot{}, false
	}
	return model.ValueSpot{Source: d.src, Start: e.Start, End: e.End, Key: key}, true
}

// dropSharedSpots keeps a fix from editing a value that one template line
// writes into several objects (a range over a list): the fix is about one
// of them, and the others may need another value.
func (r *renderer) dropSharedSpots(files []*model.File) {
	writers := map[model.ValueSpot]int{}
	for _, f := range files {
		for _, o := range f.Objects {
			for _, v := range o.Built.Values {
				writers[v]++
			}
		}
	}
	for _, f := range files {
		for _, o := range f.Objects {
			for n, v := range o.Built.Values {
				if writers[v] > 1 {
					delete(o.Built.Values, n)
					at := model.Position{File: o.Source.Path, Line: n.Line}
					o.Built.NoFixAt[at] = fmt.Sprintf("line %d writes the value of %s %d times (in a range?), and a fix of one would change all", n.Line, v.Key, writers[v])
				}
			}
		}
	}
}

// useEditedValues puts the chart's values.yaml as a fix edited it (data,
// by path) in place of the one the loader read.
func useEditedValues(ch *chartv2.Chart, dir string, data map[string][]byte) error {
	path := filepath.Join(dir, "values.yaml")
	b, ok := data[path]
	if !ok {
		return nil
	}
	vals, err := readValues(b)
	if err != nil {
		return fmt.Errorf("%s as edited: %w", path, err)
	}
	ch.Values = vals
	for _, f := range ch.Raw {
		if f.Name == "values.yaml" {
			f.Data = b
		}
	}
	return nil
}

// editedValues are the bytes of the values files of the chart in dir
// as a fix holds them (opts.Edited holds every file of the input; one
// that was released is as on disk).
func editedValues(dir string, opts Options) map[string][]byte {
	var out map[string][]byte
	for _, path := range opts.ValuesPaths(dir) {
		if src, ok := opts.Edited[path]; ok && src.Loaded() {
			if out == nil {
				out = map[string][]byte{}
			}
			out[path] = src.Bytes()
		}
	}
	return out
}

// Editing returns o reading the values files among files (a fix's files
// as edited in memory, by path) from there.
func (o Options) Editing(files map[string]*model.File) Options {
	o.Edited = map[string]*model.Source{}
	for path, f := range files {
		o.Edited[path] = f.Source
	}
	return o
}

// ValueFiles returns the values files a fix of the rendered objects among
// files may edit (model.Built.Values), each once, for salint fix to hold
// them with the input it edits.
func ValueFiles(files []*model.File) []*model.File {
	var out []*model.File
	seen := map[string]bool{}
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Built == nil {
				continue
			}
			for _, v := range o.Built.Values {
				if !seen[v.Source.Path] {
					seen[v.Source.Path] = true
					out = append(out, &model.File{Source: v.Source})
				}
			}
		}
	}
	return out
}
