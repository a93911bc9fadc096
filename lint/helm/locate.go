package helm

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/salint/salint/rules/model"
)

// renderer reads a chart's rendered templates into the model.
type renderer struct {
	dir, chartName string
	namespace      string                      // the release's
	templates      map[string]*model.Source    // by Helm's template name
	sorted         []*model.Source             // templates by name: where defines are looked for
	values         map[string]origin           // dotted value path: where it was set
	readers        map[string][]model.Position // dotted value path: the template lines reading it; by readersOf
	files          *valueFiles                 // the values files a fix may edit
	// advice memoizes valueAdvice by template line and values prefix: a
	// line is met once per object it renders (a range: many).
	advice map[adviceKey]advice
}

type adviceKey struct {
	file         string
	line         int
	valuesPrefix string
}

// advice is what valueAdvice says of a template line, and the values
// path the line writes as it is when nothing else reads it ("" if not).
type advice struct{ text, sole string }

// read turns the rendered text of one template into a built file located
// in the template, or nil when it rendered nothing.
func (r *renderer) read(name, output string) *model.File {
	src := r.templates[name]
	if src == nil || path.Base(name) == "NOTES.txt" || strings.TrimSpace(output) == "" {
		return nil
	}
	rendered := model.Read(model.NewSource(src.Path, []byte(output)))
	out := &model.File{Source: src, Built: true, Skipped: rendered.Skipped}
	for _, e := range rendered.Errors {
		// The rendered text is not the user's: locate it in the template.
		out.Errors = append(out.Errors, model.Error{
			Pos:     model.Position{File: src.Path, Line: 1},
			Message: fmt.Sprintf("the Helm chart %s renders this template as invalid YAML (line %d of its output): %s", r.dir, e.Pos.Line, e.Message),
		})
	}
	lines := strings.Split(string(src.Bytes()), "\n")
	prefix := valuesPrefix(name)
	for _, o := range rendered.Objects {
		built := &model.Built{
			Root:      r.dir,
			Chart:     r.dir,
			Via:       []string{src.Path},
			Elsewhere: map[*yaml.Node]model.Position{},
			Notes:     map[model.Position]string{},
			NoFixAt:   map[model.Position]string{},
			Values:    map[*yaml.Node]model.ValueSpot{},
			Rewritten: map[int]bool{},
			Grown:     map[int]bool{},
			NoFix:     fmt.Sprintf("%s %s is rendered from the Helm template %s; salint does not edit templates", o.Kind, o.DisplayName(), src.Path),
		}
		l := &locator{main: &text{file: src.Path, lines: lines}, src: src, built: built, r: r, prefix: prefix}
		l.place(o.Node)
		obj := model.NewObject(src, o.Node, o.DocIndex, o.FieldPrefix, o.APIVersion, o.Kind)
		obj.Built = built
		if obj.Namespace == "" {
			// helm install puts it in the release namespace, whatever a
			// view's default; Build leaves cluster-scoped kinds without one.
			obj.Namespace, obj.NamespaceSet = r.namespace, true
		}
		out.Objects = append(out.Objects, obj)
	}
	return out
}

// locator gives the nodes of one rendered object the positions of the
// template lines that produced them: each key is looked for, in document
// order, among the template lines of its parent's block; a key no line
// there writes is looked for in the named template the block includes
// (a helper of _helpers.tpl), else placed at the template action that
// emitted it (toYaml, tpl), else at its parent's line.
type locator struct {
	main  *text
	src   *model.Source
	built *model.Built
	r     *renderer
	// prefix is the template's chart path in the top chart's values:
	// "cache." for the subchart cache, "" for the top chart.
	prefix string
}

// text is the lines of a template file, or of a named template's body
// within one (first is the 0-based line of the file it starts at).
type text struct {
	file  string
	lines []string
	first int
}

// span is a block of template lines: the lines after a key's line up to
// the next line written at the key's indentation or less.
type span struct {
	text      *text
	line, col int // the key's position in text.file (1-based)
	indent    int // the key's indentation; -1 for a whole text
	cursor    int // 0-based index in text.lines of the next line to search
	// helper is the included template the block's keys were last found
	// in: its siblings are looked for there next.
	helper *span
}

