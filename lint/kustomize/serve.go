package kustomize

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
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
// with one more top-level field in each document, markKey and a nonce
// of the build (so that no input names it), holding the file's number
// and the nonce (see origin); kustomize carries
// an unknown top-level field through every transformer and patch
// untouched, and salint removes it from the output. Objects a generator made carry no mark and are matched to the
// one generator of the build that names them. Whenever the marks cannot
// be trusted (see markable) or an object carries none and no single
// generator explains it, the build is run again with kustomize's own
// origin annotations, so the result is always the same.
const markKey = "salint.internal/source"

// generated is a generator entry (its name's key) and the kind it makes.
type generated struct {
	entry *yaml.Node
	kind  string
}

// marking is how one build serves its resource files.
type marking struct {
	files  []*entry       // by mark: the resource files served marked
	byPath map[string]int // path as kustomize reads it (both forms) -> mark
	nonce  string         // ends every mark's value: input cannot forge one
	// key is the marks' field: markKey and the nonce, so that no input
	// can name it (a replacement or JSON patch reading it would carry
	// the mark into the output, where kustomize finds no such field).
	key string
	// claimed holds the generator entries that explained an unmarked
	// object: each makes one object, so a second claimant is not its.
	claimed map[generated]bool
	kusts   []*kustFile
	// unmarked is set when a resource file could not be served marked.
	unmarked bool
}

// markable returns how to serve the build of kusts marked, or nil when
// kustomize must track origins itself: the root asks for build metadata
// of its own, a kustomization runs generator, transformer or validator
// plugins (which make or rewrite objects salint cannot mark), a generator
// merges into or replaces another object (kustomize then keeps one
// origin or the other), or a resource file is also read as something
// else (a patch would carry the mark to its target).
func (b *builder) markable(kusts []*kustFile) *marking {
	root := kusts[0]
	if model.Get(root.root, "buildMetadata").Present() {
		return nil
	}
	nonce := newNonce()
	mk := &marking{byPath: map[string]int{}, kusts: kusts, nonce: nonce, key: markKey + "-" + nonce}
	asFile := map[string]bool{}
	for _, k := range kusts {
		if k.root == nil || duplicateKeys(k.root) || b.hashSuffixed(k) {
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
			paths := []string{e.abs}
			if real, err := filepath.EvalSymlinks(e.abs); err == nil {
				paths = append(paths, real)
			}
			for _, p := range paths {
				if other, ok := mk.byPath[p]; ok && other != id {
					// One file reached by two paths (a symlinked
					// directory): kustomize reads it by one, and a mark
					// could not say which path an object came by.
					return nil
				}
				mk.byPath[p] = id
			}
		}
	}
	return mk
}

// serve returns the content of resource file mark as the build reads it:
// each document followed by its mark. ok is false when
// a document is not plainly a block mapping from column 0 (flow style,
// JSON, a directive, an explicit document end), where a mark appended
// could change what it says, when it may be a List, or when the file
// names hashSuffixKey.
func (mk *marking) serve(data []byte, mark int) ([]byte, bool) {
	return markDocuments(data, mk.key, mark, mk.nonce)
}

// markDocuments returns data with the mark field key, whose value is id
// and nonce (as takeMark reads it), in each document that holds an
// object, as serve says.
func markDocuments(data []byte, key string, id int, nonce string) ([]byte, bool) {
	if bytes.Contains(data, hashSuffixKey) {
		return nil, false
	}
	line := []byte(key + ": " + strconv.Itoa(id) + "-" + nonce + "\n")
	src := model.NewSource("", data)
	docs := src.Documents()
	out := make([]byte, 0, len(data)+len(docs)*32)
	if len(docs) > 0 {
		out = append(out, data[:docs[0].Start]...) // a byte-order mark
	}
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
		kind, certain := model.SniffKind(doc)
		if isList(doc, kind, certain) {
			return nil, false // kustomize takes the items out, without the mark
		}
		// The mark goes right before the first key: comments above that
		// key then attach to the mark's key, and go back to the first
		// key when salint removes the mark (see unmark); at the end the
		// document's trailing comments would attach to it and be lost.
		at := firstKey(doc)
		out = append(append(append(out, doc[:at]...), line...), doc[at:]...)
	}
	return out, true
}

