package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// MaxDocumentSize is the largest document read: the API server refuses
// requests over 3 MiB, so a larger document cannot be a valid object.
const MaxDocumentSize = 3 << 20

// Error is input that could not be read or parsed, located in its file.
type Error struct {
	Pos     Position
	Message string
}

func (e Error) Error() string { return e.Pos.String() + ": " + e.Message }

// File is the result of reading one source: its objects in document order,
// how many objects were counted without being parsed, and its errors.
type File struct {
	Source  *Source
	Objects []*Object
	Skipped int // objects of kinds no rule reads, counted but not parsed
	Errors  []Error
	// Notices are said about how the file was read without being errors
	// ("not built: needs network"); they do not change the exit code.
	Notices []Error
	// Built is true when a build (kustomize) produced the objects: Source
	// is the file they came from, but what the cluster receives is their
	// Nodes, not Source.Bytes().
	Built bool
	// Inflates, for a file of templates a kustomize build rendered from a
	// Helm chart (helmCharts), maps each root whose build did so to the
	// chart's directory: a tool that never runs helm (Flux) cannot build
	// those roots. Set whatever kinds the templates rendered.
	Inflates map[string]string

	prune   bool                  // ReadOptions.Prune
	secrets SecretValues          // of the Secrets read, before pruning empties them
	decoded func(DecodedDocument) // ReadOptions.Decoded
	alone   bool                  // ReadOptions.DocumentByDocument
}

// SecretValues returns the values of the file's Secrets (see
// SecretValues): those the reader met, and those of the objects a build
// put in the file.
func (f *File) SecretValues() *SecretValues {
	if !f.Built {
		return &f.secrets
	}
	v := &SecretValues{}
	v.Merge(&f.secrets)
	for _, o := range f.Objects {
		if o.Kind == KindSecret && o.Group() == "" {
			v.addSecret(o.Node, true)
		}
	}
	return v
}

// AddSecretValues adds values said in the file's messages may quote: of
// the Secrets of the files a failed build read.
func (f *File) AddSecretValues(v *SecretValues) { f.secrets.Merge(v) }

// Count is the number of cluster objects in the file.
func (f *File) Count() int { return len(f.Objects) + f.Skipped }

var bom = []byte("\xef\xbb\xbf")

// textStart is where data's text begins: after a byte order mark.
func textStart(data []byte) int {
	if bytes.HasPrefix(data, bom) {
		return len(bom)
	}
	return 0
}

// Read parses a source into objects. It never panics on bad input: what it
// cannot read becomes a located Error and reading goes on with the next
// document.
func Read(src *Source) *File {
	return ReadWith(src, ReadOptions{})
}

// ReadWith is Read with options.
func ReadWith(src *Source, opts ReadOptions) *File {
	f := &File{Source: src, prune: opts.Prune, decoded: opts.Decoded, alone: opts.DocumentByDocument}
	if opts.Prune {
		src.pruned = true // before any rule reads src concurrently
	}
	data := src.Bytes()
	start := textStart(data)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := lineCol(data, start, 1, i)
		f.errorf(line, col, "file contains NUL bytes (the first here): not a YAML or JSON text file; not read")
		return f
	}
	// YAML is Unicode text. Checking the whole file at once is the fast
	// path; only a file that fails it is checked document by document, so
	// that the error points at the byte and the other documents are read.
	validUTF8 := utf8.Valid(data[start:])
	docIndex := 0
	// Consecutive documents to parse are decoded together (parseRun).
	var run []chunk
	flush := func() {
		docIndex = f.parseRun(run, docIndex)
		run = run[:0]
	}
	for _, c := range splitDocuments(data, start) {
		chunk := data[c.start:c.end]
		if len(chunk) > MaxDocumentSize {
			flush()
			f.errorf(c.line, 1, "document is %d bytes, larger than the API server accepts (3 MiB); not read", len(chunk))
			docIndex++
			continue
		}
		if !validUTF8 && !utf8.Valid(chunk) {
			flush()
			bad := c.start + invalidUTF8(chunk)
			line, col := lineCol(data, c.start, c.line, bad) // from the chunk: linear over all chunks
			f.errorf(line, col, "invalid UTF-8 (byte 0x%02x): YAML must be UTF-8 text; document not read", data[bad])
			docIndex++
			continue
		}
		kind, certain := sniffKind(chunk)
		if certain && !Needed(kind) {
			flush()
			if kind != "" {
				f.Skipped++
			}
			docIndex++
			continue
		}
		run = append(run, c)
	}
	flush()
	return f
}

