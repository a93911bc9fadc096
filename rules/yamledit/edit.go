// Package yamledit is the edit toolkit rules use to build suggested fixes.
// Every function computes a byte edit from the parsed nodes and the source bytes:
// nothing is re-encoded, so comments, quoting, key order and every other
// document stay byte-identical. When a spot cannot be edited safely (an
// alias, an anchor, a multi-line plain scalar, a field sharing its line with
// other content) the function returns an *UnsafeEdit saying why, and the
// rule reports the finding without a fix.
package yamledit

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TextEdit replaces Source.Bytes()[Start:End] with New.
type TextEdit struct {
	Source     *model.Source
	Start, End int
	New        string
}

// UnsafeEdit explains why a fix was not computed.
type UnsafeEdit struct{ Reason string }

func (e *UnsafeEdit) Error() string { return e.Reason }

func unsafe(format string, args ...any) error {
	return &UnsafeEdit{Reason: fmt.Sprintf(format, args...)}
}

// Map is an ordered mapping of new content for AddField, AppendItem and
// NewDocument. Values are string, bool, int, Map or []any.
type Map []KV

// KV is one entry of a Map.
type KV struct {
	Key   string
	Value any
}

// Layout is the indentation style of a document, detected so that new
// lines look like their neighbours.
type Layout struct {
	// Indent is how much deeper a nested mapping's keys sit than its key.
	Indent int
	// SeqIndent is how much deeper a sequence's dash sits than its key:
	// 0 for the compact style ("key:\n- a"), usually Indent for the wide one.
	SeqIndent int
	// Gap is the number of spaces after a dash.
	Gap int
}

// DetectLayout reads the indentation style from root's block mappings and
// sequences (the most common offsets win). What root does not show (a
// ServiceAccount has no nested sequence) is read from the other documents
// of the file; defaults are kubectl's: 2 spaces, compact sequences.
func DetectLayout(src *model.Source, root *yaml.Node) Layout {
	// The edits that call it have loaded src (loaded); other callers
	// count what the file shows, not what a lint kept of it.
	_ = src.Load()
	root = model.Unpruned(src, root)
	maps, seqs, gaps := map[int]int{}, map[int]int{}, map[int]int{}
	countLayout(src, root, maps, seqs, gaps)
	if len(maps) == 0 || len(seqs) == 0 {
		for _, o := range model.Read(src).Objects {
			countLayout(src, o.Node, maps, seqs, gaps)
		}
	}
	l := Layout{Indent: mostCommon(maps, 2), SeqIndent: mostCommon(seqs, 0), Gap: mostCommon(gaps, 1)}
	if l.Gap < 1 {
		l.Gap = 1
	}
	return l
}

