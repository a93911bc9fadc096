package yamledit

import (
	"errors"
	"testing"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// editCase parses in, runs op on the first object's root and the source,
// and compares the edited bytes with want ("" with unsafe set: no edit).
type editCase struct {
	name   string
	in     string
	op     func(src *model.Source, root *yaml.Node) (TextEdit, error)
	want   string
	unsafe bool
}

func apply(src *model.Source, e TextEdit) string {
	return string(src.Bytes()[:e.Start]) + e.New + string(src.Bytes()[e.End:])
}

func runEditCases(t *testing.T, cases []editCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := model.NewSource("in.yaml", []byte(c.in))
			f := model.Read(src)
			if len(f.Errors) > 0 || len(f.Objects) == 0 {
				t.Fatalf("input does not parse: %v", f.Errors)
			}
			e, err := c.op(src, f.Objects[0].Node)
			if c.unsafe {
				var u *UnsafeEdit
				if !errors.As(err, &u) {
					t.Fatalf("want an UnsafeEdit, got edit %+v, err %v", e, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := apply(src, e)
			if got != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, c.want)
			}
			if out := model.Read(model.NewSource("out.yaml", []byte(got))); len(out.Errors) > 0 {
				t.Fatalf("output does not parse: %v", out.Errors)
			}
		})
	}
}

func spec(root *yaml.Node) *yaml.Node { return model.Get(root, "spec").Value }

func deleteKey(key string) func(*model.Source, *yaml.Node) (TextEdit, error) {
	return func(src *model.Source, root *yaml.Node) (TextEdit, error) {
		return DeleteField(src, spec(root), model.Get(spec(root), key).Key)
	}
}

func TestDeleteField(t *testing.T) {
	runEditCases(t, []editCase{
		{name: "BlockLineWithComment", op: deleteKey("serviceAccount"),
			in:   "kind: Pod\napiVersion: v1\nspec:\n  serviceAccountName: a\n  serviceAccount: a # old\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  serviceAccountName: a\n  containers: []\n"},
		{name: "BlockKeepsCommentAbove", op: deleteKey("serviceAccount"),
			in:   "kind: Pod\napiVersion: v1\nspec:\n  # legacy\n  serviceAccount: 'a'\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  # legacy\n  containers: []\n"},
		{name: "BlockCRLF", op: deleteKey("serviceAccount"),
			in:   "kind: Pod\r\napiVersion: v1\r\nspec:\r\n  serviceAccount: a\r\n  containers: []\r\n",
			want: "kind: Pod\r\napiVersion: v1\r\nspec:\r\n  containers: []\r\n"},
		{name: "BlockLastLineNoNewline", op: deleteKey("serviceAccount"),
			in:   "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  serviceAccount: a",
			want: "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n"},
		{name: "JSONFirstPair", op: deleteKey("serviceAccount"),
			in:   "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\n  \"serviceAccount\": \"a\",\n  \"containers\": []\n}}\n",
			want: "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\n  \"containers\": []\n}}\n"},
		{name: "JSONLastPair", op: deleteKey("serviceAccount"),
			in:   "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\"containers\": [], \"serviceAccount\": \"a\"}}",
			want: "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\"containers\": []}}"},
		{name: "FlowOnlyPair", op: deleteKey("serviceAccount"),
			in:   "kind: Pod\napiVersion: v1\nspec: {serviceAccount: a}\n",
			want: "kind: Pod\napiVersion: v1\nspec: {}\n"},
		{name: "MultiLinePlainIsUnsafe", op: deleteKey("serviceAccount"), unsafe: true,
			in: "kind: Pod\napiVersion: v1\nspec:\n  serviceAccount: a\n    b\n  containers: []\n"},
		{name: "AnchorIsUnsafe", op: deleteKey("serviceAccount"), unsafe: true,
			in: "kind: Pod\napiVersion: v1\nspec:\n  serviceAccount: &sa a\n  serviceAccountName: *sa\n"},
		{name: "OnlyFieldIsUnsafe", op: deleteKey("serviceAccount"), unsafe: true,
			in: "kind: Pod\napiVersion: v1\nspec:\n  serviceAccount: a\n"},
	})
}

