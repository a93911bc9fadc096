package kustomize

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/utils"
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
//
// When the run only reports (Options.Stub), documents of kinds no rule
// reads are also served cut down to apiVersion, kind, metadata and the
// fields kustomize's transformers read of any object (see cut): kustomize
// then does not parse, copy, patch and re-encode whole CRDs that salint
// only counts, and fails where the whole build would. Metadata stays
// whole, so names, namespaces, labels, name references and selectors
// work the same. A document that a strategic-merge patch, a replacement
// or a var of the build could select is served whole, as are ConfigMaps
// and Secrets (whose content a generator may merge into and hash); if a
// build still fails with cut documents, it is run again with whole ones.
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
	key    string
	stub   bool       // cut documents no rule reads
	guards []selector // objects a build may read fields of: never cut
	// images is set when the build has an image transformer, which
	// reads every containers field at any depth of objects other than
	// CRDs: only CRDs are then cut.
	images bool
	reads  [][]string // kustomizeReads and what the build's own field specs name
	// claimed holds the generator entries that explained an unmarked
	// object: each makes one object, so a second claimant is not its.
	claimed map[generated]bool
	kusts   []*kustFile
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
	nonce := newNonce()
	mk := &marking{byPath: map[string]int{}, stub: stub, kusts: kusts, nonce: nonce, key: markKey + "-" + nonce}
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
	if stub {
		mk.guards, mk.reads, mk.images, mk.stub = guards(kusts, newInputFS(b.opts.Sources).ReadFile)
		if !useGuards {
			mk.guards = nil
		}
	}
	return mk
}

// guards lists the selectors of the patches, replacements and vars of
// kusts: the objects whose fields a build may read or require (a
// strategic-merge patch without a target selects by its own kind and
// name). A JSON patch's selector also lists the paths its operations
// touch, so that its targets are cut to those (see cutTo) rather than
// served whole. reads adds to kustomizeReads the fields that the build's
// own field specs (transformer configurations, label fields) name;
// images reports an image transformer. ok is false when the selectors or
// fields cannot be known (replacements or configurations that cannot be
// read, CRDs given for name references, a patch that is a List): then
// nothing is cut.
func guards(kusts []*kustFile, read func(string) ([]byte, error)) (out []selector, reads [][]string, images, ok bool) {
	add := func(kind, name string, paths [][]string) {
		out = append(out, selector{anchored(kind), anchored(name), paths})
	}
	// sel adds the selector of a target, source or objref mapping.
	sel := func(m *yaml.Node, paths [][]string) {
		add(model.Get(m, "kind").String(), model.Get(m, "name").String(), paths)
	}
	reads = slices.Clone(kustomizeReads)
	for _, k := range kusts {
		if model.Get(k.root, "crds").Present() {
			return nil, nil, false, false
		}
		for _, item := range model.Get(k.root, "configurations").Items() {
			data, err := read(filepath.Join(k.abs, item.Value))
			docs := parseAll(data)
			if err != nil || len(docs) == 0 {
				return nil, nil, false, false
			}
			for _, d := range docs {
				reads = append(reads, fieldSpecPaths(d)...)
			}
		}
		for _, item := range model.Get(k.root, "labels").Items() {
			reads = append(reads, fieldSpecPaths(model.Get(item, "fields").Value)...)
		}
		images = images || model.Get(k.root, "images").Present()
		for _, item := range model.Get(k.root, "patchesStrategicMerge").Items() {
			if !smpGuards(k, item, read, add) {
				return nil, nil, false, false
			}
		}
		for _, f := range []string{"patches", "patchesJson6902"} {
			for _, item := range model.Get(k.root, f).Items() {
				switch t := model.Get(item, "target"); {
				case t.Present():
					sel(t.Mapping(), jsonPatchPaths(k, item, read))
				case !smpGuards(k, model.Get(item, "patch").Value, read, add) || !smpGuards(k, model.Get(item, "path").Value, read, add):
					return nil, nil, false, false
				}
			}
		}
		for _, item := range model.Get(k.root, "vars").Items() {
			sel(model.Get(item, "objref").Mapping(), nil)
		}
		for _, item := range model.Get(k.root, "replacements").Items() {
			if item.Kind != yaml.MappingNode || model.Get(item, "path").Present() {
				return nil, nil, false, false
			}
			sel(model.Get(item, "source").Mapping(), nil)
			for _, t := range model.Get(item, "targets").Items() {
				sel(model.Get(t, "select").Mapping(), nil)
			}
		}
	}
	return out, reads, images, true
}

