package model

// SplitDocuments exposes the reader's document split to the external
// tests (model_test), which may import rulestest.
func SplitDocuments(data []byte) [][]byte {
	var out [][]byte
	for _, c := range splitDocuments(data, textStart(data)) {
		out = append(out, data[c.start:c.end])
	}
	return out
}
