package mutate

// LeafValues is leafValues with no edits, for the fuzz test's structure
// check.
func LeafValues(data []byte) map[string]string { return leafValues(data, nil, 0) }