// parseRun parses consecutive documents. A go-yaml decoder allocates its
// buffers and token queue anew and grows them again, which made a tenth
// of the allocations of a bundle of small documents; so a run is first
// decoded as one stream (parseJoined), and document by document only when
// that could give another result.
func (f *File) parseRun(run []chunk, docIndex int) int {
	if len(run) > 1 && !f.alone {
		if next, ok := f.parseJoined(run, docIndex); ok {
			return next
		}
	}
	for _, c := range run {
		docIndex = f.parseChunk(c, docIndex)
	}
	return docIndex
}

// parseJoined decodes the consecutive documents of run with one decoder.
// It records nothing and returns false when the result could differ from
// decoding each document alone: an error (located per document by
// parseChunk), other than one document per chunk, or an alias to an
// anchor of another document (go-yaml keeps anchors across a stream; alone,
// that alias is an error).
func (f *File) parseJoined(run []chunk, docIndex int) (int, bool) {
	first, last := run[0], run[len(run)-1]
	dec := yaml.NewDecoder(bytes.NewReader(f.Source.Bytes()[first.start:last.end]))
	docs := make([]*yaml.Node, 0, len(run))
	for {
		doc := new(yaml.Node)
		err := dec.Decode(doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || len(docs) == len(run) {
			return docIndex, false
		}
		docs = append(docs, doc)
	}
	if len(docs) != len(run) {
		return docIndex, false
	}
	if f.decoded != nil {
		for i, doc := range docs {
			f.decoded(DecodedDocument{Start: run[i].start, End: run[i].end, LineOffset: first.line - 1, Node: doc})
		}
	}
	scratch := &File{Source: f.Source}
	refused := make([]bool, len(docs))
	anchored := make([]bool, len(docs))
	for i, doc := range docs {
		w := walker{offset: first.line - 1, file: scratch, joined: true}
		w.walk(doc)
		if w.foreign {
			return docIndex, false
		}
		// Merged fields share nodes with what they merge, as aliases do.
		refused[i], anchored[i] = w.refused, w.anchors != nil || w.merges
	}
	f.Errors = append(f.Errors, scratch.Errors...)
	for i, doc := range docs {
		if len(doc.Content) == 1 && !refused[i] {
			f.addObjects(doc.Content[0], docIndex, anchored[i])
		}
		docIndex++
	}
	return docIndex, true
}

func (f *File) errorf(line, col int, format string, args ...any) {
	f.Errors = append(f.Errors, Error{
		Pos:     Position{File: f.Source.Path, Line: line, Col: col},
		Message: fmt.Sprintf(format, args...),
	})
}

// parseChunk decodes every document in c (usually one), shifting node
// lines so that they are file-absolute.
func (f *File) parseChunk(c chunk, docIndex int) int {
	chunk, lineOffset := f.Source.Bytes()[c.start:c.end], c.line-1
	dec := yaml.NewDecoder(bytes.NewReader(chunk))
	for sub := 0; ; sub++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docIndex
		}
		if f.decoded != nil {
			d := DecodedDocument{Start: c.start, End: c.end, Index: sub, LineOffset: lineOffset}
			if err == nil {
				d.Node = &doc
			}
			f.decoded(d)
		}
		if err != nil {
			line, msg := YAMLErrorLine(err)
			if ctx, ok := yamlContexts[msg]; ok && line > 0 {
				at := line
				if ctx.faultLater {
					at = faultLine(chunk, line, msg, ctx.flow)
				}
				if at > 0 {
					msg = fmt.Sprintf("%s (%s at line %d)", msg, ctx.words, line+lineOffset)
					line = at
				}
			}
			// go-yaml may name the line after the last one for an error at
			// the end of input ("{"): keep the position inside the file.
			line = max(1, min(line, 1+lineBreaks(chunk))) + lineOffset
			if bytes.Contains(chunk, []byte("{{")) {
				msg += " (this looks like a Helm or Go template: lint its rendered output, e.g. helm template ... | salint lint -)"
			}
			f.errorf(line, 0, "invalid YAML: %s", msg)
			return docIndex + 1
		}
		w := walker{offset: lineOffset, file: f}
		w.walk(&doc)
		if len(doc.Content) == 1 && !w.refused {
			f.addObjects(doc.Content[0], docIndex, w.anchors != nil || w.merges)
		}
		docIndex++
	}
}

