package mutate

import (
	"bytes"
	"errors"
	"io"
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
	sorted := sortedEdits(edits)
	docs := (&model.Source{Data: data}).Documents()
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
		if path := changedInRegion(data, edited, sorted, docs[i].Start, docs[j].End, i); path != "" {
			return path
		}
		i = j
	}
	return ""
}

// changedInRegion is changedOutsideEdits for the documents data[start:end]
// (the first of them document first+1), which hold every edit that
// touches them; sorted are all the edits, in order.
func changedInRegion(data, edited []byte, sorted []rules.TextEdit, start, end, first int) string {
	var oldRanges, newRanges [][2]int
	shift, newStart := 0, start
	for _, e := range sorted {
		delta := len(e.New) - (e.End - e.Start)
		switch {
		case e.End < start:
			newStart += delta
		case e.Start <= end:
			oldRanges = append(oldRanges, [2]int{e.Start - start, e.End - start})
			at := e.Start + shift - newStart
			newRanges = append(newRanges, [2]int{at, at + len(e.New)})
		}
		if e.Start <= end {
			shift += delta
		}
	}
	newEnd := end + shift
	before := leafValues(data[start:end], oldRanges, first)
	after := leafValues(edited[newStart:newEnd], newRanges, first)
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
	if len(changed) == 0 {
		return ""
	}
	sort.Strings(changed)
	return changed[0]
}

// leafValues maps the path of each scalar and alias of data's documents
// that starts outside every range to its tag and value. A document that
// does not parse is one value, "invalid".
func leafValues(data []byte, ranges [][2]int, first int) map[string]string {
	src := &model.Source{Data: data}
	// inEdit returns the index of a range overlapping [start, end), or -1.
	inEdit := func(start, end int) int {
		for i, r := range ranges {
			if r[0] < end && start < r[1] {
				return i
			}
		}
		return -1
	}
	out := map[string]string{}
	for docIndex, d := range src.Documents() {
		dec := yaml.NewDecoder(bytes.NewReader(data[d.Start:d.End]))
		for sub := 0; ; sub++ {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			prefix := "document " + strconv.Itoa(first+docIndex+1)
			if sub > 0 {
				prefix += "." + strconv.Itoa(sub)
			}
			if err != nil {
				out[prefix] = "invalid"
				break
			}
			offset := func(n *yaml.Node) int { return src.Offset(d.Line+n.Line-1, n.Column) }
			var walk func(n *yaml.Node, path string, depth int)
			walk = func(n *yaml.Node, path string, depth int) {
				if n == nil || depth > 10000 {
					return
				}
				switch n.Kind {
				case yaml.ScalarNode, yaml.AliasNode:
					// An empty value takes no bytes: it is the fix's only
					// inside text an edit replaced (an insertion right
					// where the parser put it is not about it).
					length := 1
					if n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value == "" {
						length = 0
					}
					if off := offset(n); inEdit(off, off+length) < 0 {
						out[path] = n.Tag + " " + n.Value
					}
				case yaml.DocumentNode:
					for _, c := range n.Content {
						walk(c, path, depth+1)
					}
				case yaml.MappingNode:
					for i := 0; i+1 < len(n.Content); i += 2 {
						k := n.Content[i]
						seg := k.Value
						if off := offset(k); inEdit(off, off+keyLength(k)) >= 0 {
							seg = "(edited key)"
						}
						walk(n.Content[i+1], path+"."+seg, depth+1)
					}
				default:
					for i, c := range n.Content {
						walk(c, path+"["+strconv.Itoa(i)+"]", depth+1)
					}
				}
			}
			walk(&doc, prefix+":", 0)
		}
	}
	return out
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
