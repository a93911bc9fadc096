package model

// DocumentRange is one document of a source as Read cuts it: its bytes
// Data[Start:End] (the "---" line that opens it included) and the 1-based
// line it starts on.
type DocumentRange struct {
	Start, End, Line int
}

// Documents cuts the source at its "---" lines exactly as Read does, so that
// a writer can pass documents it does not change through byte for byte.
func (s *Source) Documents() []DocumentRange {
	chunks := splitDocuments(s.Bytes(), textStart(s.Bytes()))
	out := make([]DocumentRange, len(chunks))
	for i, c := range chunks {
		out[i] = DocumentRange{Start: c.start, End: c.end, Line: c.line}
	}
	return out
}
