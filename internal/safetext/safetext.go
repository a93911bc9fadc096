// Package safetext makes a value read from input safe to print as part of a
// line of human-readable output: a terminal, a CI job log, a step summary.
//
// Manifests and file names are untrusted: YAML escapes put any character in
// a name, and Kubernetes validates names only when they are applied. Every
// writer of human-readable output prints input values through Escape, so no
// value can end a line, move the cursor, open a terminal hyperlink, or start
// a GitHub Actions workflow command. It lives in its own package, below
// rules/model, because the writers are spread over lint, lint/accounts,
// lint/krm, mutate/admit and cmd/salint, and none of them owns the others.
package safetext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character a terminal or log viewer would act
// on written as a Go-style escape: C0 controls (\n, \r, \t, \x1b, ...), DEL,
// C1 controls (\u0085, ...), the Unicode line and paragraph separators and
// the bidirectional overrides and isolates (which reorder what a line shows),
// and bytes that are not UTF-8 (\xe9). Two workflow-command openings are
// escaped too, since the GitHub Actions runner executes them from any log
// line: a ':' that follows only whitespace at the start of s (the runner
// trims leading whitespace, then looks for "::"), and the '[' of "##[" (the
// older syntax, found anywhere in a line). Printable text is returned as is,
// so output without such characters is unchanged; Escape(Escape(s)) ==
// Escape(s). A backslash is not escaped: the output is for people, not for
// parsing back.
func Escape(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	leading := true // only whitespace so far
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == ':' && leading:
			b.WriteString(`\x3a`)
		case r == '[' && strings.HasSuffix(s[:i], "##"):
			b.WriteString(`\x5b`)
		default:
			b.WriteString(s[i : i+size])
		}
		leading = leading && unicode.IsSpace(r) && r >= 0x20 && !unsafeRune(r)
		i += size
	}
	return b.String()
}

// unsafeRune reports the non-ASCII characters Escape writes as \uXXXX.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls: CSI, NEL, OSC, ...
		return true
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069': // bidi overrides and isolates
		return true
	}
	return false
}

// isSafe reports whether Escape would return s unchanged, without
// allocating: the common case.
func isSafe(s string) bool {
	leading := true
	for i, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == utf8.RuneError || unsafeRune(r):
			// RuneError may be a real U+FFFD; the slow path tells them apart.
			return false
		case r == ':' && leading:
			return false
		case r == '[' && strings.HasSuffix(s[:i], "##"):
			return false
		}
		leading = leading && unicode.IsSpace(r)
	}
	return true
}

// WriteJSON writes v as indented JSON (HTML characters as they are) with
// the characters Escape would escape written as \u escapes: the same JSON
// values, but nothing a terminal or a job log acts on when the report is
// printed. Go's encoder already escapes C0 controls and U+2028/U+2029.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := buf.Bytes()
	if !bytes.ContainsFunc(out, func(r rune) bool { return r == 0x7f || unsafeRune(r) }) && !bytes.Contains(out, []byte("##[")) {
		_, err := w.Write(out)
		return err
	}
	var b bytes.Buffer
	b.Grow(len(out) + 16)
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == 0x7f || unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '[' && bytes.HasSuffix(out[:i], []byte("##")):
			b.WriteString(`\u005b`) // inside a string: "##[" exists nowhere else in JSON
		default:
			b.Write(out[i : i+size])
		}
		i += size
	}
	_, err := w.Write(b.Bytes())
	return err
}

// JSONString returns s as WriteJSON writes it inside a string, without
// the quotes.
func JSONString(s string) string {
	if printableASCII(s) && !strings.Contains(s, "##[") {
		return s // what the encoder and WriteJSON leave: most values
	}
	var b strings.Builder
	_ = WriteJSON(&b, s) // a string always encodes
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), `"`), "\"\n")
}

// printableASCII reports whether s holds only printable ASCII but for a
// double quote and a backslash: what a Go or JSON string literal writes as
// it is.
func printableASCII(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// GoQuoted returns s as %q writes it, without the quotes.
func GoQuoted(s string) string {
	if printableASCII(s) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// MapStrings replaces, in place, every value of type string reachable from
// v (a pointer) through pointers, exported struct fields, slices, arrays,
// maps (keys too) and interfaces by f of it: a writer's data made safe
// whole (a Secret's value taken out) before any format writes it, so that
// a field added later is covered and the writer's own words (labels, JSON
// keys) are not. Named string types (an enumeration of the writer's own
// words) are left as they are, and so is a struct field tagged
// `scrub:"-"` (an input file's path, which holds no value of the input).
func MapStrings(v any, f func(string) string) {
	// A pointer to a struct and one to its first field share an address:
	// seen by address alone, the second would not be walked.
	type visit struct {
		at uintptr
		to reflect.Type
	}
	seen := map[visit]bool{}
	plain := reflect.TypeFor[string]()
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		switch x.Kind() {
		case reflect.String:
			if x.Type() == plain && x.CanSet() {
				x.SetString(f(x.String()))
			}
		case reflect.Pointer:
			at := visit{x.Pointer(), x.Type()}
			if x.IsNil() || seen[at] {
				return
			}
			seen[at] = true
			walk(x.Elem())
		case reflect.Interface:
			if x.IsNil() || !x.CanSet() {
				return
			}
			e := reflect.New(x.Elem().Type()).Elem() // the value inside is not settable
			e.Set(x.Elem())
			walk(e)
			x.Set(e)
		case reflect.Struct:
			for i := range x.NumField() {
				if field := x.Type().Field(i); field.IsExported() && field.Tag.Get("scrub") != "-" {
					walk(x.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range x.Len() {
				walk(x.Index(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				val := reflect.New(x.Type().Elem()).Elem()
				val.Set(x.MapIndex(k))
				walk(val)
				key := reflect.New(k.Type()).Elem()
				key.Set(k)
				walk(key)
				x.SetMapIndex(k, reflect.Value{})
				x.SetMapIndex(key, val)
			}
		}
	}
	walk(reflect.ValueOf(v))
}