// lineBreaks counts the line breaks YAML sees in b: "\n", "\r\n" and a
// lone "\r".
func lineBreaks(b []byte) int {
	n := bytes.Count(b, []byte{'\n'})
	for i, c := range b {
		if c == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
			n++
		}
	}
	return n
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are go-yaml's parser (not scanner) messages. For these it
// reports the 0-based line of the construct being parsed, so one is added
// to get the line people see; scanner errors are already 1-based.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlContexts are the words go-yaml's errors leave out: what it was
// parsing or scanning when it met each problem. It reports the line where
// that construct starts, which for a collection may be far from the fault
// (a key indented one space too far, lines later: faultLater); for a
// scalar, the start is where to look (the quote that is not closed).
// Problems met in more than one context are not listed.
var yamlContexts = map[string]yamlContext{
	"did not find expected key":                                    {words: "while parsing a block mapping", faultLater: true},
	"did not find expected '-' indicator":                          {words: "while parsing a block sequence", faultLater: true},
	"did not find expected ',' or ']'":                             {words: "while parsing a flow sequence", faultLater: true, flow: true},
	"did not find expected ',' or '}'":                             {words: "while parsing a flow mapping", faultLater: true, flow: true},
	"found unexpected end of stream":                               {words: "while scanning a quoted scalar"},
	"found unexpected document indicator":                          {words: "while scanning a quoted scalar"},
	"found unknown escape character":                               {words: "while parsing a quoted scalar"},
	"did not find expected hexdecimal number":                      {words: "while parsing a quoted scalar"},
	"found invalid Unicode character escape code":                  {words: "while parsing a quoted scalar"},
	"could not find expected ':'":                                  {words: "while scanning a simple key"},
	"found a tab character that violates indentation":              {words: "while scanning a plain scalar"},
	"found a tab character where an indentation space is expected": {words: "while scanning a block scalar"},
	"found an indentation indicator equal to 0":                    {words: "while scanning a block scalar"},
	"did not find the expected '>'":                                {words: "while scanning a tag"},
}

type yamlContext struct {
	words      string
	faultLater bool // the fault may lie lines after the construct's start
	flow       bool // a flow collection: see faultLine
}

// faultLine is the line of doc (1-based) where the problem msg, reported
// by go-yaml at line start, lies: the shortest run of whole lines from the
// top that fails with the same problem ends there, and one line less must
// parse. 0 when that does not hold (the fault is not on one line). In a
// flow collection one line less ends inside it and cannot parse, and the
// fault may be on its first line (a bracket not closed).
func faultLine(doc []byte, start int, msg string, flow bool) int {
	lines := bytes.SplitAfter(doc, []byte{'\n'})
	parse := func(n int) error {
		var node yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:n], nil))).Decode(&node)
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
	fails := func(n int) bool {
		err := parse(n)
		if err == nil {
			return false
		}
		_, m := YAMLErrorLine(err)
		return m == msg
	}
	// Lines up to start hold no fault of this construct; all of them fail.
	lo, hi := start, len(lines)
	if flow {
		lo = start - 1
	}
	if start < 1 || lo >= hi {
		return 0
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if hi <= lo || !fails(hi) || (!flow && parse(hi-1) != nil) {
		return 0
	}
	return hi
}

// YAMLErrorLine splits a go-yaml error into its 1-based line (0 when it
// gives none) and message; readers of other files (kustomizations) use it
// too.
func YAMLErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			n++
		}
		return n, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// maxAliasExpansion bounds how many nodes aliases may add to a document
// when expanded. Decoders that expand aliases (kubectl, the API server's
// YAML-to-JSON step) refuse "excessive aliasing"; a document over the bound
// is an alias bomb ("billion laughs") and is reported, not read.
const maxAliasExpansion = 1_000_000