// fieldSpecPaths returns, for every "path" of a field spec below n, the
// part of objects a cut document keeps for it (see kustomizeReads and
// readPath).
func fieldSpecPaths(n *yaml.Node) (out [][]string) {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; n.Content[i].Value == "path" && v.Kind == yaml.ScalarNode {
				out = append(out, readPath(v.Value))
			}
		}
	}
	for _, c := range n.Content {
		out = append(out, fieldSpecPaths(c)...)
	}
	return out
}

// readPath is what a cut document keeps for a field spec's path: its
// first two steps, split as kustomize's field spec filter splits them
// (utils.PathSplitter: "\\/" escapes a slash within a step, a leading
// slash is dropped), with a list step's "[]" or "[name=x]" dropped.
func readPath(path string) []string {
	steps := utils.PathSplitter(path, "/")
	steps = steps[:min(len(steps), 2)]
	for i, s := range steps {
		if j := strings.IndexByte(s, '['); j >= 0 {
			steps[i] = s[:j]
		}
	}
	return steps
}

// smpGuards adds a selector for each document of the strategic-merge
// patch v (inline, or a file's path; nil adds nothing): its kind and
// name, whole. false when a document is a List, whose items could be of
// any kind.
func smpGuards(k *kustFile, v *yaml.Node, read func(string) ([]byte, error), add func(kind, name string, paths [][]string)) bool {
	if v == nil || v.Kind != yaml.ScalarNode {
		return true
	}
	data := []byte(v.Value)
	if !isInline(v.Value) {
		var err error
		if data, err = read(filepath.Join(k.abs, v.Value)); err != nil {
			return true // the build fails, cut or whole
		}
	}
	for _, doc := range parseAll(data) {
		if strings.HasSuffix(model.Get(doc, "kind").String(), "List") {
			return false
		}
		add(model.Get(doc, "kind").String(), model.Lookup(doc, "metadata", "name").String(), nil)
	}
	return true
}

