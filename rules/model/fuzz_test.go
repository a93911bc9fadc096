package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
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
		skeletonDeployment,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {serviceAccount: a, containers: [{name: c, image: i, env: [{name: E, valueFrom: {secretKeyRef: {name: s}}}]}]}\n",
		// Shapes the skeleton must leave readable (testdata/prune): a
		// merge key in a pod spec, a last field ending in "|+", duplicate
		// fields, an account whose last field is its metadata.
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n    spec:\n      <<: {serviceAccount: s}\n      containers:\n      - {name: c, image: i}\n",
		podHead + "spec:\n  serviceAccount: p\n  containers:\n  - name: c\n    image: i\n    args:\n    - |+\n      x\n\n",
		podHead + "spec:\n  serviceAccount: a\n  containers: []\n  serviceAccount: b\n  imagePullSecrets: []\n  imagePullSecrets: [{name: x}]\n",
		"apiVersion: v1\nkind: ServiceAccount\nimagePullSecrets: []\nmetadata:\n  name: a\n  annotations:\n    n: |+\n      k\n\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Read(NewSource("fuzz.yaml", data))
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
		// Decoding consecutive documents as one stream must read exactly
		// what decoding them one by one reads.
		alone := ReadWith(NewSource("fuzz.yaml", data), ReadOptions{DocumentByDocument: true})
		if got, want := summary(file), summary(alone); got != want {
			t.Errorf("joined decoding differs from document by document:\n%s\nwant\n%s", got, want)
		}
		// A pruned read (lint, accounts) must find the same objects and
		// read the same records from them as a whole read, and Unpruned
		// must give back each object's whole tree.
		src := NewSource("fuzz.yaml", data)
		pruned := ReadWith(src, ReadOptions{Prune: true})
		if len(pruned.Objects) != len(file.Objects) || len(pruned.Errors) != len(file.Errors) || pruned.Skipped != file.Skipped {
			t.Fatalf("pruned read differs:\n%s\nwant\n%s", summary(pruned), summary(file))
		}
		for i, o := range pruned.Objects {
			w := file.Objects[i]
			if o.Kind != w.Kind || o.Name != w.Name || o.Node.Line != w.Node.Line || o.Node.Column != w.Node.Column {
				t.Errorf("pruned object %d is %s at %d:%d, want %s at %d:%d", i, o, o.Node.Line, o.Node.Column, w, w.Node.Line, w.Node.Column)
				continue
			}
			if got, want := defsText(*o.defs), defsText(readDefinitions(w)); got != want {
				t.Errorf("%s: pruned records differ:\n got  %s\n want %s", w, got, want)
			}
			if u := Unpruned(src, o.Node); countNodes(u) != countNodes(w.Node) {
				t.Errorf("%s: Unpruned has %d nodes, the whole read %d", w, countNodes(u), countNodes(w.Node))
			}
		}
	})
}

// FuzzNormalizeImage feeds arbitrary strings to the image-reference parser:
// it must never panic, and a reference it accepts must print as a
// reference that normalises to itself (normalising is idempotent).
func FuzzNormalizeImage(f *testing.F) {
	for _, seed := range []string{
		"nginx", "nginx:1.25", "library/nginx", "docker.io/library/nginx:latest",
		"index.docker.io/x/y", "localhost:5000/a/b", "[::1]:5000/a@sha256:" + strings.Repeat("a", 64),
		"registry.corp.example/team/app:1.2.3@sha256:" + strings.Repeat("0", 64),
		"Upper/case", strings.Repeat("a", 64), "a//b", "ghcr.io/", ":tag", "@sha256:x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if first, rest, ok := strings.Cut(s, "/"); ok {
			checkAgainstGrammar(t, first, rest)
		}
		ref, err := NormalizeImage(s)
		if err != nil {
			// Only the fixed errors, which never quote the reference.
			for _, known := range []error{ErrImageEmpty, ErrImageFormat, ErrImageUppercase, ErrImageTooLong, ErrImageDigest, ErrImageID} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("NormalizeImage(%q): unexpected error %v", s, err)
		}
		if ref.Domain == "" || ref.Path == "" {
			t.Fatalf("NormalizeImage(%q) = %+v: empty domain or path", s, ref)
		}
		again, err := NormalizeImage(ref.String())
		if err != nil || again != ref {
			t.Errorf("NormalizeImage(%q) = %q, which normalises to %+v, %v", s, ref.String(), again, err)
		}
		for _, key := range []string{ref.Domain, "https://" + ref.Name(), "*." + ref.Domain} {
			if k, ok := NormalizeRegistryKey(key); ok {
				RegistryKeyMatches(k, ref) // must not panic
			}
		}
	})
}

// summary prints what a File read: its errors and its objects with their
// positions, document index and node count.
func summary(f *File) string {
	var b strings.Builder
	for _, e := range f.Errors {
		fmt.Fprintf(&b, "error %v\n", e)
	}
	for _, o := range f.Objects {
		fmt.Fprintf(&b, "object %s doc %d %s at %d:%d, %d nodes\n", o.Kind, o.DocIndex, o.FieldPrefix, o.Node.Line, o.Node.Column, countNodes(o.Node))
	}
	fmt.Fprintf(&b, "skipped %d\n", f.Skipped)
	return b.String()
}

func countNodes(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		if k.Kind != yaml.AliasNode {
			c += countNodes(k)
		}
	}
	return c
}

// FuzzSniffKind checks the kind sniffer against a full parse: it may be
// unsure, never wrong. Every document Read would cut from the input that
// parses alone is read as Read reads it (merge keys applied), and a certain
// sniff must name the kind the parse finds ("" when there is none). CI
// runs it (.ci/run) like FuzzRead.
func FuzzSniffKind(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n",
		"apiVersion: v1\nkind : ServiceAccount\nmetadata:\n  name: a\n",
		"apiVersion: v1\nkind\t: Secret\n",
		"<<: {kind: Secret}\napiVersion: v1\n",
		"metadata: {a: 1,\nkind: Secret}\n",
		"a: \"x\nkind: Secret\"\n",
		"kind: null\n",
		"\xef\xbb\xbfkind: Pod\n---\nkind: Secret\n",
		"kind: Pod # c\n---\n\"kind\": Secret\n",
		"a: b\rkind: Secret\n",
		"a: b\u2028kind: Secret\n",
		"  x: 1\r\n\tkind: Secret\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range splitDocuments(data, textStart(data)) {
			doc := data[c.start:c.end]
			kind, certain := sniffKind(doc)
			if !certain {
				continue
			}
			parsed, ok := parsedKind(doc)
			if ok && parsed != kind {
				t.Errorf("sniffKind(%q) = %q, certain; the document parses with kind %q", doc, kind, parsed)
			}
		}
	})
}

// parsedKind is the kind of the one document in doc as the reader's full
// parse sees it (merge keys applied; "" when it has none); ok is false when
// doc is not exactly one document that parses.
func parsedKind(doc []byte) (kind string, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		return "", false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return "", false
	}
	w := walker{file: &File{Source: NewSource("fuzz.yaml", doc)}}
	w.walk(&root)
	if w.refused || len(root.Content) != 1 {
		return "", false
	}
	return Get(root.Content[0], "kind").String(), true
}
