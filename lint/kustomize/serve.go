package kustomize

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A build needs to say which file each object came from. kustomize can
// say it itself (buildMetadata: [originAnnotations]), but then it also
// records every transformer on every object, re-encoding an annotation
// each time: most of a build's cost. So where it is safe, salint marks
// the documents instead: the build's filesystem serves each resource file
// with one more top-level field in each document, markKey, holding the
// file's number; kustomize carries an unknown top-level field through
// every transformer and patch untouched, and salint removes it from the
// output. Objects a generator made carry no mark and are matched to the
// one generator of the build that names them. Whenever the marks cannot
// be trusted (see markable) or an object carries none and no single
// generator explains it, the build is run again with kustomize's own
// origin annotations, so the result is always the same.
//
// When the run only reports (Options.Stub), documents of kinds no rule
// reads are also served cut down to apiVersion, kind and metadata
// (model.Stub): kustomize then does not parse, copy, patch and re-encode
// whole CRDs that salint only counts. Metadata stays whole, so names,
// namespaces, labels, name references and selectors work the same. A
// document that a JSON patch, a replacement or a var of the build could
// select is served whole, as are ConfigMaps and Secrets (whose content a
// generator may merge into and hash); if a build still fails with cut
// documents, it is run again with whole ones.
const markKey = "salint.internal/source"

// marking is how one build serves its resource files.
type marking struct {
	files  []*entry       // by mark: the resource files served marked
	byPath map[string]int // path as kustomize reads it (both forms) -> mark
	stub   bool           // cut documents no rule reads
	guards []selector     // objects a build may read fields of: never cut
	kusts  []*kustFile
	// unmarked is set when a resource file could not be served marked.
	unmarked bool
}

// useGuards is false only in tests that check that a build that fails
// with cut documents is run again with whole ones.
var useGuards = true

// selector is the part of a kustomize selector salint checks before
// cutting a document: kind and name, as anchored regular expressions ("" matches
// anything); label and annotation selectors are taken to match.
type selector struct{ kind, name *regexp.Regexp }

