package mutate

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// changedOutsideEdits returns the path of a value that parses differently
// in data and in edited (data with edits applied) although no edit touched
// it, or "". A fix may change only what its edits replace or insert: a
// still valid file whose other values moved (a new item inserted inside a
// quoted string) is as wrong as an invalid one.
//
// Values are compared by path (document index, keys, item indexes), so a
// fix may append items and fields and documents; a scalar or alias whose
// start lies in text an edit replaced (or, in edited, in text it wrote) is
// the fix's own. A key an edit renames stands in paths as "(edited key)",
// so the values under a renamed key compare with their old selves.
//
// Only the documents an edit touches (or borders) are parsed: the others
// are the same bytes in edited, cut at the same "---" lines.
func changedOutsideEdits(data, edited []byte, edits []rules.TextEdit) string {
	return newStructureCheck(data, edits, model.NewSource("", edited)).changed()
}

// structureCheck is changedOutsideEdits in two steps, so that the edited
// file's values can be taken from the parse that reads it (decoded, as
// model.ReadOptions.Decoded) instead of parsing it again.
type structureCheck struct {
	data    []byte
	edited  *model.Source
	regions []region
	// chunks are the edited documents of every region by their start in
	// edited; decoded fills in their values.
	chunks map[int]*editedChunk
}

// region is a run of documents that edits touch: data[oldStart:oldEnd],
// edited.Bytes()[newStart:newEnd], the first of them document first+1.
type region struct {
	first, oldStart, oldEnd, newStart, newEnd int
	// oldRanges and newRanges are the edits' bytes, relative to the
	// region's start, before and after.
	oldRanges, newRanges [][2]int
	chunks               []*editedChunk
}

// editedChunk is one document of a region in edited, as
// model.Source.Documents cuts it.
type editedChunk struct {
	region    *region
	end, line int // end in edited, line within the region
	number    int // its document number in paths
	values    map[string]value
	read      bool // decoded recorded it (every document of it)
}

func newStructureCheck(data []byte, edits []rules.TextEdit, edited *model.Source) *structureCheck {
	c := &structureCheck{data: data, edited: edited, chunks: map[int]*editedChunk{}}
	sorted := sortedEdits(edits)
	docs := (model.NewSource("", data)).Documents()
	touches := func(e rules.TextEdit, d model.DocumentRange) bool { return e.Start <= d.End && e.End >= d.Start }
	for i := 0; i < len(docs); i++ {
		if !slices.ContainsFunc(sorted, func(e rules.TextEdit) bool { return touches(e, docs[i]) }) {
			continue
		}
		// The run of touched documents from i, as one region.
		j := i
		for j+1 < len(docs) && slices.ContainsFunc(sorted, func(e rules.TextEdit) bool { return touches(e, docs[j+1]) }) {
			j++
		}
		c.regions = append(c.regions, newRegion(sorted, docs[i].Start, docs[j].End, i))
		i = j
	}
	for i := range c.regions {
		r := &c.regions[i]
		for k, d := range (model.NewSource("", edited.Bytes()[r.newStart:r.newEnd])).Documents() {
			ch := &editedChunk{region: r, end: r.newStart + d.End, line: d.Line, number: r.first + k + 1}
			r.chunks = append(r.chunks, ch)
			c.chunks[r.newStart+d.Start] = ch
		}
	}
	return c
}

// newRegion is the region of the documents data[start:end] (the first of
// them document first+1), which hold every edit that touches them; sorted
// are all the edits, in order.
func newRegion(sorted []rules.TextEdit, start, end, first int) region {
	r := region{first: first, oldStart: start, oldEnd: end, newStart: start}
	shift := 0
	for _, e := range sorted {
		delta := len(e.New) - (e.End - e.Start)
		switch {
		case e.End < start:
			r.newStart += delta
		case e.Start <= end:
			r.oldRanges = append(r.oldRanges, [2]int{e.Start - start, e.End - start})
			at := e.Start + shift - r.newStart
			r.newRanges = append(r.newRanges, [2]int{at, at + len(e.New)})
		}
		if e.Start <= end {
			shift += delta
		}
	}
	r.newEnd = end + shift
	return r
}

// decoded records the values of an edited document that model.Read
// decoded, as model.ReadOptions.Decoded.
func (c *structureCheck) decoded(d model.DecodedDocument) {
	ch := c.chunks[d.Start]
	if ch == nil || ch.end != d.End {
		return
	}
	if d.Index == 0 {
		ch.values = map[string]value{}
	}
	ch.read = true
	prefix := docPrefix(ch.number, d.Index)
	if d.Node == nil {
		ch.values[prefix] = invalid
		return
	}
	r := ch.region
	offset := func(n *yaml.Node) int { return c.edited.Offset(d.LineOffset+n.Line, n.Column) - r.newStart }
	addValues(ch.values, d.Node, prefix, offset, r.newRanges)
}

