package safetext

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"web", "web"},
		{"ünïcode名前", "ünïcode名前"},
		{"a b", "a b"},
		{"web\x1b]8;;https://evil.example\x07x", `web\x1b]8;;https://evil.example\x07x`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"del\x7f", `del\x7f`},
		{"nul\x00", `nul\x00`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"sep\u2028\u2029", `sep\u2028\u2029`},
		{"bidi\u202e\u2066", `bidi\u202e\u2066`},
		{"bad\xe9utf8", `bad\xe9utf8`},
		// A value that can begin a line never begins a workflow command:
		// the runner trims leading whitespace before looking for "::".
		{"::error file=a::forged", `\x3a:error file=a::forged`},
		{"  \u00a0::stop-commands::x", "  \u00a0\\x3a:stop-commands::x"},
		{"a::b", "a::b"},
		{"x##[error]forged", `x##\x5berror]forged`},
		{"#[", "#["},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := Escape(Escape(tc.in)); again != Escape(tc.in) {
			t.Errorf("Escape is not idempotent on %q: %q", tc.in, again)
		}
	}
}

func TestEscape_LeavesPrintableTextUnallocated(t *testing.T) {
	s := "Deployment shop/web runs as ServiceAccount \"ghost\""
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape allocated %v times on printable text, want 0", n)
	}
}

func TestWriteJSON_SameValuesNothingATerminalActsOn(t *testing.T) {
	in := map[string]string{"name": "web\x7f\u0085\u009b2J\u202e##[error]x\x1b\n<&>", "plain": "a/b"}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	for _, r := range buf.String() {
		if r != '\n' && (unicode.IsControl(r) || unsafeRune(r)) {
			t.Errorf("raw %U in %s", r, buf.String())
		}
	}
	if strings.Contains(buf.String(), "##[") {
		t.Errorf("##[ in %s", buf.String())
	}
	if !strings.Contains(buf.String(), `"<&>`) && !strings.Contains(buf.String(), `<&>"`) {
		t.Errorf("HTML characters escaped: %s", buf.String())
	}
	var out map[string]string
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil || out["name"] != in["name"] || out["plain"] != in["plain"] {
		t.Errorf("decoded %q (%v), want %q", out, err, in)
	}
}

// JSONString is a value as WriteJSON writes it in a string: the encoded
// document holds it between quotes.
func TestJSONString_AsWriteJSONWritesIt(t *testing.T) {
	for _, s := range []string{"web", `a"b\c`, "tab\tnl\n", "<&>", "##[error]", "del\x7f\u202e", "::x", "ünï", "bad\xe9"} {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, []string{s}); err != nil {
			t.Fatal(err)
		}
		got := JSONString(s)
		if !strings.Contains(buf.String(), `"`+got+`"`) {
			t.Errorf("JSONString(%q) = %q, not in %s", s, got, buf.String())
		}
		if s == "web" && got != "web" {
			t.Errorf("JSONString(%q) = %q", s, got)
		}
	}
}

// MapStrings reaches every plain string of a writer's data, in place, and
// leaves named string types (the writer's own words).
func TestMapStrings_EveryPlainStringOnce(t *testing.T) {
	type word string
	type item struct {
		Name   string
		Status word
		hidden string
	}
	shared := &item{Name: "x", Status: "x"}
	data := struct {
		Items  []*item
		Array  [1]string
		Map    map[string]string
		Any    any
		Twice  *item
		Nil    *item
		NilAny any
	}{
		Items: []*item{shared, {Name: "x", hidden: "x"}},
		Array: [1]string{"x"},
		Map:   map[string]string{"x": "x"},
		Any:   "x",
		Twice: shared,
	}
	MapStrings(&data, func(s string) string { return s + "!" })
	if shared.Name != "x!" || shared.Status != "x" || data.Items[1].Name != "x!" || data.Items[1].hidden != "x" {
		t.Errorf("items: %+v %+v", *shared, *data.Items[1])
	}
	if data.Array[0] != "x!" || data.Map["x!"] != "x!" || len(data.Map) != 1 || data.Any != "x!" {
		t.Errorf("array %q, map %q, any %q", data.Array, data.Map, data.Any)
	}
}

// A field tagged `scrub:"-"` (an input path) is left, at any depth; a
// struct reached through a pointer after a pointer to its first field
// (the same address) is walked still. That field is mapped twice: the
// price of not walking it never.
func TestMapStrings_OptOutAndSharedAddress(t *testing.T) {
	type place struct {
		File string `scrub:"-"`
		Name string
	}
	type item struct {
		First, Second string
	}
	shared := &item{First: "x", Second: "x"}
	data := struct {
		At       place
		Places   []place
		First    *string
		Item     *item
		Untagged string
	}{At: place{File: "x", Name: "x"}, Places: []place{{File: "x", Name: "x"}}, First: &shared.First, Item: shared, Untagged: "x"}
	MapStrings(&data, func(s string) string { return s + "!" })
	if data.At != (place{File: "x", Name: "x!"}) || data.Places[0] != (place{File: "x", Name: "x!"}) {
		t.Errorf("places: %+v %+v, want File left, Name mapped", data.At, data.Places[0])
	}
	if !strings.HasPrefix(shared.First, "x!") || shared.Second != "x!" || data.Untagged != "x!" {
		t.Errorf("item %+v, untagged %q: want each mapped", *shared, data.Untagged)
	}
}

// GoQuoted is %q without the quotes; printable ASCII, most values, is
// returned as it is, without allocating, and so by JSONString.
func TestGoQuoted_AsQuoteWritesIt(t *testing.T) {
	for _, s := range []string{"web", "not-a-real-password-7", `a"b\c`, "tab\t", "del\x7f", "ünï", "bad\xe9", "##[x"} {
		q := strconv.Quote(s)
		if got := GoQuoted(s); got != q[1:len(q)-1] {
			t.Errorf("GoQuoted(%q) = %q, want %q", s, got, q[1:len(q)-1])
		}
	}
	plain := "not-a-real-password-7"
	if n := testing.AllocsPerRun(100, func() { _, _ = GoQuoted(plain), JSONString(plain) }); n != 0 {
		t.Errorf("GoQuoted and JSONString allocated %v times on printable ASCII, want 0", n)
	}
}