// jsonPatchPaths returns the JSON pointers (split into tokens) that the
// operations of a patches item touch ("path", and "from" of move and
// copy), or nil when the item is not a JSON patch whose operations all
// name their paths.
func jsonPatchPaths(k *kustFile, item *yaml.Node, read func(string) ([]byte, error)) [][]string {
	var data []byte
	if v := model.Get(item, "patch"); v.Present() {
		data = []byte(v.String())
	} else if p := model.Get(item, "path").String(); p != "" {
		var err error
		if data, err = read(filepath.Join(k.abs, p)); err != nil {
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
			if tokens[0] == "kind" {
				return nil // the object may become a kind rules read
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
// could change what it says, when it may be a List, or when the file
// names hashSuffixKey.
func (mk *marking) serve(data []byte, mark int) ([]byte, bool) {
	if bytes.Contains(data, hashSuffixKey) {
		return nil, false
	}
	src := &model.Source{Data: data}
	docs := src.Documents()
	out := make([]byte, 0, len(data)+len(docs)*32)
	if len(docs) > 0 {
		out = append(out, data[:docs[0].Start]...) // a byte-order mark
	}
	line := []byte(mk.key + ": " + strconv.Itoa(mark) + "-" + mk.nonce + "\n")
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
		if mk.stub && certain {
			doc = mk.cut(doc, kind)
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
// whole object, a mark (with its nonce) or a cut included. A build whose
// input names it anywhere is not marked.
var hashSuffixKey = []byte("needsHashSuffix")

// hashSuffixed reports whether k, or a file other than a resource that
// it has the build read, names hashSuffixKey; resource files are checked
// as they are served.
func (b *builder) hashSuffixed(k *kustFile) bool {
	k.hashOnce.Do(func() {
		k.hashSuffix = bytes.Contains(k.src.Data, hashSuffixKey)
		for _, e := range k.entries {
			if k.hashSuffix || e.kind != entryFile || !e.exists || e.dir {
				continue
			}
			if src, err := b.read(e.abs, e.abs); err == nil {
				k.hashSuffix = bytes.Contains(src.Data, hashSuffixKey)
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

// cut returns what of doc a build needs (see marking): doc whole, or
// apiVersion, kind, metadata, the fields kustomize's own transformers
// read of any object (kustomizeReads: they fail on malformed content
// there, and a cut build must fail as the whole one does), and what the
// JSON patches of the build touch. kind is doc's, as model.SniffKind
// tells it for certain.
func (mk *marking) cut(doc []byte, kind string) []byte {
	if kind == "" || model.Needed(kind) || kind == "ConfigMap" || kind == model.KindSecret ||
		(mk.images && kind != "CustomResourceDefinition") {
		return doc
	}
	root, ok := parseOne(doc)
	if !ok {
		return doc // served whole, for kustomize to report as it would
	}
	paths, whole := mk.guarded(kind, model.Lookup(root, "metadata", "name").String())
	if whole || len(paths) > 0 && !jsonSafe(root) {
		return doc
	}
	if out, ok := cutParsed(doc, root, append(paths, mk.reads...)); ok {
		return out
	}
	return doc
}

// jsonSafe reports whether n converts to JSON as kustomize converts the
// target of a JSON patch (decoded into Go values, then encoded): every
// key a string, none twice in a mapping, no explicit tag (a bad !!binary
// fails), no NaN or infinity. When it does not, the whole build fails,
// so the document is served whole for the cut build to fail the same.
func jsonSafe(n *yaml.Node) bool {
	if n.Style&yaml.TaggedStyle != 0 {
		return false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
		switch v := strings.ToLower(strings.TrimLeft(n.Value, "+-")); v {
		case ".nan", ".inf":
			return false
		}
	}
	if n.Kind == yaml.MappingNode {
		keys := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || keys[k.Value] {
				return false
			}
			keys[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if !jsonSafe(c) {
			return false
		}
	}
	return true
}

// kustomizeReads are the fields of an object that kustomize v0.21.2's
// built-in transformers may read, whatever its kind: the first two steps
// of every path of their default field specs (api/internal/konfig/
// builtinpluginconsts; TestKustomizeReads checks the list against it),
// kept whole.
var kustomizeReads = func() [][]string {
	top := strings.Fields("apiVersion kind metadata imagePullSecrets parameters roleRef rules subjects template webhooks")
	spec := strings.Fields(`azureFile backend configSource containers conversion defaultBackend egress
		imagePullSecrets ingress ingressClassName initContainers jobTemplate nfs podSelector policyName ports
		priorityClassName replicas rules scaleTargetRef selector service serviceAccountName serviceName
		storageClassName template tls volumeClaimTemplates volumeName volumes`)
	out := make([][]string, 0, len(top)+len(spec))
	for _, k := range top {
		out = append(out, []string{k})
	}
	for _, k := range spec {
		out = append(out, []string{"spec", k})
	}
	return out
}()

// guarded reports whether a selector of the build may pick the object
// of kind and name, and what of it must then be kept: whole, or the
// paths of JSON patches.
func (mk *marking) guarded(kind, name string) (paths [][]string, whole bool) {
	for _, g := range mk.guards {
		if g.kind != nil && !g.kind.MatchString(kind) || g.name != nil && !g.name.MatchString(name) {
			continue
		}
		if g.paths == nil {
			return nil, true
		}
		paths = append(paths, g.paths...)
	}
	return paths, false
}

// parseOne parses doc, one document holding a mapping; ok is false when
// it does not parse or holds aliases or anchors (whose anchors could be
// cut), or merge keys (kustomize fails on a bad one wherever it is).
func parseOne(doc []byte) (*yaml.Node, bool) {
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
	return root, !aliased(root)
}

// aliased reports whether n or a node below it is an alias, carries an
// anchor, or is a merge key.
func aliased(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!merge" {
		return true
	}
	return slices.ContainsFunc(n.Content, aliased)
}

// cutTo returns doc with only what paths need of it: apiVersion, kind
// and metadata, and along each path the keys it names, every item of a
// list it goes through (the others emptied, so indexes stay), and whole
// what it ends at. ok is false when doc does not parse or holds aliases.
func cutTo(doc []byte, paths [][]string) ([]byte, bool) {
	root, ok := parseOne(doc)
	if !ok {
		return nil, false
	}
	return cutParsed(doc, root, append([][]string{{"apiVersion"}, {"kind"}, {"metadata"}}, paths...))
}

// cutParsed returns doc, parsed as root, with what paths reach of it
// (see cutNode), after doc's "---" line.
func cutParsed(doc []byte, root *yaml.Node, paths [][]string) ([]byte, bool) {
	out, err := yaml.String(cutNode(root, paths))
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
	node := r.YNode()
	at := -1
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value != mk.key {
				continue
			}
			if at >= 0 {
				return nil, false // one is the input's own
			}
			at = i
		}
	}
	if at >= 0 {
		// A mark's value is its file's number and the build's nonce;
		// anything else is the input's own field (or a patch's).
		v, ok := strings.CutSuffix(node.Content[at+1].Value, "-"+mk.nonce)
		id, err := strconv.Atoi(v)
		if !ok || err != nil || id < 0 || id >= len(mk.files) {
			return nil, false
		}
		unmark(node, at)
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
