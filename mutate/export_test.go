package mutate

// LeafValues is leafValues with no edits, for the fuzz test's structure
// check.
func LeafValues(data []byte) map[string]string {
	out := map[string]string{}
	for path, v := range leafValues(data, nil, 0) {
		if v == invalid {
			out[path] = "invalid"
		} else {
			out[path] = v.tag + " " + v.text
		}
	}
	return out
}
