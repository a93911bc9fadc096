package model

import "bytes"

// SniffKind finds a document's top-level kind without parsing it, as Read
// does before deciding to parse (see sniffKind): certain is false whenever
// the document's shape could hide another answer.
func SniffKind(doc []byte) (kind string, certain bool) { return sniffKind(doc) }

// Stub cuts a document of a kind no rule reads down to its top-level
// apiVersion, kind and metadata, byte for byte (its "---" line and the
// lines of those three keys), for readers that hand documents to another
// tool whose result salint only counts (lint/kustomize serves builds
// CRDs this way). ok is false, and the document must be used whole, when
// the kind is one the model reads or the sniff is not certain (the same
// fallbacks as Read), or when the kept lines hold an alias, which could
// name an anchor of a cut line.
func Stub(doc []byte) (stub []byte, ok bool) {
	kind, certain := sniffKind(doc)
	if !certain || kind == "" || Needed(kind) {
		return nil, false
	}
	out := make([]byte, 0, 256)
	keep := false
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line = doc[:i+1]
		}
		doc = doc[len(line):]
		switch c := line[0]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			// continues the current key (or is blank)
		case c == '#':
			continue
		case bytes.HasPrefix(line, []byte("---")):
			out = append(out, line...)
			keep = false
			continue
		default:
			// A top-level key: the sniff is certain, so nothing else
			// starts at column 0.
			keep = bytes.HasPrefix(line, []byte("apiVersion:")) || bytes.HasPrefix(line, []byte("kind:")) ||
				bytes.HasPrefix(line, []byte("metadata:"))
		}
		if keep {
			out = append(out, line...)
		}
	}
	if bytes.IndexByte(out, '*') >= 0 {
		return nil, false
	}
	return out, true
}