// walker makes node lines file-absolute, reports duplicate mapping keys
// (which the YAML library keeps silently), and measures what aliases would
// expand to without expanding them, so alias bombs cost nothing.
type walker struct {
	offset int
	file   *File
	// anchors holds the expanded size of each anchored node once walked;
	// made on the first anchor, as most documents have none.
	anchors map[*yaml.Node]int
	added   int  // nodes that expanding every alias would add
	refused bool // the document is reported and must not become objects
	// joined is set when the document was decoded in a stream with
	// others; foreign then records an alias to an anchor outside it.
	joined, foreign bool
	merges          bool // the document has merge keys (applyMerges)
}

// applyMerges does what kubectl's YAML reader (go-yaml v2, through
// sigs.k8s.io/yaml) does with merge keys ("<<: *base", "<<: [*a, *b]"):
// in document order, a merge sets the fields it brings, over any set
// before it (of a list of maps, the earlier map's win), and a later key
// overrides them. The
// mapping's content becomes the merged fields, the nodes shared with
// where they are written, so every reader sees what the API server
// receives. Merged maps were walked first (an anchor comes before its
// aliases, and the walk is depth-first), so they hold no merge keys
// themselves. Of two explicit keys the first is kept, as Get reads them
// (the reader reports the duplicate).
func (w *walker) applyMerges(m *yaml.Node) {
	has := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		has = has || isMergeKey(m.Content[i])
	}
	if !has {
		return
	}
	w.merges = true
	if !w.file.Source.MergeKeys {
		// Set once, when the source is first read: a fix reads the source
		// again (yamledit.DetectLayout) while other rules read the flag.
		w.file.Source.MergeKeys = true
	}
	type entry struct {
		key, value *yaml.Node
		explicit   bool
	}
	var out []entry
	at := map[string]int{}
	set := func(k, v *yaml.Node, explicit bool) {
		if k.Kind != yaml.ScalarNode {
			out = append(out, entry{k, v, explicit})
			return
		}
		i, ok := at[k.Value]
		switch {
		case !ok:
			at[k.Value] = len(out)
			out = append(out, entry{k, v, explicit})
		case !explicit || !out[i].explicit:
			out[i] = entry{k, v, explicit}
		}
	}
	mergeMap := func(src *yaml.Node) {
		if src = Deref(src); src != nil && src.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(src.Content); i += 2 {
				set(src.Content[i], src.Content[i+1], false)
			}
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMergeKey(k) {
			set(k, v, true)
			continue
		}
		if v = Deref(v); v != nil && v.Kind == yaml.SequenceNode {
			for j := len(v.Content) - 1; j >= 0; j-- {
				mergeMap(v.Content[j])
			}
		} else {
			mergeMap(v)
		}
	}
	content := make([]*yaml.Node, 0, 2*len(out))
	for _, e := range out {
		content = append(content, e.key, e.value)
	}
	m.Content = content
}

// isMergeKey reports a YAML merge key ("<<" as a plain scalar).
func isMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

// walk returns the number of nodes n stands for once aliases are expanded.
func (w *walker) walk(n *yaml.Node) int {
	n.Line += w.offset
	if n.Kind == yaml.AliasNode {
		size, ok := w.anchors[n.Alias]
		if !ok && w.joined { // maybe another document's anchor
			w.foreign = true
			return 1
		}
		if !ok { // go-yaml allows an alias inside the node it names
			w.refuse(n, "alias *%s is inside the node it names: the document is infinite when expanded, and kubectl refuses it", n.Value)
			return 1
		}
		if w.added <= maxAliasExpansion && w.added+size-1 > maxAliasExpansion {
			w.refuse(n, "aliases expand this document by more than %d nodes (an alias bomb): kubectl and the API server refuse excessive aliasing", maxAliasExpansion)
		}
		w.added = min(w.added+size-1, 1<<40)
		return size
	}
	size := 1
	for _, c := range n.Content {
		size = min(size+w.walk(c), 1<<40)
	}
	if n.Kind == yaml.MappingNode && len(n.Content) > 2 {
		w.checkDuplicates(n)
	}
	if n.Kind == yaml.MappingNode && !w.refused {
		w.applyMerges(n)
	}
	if n.Anchor != "" {
		if w.anchors == nil {
			w.anchors = map[*yaml.Node]int{}
		}
		w.anchors[n] = size
	}
	return size
}

func (w *walker) refuse(n *yaml.Node, format string, args ...any) {
	w.file.errorf(n.Line, n.Column, format+"; document not read", args...)
	w.refused = true
}