// countLayout tallies the indentation offsets of root's block collections.
func countLayout(src *model.Source, root *yaml.Node, maps, seqs, gaps map[int]int) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 || n.Kind == yaml.AliasNode {
			return
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Line <= k.Line || v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
					continue
				}
				switch v.Kind {
				case yaml.MappingNode:
					if d := v.Content[0].Column - k.Column; d > 0 {
						maps[d]++
					}
				case yaml.SequenceNode:
					first := v.Content[0]
					dash := dashColumn(src, first)
					if dash > 0 && dash >= k.Column {
						seqs[dash-k.Column]++
						gaps[first.Column-dash-1]++
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
}

func mostCommon(counts map[int]int, def int) int {
	best, n := def, 0
	for v, c := range counts {
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best
}

// dashColumn is the 1-based column of the "-" that introduces item, or 0
// when item is not the first thing after a lone dash on its line.
func dashColumn(src *model.Source, item *yaml.Node) int {
	start := src.LineStart(item.Line)
	prefix := src.Bytes()[start:src.Offset(item.Line, item.Column)]
	trimmed := bytes.TrimLeft(prefix, " ")
	if len(trimmed) < 2 || trimmed[0] != '-' || len(bytes.Trim(trimmed[1:], " ")) != 0 {
		return 0
	}
	return len(prefix) - len(trimmed) + 1
}

// RenameKey renames the mapping key node key, keeping its quoting.
func RenameKey(src *model.Source, key *yaml.Node, name string) (TextEdit, error) {
	start, end, err := scalarSpan(src, key)
	if err != nil {
		return TextEdit{}, err
	}
	switch key.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		start, end = start+1, end-1
	}
	return TextEdit{Source: src, Start: start, End: end, New: name}, nil
}

// ReplaceScalar replaces the scalar node n with text written as YAML
// (quoted when the plain form would not read back as the same string, or
// when n was quoted).
func ReplaceScalar(src *model.Source, n *yaml.Node, value string) (TextEdit, error) {
	start, end, err := scalarSpan(src, n)
	if err != nil {
		return TextEdit{}, err
	}
	text := scalarText(value, n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0)
	return TextEdit{Source: src, Start: start, End: end, New: text}, nil
}

// scalarSpan returns the byte range of a one-line scalar as written.
func scalarSpan(src *model.Source, n *yaml.Node) (int, int, error) {
	if err := loaded(src); err != nil {
		return 0, 0, err
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, 0, unsafe("the value is not a plain scalar")
	}
	if n.Anchor != "" {
		return 0, 0, unsafe("the value carries the YAML anchor &%s, which other places may reuse", n.Anchor)
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 {
		return 0, 0, unsafe("the value is a block scalar or carries a tag")
	}
	data := src.Bytes()
	start := src.Offset(n.Line, n.Column)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := byte('"')
		if n.Style == yaml.SingleQuotedStyle {
			q = '\''
		}
		if start >= len(data) || data[start] != q {
			return 0, 0, unsafe("the quoted value is not where the parser put it")
		}
		end, err := quotedEnd(data, start)
		if err != nil {
			return 0, 0, err
		}
		if bytes.IndexByte(data[start:end], '\n') >= 0 {
			return 0, 0, unsafe("the quoted value spans several lines")
		}
		return start, end, nil
	case 0:
		end := start + len(n.Value)
		if end > len(data) || string(data[start:end]) != n.Value {
			return 0, 0, unsafe("the value is a multi-line plain scalar")
		}
		return start, end, nil
	}
	return 0, 0, unsafe("the value's style cannot be edited")
}

// quotedEnd is the offset just past the quoted scalar that opens at start
// (with its quote character), across lines.
func quotedEnd(data []byte, start int) (int, error) {
	q := data[start]
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			if q == '\'' && i+1 < len(data) && data[i+1] == '\'' {
				i++
				continue
			}
			return i + 1, nil
		}
	}
	return 0, unsafe("the quoted value is not closed")
}