// firstKey returns the offset in doc of the line of its first key (after
// any "---" line, comments and blank lines, and after a byte-order mark
// that starts the line: kustomize drops one at a document's start, not
// inside a document).
func firstKey(doc []byte) int {
	bom := []byte("\ufeff")
	for at := 0; at < len(doc); {
		line := doc[at:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		if bytes.HasPrefix(line, bom) {
			at += len(bom)
			continue
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' && !bytes.HasPrefix(line, []byte("---")) {
			return at
		}
		at += len(line)
	}
	return len(doc)
}

// isList reports whether doc (a block mapping, whose kind model.SniffKind
// gave) may be a List, which kustomize replaces by its items; a document
// whose kind the sniff cannot tell, or that does not parse, may be.
func isList(doc []byte, kind string, certain bool) bool {
	if !certain {
		n, err := yaml.Parse(string(doc))
		if err != nil {
			return true
		}
		kind = n.GetKind()
	}
	return strings.HasSuffix(kind, "List")
}

// duplicateKeys reports whether a mapping below n (a kustomization)
// defines a key twice: kustomize reads the last, salint's checks the
// first, so they could disagree on what the build does.
func duplicateKeys(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if seen[n.Content[i].Value] {
				return true
			}
			seen[n.Content[i].Value] = true
		}
	}
	for _, c := range n.Content {
		if duplicateKeys(c) {
			return true
		}
	}
	return false
}

// hashSuffixKey is kustomize's internal annotation
// (internal.config.kubernetes.io/needsHashSuffix) that makes it hash an
// object into its name: for kinds other than ConfigMap and Secret, the
// whole object, a mark (with its nonce) included. A build whose
// input names it anywhere is not marked.
var hashSuffixKey = []byte("needsHashSuffix")

// hashSuffixed reports whether k, or a file other than a resource that
// it has the build read, names hashSuffixKey; resource files are checked
// as they are served.
func (b *builder) hashSuffixed(k *kustFile) bool {
	k.hashOnce.Do(func() {
		k.hashSuffix = bytes.Contains(k.src.Bytes(), hashSuffixKey)
		for _, e := range k.entries {
			if k.hashSuffix || e.kind != entryFile || !e.exists || e.dir {
				continue
			}
			if src, err := b.read(e.abs, e.abs); err == nil {
				k.hashSuffix = bytes.Contains(src.Bytes(), hashSuffixKey)
			}
		}
	})
	return k.hashSuffix
}

// newNonce returns what ends the marks of one build.
func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
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

// unmark removes the mark at Content[at] of node, giving the comments
// that attached to it to the key after it, where they were (see serve).
func unmark(node *yaml.Node, at int) {
	if c := node.Content[at].HeadComment; c != "" && at+2 < len(node.Content) {
		next := node.Content[at+2]
		if next.HeadComment != "" {
			c += "\n" + next.HeadComment
		}
		next.HeadComment = c
	}
	node.Content = append(node.Content[:at], node.Content[at+2:]...)
}

// origin says where a built object came from, as kustomize's origin
// annotation would, and removes the mark; ok is false when the object
// carries no mark and no single generator of the build names it.
func (mk *marking) origin(root *kustFile, r *resource.Resource) (*resource.Origin, bool) {
	if id, found, ok := takeMark(r.YNode(), mk.key, mk.nonce, len(mk.files)); found {
		if !ok {
			return nil, false
		}
		rel, err := filepath.Rel(root.abs, mk.files[id].abs)
		return &resource.Origin{Path: rel}, err == nil
	}
	kind := r.GetKind()
	if kind != "ConfigMap" && kind != model.KindSecret {
		return nil, false
	}
	var from *kustFile
	var claim generated
	for _, k := range mk.kusts {
		entry := generatorEntry(k, r.GetName())
		if entry == nil {
			continue
		}
		if from != nil {
			return nil, false
		}
		from, claim = k, generated{entry, kind}
	}
	if from == nil || mk.claimed[claim] {
		// An object that lost its mark (a patch deleted it) is not a
		// generator's second object.
		return nil, false
	}
	if mk.claimed == nil {
		mk.claimed = map[generated]bool{}
	}
	mk.claimed[claim] = true
	rel, err := filepath.Rel(root.abs, from.file())
	return &resource.Origin{ConfiguredIn: rel}, err == nil
}

// takeMark finds the mark field key in object node and removes it: its
// value is the number of what was marked, below n, and nonce. found is
// false when node carries none; ok is false when what it carries is no
// mark of ours: two of them (one is the input's own), or another value
// (the input's own field, or a patch's).
func takeMark(node *yaml.Node, key, nonce string, n int) (id int, found, ok bool) {
	at := -1
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value != key {
				continue
			}
			if at >= 0 {
				return 0, true, false
			}
			at = i
		}
	}
	if at < 0 {
		return 0, false, false
	}
	v, hasNonce := strings.CutSuffix(node.Content[at+1].Value, "-"+nonce)
	id, err := strconv.Atoi(v)
	if !hasNonce || err != nil || id < 0 || id >= n {
		return 0, true, false
	}
	unmark(node, at)
	return id, true, true
}
