package kustomize

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// location is where a built value was set outside the object's source.
type location struct {
	key, value model.Position
	node       *yaml.Node // the value's node there, to locate what is under it
	note       string     // "set by patch overlays/prod/sa.yaml"
}

// attribute finds which kustomization field or patch set the value bn at
// path: the kustomizations between the root and the file the object came
// from (and their components) are searched outermost first, since the
// outermost applies last and wins. The value must match, so a field that
// names something else is not blamed. nil when it cannot tell.
func (m *mapper) attribute(path []step, bn *yaml.Node) *location {
	last := ""
	if len(path) > 0 {
		last = path[len(path)-1].key
	}
	isNamespace := last == "namespace" && (len(path) == 2 && path[0].key == "metadata" || len(path) > 0 && path[0].key == "subjects")
	isName := len(path) == 2 && path[0].key == "metadata" && last == "name"
	for _, k := range m.chain {
		switch {
		case isNamespace:
			if f := model.Get(k.root, "namespace"); f.String() != "" && (bn == nil || bn.Value == f.String()) {
				return k.fieldLocation(f, fmt.Sprintf("namespace %s set by %s", f.String(), k.line(f.Key)))
			}
		case isName:
			for _, field := range []string{"namePrefix", "nameSuffix"} {
				if f := model.Get(k.root, field); f.String() != "" && strings.Contains(m.name, f.String()) {
					return k.fieldLocation(f, fmt.Sprintf("%s %q set by %s", field, f.String(), k.line(f.Key)))
				}
			}
		case bn != nil:
			for _, p := range k.patches() {
				if loc := p.find(m.kind, m.srcName, m.name, path, bn); loc != nil {
					return loc
				}
			}
		}
	}
	return nil
}

// chain lists the kustomizations through which root reaches file (the
// absolute path of a resource, or of the kustomization file that
// generated an object), outermost first, each followed by the
// components it uses; nil when file is not found.
func (b *builder) chain(root *kustFile, file string) []*kustFile {
	key := root.abs + "\x00" + file
	if c, ok := b.chains[key]; ok {
		return c
	}
	var path []*kustFile
	seen := map[string]bool{}
	var walk func(k *kustFile) bool
	walk = func(k *kustFile) bool {
		if seen[k.abs] {
			return false
		}
		seen[k.abs] = true
		path = append(path, k)
		if k.file() == file {
			return true // the kustomization that generated the object
		}
		for _, e := range k.entries {
			if e.kind == entryResource && !e.dir && e.abs == file {
				return true
			}
		}
		for _, e := range k.entries {
			if e.dir && e.kind != entryFile {
				if sub := b.kusts[e.abs]; sub != nil && walk(sub) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		return false
	}
	var out []*kustFile
	if walk(root) {
		for _, k := range path {
			out = append(out, k)
			for _, e := range k.entries {
				if e.kind == entryComponent {
					if c := b.kusts[e.abs]; c != nil {
						out = append(out, c)
					}
				}
			}
		}
	}
	b.chains[key] = out
	return out
}

func (k *kustFile) fieldLocation(f model.Field, note string) *location {
	return &location{key: k.pos(f.Key), value: k.pos(f.Value), node: f.Value, note: note}
}

// patchDoc is one patch a kustomization applies: a strategic-merge
// document (a mapping) or a JSON 6902 operation list (a sequence), with
// file-absolute positions.
type patchDoc struct {
	file       string
	node       *yaml.Node
	targetKind string
	targetName string
	entry      *yaml.Node // the kustomization entry that names the patch
	listedAt   string     // that entry's file:line
}

// patches parses the patches a kustomization names, once.
func (k *kustFile) patches() []*patchDoc {
	if k.patchDocs != nil || k.root == nil {
		return k.patchDocs
	}
	k.patchDocs = []*patchDoc{}
	add := func(value *yaml.Node, target *yaml.Node) {
		if value == nil || value.Kind != yaml.ScalarNode {
			return
		}
		tk := model.Get(target, "kind").String()
		tn := model.Get(target, "name").String()
		var docs []*yaml.Node
		file := k.src.Path
		if isInline(value.Value) {
			docs = parseInline(k.src, value)
		} else {
			data, err := os.ReadFile(filepath.Join(k.abs, value.Value))
			if err != nil {
				return
			}
			docs = parseAll(data)
			file = filepath.Join(k.dir, value.Value)
		}
		for _, d := range docs {
			k.patchDocs = append(k.patchDocs, &patchDoc{file: file, node: d, targetKind: tk, targetName: tn, entry: value, listedAt: k.line(value)})
		}
	}
	for _, item := range model.Get(k.root, "patchesStrategicMerge").Items() {
		add(item, nil)
	}
	for _, f := range []string{"patches", "patchesJson6902"} {
		for _, item := range model.Get(k.root, f).Items() {
			target := model.Get(item, "target").Value
			if v := model.Get(item, "patch").Value; v != nil {
				add(v, target)
			} else {
				add(model.Get(item, "path").Value, target)
			}
		}
	}
	return k.patchDocs
}

// parseAll parses every document of data; positions are file-absolute.
func parseAll(data []byte) []*yaml.Node {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err != nil {
			return docs // io.EOF, or the first document that does not parse
		}
		if len(doc.Content) == 1 {
			docs = append(docs, doc.Content[0])
		}
	}
}

// parseInline parses a patch written inside the kustomization, shifting
// its positions to where its text sits in the kustomization file.
func parseInline(src *model.Source, value *yaml.Node) []*yaml.Node {
	docs := parseAll([]byte(value.Value))
	if value.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		for _, d := range docs {
			setPos(d, value.Line, value.Column)
		}
		return docs
	}
	// A block scalar's text starts on the next line, indented.
	first := value.Line + 1
	line := src.Bytes()[src.LineStart(first):src.LineEnd(first)]
	indent := len(line) - len(bytes.TrimLeft(line, " "))
	var shift func(n *yaml.Node)
	shift = func(n *yaml.Node) {
		n.Line += value.Line
		n.Column += indent
		for _, c := range n.Content {
			shift(c)
		}
	}
	for _, d := range docs {
		shift(d)
	}
	return docs
}

