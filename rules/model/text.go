package model

// BuildText reads in-memory files, given as path and content pairs, into a
// bundle, as Build does for files read from disk: for tests and for tools
// that hold manifests in memory. A trailing path without content is ignored.
func BuildText(opts Options, pathAndText ...string) *Bundle {
	var files []*File
	for i := 0; i+1 < len(pathAndText); i += 2 {
		files = append(files, Read(NewSource(pathAndText[i], []byte(pathAndText[i+1]))))
	}
	return Build(files, opts)
}
