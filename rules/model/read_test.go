package model

import (
	"strings"
	"testing"
)

func read(t *testing.T, text string) *File {
	t.Helper()
	return Read(NewSource("f.yaml", []byte(text)))
}

func TestRead_LinesAreFileAbsoluteAcrossDocuments(t *testing.T) {
	f := read(t, "# leading comment\n"+
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n"+
		"--- # separator with a comment\n"+
		"\n"+
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n")
	if len(f.Errors) > 0 || len(f.Objects) != 2 {
		t.Fatalf("objects %d, errors %v", len(f.Objects), f.Errors)
	}
	for i, want := range []int{5, 11} {
		name := Lookup(f.Objects[i].Node, "metadata", "name")
		if got := name.Key.Line; got != want {
			t.Errorf("object %d: name at line %d, want %d", i, got, want)
		}
		if f.Objects[i].DocIndex != i {
			t.Errorf("object %d: DocIndex %d", i, f.Objects[i].DocIndex)
		}
	}
}

func TestRead_AcceptsBOMAndCRLF(t *testing.T) {
	f := read(t, "\xef\xbb\xbfapiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: b\r\n")
	if len(f.Errors) > 0 || len(f.Objects) != 2 {
		t.Fatalf("objects %d, errors %v", len(f.Objects), f.Errors)
	}
	if got := f.Objects[1].Name; got != "b" {
		t.Errorf("second name %q", got)
	}
	if got := Lookup(f.Objects[1].Node, "metadata", "name").Key.Line; got != 9 {
		t.Errorf("line %d, want 9", got)
	}
}

func TestRead_JSONDocument(t *testing.T) {
	f := read(t, `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
 "spec": {"serviceAccountName": "x"}}`)
	if len(f.Objects) != 1 || f.Objects[0].Kind != "Pod" {
		t.Fatalf("objects %+v errors %v", f.Objects, f.Errors)
	}
	if got := Lookup(f.Objects[0].Node, "spec", "serviceAccountName").Key.Line; got != 2 {
		t.Errorf("line %d, want 2", got)
	}
}

func TestRead_ListItemsAreObjects(t *testing.T) {
	f := read(t, `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: b}
`)
	if len(f.Objects) != 2 || f.Skipped != 1 || f.Count() != 3 {
		t.Fatalf("objects %d skipped %d", len(f.Objects), f.Skipped)
	}
	if f.Objects[1].FieldPrefix != "items[2]." {
		t.Errorf("prefix %q", f.Objects[1].FieldPrefix)
	}
}

func TestRead_SkipsNonObjectsSilently(t *testing.T) {
	for name, text := range map[string]string{
		"values file":   "replicaCount: 1\nimage:\n  repository: nginx\n",
		"pre-commit":    "repos:\n- repo: local\n",
		"kustomization": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
		"empty":         "---\n# only a comment\n---\n",
		"scalar":        "just text\n",
	} {
		f := read(t, text)
		if len(f.Objects) != 0 || len(f.Errors) != 0 || f.Count() != 0 {
			t.Errorf("%s: objects %d skipped %d errors %v", name, len(f.Objects), f.Skipped, f.Errors)
		}
	}
}

func TestRead_CountsButDoesNotParseUnneededKinds(t *testing.T) {
	f := read(t, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [unclosed\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n")
	if f.Skipped != 1 || len(f.Objects) != 1 || len(f.Errors) != 0 {
		t.Fatalf("skipped %d objects %d errors %v", f.Skipped, len(f.Objects), f.Errors)
	}
}

func TestRead_ErrorsAreLocated(t *testing.T) {
	cases := []struct {
		name, text, want string
		line             int
	}{
		{"helm template", "apiVersion: v1\nkind: ServiceAccount\n---\n{{ if .Values.x }}\nkind: Pod\nmetadata:\n  name: {{ .x }}\n", "looks like a Helm or Go template", 5},
		{"duplicate key", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n", `duplicate key "name" (first at line 4)`, 5},
		{"bad indentation", "---\napiVersion: v1\nkind: Pod\nspec:\n  a: 1\n b: 2\n", "invalid YAML", 0},
		{"fault lines after its mapping", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 80\n       env: x\n",
			"invalid YAML: did not find expected key (while parsing a block mapping at line 8)", 13},
		{"flow sequence not closed", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [a, b\n  serviceAccountName: x\n",
			"invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 5)", 5},
		{"flow mapping not closed", "apiVersion: v1\nkind: Pod\nmetadata: {name: a,\n  namespace: b\nspec:\n  serviceAccountName: x\n",
			"invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 3)", 4},
		{"fault lines into a flow sequence", "apiVersion: v1\nkind: Pod\nspec:\n  args: [a,\n    b,\n    c d: e: f,\n    g]\n",
			"invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 4)", 6},
		{"quoted scalar not closed", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"abc\nspec:\n  x: 1\n",
			"invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 4)", 4},
		{"bad escape", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\\qb\"\n",
			"invalid YAML: found unknown escape character (while parsing a quoted scalar at line 4)", 4},
		{"tab indentation", "apiVersion: v1\nkind: Pod\nspec:\n\tserviceAccountName: x\n", "invalid YAML", 4},
		{"NUL bytes", "apiVersion: v1\x00\n", "NUL bytes", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := read(t, c.text)
			if len(f.Errors) == 0 {
				t.Fatal("no error")
			}
			e := f.Errors[0]
			if !strings.Contains(e.Message, c.want) {
				t.Errorf("message %q, want %q", e.Message, c.want)
			}
			if e.Pos.Line < 1 || (c.line > 0 && e.Pos.Line != c.line) {
				t.Errorf("line %d, want %d", e.Pos.Line, c.line)
			}
			if e.Pos.File != "f.yaml" {
				t.Errorf("file %q", e.Pos.File)
			}
		})
	}
}

func TestRead_InvalidDocumentDoesNotHideTheNext(t *testing.T) {
	f := read(t, "apiVersion: v1\nkind: Pod\nspec: [\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ok}\n")
	if len(f.Errors) != 1 || len(f.Objects) != 1 || f.Objects[0].Name != "ok" {
		t.Fatalf("errors %v objects %d", f.Errors, len(f.Objects))
	}
}

func TestRead_OversizeDocumentIsAnError(t *testing.T) {
	big := "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: " + strings.Repeat("x", MaxDocumentSize) + "\n"
	f := read(t, big)
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, "3 MiB") {
		t.Fatalf("errors %v", f.Errors)
	}
}

func TestSniffKind(t *testing.T) {
	cases := []struct {
		doc     string
		kind    string
		certain bool
	}{
		{"apiVersion: v1\nkind: ConfigMap\n", "ConfigMap", true},
		{"---\nkind: Service # comment\n", "Service", true},
		{"kind: \"Service\"\n", "Service", true},
		{"kind: 'Service'\n", "Service", true},
		{"metadata:\n  kind: Pod\nkind: Service\n", "Service", true},
		{"data:\n  x: |\n    kind: Pod\n", "", true},
		{"{\"kind\": \"Service\"}\n", "", false},
		{"kind: Service\nkind: Pod\n", "", false},
		{"kind: &k Service\n", "", false},
		{"kind: *k\n", "", false},
		{"kind: !!str Service\n", "", false},
		{"kind:\n  Service\n", "", false},
		{"\"kind\": Service\n", "", false},
		{"- a\n", "", false},
		{"--- !!map\nkind: Service\n", "", false},
		{"%YAML 1.2\n---\nkind: Service\n", "", false},
		{"kind: Service\n...\nkind: Pod\n", "", false},
		{"  kind: Service\n", "", false},
		{"kind: Service\r\n", "Service", true},
		{"apiVersion: v1\nkind : ServiceAccount\n", "ServiceAccount", true},
		{"kind\t: Secret # c\n", "Secret", true},
		{"kind: Secret\t# c\n", "Secret", true},
		{"kind: ~\n", "", false},
		{"<<: {kind: Secret}\n", "", false},
		{"metadata: {a: 1,\nkind: Secret}\n", "", false},
		{"metadata: {name: a}\nkind: Pod\n", "Pod", true},
		{"a: \"x\nkind: Secret\"\n", "", false},
		{"a: b\rkind: Secret\n", "", false},
		{"a: b\u2028kind: Secret\n", "", false},
	}
	for _, c := range cases {
		kind, certain := sniffKind([]byte(c.doc))
		if kind != c.kind || certain != c.certain {
			t.Errorf("sniffKind(%q) = %q, %v; want %q, %v", c.doc, kind, certain, c.kind, c.certain)
		}
	}
}

func TestSplitDocuments(t *testing.T) {
	data := []byte("a: 1\n---\nb: 2\n--- # c\nc: 3\n----\nd: 4\n---")
	chunks := splitDocuments(data, 0)
	var got []string
	for _, c := range chunks {
		got = append(got, string(data[c.start:c.end]))
	}
	want := []string{"a: 1\n", "---\nb: 2\n", "--- # c\nc: 3\n----\nd: 4\n", "---"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks %q, want %q", got, want)
	}
	if chunks[2].line != 4 {
		t.Errorf("third chunk starts at line %d, want 4", chunks[2].line)
	}
}

func TestSourceOffsetCountsCharacters(t *testing.T) {
	s := NewSource("", []byte("a: 1\nnäme: x\n"))
	if got := s.Offset(2, 7); string(s.Bytes()[got]) != "x" {
		t.Errorf("offset %d points at %q", got, s.Bytes()[got])
	}
	if got := s.LineOf(6); got != 2 {
		t.Errorf("LineOf = %d", got)
	}
}

// A directive belongs to the document whose marker follows it; an indented
// '%' line is a block scalar's content, not a directive.
func TestRead_DirectivesBelongToTheNextDocument(t *testing.T) {
	f := read(t, "%YAML 1.1\n---\n"+
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n"+
		"...\n%YAML 1.1\n# between\n%TAG !e! tag:example.com,2000:\n---\n"+
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\n"+
		"---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  f: |\n    %d\n"+
		"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: c}\n")
	if len(f.Errors) > 0 {
		t.Fatalf("errors %v", f.Errors)
	}
	var names []string
	for _, o := range f.Objects {
		names = append(names, o.Name)
	}
	if got := strings.Join(names, ","); got != "a,b,s,c" {
		t.Errorf("objects %s, want a,b,s,c", got)
	}
	if got := Lookup(f.Objects[1].Node, "metadata", "name").Key.Line; got != 13 {
		t.Errorf("b's name at line %d, want 13", got)
	}
}

// Merge keys are applied as kubectl's YAML reader (go-yaml v2) applies
// them: in document order, a merge sets the fields it brings, of a list
// the earlier map wins, and a later key overrides; an explicit key before
// the merge is overridden by it.
func TestRead_MergeKeysAreAppliedAsKubectlDoes(t *testing.T) {
	anchors := "x-base: &base {serviceAccountName: from-base, automountServiceAccountToken: false}\n" +
		"x-other: &other {serviceAccountName: from-other, hostNetwork: true}\n"
	f := read(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: inline}\n"+
		"spec:\n  <<: {serviceAccountName: inline-sa}\n  containers: [{name: c, image: nginx}]\n"+
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: list}\n"+anchors+
		"spec:\n  <<: [*base, *other]\n  containers: [{name: c, image: nginx}]\n"+
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: later-key-wins}\n"+anchors+
		"spec:\n  <<: *base\n  serviceAccountName: explicit\n  containers: [{name: c, image: nginx}]\n"+
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: merge-after-key-wins}\n"+anchors+
		"spec:\n  serviceAccountName: explicit\n  <<: *base\n  containers: [{name: c, image: nginx}]\n")
	if len(f.Errors) > 0 {
		t.Fatalf("errors %v", f.Errors)
	}
	want := map[string]string{"inline": "inline-sa", "list": "from-base", "later-key-wins": "explicit", "merge-after-key-wins": "from-base"}
	for _, o := range f.Objects {
		if o.Kind != "Pod" {
			continue
		}
		sa := Lookup(o.Node, "spec", "serviceAccountName")
		if got := sa.String(); got != want[o.Name] {
			t.Errorf("%s: serviceAccountName %q, want %q", o.Name, got, want[o.Name])
		}
		if Get(Get(o.Node, "spec").Value, "<<").Present() {
			t.Errorf("%s: the merge key is still a field", o.Name)
		}
	}
	if list := f.Objects[1]; list.Name != "list" || Lookup(list.Node, "spec", "serviceAccountName").Key.Line != 11 {
		t.Errorf("a merged field is located where it is written (line 11)")
	}
	if !f.Source.MergeKeys {
		t.Error("the source is not marked as having merge keys (fixes must not edit it)")
	}
}