func (l *locator) place(obj *yaml.Node) {
	doc := &span{text: l.main, indent: -1}
	if i := l.find(doc, "kind"); i >= 0 {
		doc.line, doc.col = i+1, indentOf(l.main.lines[i])+1
	} else {
		doc.line, doc.col = 1, 1
		l.built.Notes[model.Position{File: l.src.Path, Line: 1, Col: 1}] = "no line of the template writes this object's fields: at the template's first line"
	}
	l.setPos(obj, doc, 0)
	l.walk(obj, doc)
}

func (l *locator) walk(n *yaml.Node, parent *span) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child, written := l.key(k.Value, parent, 3)
			l.setPos(k, child, 0)
			if written {
				l.setPos(v, child, len(k.Value)+2) // after "key: "
				if ref := l.r.advice[adviceKey{child.text.file, child.line, l.prefix}].sole; ref != "" && child.text == l.main {
					if spot, ok := l.r.files.spot(ref, l.r.values[ref], v); ok {
						l.built.Values[v] = spot
					}
				}
			} else {
				l.setPos(v, child, 0)
			}
			l.walk(v, child)
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			l.setPos(item, parent, 0)
			l.walk(item, parent)
		}
	}
}

// setPos places n at s's key (shifted right by shift): in the node when s
// is in the object's own template, else in Built.Elsewhere.
func (l *locator) setPos(n *yaml.Node, s *span, shift int) {
	if s.text == l.main {
		n.Line, n.Column = s.line, s.col+shift
		return
	}
	l.built.Elsewhere[n] = model.Position{File: s.text.file, Line: s.line, Col: s.col + shift}
}

// key finds the template line writing key inside parent's block and
// returns its block, found true; else the template action that emitted
// it, or parent's own line, found false. The note on its position names
// the values it reads. depth bounds how many includes deep it looks.
func (l *locator) key(key string, parent *span, depth int) (s *span, found bool) {
	if parent.helper != nil {
		if s, ok := l.key(key, parent.helper, depth-1); ok {
			return s, true
		}
	}
	t := parent.text
	if i := l.find(parent, key); i >= 0 {
		parent.cursor = i + 1
		s := &span{text: t, line: t.first + i + 1, col: keyColumn(t.lines[i]), indent: keyColumn(t.lines[i]) - 1, cursor: i + 1}
		l.note(s, t.lines[i])
		return s, true
	}
	for i := parent.cursor; i < l.end(parent); i++ {
		if !isEmitter(t.lines[i]) {
			continue
		}
		if m := includeRef.FindStringSubmatch(t.lines[i]); m != nil && depth > 0 {
			if body := l.r.define(m[1]); body != nil {
				helper := &span{text: body, indent: -1}
				if s, ok := l.key(key, helper, depth-1); ok {
					parent.helper = helper
					parent.cursor = i
					return s, true
				}
			}
		}
		// Emitted by this action: the first one left in the block.
		s := &span{text: t, line: t.first + i + 1, col: indentOf(t.lines[i]) + 1, indent: parent.indent, cursor: i}
		l.note(s, t.lines[i])
		return s, false
	}
	return &span{text: t, line: parent.line, col: parent.col, indent: parent.indent, cursor: parent.cursor}, false
}

// find returns the 0-based index in parent's text of the line writing key
// in parent's block from its cursor, or -1.
func (l *locator) find(parent *span, key string) int {
	lines := parent.text.lines
	end := l.end(parent)
	for i := parent.cursor; i < end; i++ {
		written := strings.TrimLeft(lines[i], " ")
		for strings.HasPrefix(written, "- ") {
			written = strings.TrimLeft(written[2:], " ")
		}
		for _, q := range []string{"", `"`, `'`} {
			if strings.HasPrefix(written, q+key+q+":") && keyColumn(lines[i])-1 > parent.indent {
				return i
			}
		}
	}
	return -1
}

