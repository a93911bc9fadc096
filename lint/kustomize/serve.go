package kustomize

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

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
type selector struct {
	kind, name *regexp.Regexp
	paths      [][]string // of a JSON patch: what its operations touch
}

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

// guards lists the selectors of the patches with a target, replacements
// and vars of kusts: the objects whose fields a build may read or
// require. A JSON patch's selector also lists the paths its operations
// touch, so that its targets are cut to those (see cutTo) rather than
// served whole. ok is false when the selectors cannot be known
// (replacements kept in files): then nothing is cut.
func guards(kusts []*kustFile) (out []selector, ok bool) {
	add := func(m *yaml.Node, paths [][]string) {
		out = append(out, selector{anchored(model.Get(m, "kind").String()), anchored(model.Get(m, "name").String()), paths})
	}
	for _, k := range kusts {
		for _, f := range []string{"patches", "patchesJson6902"} {
			for _, item := range model.Get(k.root, f).Items() {
				if t := model.Get(item, "target"); t.Present() {
					add(t.Mapping(), jsonPatchPaths(k, item))
				}
			}
		}
		for _, item := range model.Get(k.root, "vars").Items() {
			add(model.Get(item, "objref").Mapping(), nil)
		}
		for _, item := range model.Get(k.root, "replacements").Items() {
			if item.Kind != yaml.MappingNode || model.Get(item, "path").Present() {
				return nil, false
			}
			add(model.Get(item, "source").Mapping(), nil)
			for _, t := range model.Get(item, "targets").Items() {
				add(model.Get(t, "select").Mapping(), nil)
			}
		}
	}
	return out, true
}

// jsonPatchPaths returns the JSON pointers (split into tokens) that the
// operations of a patches item touch ("path", and "from" of move and
// copy), or nil when the item is not a JSON patch whose operations all
// name their paths.
func jsonPatchPaths(k *kustFile, item *yaml.Node) [][]string {
	var data []byte
	if v := model.Get(item, "patch"); v.Present() {
		data = []byte(v.String())
	} else if p := model.Get(item, "path").String(); p != "" {
		var err error
		if data, err = os.ReadFile(filepath.Join(k.abs, p)); err != nil {
			return nil
		}
	}
	docs := parseAll(data)
	if len(docs) != 1 || docs[0].Kind != yaml.SequenceNode {
		return nil
	}
	var out [][]string
	for _, op := range docs[0].Content {
		for _, key := range []string{"path", "from"} {
			f := model.Get(op, key)
			if !f.Present() {
				continue
			}
			ptr := f.String()
			if f.Value.Kind != yaml.ScalarNode || !strings.HasPrefix(ptr, "/") {
				return nil
			}
			var tokens []string
			for _, t := range strings.Split(ptr[1:], "/") {
				tokens = append(tokens, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
			}
			out = append(out, tokens)
		}
		if !model.Get(op, "path").Present() {
			return nil
		}
	}
	return out
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
			doc = mk.cut(doc)
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

// cut returns what of doc a build needs (see marking): doc whole, its
// stub, or what JSON patches of the build touch.
func (mk *marking) cut(doc []byte) []byte {
	kind, _ := model.SniffKind(doc)
	if kind == "ConfigMap" || kind == model.KindSecret {
		return doc
	}
	s, ok := model.Stub(doc)
	if !ok {
		return doc
	}
	switch paths, whole := mk.guarded(kind, s); {
	case whole:
		return doc
	case len(paths) > 0:
		if c, ok := cutTo(doc, paths); ok {
			return c
		}
		return doc
	case parses(doc):
		return s
	}
	return doc
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
// whose stub is s, and what of it must then be kept: whole, or the paths
// of JSON patches.
func (mk *marking) guarded(kind string, s []byte) (paths [][]string, whole bool) {
	name := ""
	parsed := false
	for _, g := range mk.guards {
		if g.kind != nil && !g.kind.MatchString(kind) {
			continue
		}
		if g.name != nil {
			if !parsed {
				parsed = true
				n, err := yaml.Parse(string(s))
				if err != nil {
					return nil, true
				}
				name = n.GetName()
			}
			if !g.name.MatchString(name) {
				continue
			}
		}
		if g.paths == nil {
			return nil, true
		}
		paths = append(paths, g.paths...)
	}
	return paths, false
}

// cutTo returns doc with only what the JSON patch paths need of it:
// apiVersion, kind and metadata, and along each path the keys it names,
// every item of a list it goes through (the others emptied, so indexes
// stay), and whole what it ends at. ok is false when doc does not parse
// or holds aliases (whose anchors could be cut).
func cutTo(doc []byte, paths [][]string) ([]byte, bool) {
	var top yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&top); err != nil || len(top.Content) != 1 || top.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, false
	}
	root := top.Content[0]
	aliased := false
	var find func(n *yaml.Node)
	find = func(n *yaml.Node) {
		aliased = aliased || n.Kind == yaml.AliasNode || n.Anchor != ""
		for _, c := range n.Content {
			find(c)
		}
	}
	find(root)
	if aliased {
		return nil, false
	}
	keep := append([][]string{{"apiVersion"}, {"kind"}, {"metadata"}}, paths...)
	out, err := yaml.String(cutNode(root, keep))
	if err != nil {
		return nil, false
	}
	var head []byte
	if bytes.HasPrefix(doc, []byte("---")) {
		head = doc[:bytes.IndexByte(doc, '\n')+1]
	}
	return append(head, out...), true
}

// cutNode copies what paths reach of n (see cutTo).
func cutNode(n *yaml.Node, paths [][]string) *yaml.Node {
	for _, p := range paths {
		if len(p) == 0 {
			return n
		}
	}
	tails := func(token string) (out [][]string) {
		for _, p := range paths {
			if p[0] == token {
				out = append(out, p[1:])
			}
		}
		return out
	}
	c := *n
	switch n.Kind {
	case yaml.MappingNode:
		c.Content = nil
		for i := 0; i+1 < len(n.Content); i += 2 {
			if t := tails(n.Content[i].Value); t != nil {
				c.Content = append(c.Content, n.Content[i], cutNode(n.Content[i+1], t))
			}
		}
	case yaml.SequenceNode:
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, item := range n.Content {
			if t := tails(strconv.Itoa(i)); t != nil {
				c.Content[i] = cutNode(item, t)
				continue
			}
			e := *item
			if e.Kind == yaml.MappingNode || e.Kind == yaml.SequenceNode {
				e.Content = nil
			}
			c.Content[i] = &e
		}
	}
	return &c
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