// TestRead_KindWithoutAPIVersionIsANotice: a document that names a kind
// but has no apiVersion is skipped as not an object; when its apiVersion
// key is misspelled, that is said, not passed over in silence.
func TestRead_KindWithoutAPIVersionIsANotice(t *testing.T) {
	cases := []struct {
		name, text, want string
		line             int
	}{
		{"misspelled key", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiversion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
			`document with kind ServiceAccount has no apiVersion, so it is not read as an object: key "apiversion" at line 5 should be apiVersion`, 5},
		{"snake case", "api_version: v1\nkind: ServiceAccount\nmetadata: {name: web}\n",
			`document with kind ServiceAccount has no apiVersion, so it is not read as an object: key "api_version" at line 1 should be apiVersion`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := read(t, c.text)
			if len(f.Errors) != 0 || len(f.Notices) != 1 {
				t.Fatalf("errors %v notices %v, want one notice", f.Errors, f.Notices)
			}
			if n := f.Notices[0]; n.Message != c.want || n.Pos.Line != c.line {
				t.Errorf("notice %d: %q, want %d: %q", n.Pos.Line, n.Message, c.line, c.want)
			}
		})
	}
	// Without a key that looks like apiVersion, nothing is said: a
	// kustomization or another tool's file may name a kind alone.
	for _, quiet := range []string{"replicaCount: 2\nimage: {repository: nginx}\n", "kind: ServiceAccount\nmetadata: {name: web}\n", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n"} {
		if f := read(t, quiet); len(f.Notices) != 0 {
			t.Errorf("%q has notices: %v", quiet, f.Notices)
		}
	}
}