func (w *walker) checkDuplicates(m *yaml.Node) {
	// Small mappings are the rule; a quadratic scan beats a map there.
	if len(m.Content) <= 32 {
		for i := 2; i < len(m.Content); i += 2 {
			k := m.Content[i]
			for j := 0; j < i; j += 2 {
				if p := m.Content[j]; p.Kind == yaml.ScalarNode && k.Kind == yaml.ScalarNode && p.Value == k.Value {
					w.duplicate(k, p)
					break
				}
			}
		}
		return
	}
	seen := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if p, ok := seen[k.Value]; ok {
			w.duplicate(k, p)
			continue
		}
		seen[k.Value] = k
	}
}

func (w *walker) duplicate(k, first *yaml.Node) {
	w.file.errorf(k.Line, k.Column, "duplicate key %q (first at line %d): YAML tools disagree on which value wins; remove one", k.Value, first.Line)
}

// addObjects turns a document root into objects: itself, or the items of
// a List. anchored says the document has anchors, which pruning must
// leave alone (an alias may read any part of what they name).
func (f *File) addObjects(root *yaml.Node, docIndex int, anchored bool) {
	if root.Kind != yaml.MappingNode {
		return // a scalar or sequence document is not an object
	}
	apiVersion, kind := Get(root, "apiVersion").String(), Get(root, "kind").String()
	if apiVersion == "" && kind != "" {
		f.misspelledAPIVersion(root, kind)
	}
	if apiVersion == "" || kind == "" || IsKustomizeFile(apiVersion, kind) {
		return
	}
	items := Get(root, "items")
	if strings.HasSuffix(kind, "List") && items.Value != nil && items.Value.Kind == yaml.SequenceNode {
		for i, item := range items.Items() {
			if item.Kind != yaml.MappingNode {
				continue
			}
			iv, ik := Get(item, "apiVersion").String(), Get(item, "kind").String()
			if iv == "" || ik == "" {
				continue
			}
			f.addObject(item, docIndex, i, iv, ik, anchored)
		}
		return
	}
	f.addObject(root, docIndex, -1, apiVersion, kind, anchored)
}

// misspelledAPIVersion says, as a notice, that a document naming kind is
// skipped for want of apiVersion when one of its keys is apiVersion
// misspelled ("apiversion", "api_version"): otherwise the object would
// vanish from the bundle in silence.
func (f *File) misspelledAPIVersion(root *yaml.Node, kind string) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if strings.EqualFold(strings.NewReplacer("_", "", "-", "").Replace(k.Value), "apiversion") {
			f.Notices = append(f.Notices, Error{
				Pos:     Position{File: f.Source.Path, Line: k.Line, Col: k.Column},
				Message: fmt.Sprintf("document with kind %s has no apiVersion, so it is not read as an object: key %q at line %d should be apiVersion", kind, k.Value, k.Line),
			})
			return
		}
	}
}

// addObject adds the object at n, the document root or, when item >= 0,
// that item of a List, or counts it as skipped when no rule reads its kind.
func (f *File) addObject(n *yaml.Node, docIndex, item int, apiVersion, kind string, anchored bool) {
	if !Needed(kind) {
		f.Skipped++
		return
	}
	prefix := ""
	if item >= 0 {
		prefix = fmt.Sprintf("items[%d].", item)
	}
	o := newObject(f.Source, n, docIndex, prefix, apiVersion, kind)
	if kind == KindSecret && o.Group() == "" {
		f.secrets.addSecret(n, true)
	}
	f.Objects = append(f.Objects, o)
	f.pruneAndRead(o, anchored)
}

// pruneAndRead prunes a new object when pruning is on, and then reads
// what it defines for Build, while its nodes are still in the CPU's
// caches. Only pruned reads do this: nobody edits their nodes, whereas
// fix and admit change the objects they read before the bundle is built.
func (f *File) pruneAndRead(o *Object, anchored bool) {
	if !f.prune {
		return
	}
	if !anchored {
		prune(o.Node, o.Group(), o.Kind)
	}
	d := readDefinitions(o)
	o.defs = &d
	if !anchored {
		skeleton(o, &d)
		compact(o, &d)
	}
}

// chunk is the byte range of a document and the line it starts on.
type chunk struct{ start, end, line int }

