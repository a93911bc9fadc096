package model

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Field is one key/value pair found in a mapping. Key is nil when the field
// is absent; Value follows aliases.
type Field struct {
	Key   *yaml.Node
	Value *yaml.Node
}

// Present reports whether the field exists in the document.
func (f Field) Present() bool { return f.Key != nil }

// String is the field's scalar value, "" when absent or not a scalar.
func (f Field) String() string {
	if f.Value == nil || f.Value.Kind != yaml.ScalarNode || f.Value.Tag == "!!null" {
		return ""
	}
	return f.Value.Value
}

// Bool is the field's boolean value as kubectl reads it (YAML 1.1 plain
// yes/no/on/off included); ok is false when absent or not a bool.
func (f Field) Bool() (value, ok bool) {
	if f.Value == nil || f.Value.Kind != yaml.ScalarNode {
		return false, false
	}
	if f.Value.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 || (f.Value.Style&yaml.TaggedStyle != 0 && f.Value.Tag == "!!str") {
		return false, false // a string, "true" too: the API server refuses it (NotBool)
	}
	switch f.Value.Value {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	// kubectl reads manifests with sigs.k8s.io/yaml, which follows YAML 1.1:
	// a plain yes/no/on/off reaches the API server as a boolean, so the
	// field is set (spec §1.5: a set value wins).
	switch f.Value.Value {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON":
		return true, true
	case "n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return false, true
	}
	return false, false
}

// NotBool describes the field's value when it is set to something that
// is not a boolean ("the string \"true\"", "a list"), which the API
// server refuses when it decodes the object; "" when it is a boolean,
// null or absent.
func (f Field) NotBool() string { return f.NotA(TypeBoolean) }

// The JSON types a field's schema can want (Field.NotA).
const (
	TypeBoolean = "a boolean"
	TypeString  = "a string"
	TypeList    = "a list"
	TypeMap     = "a map"
)

// NotA describes the field's value when it is set to something the API
// server cannot decode as want (one of the Type constants) and so
// refuses the object: "the number 5", "a list"; "" when it is of that
// type, null or absent. Values are typed as kubectl sends them (YAML 1.1:
// a plain yes is a boolean).
func (f Field) NotA(want string) string {
	v := f.Value
	if v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return ""
	}
	var got, what string
	switch _, isBool := f.Bool(); {
	case v.Kind == yaml.SequenceNode:
		got, what = TypeList, "a list"
	case v.Kind == yaml.MappingNode:
		got, what = TypeMap, "a map"
	case isBool:
		got, what = TypeBoolean, "the boolean "+v.Value
	case (v.Tag == "!!int" || v.Tag == "!!float") && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0:
		got, what = "a number", "the number "+v.Value
	default:
		got, what = TypeString, fmt.Sprintf("the string %q", v.Value)
	}
	if got == want {
		return ""
	}
	return what
}

// WrongType is a field of an object that the API server cannot decode as
// the type its schema gives the field: it rejects the whole object.
type WrongType struct {
	Node *yaml.Node // where the value stands (its key, or the list item)
	Path string     // the field path, relative to the pod spec for pods
	Key  string     // the schema key the path starts with ("imagePullSecrets")
	What string     // what the value is ("the number 5")
	Want string     // a Type constant
}

// wrongTypes checks the fields rules read for their types: the names, each
// a path of keys (the keys naming a pod's account; a ServiceAccount's own
// metadata.name), are strings and, with pullSecrets, imagePullSecrets is a
// list of maps with a string name.
func wrongTypes(node *yaml.Node, pullSecrets bool, names ...[]string) []WrongType {
	var out []WrongType
	check := func(f Field, at *yaml.Node, path, key, want string) bool {
		what := f.NotA(want)
		if what != "" {
			out = append(out, WrongType{Node: at, Path: path, Key: key, What: what, Want: want})
		}
		return what == ""
	}
	for _, path := range names {
		f := Lookup(node, path...)
		check(f, f.Key, strings.Join(path, "."), path[0], TypeString)
	}
	const key = "imagePullSecrets"
	list := Get(node, key)
	if !pullSecrets || !check(list, list.Key, key, key, TypeList) {
		return out
	}
	for i, item := range list.Items() {
		at := fmt.Sprintf("%s[%d]", key, i)
		if !check(Field{Key: item, Value: item}, item, at, key, TypeMap) {
			continue
		}
		if name := Get(item, "name"); name.Present() {
			check(name, name.Key, at+".name", key, TypeString)
		}
	}
	return out
}

// Deref follows an alias node to its target.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil // alias chain too long to be real data
	}
	return n
}

// Get returns the first field called key in mapping m (the one the API
// server's decoder would see last is a duplicate, which the reader reports).
func Get(m *yaml.Node, key string) Field {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return Field{}
	}
	if i := keyIndex(m, key); i >= 0 {
		return Field{Key: m.Content[i], Value: Deref(m.Content[i+1])}
	}
	return Field{}
}

// keyIndex is the index in m.Content of the first key called key, or -1.
func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i
		}
	}
	return -1
}

// Lookup walks a path of keys from m; the result's Key is that of the last
// element found, Value nil when the path stops early.
func Lookup(m *yaml.Node, path ...string) Field {
	var f Field
	for _, key := range path {
		f = Get(m, key)
		if !f.Present() {
			return Field{}
		}
		m = f.Value
	}
	return f
}

// Mapping returns the mapping value of f, or nil.
func (f Field) Mapping() *yaml.Node {
	if f.Value != nil && f.Value.Kind == yaml.MappingNode {
		return f.Value
	}
	return nil
}

// Items returns the entries of a sequence value (aliases followed).
func (f Field) Items() []*yaml.Node {
	if f.Value == nil || f.Value.Kind != yaml.SequenceNode {
		return nil
	}
	items := make([]*yaml.Node, 0, len(f.Value.Content))
	for _, n := range f.Value.Content {
		if n = Deref(n); n != nil {
			items = append(items, n)
		}
	}
	return items
}

// StringMap returns a mapping of scalars as a Go map (for annotations).
func (f Field) StringMap() map[string]string {
	m := f.Mapping()
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if v := Deref(m.Content[i+1]); v != nil && v.Kind == yaml.ScalarNode {
			out[m.Content[i].Value] = v.Value
		}
	}
	return out
}

// ParseBool is Go's strconv.ParseBool, which the API server uses for
// annotation values (spec §1.8: 1, t, T, true, TRUE, True).
func ParseBool(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}
