package model

import (
	"bytes"
	"strings"
)

// SecretDocuments returns the documents of the source that may hold a
// Secret's values: a Secret, a List that may hold one, or a document whose
// kind the reader cannot tell without parsing and that mentions "Secret".
// Anything that shows source lines as context (a diff) must not print
// theirs: secret values never reach salint's output.
func (s *Source) SecretDocuments() []DocumentRange {
	docs := s.Documents()
	out := docs[:0] // Documents returns a new slice; filter it in place
	for _, d := range docs {
		chunk := s.Data[d.Start:d.End]
		kind, certain := sniffKind(chunk)
		switch {
		case certain && kind == KindSecret:
		case (!certain || strings.HasSuffix(kind, "List")) && bytes.Contains(chunk, []byte(KindSecret)):
		default:
			continue
		}
		out = append(out, d)
	}
	return out
}

// LastAppliedAnnotation is where kubectl apply keeps the object as last
// applied: of a Secret, its data and stringData too.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
