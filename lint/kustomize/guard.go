package kustomize

import (
	"bytes"
	"fmt"
	"os"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Limits on what a build may read. kustomize expands every YAML alias of
// its input into a copy ("billion laughs": 9 levels of 10 aliases make 10^9
// nodes) and reads files whole, so salint checks both before building:
// reading a repository must not hang or exhaust memory.
const (
	maxBuildFileSize = 64 << 20 // as lint.MaxFileSize
	maxExpandedNodes = 1 << 20  // nodes of one file with aliases expanded
)

// guard says why the file at abs must not be given to kustomize, located
// at display; ok is false when it must not. A file it cannot read or parse
// passes: kustomize reports that itself.
func guard(abs, display string) (e model.Error, ok bool) {
	info, statErr := os.Stat(abs)
	if statErr == nil && info.Size() > maxBuildFileSize {
		return model.Error{Pos: model.Position{File: display},
			Message: fmt.Sprintf("larger than %d MiB: not built (kustomize reads files whole)", maxBuildFileSize>>20)}, false
	}
	data, readErr := os.ReadFile(abs)
	if readErr != nil || !bytes.Contains(data, []byte("*")) || !bytes.Contains(data, []byte("&")) {
		return model.Error{}, true // no alias, or no anchor for one to name
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	memo := map[*yaml.Node]int{}
	total := 0
	for {
		var doc yaml.Node
		if dec.Decode(&doc) != nil {
			return model.Error{}, true // the end, or YAML kustomize rejects
		}
		total += expandedSize(&doc, memo, 0)
		if total > maxExpandedNodes {
			return model.Error{Pos: model.Position{File: display, Line: firstAlias(&doc)},
				Message: fmt.Sprintf("YAML aliases expand to more than %d nodes; kustomize would expand every one, so this kustomization is not built", maxExpandedNodes)}, false
		}
	}
}

// verdict is what guard said of a file.
type verdict struct {
	e  model.Error
	ok bool
}

// guard is guard, once per file and display path: every root that uses
// a base prepares it again (see prepare), and guard reads each file
// whole. prepare runs on one goroutine at a time.
func (b *builder) guard(abs, display string) (model.Error, bool) {
	key := abs + "\x00" + display
	v, seen := b.guarded[key]
	if !seen {
		v.e, v.ok = guard(abs, display)
		b.guarded[key] = v
	}
	return v.e, v.ok
}

// expandedSize counts the nodes of n with aliases expanded, without
// expanding them: each anchor's size is computed once.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil || depth > 10000 {
		return 1
	}
	if n.Kind == yaml.AliasNode {
		return expandedSize(n.Alias, memo, depth+1)
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = 1 // a cycle counts once
	size := 1
	for _, c := range n.Content {
		size += expandedSize(c, memo, depth+1)
		if size > maxExpandedNodes {
			break
		}
	}
	memo[n] = size
	return size
}

func firstAlias(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		return n.Line
	}
	for _, c := range n.Content {
		if l := firstAlias(c); l > 0 {
			return l
		}
	}
	return 0
}