// end is the 0-based index in parent's text after parent's block.
func (l *locator) end(parent *span) int {
	lines := parent.text.lines
	if parent.indent < 0 {
		return len(lines)
	}
	for i := parent.line - parent.text.first; i < len(lines); i++ {
		written := strings.TrimSpace(lines[i])
		if written == "" || strings.HasPrefix(written, "{{") || strings.HasPrefix(written, "#") {
			continue
		}
		if indentOf(lines[i]) < parent.indent || indentOf(lines[i]) == parent.indent && !strings.HasPrefix(written, "- ") {
			return i
		}
	}
	return len(lines)
}

// note records, at s's position, the values the template line reads
// ("serviceAccount.name from charts/web/values.yaml:12"), directly or
// through the named templates it includes.
func (l *locator) note(s *span, line string) {
	refs := l.r.valueRefs(line, 1)
	if len(refs) == 0 {
		return
	}
	var parts []string
	for _, ref := range refs {
		ref = l.prefix + ref
		if o, ok := l.r.values[ref]; ok {
			parts = append(parts, ref+" from "+o.String())
		} else {
			parts = append(parts, ref+" not set")
		}
	}
	l.built.Notes[model.Position{File: s.text.file, Line: s.line, Col: s.col}] = "rendered by Helm from " + strings.Join(parts, ", ")
	key := adviceKey{s.text.file, s.line, l.prefix}
	a, ok := l.r.advice[key]
	if !ok {
		a = l.valueAdvice(s.text.file, s.line, line, refs)
		l.r.advice[key] = a
	}
	l.built.NoFixAt[model.Position{File: s.text.file, Line: s.line}] = a.text
}

// verbatimValue matches a template line that writes one value as it is
// ("key: {{ .Values.a.b }}", or "| quote"d): the only lines whose
// rendered value is the value a values file holds, so that changing it
// there changes just it.
var verbatimValue = regexp.MustCompile(`^\s*(?:-\s+)*[^\s#{:][^:{]*:\s*\{\{-?\s*\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*(?:\|\s*quote\s*)?-?\}\}\s*(?:#.*)?$`)

// valueAdvice says, for a fix that would edit line n of template file
// (text line) reading the values refs, what to change instead: the values
// key the line writes as it is, where it is set, when nothing else reads
// it (then its sole path); else why salint cannot say.
func (l *locator) valueAdvice(file string, n int, line string, refs []string) advice {
	m := verbatimValue.FindStringSubmatch(line)
	if m == nil {
		return advice{text: fmt.Sprintf("line %d computes the value from %s (not one value written as it is)", n, strings.Join(l.prefixed(refs), ", "))}
	}
	ref := l.prefix + strings.TrimPrefix(m[1], ".")
	o, set := l.r.values[ref]
	if !set {
		return advice{text: fmt.Sprintf("line %d writes the value of %s, which no values set", n, ref)}
	}
	where := "set at " + o.String()
	if o.Line == 0 {
		where = "set by " + o.String()
	}
	for _, p := range l.r.readersOf(ref) {
		if p.File != file || p.Line != n {
			// A helper's line is its own file's, not the template's: a
			// value read there is read by every include too.
			return advice{text: fmt.Sprintf("line %d writes the value of %s (%s), which %s also reads", n, ref, where, p)}
		}
	}
	return advice{text: fmt.Sprintf("line %d writes the value of %s, %s: change it there", n, ref, where), sole: ref}
}

func (l *locator) prefixed(refs []string) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = l.prefix + r
	}
	return out
}

// valuesPrefix is the path of the chart of template name in the top
// chart's values: a subchart's .Values are its part of them ("cache."
// for charts/cache), "" for the top chart's templates.
func valuesPrefix(name string) string {
	prefix := ""
	for _, part := range strings.Split(name, "/charts/")[1:] {
		prefix += strings.SplitN(part, "/", 2)[0] + "."
	}
	return prefix
}