func TestRenameKey(t *testing.T) {
	rename := func(src *model.Source, root *yaml.Node) (TextEdit, error) {
		return RenameKey(src, model.Get(spec(root), "serviceAccount").Key, "serviceAccountName")
	}
	runEditCases(t, []editCase{
		{name: "Plain", op: rename,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  serviceAccount: a # keep\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  serviceAccountName: a # keep\n"},
		{name: "JSONKeepsQuotes", op: rename,
			in:   `{"kind": "Pod", "apiVersion": "v1", "spec": {"serviceAccount": "a"}}`,
			want: `{"kind": "Pod", "apiVersion": "v1", "spec": {"serviceAccountName": "a"}}`},
	})
}

func TestAddField(t *testing.T) {
	add := func(src *model.Source, root *yaml.Node) (TextEdit, error) {
		return AddField(src, root, spec(root), "imagePullSecrets", []any{Map{{"name", "regcred"}}})
	}
	runEditCases(t, []editCase{
		{name: "CompactTwoSpaces", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    image: x\n# trailing\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    image: x\n  imagePullSecrets:\n  - name: regcred\n# trailing\n"},
		{name: "WideFourSpaces", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec:\n    containers:\n        -   name: a\n            args: |\n              x\n\n              y\n    # about the next doc\n---\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n    containers:\n        -   name: a\n            args: |\n              x\n\n              y\n    imagePullSecrets:\n        -   name: regcred\n    # about the next doc\n---\n"},
		{name: "JSONMultiLine", op: add,
			in:   "{\n  \"kind\": \"Pod\",\n  \"apiVersion\": \"v1\",\n  \"spec\": {\n    \"containers\": []\n  }\n}\n",
			want: "{\n  \"kind\": \"Pod\",\n  \"apiVersion\": \"v1\",\n  \"spec\": {\n    \"containers\": [],\n    \"imagePullSecrets\": [{\"name\": \"regcred\"}]\n  }\n}\n"},
		{name: "JSONOneLine", op: add,
			in:   `{"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [], "x": {"a": 1}}}`,
			want: `{"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [], "x": {"a": 1}, "imagePullSecrets": [{"name": "regcred"}]}}`},
		{name: "FlowEmpty", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec: {}\n",
			want: "kind: Pod\napiVersion: v1\nspec: {\"imagePullSecrets\": [{\"name\": \"regcred\"}]}\n"},
		{name: "CRLFNoFinalNewline", op: add,
			in:   "kind: Pod\r\napiVersion: v1\r\nspec:\r\n  containers:\r\n    - name: a",
			want: "kind: Pod\r\napiVersion: v1\r\nspec:\r\n  containers:\r\n    - name: a\r\n  imagePullSecrets:\r\n    - name: regcred"},
		{name: "KeepChompingBlockScalarIsUnsafe", op: add, unsafe: true,
			in: "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: |+\n    text\n\n\n"},
		{name: "ClipChompingBlockScalarIsFine", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: |\n    text\n\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: |\n    text\n  imagePullSecrets:\n  - name: regcred\n\n"},
		{name: "AfterMultiLineQuotedValue", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: \"a\n\n  b\"\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: \"a\n\n  b\"\n  imagePullSecrets:\n  - name: regcred\n"},
		{name: "AfterMultiLineFlowValue", op: add,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: [a,\n  b]\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  containers: []\n  note: [a,\n  b]\n  imagePullSecrets:\n  - name: regcred\n"},
		// YAML breaks a line at a lone CR, model.Source does not: the
		// parser's positions are not the bytes' (found by FuzzFixRoundTrip).
		{name: "LoneCarriageReturnIsUnsafe", op: add, unsafe: true,
			in: "kind: Pod\r \napiVersion: v1\nspec:\n  containers: []\n"},
		{name: "AliasedSpecIsUnsafe", op: add, unsafe: true,
			in: "kind: Pod\napiVersion: v1\nmetadata: &m\n  name: a\nspec: *m\n"},
	})
}

func TestAppendItem(t *testing.T) {
	app := func(src *model.Source, root *yaml.Node) (TextEdit, error) {
		return AppendItem(src, root, model.Get(spec(root), "imagePullSecrets").Value, Map{{"name", "b"}})
	}
	runEditCases(t, []editCase{
		{name: "Compact", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: a  # first\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: a  # first\n  - name: b\n  containers: []\n"},
		{name: "WideFour", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n    imagePullSecrets:\n        - name: a\n    containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n    imagePullSecrets:\n        - name: a\n        - name: b\n    containers: []\n"},
		{name: "FlowEmpty", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: [{\"name\": \"b\"}]\n"},
		{name: "Flow", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: [{name: a}]\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets: [{name: a}, {\"name\": \"b\"}]\n"},
		{name: "JSONMultiLine", op: app,
			in:   "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\"imagePullSecrets\": [\n  {\"name\": \"a\"},\n  {\"name\": \"c\"}\n]}}\n",
			want: "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", \"spec\": {\"imagePullSecrets\": [\n  {\"name\": \"a\"},\n  {\"name\": \"c\"},\n  {\"name\": \"b\"}\n]}}\n"},
		// The last item ends where its node ends, not where the
		// indentation drops: a quoted scalar's continuation may sit at
		// the dash's column (issue 15).
		{name: "AfterMultiLineDoubleQuoted", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: \"oth\\\n  er\"\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: \"oth\\\n  er\"\n  - name: b\n  containers: []\n"},
		{name: "AfterMultiLineSingleQuoted", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: 'it''s\n  x'\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - name: 'it''s\n  x'\n  - name: b\n  containers: []\n"},
		{name: "AfterMultiLineFlow", op: app,
			in:   "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - {name: a,\n  x: y}\n  containers: []\n",
			want: "kind: Pod\napiVersion: v1\nspec:\n  imagePullSecrets:\n  - {name: a,\n  x: y}\n  - name: b\n  containers: []\n"},
	})
}

func TestNewDocument(t *testing.T) {
	doc := Map{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", Map{{"name", "web"}, {"namespace", "shop"}}}}
	add := func(src *model.Source, _ *yaml.Node) (TextEdit, error) { return NewDocument(src, doc) }
	runEditCases(t, []editCase{
		{name: "AfterLastDocument", op: add,
			in:   "kind: Pod\napiVersion: v1\nmetadata:\n    name: p\n",
			want: "kind: Pod\napiVersion: v1\nmetadata:\n    name: p\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n    name: web\n    namespace: shop\n"},
		{name: "TrailingSeparatorCRLFNoNewline", op: add,
			in:   "kind: Pod\r\napiVersion: v1\r\n---",
			want: "kind: Pod\r\napiVersion: v1\r\n---\r\napiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: web\r\n  namespace: shop\r\n"},
		{name: "JSONIsUnsafe", op: add, unsafe: true,
			in: `{"kind": "Pod", "apiVersion": "v1"}`},
	})
}

func TestDetectLayout(t *testing.T) {
	src := model.NewSource("", []byte("a:\n    b: 1\n    c:\n        -   x\n    d:\n        -   y\n"))
	var n yaml.Node
	if err := yaml.Unmarshal(src.Bytes(), &n); err != nil {
		t.Fatal(err)
	}
	got := DetectLayout(src, n.Content[0])
	if want := (Layout{Indent: 4, SeqIndent: 4, Gap: 3}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