// EditablePath checks that target can be edited without changing anything
// else: it must be reached from root without going through an alias, and
// neither it nor a mapping on the way may carry an anchor that aliases
// elsewhere could reuse.
func EditablePath(root, target *yaml.Node) error {
	var path []*yaml.Node
	var find func(n *yaml.Node, depth int) bool
	find = func(n *yaml.Node, depth int) bool {
		if n == nil || depth > 100 || n.Kind == yaml.AliasNode {
			return false
		}
		path = append(path, n)
		if n == target {
			return true
		}
		for _, c := range n.Content {
			if find(c, depth+1) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !find(root, 0) {
		return unsafe("the field is reached through a YAML alias, so editing it would change every place that reuses it")
	}
	for _, n := range path {
		if n.Anchor != "" {
			return unsafe("the field is inside the YAML anchor &%s, which other places may reuse", n.Anchor)
		}
	}
	return nil
}

// loaded makes src hold its bytes (a lint releases them once read:
// model.Source.Release). Every edit function calls it before it reads
// src.Bytes(); when the file cannot be read again or no longer holds what
// was read, the edit is not computed.
func loaded(src *model.Source) error {
	if err := src.Load(); err != nil {
		if errors.Is(err, model.ErrChanged) {
			return unsafe("%s changed on disk since salint read it", src.Path)
		}
		return unsafe("%v", err)
	}
	if loneCR(src.Bytes()) {
		// YAML counts a lone "\r" as a line break and model.Source does
		// not, so the parser's positions would not be these bytes'.
		return unsafe("%s breaks lines with a lone carriage return (old Mac style), so salint cannot place an edit", src.Path)
	}
	return nil
}

// loneCR reports a "\r" not followed by "\n" in data.
func loneCR(data []byte) bool {
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 == len(data) || data[i+1] != '\n' {
			return true
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// rawValue returns the value node that follows key in mapping m, without
// following aliases, and the key's index.
func rawValue(m, key *yaml.Node) (*yaml.Node, int) {
	if m == nil {
		return nil, -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == key {
			return m.Content[i+1], i
		}
	}
	return nil, -1
}

// DeleteField removes the field whose key node is key from mapping m. In
// block style the field's whole line goes, with its same-line comment; in
// flow style (and JSON) the pair goes with the comma on its right (or, for
// the last pair, on its left). Only fields with a one-line scalar value are
// deleted; comments above the field are kept.
func DeleteField(src *model.Source, m, key *yaml.Node) (TextEdit, error) {
	if err := loaded(src); err != nil {
		return TextEdit{}, err
	}
	val, idx := rawValue(m, key)
	if val == nil {
		return TextEdit{}, errors.New("DeleteField: key not in mapping")
	}
	if val.Anchor != "" {
		return TextEdit{}, unsafe("the value defines the YAML anchor &%s, which other places may use", val.Anchor)
	}
	if key.Kind != yaml.ScalarNode {
		return TextEdit{}, unsafe("the key is not a scalar")
	}
	if m.Style&yaml.FlowStyle != 0 {
		return deleteFlowPair(src, m, idx)
	}
	if len(m.Content) == 2 {
		return TextEdit{}, unsafe("it is the only field of its mapping")
	}
	keyStart := src.Offset(key.Line, key.Column)
	lineStart := src.LineStart(key.Line)
	if len(bytes.Trim(src.Bytes()[lineStart:keyStart], " ")) != 0 {
		return TextEdit{}, unsafe("the field shares its line with other content")
	}
	valEnd, err := valueEnd(src, val)
	if err != nil {
		return TextEdit{}, err
	}
	if src.LineOf(valEnd) != key.Line {
		return TextEdit{}, unsafe("the value does not end on the key's line")
	}
	if !restIsComment(src.Bytes()[valEnd:src.LineEnd(key.Line)]) {
		return TextEdit{}, unsafe("the field shares its line with other content")
	}
	return TextEdit{Source: src, Start: lineStart, End: src.LineEnd(key.Line), New: ""}, nil
}

// valueEnd is the byte offset just past a one-line scalar or alias value
// (or an empty value).
func valueEnd(src *model.Source, val *yaml.Node) (int, error) {
	switch {
	case val.Kind == yaml.AliasNode:
		start := src.Offset(val.Line, val.Column)
		end := start + 1 + len(val.Value)
		if end > len(src.Bytes()) || src.Bytes()[start] != '*' {
			return 0, unsafe("the alias is not where the parser put it")
		}
		return end, nil
	case val.Kind == yaml.ScalarNode && val.Style == 0 && val.Value == "":
		// An empty value: the parser puts it after the colon.
		return src.Offset(val.Line, val.Column), nil
	case val.Kind == yaml.ScalarNode:
		_, end, err := scalarSpan(src, val)
		return end, err
	}
	return 0, unsafe("the value is a mapping or a sequence")
}

// restIsComment reports whether b (the rest of a line) is only blanks and
// an optional comment.
func restIsComment(b []byte) bool {
	b = bytes.TrimLeft(b, " \t")
	return len(b) == 0 || b[0] == '#' || b[0] == '\n' || b[0] == '\r'
}

// deleteFlowPair removes pair idx (its key index) of flow mapping m.
func deleteFlowPair(src *model.Source, m *yaml.Node, idx int) (TextEdit, error) {
	data := src.Bytes()
	key, val := m.Content[idx], m.Content[idx+1]
	start := src.Offset(key.Line, key.Column)
	if key.Style == yaml.DoubleQuotedStyle || key.Style == yaml.SingleQuotedStyle || key.Style == 0 {
		if s, _, err := scalarSpan(src, key); err != nil || s != start {
			return TextEdit{}, unsafe("the key is not where the parser put it")
		}
	}
	end, err := nodeEnd(src, val)
	if err != nil {
		return TextEdit{}, err
	}
	if idx+2 < len(m.Content) {
		// Not the last pair: take the comma on the right and the blanks up
		// to the next key, so "a: 1, b: 2" becomes "b: 2".
		comma, ok := skipBlanks(data, end)
		if !ok || comma >= len(data) || data[comma] != ',' {
			return TextEdit{}, unsafe("unexpected text after the value")
		}
		next := src.Offset(m.Content[idx+2].Line, m.Content[idx+2].Column)
		return TextEdit{Source: src, Start: start, End: next}, nil
	}
	if idx == 0 {
		// The only pair: leave "{}".
		open := src.Offset(m.Line, m.Column)
		closeAt, err := flowClose(src, m)
		if err != nil {
			return TextEdit{}, err
		}
		return TextEdit{Source: src, Start: open + 1, End: closeAt}, nil
	}
	// The last pair: take the comma on its left.
	prevEnd, err := nodeEnd(src, m.Content[idx-1])
	if err != nil {
		return TextEdit{}, err
	}
	comma, ok := skipBlanks(data, prevEnd)
	if !ok || data[comma] != ',' {
		return TextEdit{}, unsafe("unexpected text between the pairs")
	}
	return TextEdit{Source: src, Start: comma, End: end}, nil
}

// skipBlanks returns the first offset at or after i that is not a blank or
// a line break; ok is false when a comment is in the way.
func skipBlanks(data []byte, i int) (int, bool) {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '#':
			return i, false
		default:
			return i, true
		}
	}
	return i, true
}

// nodeEnd is the offset just past a flow node or a one-line scalar.
func nodeEnd(src *model.Source, n *yaml.Node) (int, error) {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle == 0 {
			return 0, unsafe("a block collection inside a flow collection")
		}
		c, err := flowClose(src, n)
		return c + 1, err
	}
	return valueEnd(src, n)
}

// flowClose returns the offset of the bracket that closes the flow
// collection n, skipping quoted strings and comments.
func flowClose(src *model.Source, n *yaml.Node) (int, error) {
	data := src.Bytes()
	start := src.Offset(n.Line, n.Column)
	if start >= len(data) || (data[start] != '{' && data[start] != '[') {
		return 0, unsafe("the collection is not where the parser put it")
	}
	depth := 0
	for i := start; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i, nil
			}
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(data); i++ {
				if data[i] == '\'' {
					if i+1 < len(data) && data[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n') {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, unsafe("the collection is not closed")
}

// blockEndLine returns the last line that belongs to the block content
// starting on line `from` whose own indentation is indent (in spaces):
// following lines indented deeper belong to it, and so do sequence dashes
// at the same indentation when seqAtIndent is set (the compact style).
// Comments and blank lines count only when deeper content follows them.
func blockEndLine(src *model.Source, from, indent int, seqAtIndent bool) int {
	data := src.Bytes()
	last := from
	for line := from + 1; ; line++ {
		start := src.LineStart(line)
		if start >= len(data) {
			return last
		}
		text := data[start:src.LineEnd(line)]
		trimmed := bytes.TrimLeft(text, " ")
		ind := len(text) - len(trimmed)
		body := bytes.TrimRight(trimmed, "\r\n")
		switch {
		case len(body) == 0 || body[0] == '#':
			continue // decided by what follows
		case ind == 0 && (bytes.HasPrefix(body, []byte("---")) || bytes.HasPrefix(body, []byte("..."))):
			return last
		case ind > indent:
			last = line
		case ind == indent && seqAtIndent && body[0] == '-' && (len(body) == 1 || body[1] == ' '):
			last = line
		default:
			return last
		}
	}
}

// contentEndLine is blockEndLine for block content whose last node is
// last, made sure to reach the line where the parser ended last: a quoted
// scalar or a flow collection may continue on lines that are not indented
// deeper (a continuation at the dash's column), which indentation alone
// would cut in two.
func contentEndLine(src *model.Source, from, indent int, seqAtIndent bool, last *yaml.Node) (int, error) {
	end := blockEndLine(src, from, indent, seqAtIndent)
	nodeEnd, err := nodeEndLine(src, last)
	if err != nil {
		return 0, err
	}
	if nodeEnd > end {
		end = blockEndLine(src, nodeEnd, indent, seqAtIndent)
	}
	return end, nil
}

// nodeEndLine is the line where the parser ended n: the line of its
// closing quote or bracket, or that of its last descendant. Plain and
// block scalars, which end where the indentation drops, end on their
// first line here; blockEndLine finds the rest.
func nodeEndLine(src *model.Source, n *yaml.Node) (int, error) {
	for depth := 0; n != nil && depth < 10000; depth++ {
		switch {
		case (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle != 0:
			c, err := flowClose(src, n)
			return src.LineOf(c), err
		case (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0:
			n = n.Content[len(n.Content)-1]
		case n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			start := src.Offset(n.Line, n.Column)
			if start >= len(src.Bytes()) || (src.Bytes()[start] != '"' && src.Bytes()[start] != '\'') {
				return 0, unsafe("the quoted value is not where the parser put it")
			}
			end, err := quotedEnd(src.Bytes(), start)
			return src.LineOf(end - 1), err
		default:
			return n.Line, nil
		}
	}
	return 0, unsafe("the value is nested too deeply")
}

// keepsTrailingLines reports whether n ends with a block scalar whose
// header keeps trailing blank lines ("|+", ">+"): new lines inserted after
// its last text line would cut those blank lines out of its value.
func keepsTrailingLines(src *model.Source, n *yaml.Node) bool {
	if n = model.TrailingBlockScalar(n); n == nil {
		return false
	}
	start := src.Offset(n.Line, n.Column)
	header := src.Bytes()[start:src.LineEnd(n.Line)]
	if i := bytes.IndexByte(header, '#'); i >= 0 {
		header = header[:i]
	}
	return bytes.IndexByte(header, '+') >= 0
}

// insertAfterLine builds an edit that inserts lines (each ending in "\n")
// after line, converting line breaks to the source's.
func insertAfterLine(src *model.Source, line int, lines string) TextEdit {
	nl := src.Newline()
	at := src.LineEnd(line)
	text := strings.ReplaceAll(lines, "\n", nl)
	if at == len(src.Bytes()) && at > 0 && src.Bytes()[at-1] != '\n' {
		// The file does not end with a line break: keep it so.
		text = nl + strings.TrimSuffix(text, nl)
	}
	return TextEdit{Source: src, Start: at, End: at, New: text}
}

// growable checks what AddField and AppendItem need before they add to
// collection n: a node of that kind, on a path that may be edited, in a
// source whose bytes are loaded.
func growable(src *model.Source, root, n *yaml.Node, kind yaml.Kind, wrongKind string) error {
	if n == nil || n.Kind != kind {
		return errors.New(wrongKind)
	}
	if err := EditablePath(root, n); err != nil {
		return err
	}
	return loaded(src)
}

// AddField adds key: value at the end of mapping m. root is the object's
// document root, read for the indentation style.
func AddField(src *model.Source, root, m *yaml.Node, key string, value any) (TextEdit, error) {
	if err := growable(src, root, m, yaml.MappingNode, "AddField: not a mapping"); err != nil {
		return TextEdit{}, err
	}
	if m.Style&yaml.FlowStyle != 0 {
		pair := jsonText(key) + ": " + flowText(value)
		return appendFlow(src, m, []string{pair}, 2)
	}
	if len(m.Content) == 0 {
		return TextEdit{}, unsafe("the mapping is empty")
	}
	lastKey := m.Content[len(m.Content)-2]
	lastVal := m.Content[len(m.Content)-1]
	indent := m.Content[0].Column - 1
	if lastKey.Column-1 != indent {
		return TextEdit{}, unsafe("the mapping's keys are not aligned")
	}
	if keepsTrailingLines(src, lastVal) {
		return TextEdit{}, unsafe("the mapping ends with a block scalar that keeps its trailing blank lines (|+)")
	}
	end, err := contentEndLine(src, lastKey.Line, indent, lastVal.Kind == yaml.SequenceNode && lastVal.Style&yaml.FlowStyle == 0, lastVal)
	if err != nil {
		return TextEdit{}, err
	}
	l := DetectLayout(src, root)
	var b strings.Builder
	writeBlockField(&b, indent, key, value, l)
	return insertAfterLine(src, end, b.String()), nil
}

// AppendItem appends values to sequence seq, in the style of its items,
// as one edit.
func AppendItem(src *model.Source, root, seq *yaml.Node, values ...any) (TextEdit, error) {
	if err := growable(src, root, seq, yaml.SequenceNode, "AppendItem: not a sequence"); err != nil {
		return TextEdit{}, err
	}
	if seq.Style&yaml.FlowStyle != 0 {
		texts := make([]string, len(values))
		for i, v := range values {
			texts[i] = flowText(v)
		}
		return appendFlow(src, seq, texts, 1)
	}
	if len(seq.Content) == 0 {
		return TextEdit{}, unsafe("the sequence is empty")
	}
	last := seq.Content[len(seq.Content)-1]
	dash := dashColumn(src, last)
	if dash == 0 {
		return TextEdit{}, unsafe("the last item does not start its own line")
	}
	if keepsTrailingLines(src, last) {
		return TextEdit{}, unsafe("the last item ends with a block scalar that keeps its trailing blank lines (|+)")
	}
	gap := last.Column - dash - 1
	end, err := contentEndLine(src, last.Line, dash-1, false, last)
	if err != nil {
		return TextEdit{}, err
	}
	var b strings.Builder
	l := DetectLayout(src, root)
	for _, v := range values {
		writeBlockItem(&b, dash-1, gap, v, l)
	}
	return insertAfterLine(src, end, b.String()), nil
}

// appendFlow inserts texts as the last entries of flow collection n, whose
// entries take `per` nodes each (2 for a mapping, 1 for a sequence). The
// separator copies the one already used between entries, so JSON keeps
// its one-entry-per-line layout.
func appendFlow(src *model.Source, n *yaml.Node, texts []string, per int) (TextEdit, error) {
	closeAt, err := flowClose(src, n)
	if err != nil {
		return TextEdit{}, err
	}
	if len(n.Content) == 0 {
		return TextEdit{Source: src, Start: closeAt, End: closeAt, New: strings.Join(texts, ", ")}, nil
	}
	data := src.Bytes()
	lastEnd, err := nodeEnd(src, n.Content[len(n.Content)-1])
	if err != nil {
		return TextEdit{}, err
	}
	if _, ok := skipBlanks(data, lastEnd); !ok {
		return TextEdit{}, unsafe("a comment follows the last entry")
	}
	sep := " "
	if len(n.Content) >= 2*per {
		firstEnd, err := nodeEnd(src, n.Content[per-1])
		if err != nil {
			return TextEdit{}, err
		}
		comma, ok := skipBlanks(data, firstEnd)
		next := src.Offset(n.Content[per].Line, n.Content[per].Column)
		if ok && comma < next && data[comma] == ',' {
			sep = string(data[comma+1 : next])
		}
	} else {
		open := src.Offset(n.Line, n.Column)
		first := src.Offset(n.Content[0].Line, n.Content[0].Column)
		if ws := string(data[open+1 : first]); strings.Contains(ws, "\n") && strings.Trim(ws, " \t\r\n") == "" {
			sep = ws
		}
	}
	return TextEdit{Source: src, Start: lastEnd, End: lastEnd, New: "," + sep + strings.Join(texts, ","+sep)}, nil
}

// NewDocument appends a YAML document to the end of src. It refuses JSON
// files, where a "---" would end the JSON.
func NewDocument(src *model.Source, doc Map) (TextEdit, error) {
	if err := loaded(src); err != nil {
		return TextEdit{}, err
	}
	data := bytes.TrimLeft(src.Bytes(), "\xef\xbb\xbf \t\r\n")
	if len(data) > 0 && (data[0] == '{' || data[0] == '[') {
		return TextEdit{}, unsafe("%s is a JSON file; a YAML document cannot be appended to it", src.Path)
	}
	var b strings.Builder
	if n := len(src.Bytes()); n > 0 && src.Bytes()[n-1] != '\n' {
		b.WriteString("\n")
	}
	trimmed := bytes.TrimRight(src.Bytes(), " \t\r\n")
	if !bytes.HasSuffix(trimmed, []byte("\n---")) && !bytes.Equal(trimmed, []byte("---")) && len(trimmed) > 0 {
		b.WriteString("---\n")
	}
	l := DetectLayout(src, nil)
	for _, kv := range doc {
		writeBlockField(&b, 0, kv.Key, kv.Value, l)
	}
	at := len(src.Bytes())
	return TextEdit{Source: src, Start: at, End: at, New: strings.ReplaceAll(b.String(), "\n", src.Newline())}, nil
}

func writeBlockField(b *strings.Builder, indent int, key string, value any, l Layout) {
	pad := strings.Repeat(" ", indent)
	b.WriteString(pad + scalarText(key, false) + ":")
	switch v := value.(type) {
	case Map:
		if len(v) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		for _, kv := range v {
			writeBlockField(b, indent+l.Indent, kv.Key, kv.Value, l)
		}
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		for _, item := range v {
			writeBlockItem(b, indent+l.SeqIndent, l.Gap, item, l)
		}
	default:
		b.WriteString(" " + flowText(v) + "\n")
	}
}

func writeBlockItem(b *strings.Builder, dashIndent, gap int, value any, l Layout) {
	pad := strings.Repeat(" ", dashIndent) + "-" + strings.Repeat(" ", gap)
	inner := dashIndent + 1 + gap
	switch v := value.(type) {
	case Map:
		if len(v) == 0 {
			b.WriteString(pad + "{}\n")
			return
		}
		var sub strings.Builder
		for _, kv := range v {
			writeBlockField(&sub, inner, kv.Key, kv.Value, l)
		}
		b.WriteString(pad + sub.String()[inner:])
	default:
		b.WriteString(pad + flowText(v) + "\n")
	}
}

// flowText writes a value in JSON, which is valid YAML flow style and so
// fits a JSON file, a flow collection and a block scalar position alike;
// plain strings stay plain when that reads back as the same string.
func flowText(v any) string {
	switch v := v.(type) {
	case string:
		return scalarText(v, false)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case Map:
		parts := make([]string, len(v))
		for i, kv := range v {
			parts[i] = jsonText(kv.Key) + ": " + jsonValue(kv.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = jsonValue(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	panic(fmt.Sprintf("flowText: unsupported %T", v))
}

// jsonValue is flowText with strings always quoted (inside JSON-style
// collections).
func jsonValue(v any) string {
	if s, ok := v.(string); ok {
		return jsonText(s)
	}
	return flowText(v)
}

func jsonText(s string) string { return strconv.Quote(s) }

var plainSafe = regexp.MustCompile(`^[A-Za-z_][-A-Za-z0-9_./]*$`)

var yamlWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "~": true,
}

// scalarText writes s as a YAML scalar: plain when that reads back as the
// same string, else double-quoted.
func scalarText(s string, quoted bool) string {
	if !quoted && plainSafe.MatchString(s) && !yamlWords[strings.ToLower(s)] {
		return s
	}
	return jsonText(s)
}