// wholeValues matches a reference to all of .Values ("toYaml .Values",
// "include "x" .Values"): it reads every value.
var wholeValues = regexp.MustCompile(`\.Values(?:[^.A-Za-z0-9_]|$)`)

// readersOf lists the template lines of the chart and its subcharts that
// read value path p, or a table holding it, or all of .Values (as ""),
// each once.
func (r *renderer) readersOf(p string) []model.Position {
	if r.readers == nil {
		r.readers = map[string][]model.Position{}
		for name, src := range r.templates {
			prefix := valuesPrefix(name)
			for i, line := range strings.Split(string(src.Bytes()), "\n") {
				pos := model.Position{File: src.Path, Line: i + 1}
				if wholeValues.MatchString(line) {
					r.readers[prefix] = append(r.readers[prefix], pos)
				}
				for _, m := range valuesRef.FindAllStringSubmatch(line, -1) {
					ref := prefix + strings.TrimPrefix(m[1], ".")
					r.readers[ref] = append(r.readers[ref], pos)
				}
			}
		}
	}
	var out []model.Position
	for ref, at := range r.readers {
		if ref == p || ref == "" || strings.HasPrefix(p, ref) && (strings.HasSuffix(ref, ".") || strings.HasPrefix(p, ref+".")) {
			out = append(out, at...)
		}
	}
	slices.SortFunc(out, comparePos)
	return slices.Compact(out)
}

func comparePos(a, b model.Position) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

var (
	valuesRef  = regexp.MustCompile(`\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)`)
	includeRef = regexp.MustCompile(`(?:include|template)\s+"([^"]+)"`)
	defineRef  = regexp.MustCompile(`{{-?\s*define\s+"([^"]+)"`)
	blockOpen  = regexp.MustCompile(`{{-?\s*(?:if|range|with|define|block)\b`)
	blockEnd   = regexp.MustCompile(`{{-?\s*end\s*-?}}`)
)

// valueRefs lists the .Values paths a line reads, and those of the named
// templates it includes, depth levels deep.
func (r *renderer) valueRefs(line string, depth int) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, m := range valuesRef.FindAllStringSubmatch(line, -1) {
		add(strings.TrimPrefix(m[1], "."))
	}
	if depth > 0 {
		for _, m := range includeRef.FindAllStringSubmatch(line, -1) {
			if body := r.define(m[1]); body != nil {
				for _, l := range body.lines {
					for _, p := range r.valueRefs(l, depth-1) {
						add(p)
					}
				}
			}
		}
	}
	return out
}

// define returns the body of the named template, from any template of
// the chart (helpers live in _helpers.tpl by convention), or nil.
func (r *renderer) define(name string) *text {
	for _, src := range r.sorted {
		lines := strings.Split(string(src.Bytes()), "\n")
		for i, l := range lines {
			if m := defineRef.FindStringSubmatch(l); m == nil || m[1] != name {
				continue
			}
			body := &text{file: src.Path, first: i + 1}
			open := 0
			for _, b := range lines[i+1:] {
				open += len(blockOpen.FindAllString(b, -1))
				closes := len(blockEnd.FindAllString(b, -1))
				if closes > open {
					break // the define's own end
				}
				open -= closes
				body.lines = append(body.lines, b)
			}
			return body
		}
	}
	return nil
}

// isEmitter reports a template line whose action writes text (an include,
// toYaml, tpl or a value), not a control action.
func isEmitter(line string) bool {
	for _, fn := range []string{"include ", "toYaml", "tpl ", "toJson", ".Values", "template "} {
		if strings.Contains(line, "{{") && strings.Contains(line, fn) {
			return true
		}
	}
	return false
}

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// keyColumn is the 1-based column of the key on a line (after any "- ").
func keyColumn(line string) int {
	written := strings.TrimLeft(line, " ")
	col := len(line) - len(written)
	for strings.HasPrefix(written, "- ") {
		rest := strings.TrimLeft(written[2:], " ")
		col += len(written) - len(rest)
		written = rest
	}
	return col + 1
}