// changed returns the first path, in order, of a value that changed in a
// region, or "".
func (c *structureCheck) changed() string {
	for i := range c.regions {
		r := &c.regions[i]
		before := leafValues(c.data[r.oldStart:r.oldEnd], r.oldRanges, r.first)
		after := c.editedValues(r)
		var changed []string
		for path, v := range before {
			if after[path] != v {
				changed = append(changed, path)
			}
		}
		for path := range after {
			if _, ok := before[path]; !ok {
				changed = append(changed, path)
			}
		}
		if len(changed) > 0 {
			sort.Strings(changed)
			return changed[0]
		}
	}
	return ""
}

// editedValues are the values of region r in edited: those decoded
// recorded when it recorded every document of r, else parsed here.
func (c *structureCheck) editedValues(r *region) map[string]value {
	for _, ch := range r.chunks {
		if !ch.read {
			return leafValues(c.edited.Bytes()[r.newStart:r.newEnd], r.newRanges, r.first)
		}
	}
	if len(r.chunks) == 1 {
		return r.chunks[0].values
	}
	out := map[string]value{}
	for _, ch := range r.chunks {
		maps.Copy(out, ch.values)
	}
	return out
}

// leafValues maps the path of each scalar and alias of data's documents
// that starts outside every range to its tag and value. A document that
// does not parse is one value, "invalid".
func leafValues(data []byte, ranges [][2]int, first int) map[string]value {
	src := model.NewSource("", data)
	out := map[string]value{}
	for docIndex, d := range src.Documents() {
		dec := yaml.NewDecoder(bytes.NewReader(data[d.Start:d.End]))
		for sub := 0; ; sub++ {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			prefix := docPrefix(first+docIndex+1, sub)
			if err != nil {
				out[prefix] = invalid
				break
			}
			addValues(out, &doc, prefix, func(n *yaml.Node) int { return src.Offset(d.Line+n.Line-1, n.Column) }, ranges)
		}
	}
	return out
}

// value is a scalar's or alias's tag and value.
type value struct{ tag, text string }

// invalid stands for a document that does not parse.
var invalid = value{text: "invalid"}

// docPrefix names document number (its sub-th in its text) in paths.
func docPrefix(number, sub int) string {
	prefix := "document " + strconv.Itoa(number)
	if sub > 0 {
		prefix += "." + strconv.Itoa(sub)
	}
	return prefix
}

// addValues adds to out the values of doc that start outside every range,
// under prefix; offset is a node's position in the ranges' text.
func addValues(out map[string]value, doc *yaml.Node, prefix string, offset func(*yaml.Node) int, ranges [][2]int) {
	// inEdit reports whether a range overlaps [start, end).
	inEdit := func(start, end int) bool {
		for _, r := range ranges {
			if r[0] < end && start < r[1] {
				return true
			}
		}
		return false
	}
	// path grows as the walk descends: only a value's path is copied.
	var walk func(n *yaml.Node, path []byte, depth int)
	walk = func(n *yaml.Node, path []byte, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode, yaml.AliasNode:
			// An empty value takes no bytes: it is the fix's only
			// inside text an edit replaced (an insertion right
			// where the parser put it is not about it).
			length := 1
			if isEmpty(n) {
				length = 0
			}
			if off := offset(n); !inEdit(off, off+length) {
				out[string(path)] = value{n.Tag, n.Value}
			}
		case yaml.DocumentNode:
			// An empty document ("---" and nothing, or only
			// comments) holds no value to keep: a new document
			// appended after a trailing "---" is written into it
			// (rules.NewDocument).
			if len(n.Content) == 1 && isEmpty(n.Content[0]) {
				return
			}
			for _, c := range n.Content {
				walk(c, path, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				seg := k.Value
				if off := offset(k); inEdit(off, off+keyLength(k)) {
					seg = "(edited key)"
				}
				walk(n.Content[i+1], append(append(path, '.'), seg...), depth+1)
			}
		default:
			for i, c := range n.Content {
				walk(c, append(strconv.AppendInt(append(path, '['), int64(i), 10), ']'), depth+1)
			}
		}
	}
	walk(doc, append(make([]byte, 0, 256), prefix+":"...), 0)
}

// isEmpty reports whether n is an empty value, which takes no bytes.
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value == ""
}

// sortedEdits returns edits in the order Apply applies them.
func sortedEdits(edits []rules.TextEdit) []rules.TextEdit {
	sorted := append([]rules.TextEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End < sorted[j].End
	})
	return sorted
}

// describePath makes a leafValues path readable: "document 2: spec.x[0]".
func describePath(path string) string {
	return strings.Replace(path, ":.", ": ", 1)
}

// keyLength is about the length of key k as written, at least 1: its value
// and, quoted, its quotes (RenameKey edits inside them; escapes are not
// counted, an edit inside is still seen).
func keyLength(k *yaml.Node) int {
	n := max(1, len(k.Value))
	if k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		n += 2
	}
	return n
}