// splitDocuments cuts data at "---" lines. A separator at column 0 ends a
// document even inside a block scalar, as in YAML itself, so this agrees
// with the parser while letting each document be sniffed on its own.
func splitDocuments(data []byte, start int) []chunk {
	var out []chunk
	cur, line := start, 1
	for _, sep := range separators(data, start) {
		// Directives ("%YAML 1.1") belong to the document whose marker
		// follows them.
		sep = directivesStart(data, cur, sep)
		if sep > cur {
			out = append(out, chunk{cur, sep, line})
		}
		line += bytes.Count(data[cur:sep], []byte{'\n'})
		cur = sep
	}
	if cur < len(data) {
		out = append(out, chunk{cur, len(data), line})
	}
	return out
}

// directivesStart returns where the directive lines right before the
// document marker at sep begin (comment and blank lines may come between
// them), or sep when there are none: "%YAML 1.1" then "---" is one
// document, which go-yaml refuses when given the directive alone. YAML
// allows directives only at the start of the stream or after a document
// end marker ("..."); anywhere else a '%' line is content, and is left
// with the document before it.
func directivesStart(data []byte, from, sep int) int {
	at := sep
	for end := sep; end > from; {
		begin := bytes.LastIndexByte(data[from:end-1], '\n') + 1 + from
		// A directive starts in column 0; an indented '%' is content (a
		// block scalar's line).
		switch line := bytes.TrimSpace(data[begin:end]); {
		case data[begin] == '%':
			at = begin
		case len(line) > 0 && line[0] != '#':
			if isMarker(data[begin:end], "...") {
				return at
			}
			return sep
		}
		end = begin
	}
	return at // only directives and comments since the stream's start
}

// isMarker reports whether b starts with a document marker line: marker
// ("---" to start a document, "..." to end one) followed by a blank or the
// end of the line.
func isMarker(b []byte, marker string) bool {
	n := len(marker)
	return bytes.HasPrefix(b, []byte(marker)) && (len(b) == n || b[n] == ' ' || b[n] == '\t' || b[n] == '\n' || b[n] == '\r')
}

// separators returns the offsets of the lines that are document start
// markers: "---" followed by a blank or the end of the line.
func separators(data []byte, start int) []int {
	var out []int
	if isMarker(data[start:], "---") {
		out = append(out, start)
	}
	for pos := start; ; {
		j := bytes.Index(data[pos:], []byte("\n---"))
		if j < 0 {
			return out
		}
		i := pos + j + 1
		if isMarker(data[i:], "---") {
			out = append(out, i)
		}
		pos = i
	}
}

// sniffKind finds a document's top-level kind without parsing it. certain
// is false whenever the document's shape could hide another answer (flow
// style, JSON, anchors, tags, quoted keys, merge keys, directives, line
// breaks other than LF and CRLF, a column-0 line that is no simple
// "key: value", more than one kind): such documents are parsed in full.
// It may be unsure, never wrong (FuzzSniffKind checks it against a parse).
func sniffKind(doc []byte) (kind string, certain bool) {
	if otherLineBreaks(doc) {
		return "", false // YAML ends lines there too: a column-0 key could hide after one
	}
	first := true
	found := false
	// kindGoesOn: an indented line after "kind: v" (blank and comment
	// lines between, too) would continue its plain scalar ("v w").
	kindGoesOn := false
	for len(doc) > 0 {
		var line []byte
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
		} else {
			line, doc = doc, nil
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1] // CRLF (a lone CR made the sniff unsure above)
		}
		if len(line) == 0 {
			continue
		}
		switch c := line[0]; {
		case c == ' ' || c == '\t':
			if first && len(bytes.TrimSpace(line)) > 0 && bytes.TrimSpace(line)[0] != '#' {
				return "", false // indented document root
			}
			if kindGoesOn && len(bytes.TrimSpace(line)) > 0 {
				return "", false
			}
			continue
		case c == '#':
			continue
		case c == '-':
			if bytes.HasPrefix(line, []byte("---")) {
				rest := bytes.TrimSpace(line[3:])
				if len(rest) > 0 && rest[0] != '#' {
					return "", false // content on the marker line
				}
				continue
			}
			return "", false // sequence document
		case c == '.' && bytes.HasPrefix(line, []byte("...")):
			return "", false // document end: more may follow
		case strings.IndexByte("{[&*!%?|>\"'@`<", c) >= 0:
			return "", false // "<" for a merge key ("<<: {kind: Secret}")
		}
		first = false
		kindGoesOn = false
		key, value, ok := splitKey(line)
		if !ok {
			return "", false
		}
		if string(key) != "kind" {
			if !oneLineValue(value) {
				return "", false // a value going on at column 0 could hold "kind:"
			}
			continue
		}
		if found {
			return "", false // duplicate kind: let the parser report it
		}
		found = true
		v, ok := plainValue(value)
		if !ok {
			return "", false
		}
		kind, kindGoesOn = v, true
	}
	return kind, true
}

