package model

import (
	"bytes"
	"testing"
)

// yamlLines counts lines as YAML does: CR, LF, CRLF, NEL, LS and PS each
// end a line. (The parser numbers lines so; a file with lone CRs has more
// YAML lines than LF-terminated ones.)
func yamlLines(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\n':
			n++
		case data[i] == '\r':
			n++
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n++
		}
	}
	return n
}

// FuzzRead feeds arbitrary bytes to the reader: it must never panic, every
// error must be located on a line of the input, and every object's
// position must be inside the input. CI runs it for a short fixed time
// (.ci/run); a crasher it finds is saved under testdata/fuzz/FuzzRead and
// from then on runs as a regular test case.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"",
		podHead + "spec:\n  serviceAccountName: web\n",
		"---\n--- # c\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n...\n",
		`{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}]}`,
		"\xef\xbb\xbfapiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\n",
		billionLaughs(),
		podHead + "spec: &s\n  containers: [*s]\n",
		"kind: Pod\nkind: Pod\n",
		"apiVersion: v1\nkind: Pod\nspec:\n\tx: 1\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  k: \xff\n",
		"kind: |\n  Pod\napiVersion: v1\n",
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Read(&Source{Path: "fuzz.yaml", Data: data})
		lines := yamlLines(data)
		for _, e := range file.Errors {
			if e.Pos.Line < 1 || e.Pos.Line > lines {
				t.Errorf("error %q at line %d, outside the input's %d lines", e.Message, e.Pos.Line, lines)
			}
		}
		for _, o := range file.Objects {
			if o.Node.Line < 1 || o.Node.Line > lines || o.Node.Column < 1 {
				t.Errorf("%s at %d:%d, outside the input's %d lines", o, o.Node.Line, o.Node.Column, lines)
			}
		}
		if file.Count() < len(file.Objects) {
			t.Errorf("Count %d below the %d objects read", file.Count(), len(file.Objects))
		}
	})
}