// find locates, in this patch, the value bn of field path of a kind
// object called srcName before the build and name after it.
func (p *patchDoc) find(kind, srcName, name string, path []step, bn *yaml.Node) *location {
	if p.targetKind != "" && p.targetKind != kind {
		return nil
	}
	switch p.node.Kind {
	case yaml.MappingNode:
		if k := model.Get(p.node, "kind").String(); k != "" && k != kind {
			return nil
		}
		if n := model.Lookup(p.node, "metadata", "name").String(); n != "" && n != srcName && !strings.Contains(name, n) {
			return nil
		}
		key, node := descend(p.node, path)
		return p.hit(key, node, bn)
	case yaml.SequenceNode:
		ptr := pointer(path)
		for _, op := range p.node.Content {
			switch model.Get(op, "op").String() {
			case "add", "replace", "copy", "move":
			default:
				continue
			}
			at := model.Get(op, "path").String()
			value := model.Get(op, "value")
			switch {
			case at == ptr:
				if loc := p.hit(value.Key, value.Value, bn); loc != nil {
					return loc
				}
			case strings.HasPrefix(ptr, at+"/"):
				rest := path[strings.Count(at, "/"):]
				if key, node := descend(value.Value, rest); key != nil || node != nil {
					if loc := p.hit(key, node, bn); loc != nil {
						return loc
					}
				}
			}
		}
	}
	return nil
}

func (p *patchDoc) hit(key, node, bn *yaml.Node) *location {
	node = model.Deref(node)
	if node == nil || node.Kind != bn.Kind || (bn.Kind == yaml.ScalarNode && node.Value != bn.Value) {
		return nil
	}
	if key == nil {
		key = node
	}
	return &location{
		key:   model.Position{File: p.file, Line: key.Line, Col: key.Column},
		value: model.Position{File: p.file, Line: node.Line, Col: node.Column},
		node:  node,
		note:  "value set by the patch listed at " + p.listedAt,
	}
}

// descend follows path from n; it returns the last key node and the value.
func descend(n *yaml.Node, path []step) (key, value *yaml.Node) {
	value = n
	for _, s := range path {
		value = model.Deref(value)
		if value == nil {
			return nil, nil
		}
		if !s.item {
			f := model.Get(value, s.key)
			if !f.Present() {
				return nil, nil
			}
			key, value = f.Key, f.Value
			continue
		}
		if value.Kind != yaml.SequenceNode {
			return nil, nil
		}
		var next *yaml.Node
		for _, item := range value.Content {
			if s.name != "" && itemName(item) == s.name {
				next = item
				break
			}
		}
		if next == nil {
			return nil, nil
		}
		key, value = nil, next
	}
	return key, value
}

// pointer renders path as a JSON pointer (RFC 6901), items by index.
func pointer(path []step) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		if s.item {
			b.WriteString(strconv.Itoa(s.index))
			continue
		}
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s.key))
	}
	return b.String()
}
