package model

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Hostile input for the reader (issue 7). Every case must give a located
// error (or, where the input is valid, read), never panic, and stay within
// the bounds docs/PERFORMANCE.md states. Time is bounded by construction
// (documents are at most MaxDocumentSize and every step is linear in them);
// tests assert allocation bounds, not times.

const podHead = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n"

// billionLaughs is a valid Pod whose aliases expand to 10^9 strings.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString(podHead + "spec:\n")
	b.WriteString(`  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i, c := range "bcdefghi" {
		prev := string(rune('a' + i))
		fmt.Fprintf(&b, "  %c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ","))
	}
	b.WriteString("  containers: *i\n")
	return b.String()
}

type wantErr struct {
	line, col int // col 0: any column
	msg       string
}

func TestRead_HostileInput(t *testing.T) {
	deepBlock := func(depth int) string {
		var b strings.Builder
		b.WriteString(podHead + "spec:\n")
		for i := range depth {
			b.WriteString(strings.Repeat(" ", i+2) + "a:\n")
		}
		return b.String()
	}
	second := "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n  namespace: shop\n"
	tests := []struct {
		name    string
		in      string
		errs    []wantErr
		objects int // objects read despite the errors
	}{
		{
			name:    "AliasBombIsRefusedAtTheAliasThatExplodes",
			in:      billionLaughs() + second,
			errs:    []wantErr{{12, 31, "alias bomb"}},
			objects: 1,
		},
		{
			name:    "RecursiveAliasIsRefused",
			in:      podHead + "spec: &s\n  containers: [*s]\n" + second,
			errs:    []wantErr{{7, 16, "inside the node it names"}},
			objects: 1,
		},
		{
			name:    "AFewAliasesAreFine",
			in:      podHead + "spec:\n  containers:\n    - &c {name: a, image: nginx}\n    - *c\n",
			objects: 1,
		},
		{
			name:    "FlowNesting10000DeepIsRead",
			in:      podHead + "spec: {x: " + strings.Repeat("[", 9_998) + strings.Repeat("]", 9_998) + "}\n" + second,
			objects: 2,
		},
		{
			name:    "FlowNestingDeeperThanTheParserAllowsIsLocated",
			in:      podHead + "spec: " + strings.Repeat("[", 100_000) + "\n" + second,
			errs:    []wantErr{{6, 0, "exceeded max depth"}},
			objects: 1,
		},
		{
			name:    "BlockNesting2000DeepIsRead",
			in:      deepBlock(2000) + second,
			objects: 2,
		},
		{
			name:    "InvalidUTF8IsLocatedAtTheByte",
			in:      podHead + "spec:\n  nodeName: caf\xe9\n" + second,
			errs:    []wantErr{{7, 16, "invalid UTF-8 (byte 0xe9)"}},
			objects: 1,
		},
		{
			name:    "InvalidUTF8InAKindNoRuleReadsIsStillAnError",
			in:      "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: \xff\xfe\n" + second,
			errs:    []wantErr{{4, 6, "invalid UTF-8 (byte 0xff)"}},
			objects: 1,
		},
		{
			name: "NULByteIsLocatedAndTheFileNotRead",
			in:   podHead + "spec:\n  x: a\x00b\n",
			errs: []wantErr{{7, 7, "NUL byte"}},
		},
		{
			name: "BinaryFileIsAnError",
			in:   "\x7fELF\x02\x01\x01\x00\x00\x00",
			errs: []wantErr{{1, 8, "NUL byte"}},
		},
		{
			name:    "BinaryWithoutNULIsAnInvalidUTF8Error",
			in:      "\x89PNG\r\n\x1a\n" + second,
			errs:    []wantErr{{1, 1, "invalid UTF-8 (byte 0x89)"}},
			objects: 1,
		},
		{
			name:    "TabIndentationIsLocated",
			in:      podHead + "spec:\n\tcontainers: []\n" + second,
			errs:    []wantErr{{7, 0, "invalid YAML"}},
			objects: 1,
		},
		{
			name:    "DuplicateKeysAreLocatedAtTheSecond",
			in:      podHead + "spec:\n  serviceAccountName: a\n  serviceAccountName: b\n",
			errs:    []wantErr{{8, 3, `duplicate key "serviceAccountName" (first at line 7)`}},
			objects: 1,
		},
		{
			name:    "HelmTemplateIsLocated",
			in:      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n  {{- if .Values.labels }}\n  labels: {}\n  {{- end }}\n" + second,
			errs:    []wantErr{{5, 0, "invalid YAML"}},
			objects: 1,
		},
		{
			name:    "OversizeDocumentIsAnErrorAndTheNextIsRead",
			in:      "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: " + strings.Repeat("x", MaxDocumentSize) + "\n" + second,
			errs:    []wantErr{{1, 1, "larger than the API server accepts"}},
			objects: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Read(NewSource("in.yaml", []byte(tt.in)))
			if len(f.Errors) != len(tt.errs) {
				t.Fatalf("got %d errors, want %d: %v", len(f.Errors), len(tt.errs), f.Errors)
			}
			for i, w := range tt.errs {
				e := f.Errors[i]
				if e.Pos.Line != w.line || (w.col != 0 && e.Pos.Col != w.col) || !strings.Contains(e.Message, w.msg) {
					t.Errorf("error %d = %v, want line %d col %d containing %q", i, e, w.line, w.col, w.msg)
				}
			}
			if len(f.Objects) != tt.objects {
				t.Errorf("read %d objects, want %d", len(f.Objects), tt.objects)
			}
		})
	}
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestRead_AliasBombCostsNoMoreThanItsText(t *testing.T) {
	data := []byte(billionLaughs())
	var f *File
	n := allocated(func() { f = Read(NewSource("bomb.yaml", data)) })
	if len(f.Errors) != 1 {
		t.Fatalf("errors = %v, want the alias bomb", f.Errors)
	}
	if n > 1<<20 {
		t.Errorf("reading a %d-byte alias bomb allocated %d bytes, want under 1 MiB", len(data), n)
	}
}

func TestRead_OversizeDocumentIsNotCopied(t *testing.T) {
	data := []byte("apiVersion: v1\nkind: Pod\nspec:\n  x: " + strings.Repeat("y", 50<<20) + "\n")
	var f *File
	n := allocated(func() { f = Read(NewSource("big.yaml", data)) })
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Message, "larger than the API server accepts") {
		t.Fatalf("errors = %v, want one oversize error", f.Errors)
	}
	if n > 1<<20 {
		t.Errorf("reading a 50 MB document allocated %d bytes, want under 1 MiB: it must not be copied or parsed", n)
	}
}

func TestRead_ErrorsInEveryDocumentAreEachLocated(t *testing.T) {
	var b bytes.Buffer
	for i := range 3 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\nspec: [\n", i)
	}
	f := Read(NewSource("x.yaml", b.Bytes()))
	if len(f.Errors) != 3 {
		t.Fatalf("errors = %v, want 3", f.Errors)
	}
	for i, e := range f.Errors {
		// Each document is 5 lines; the parser notices the unclosed flow
		// sequence at the next document's marker or the end.
		if e.Pos.Line < 1+5*i || e.Pos.Line > 6+5*i {
			t.Errorf("error %d at line %d, want within document %d (lines %d-%d)", i, e.Pos.Line, i, 1+5*i, 6+5*i)
		}
	}
}

// TestRead_ManyBrokenDocumentsAreLinear locates an error in each of 200,000
// documents. Locating counts lines from each document's start, not the
// file's, so this is linear; a quadratic locator would not finish.
func TestRead_ManyBrokenDocumentsAreLinear(t *testing.T) {
	const n = 200_000
	data := bytes.Repeat([]byte("---\nkind: \xff\n"), n)
	f := Read(NewSource("x.yaml", data))
	if len(f.Errors) != n {
		t.Fatalf("%d errors, want %d", len(f.Errors), n)
	}
	if last := f.Errors[n-1].Pos; last.Line != 2*n || last.Col != 7 {
		t.Errorf("last error at %d:%d, want %d:7", last.Line, last.Col, 2*n)
	}
}

func TestRead_ConsecutiveDocumentsReadAsAlone(t *testing.T) {
	pod := func(name, extra string) string {
		return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: shop}\nspec:\n  serviceAccountName: sa" + extra + "\n"
	}
	tests := []struct {
		name string
		in   string
	}{
		{"Plain", pod("a", "") + pod("b", "") + pod("c", "")},
		{"AliasToAnotherDocumentsAnchor", pod("a", "\n  x: &anchor 1") + pod("b", "\n  y: *anchor")},
		{"ErrorInTheMiddle", pod("a", "") + pod("b", "\n  x: [") + pod("c", "")},
		{"DuplicateKeysInTwo", pod("a", "\n  x: 1\n  x: 2") + pod("b", "\n  y: 1\n  y: 2")},
		{"DocumentEndMarker", pod("a", "") + "...\n" + pod("b", "")},
		{"AliasBombInOne", pod("a", "") + billionLaughs() + pod("c", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			joined := Read(NewSource("x.yaml", []byte(tt.in)))
			alone := ReadWith(NewSource("x.yaml", []byte(tt.in)), ReadOptions{DocumentByDocument: true})
			if got, want := summary(joined), summary(alone); got != want {
				t.Errorf("joined:\n%s\nalone:\n%s", got, want)
			}
		})
	}
}
