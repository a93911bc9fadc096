package model

// SniffKind finds a document's top-level kind without parsing it, as Read
// does before deciding to parse (see sniffKind): certain is false whenever
// the document's shape could hide another answer. lint/kustomize uses it
// to decide which documents a build may read cut.
func SniffKind(doc []byte) (kind string, certain bool) { return sniffKind(doc) }