// markable returns how to serve the build of kusts marked, or nil when
// kustomize must track origins itself: the root asks for build metadata
// of its own, a kustomization runs generator, transformer or validator
// plugins (which make or rewrite objects salint cannot mark), a generator
// merges into or replaces another object (kustomize then keeps one
// origin or the other), or a resource file is also read as something
// else (a patch would carry the mark to its target).
func (b *builder) markable(kusts []*kustFile, stub bool) *marking {
	root := kusts[0]
	if model.Get(root.root, "buildMetadata").Present() {
		return nil
	}
	mk := &marking{byPath: map[string]int{}, stub: stub, kusts: kusts}
	asFile := map[string]bool{}
	for _, k := range kusts {
		if k.root == nil {
			return nil
		}
		for _, f := range []string{"configMapGenerator", "secretGenerator"} {
			for _, item := range model.Get(k.root, f).Items() {
				if v := model.Get(item, "behavior").String(); v != "" && v != "create" {
					return nil
				}
			}
		}
		for _, e := range k.entries {
			switch {
			case e.field == "generators" || e.field == "transformers" || e.field == "validators":
				return nil
			case e.kind == entryFile:
				asFile[e.abs] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, k := range kusts {
		for _, e := range k.entries {
			if e.kind != entryResource || e.dir || seen[e.abs] {
				continue
			}
			if asFile[e.abs] {
				return nil
			}
			seen[e.abs] = true
			id := len(mk.files)
			mk.files = append(mk.files, e)
			mk.byPath[e.abs] = id
			if real, err := filepath.EvalSymlinks(e.abs); err == nil {
				mk.byPath[real] = id
			}
		}
	}
	if stub {
		mk.guards, mk.stub = guards(kusts)
		if !useGuards {
			mk.guards = nil
		}
	}
	return mk
}

// guards lists the selectors of the JSON patches (and any patch with a
// target), replacements and vars of kusts: the objects whose fields a
// build may read or require. ok is false when they cannot be known
// (replacements kept in files): then nothing is cut.
func guards(kusts []*kustFile) (out []selector, ok bool) {
	add := func(m *yaml.Node) {
		out = append(out, selector{anchored(model.Get(m, "kind").String()), anchored(model.Get(m, "name").String())})
	}
	for _, k := range kusts {
		for _, f := range []string{"patches", "patchesJson6902"} {
			for _, item := range model.Get(k.root, f).Items() {
				if t := model.Get(item, "target"); t.Present() {
					add(t.Mapping())
				}
			}
		}
		for _, item := range model.Get(k.root, "vars").Items() {
			add(model.Get(item, "objref").Mapping())
		}
		for _, item := range model.Get(k.root, "replacements").Items() {
			if item.Kind != yaml.MappingNode || model.Get(item, "path").Present() {
				return nil, false
			}
			add(model.Get(item, "source").Mapping())
			for _, t := range model.Get(item, "targets").Items() {
				add(model.Get(t, "select").Mapping())
			}
		}
	}
	return out, true
}

// anchored compiles a selector field as kustomize matches it (the whole
// value, as a regular expression); nil matches anything, as does a value
// that does not compile.
func anchored(v string) *regexp.Regexp {
	if v == "" {
		return nil
	}
	re, err := regexp.Compile("^(?:" + v + ")$")
	if err != nil {
		return nil
	}
	return re
}

// serve returns the content of resource file mark as the build reads it:
// each document followed by its mark, cut when it may be. ok is false when
// a document is not plainly a block mapping from column 0 (flow style,
// JSON, a directive, an explicit document end), where a mark appended
// could change what it says.
func (mk *marking) serve(data []byte, mark int) ([]byte, bool) {
	src := &model.Source{Data: data}
	docs := src.Documents()
	out := make([]byte, 0, len(data)+len(docs)*32)
	if len(docs) > 0 {
		out = append(out, data[:docs[0].Start]...) // a byte-order mark
	}
	line := []byte(markKey + ": " + strconv.Itoa(mark) + "\n")
	for _, d := range docs {
		doc := data[d.Start:d.End]
		empty, ok := blockMapping(doc)
		if !ok {
			return nil, false
		}
		if empty {
			out = append(out, doc...) // comments only: no object
			continue
		}
		if mk.stub {
			if kind, _ := model.SniffKind(doc); kind != "ConfigMap" && kind != model.KindSecret {
				if s, ok := model.Stub(doc); ok && !mk.guarded(kind, s) && parses(doc) {
					doc = s
				}
			}
		}
		out = append(out, doc...)
		if len(doc) > 0 && doc[len(doc)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, line...)
	}
	return out, true
}

// blockMapping reports whether doc (one document as model.Source cuts
// them) is a block mapping whose keys start at column 0, so that one more
// key line appended at its end is one more field and nothing else; empty
// when it holds no content at all.
func blockMapping(doc []byte) (empty, ok bool) {
	empty = true
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line = doc[:i]
		}
		doc = doc[min(len(line)+1, len(doc)):]
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		switch c := line[0]; {
		case bytes.HasPrefix(line, []byte("---")):
			if rest := bytes.TrimSpace(line[3:]); len(rest) > 0 && rest[0] != '#' {
				return false, false // content on the marker line
			}
			continue
		case bytes.HasPrefix(line, []byte("...")) || c == '%':
			return false, false // a document end or directive: more may follow
		case bytes.HasPrefix(line, []byte(markKey)):
			return false, false
		case !empty:
			continue // a key, or an item of a key's unindented sequence
		case c == ' ' || c == '\t' || c == '-' || bytes.IndexByte([]byte("{[&*!?|>\"'@`"), c) >= 0 ||
			bytes.IndexByte(line, ':') < 0:
			return false, false // not a plain key at column 0 first
		}
		empty = false
	}
	return empty, true
}

// parses reports whether doc is YAML kustomize reads: a document with an
// error is served whole, for kustomize to report as it would.
func parses(doc []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			return errors.Is(err, io.EOF)
		}
	}
}

// guarded reports whether a selector of the build may pick the object
// whose stub is s, so that it must be served whole.
func (mk *marking) guarded(kind string, s []byte) bool {
	name := ""
	parsed := false
	for _, g := range mk.guards {
		if g.kind != nil && !g.kind.MatchString(kind) {
			continue
		}
		if g.name == nil {
			return true
		}
		if !parsed {
			parsed = true
			n, err := yaml.Parse(string(s))
			if err != nil {
				return true
			}
			name = n.GetName()
		}
		if g.name.MatchString(name) {
			return true
		}
	}
	return false
}

// origin says where a built object came from, as kustomize's origin
// annotation would, and removes the mark; ok is false when the object
// carries no mark and no single generator of the build names it.
func (mk *marking) origin(root *kustFile, r *resource.Resource) (*resource.Origin, bool) {
	node := r.YNode()
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value != markKey {
				continue
			}
			id, err := strconv.Atoi(node.Content[i+1].Value)
			node.Content = append(node.Content[:i], node.Content[i+2:]...)
			if err != nil || id < 0 || id >= len(mk.files) {
				return nil, false
			}
			rel, err := filepath.Rel(root.abs, mk.files[id].abs)
			return &resource.Origin{Path: rel}, err == nil
		}
	}
	if kind := r.GetKind(); kind != "ConfigMap" && kind != model.KindSecret {
		return nil, false
	}
	var from *kustFile
	for _, k := range mk.kusts {
		if generatorEntry(k, r.GetName()) == nil {
			continue
		}
		if from != nil {
			return nil, false
		}
		from = k
	}
	if from == nil {
		return nil, false
	}
	rel, err := filepath.Rel(root.abs, filepath.Join(from.abs, filepath.Base(from.src.Path)))
	return &resource.Origin{ConfiguredIn: rel}, err == nil
}