// otherLineBreaks reports whether doc holds a line break YAML knows but
// the sniffer's line split does not: a CR not before LF, NEL, LS or PS.
func otherLineBreaks(doc []byte) bool {
	for rest := doc; ; {
		i := bytes.IndexByte(rest, '\r')
		if i < 0 {
			break
		}
		if i+1 == len(rest) || rest[i+1] != '\n' {
			return true
		}
		rest = rest[i+2:]
	}
	return bytes.Contains(doc, []byte("\u0085")) || bytes.Contains(doc, []byte("\u2028")) || bytes.Contains(doc, []byte("\u2029"))
}

// splitKey cuts a column-0 line "key: value" (a plain key, as the first
// character has been checked) at its first ": " or final ":"; the key loses
// the blanks YAML allows before the colon ("kind : Secret").
func splitKey(line []byte) (key, value []byte, ok bool) {
	for i := range line {
		if line[i] == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
			return nil, nil, false // a comment before any colon: no "key: value"
		}
		if line[i] == ':' && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t') {
			return bytes.TrimRight(line[:i], " \t"), line[i+1:], true
		}
	}
	return nil, nil, false // a plain scalar going on from an earlier line, or an error
}

// oneLineValue reports whether the value after a column-0 key ends on its
// line: empty (a block follows, indented), plain, quoted and closed, or a
// flow collection closed without quotes.
func oneLineValue(b []byte) bool {
	b = bytes.TrimSpace(stripComment(b))
	if len(b) == 0 {
		return true
	}
	switch b[0] {
	case '"', '\'':
		_, ok := plainValue(append([]byte{' '}, b...))
		return ok
	case '{', '[':
		if bytes.ContainsAny(b, "\"'") {
			return false
		}
		depth := 0
		for _, c := range b {
			switch c {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			if depth < 0 {
				return false
			}
		}
		return depth == 0
	}
	return true
}

// stripComment cuts a line at a "#" that follows a blank.
func stripComment(b []byte) []byte {
	for i := 1; i < len(b); i++ {
		if b[i] == '#' && (b[i-1] == ' ' || b[i-1] == '\t') {
			return b[:i]
		}
	}
	return b
}

// plainValue reads a simple scalar after "key:" on the same line; not a
// null ("kind: ~" has no kind).
func plainValue(b []byte) (string, bool) {
	b = bytes.TrimRight(b, " \t\r")
	if len(b) > 0 && b[0] != ' ' && b[0] != '\t' {
		return "", false // "kind:x" is not a key
	}
	b = bytes.TrimSpace(stripComment(b))
	if len(b) == 0 {
		return "", false // value on the next line, or null
	}
	if (b[0] == '"' || b[0] == '\'') && len(b) >= 2 && b[len(b)-1] == b[0] {
		inner := b[1 : len(b)-1]
		if bytes.ContainsAny(inner, "\\'\"") {
			return "", false
		}
		return string(inner), true
	}
	if strings.IndexByte("&*!|>{[\"'%@`", b[0]) >= 0 {
		return "", false
	}
	switch string(b) {
	case "~", "null", "Null", "NULL":
		return "", false
	}
	return string(b), true
}

// invalidUTF8 returns the offset of the first byte of b that does not
// start a valid UTF-8 sequence.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// lineCol converts byte offset off of data to a 1-based line and character
// column, counting from from, a line start at line fromLine (after a BOM
// for the first line).
func lineCol(data []byte, from, fromLine, off int) (line, col int) {
	line = fromLine + bytes.Count(data[from:off], []byte{'\n'})
	ls := from + bytes.LastIndexByte(data[from:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[ls:off])
}
