package model

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestObject_Rewrite: a copy changes values in its own nodes, keeps
// their positions, follows aliases, and leaves the object it copies
// alone.
func TestObject_Rewrite(t *testing.T) {
	const doc = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  annotations: {a: &v "${name}-x", b: *v, c: same}
`
	tests := []struct {
		name        string
		value       func(string) string
		wantName    string
		wantB       string
		wantChanged []string
	}{
		{"NoValueSharesTheNodes", nil, "${name}", "${name}-x", nil},
		{"UnchangedValuesShareTheNodes", func(s string) string { return s }, "${name}", "${name}-x", nil},
		{"SubstitutedValues", func(s string) string { return strings.ReplaceAll(s, "${name}", "api") }, "api", "api-x", []string{"test.yaml:4:9", "test.yaml:5:20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Read(NewSource("test.yaml", []byte(doc))).Objects[0]
			var changed []Position
			var replace func(*yaml.Node) *yaml.Node
			if tt.value != nil {
				replace = func(n *yaml.Node) *yaml.Node {
					if v := tt.value(n.Value); n.Kind == yaml.ScalarNode && v != n.Value {
						changed = append(changed, o.Pos(n))
						c := *n
						c.Value = v
						return &c
					}
					return n
				}
			}
			c := o.Rewrite(replace)
			if c == o || c.Name != tt.wantName {
				t.Errorf("copy named %q (a copy: %v), want %q", c.Name, c != o, tt.wantName)
			}
			if got := c.Annotations["b"]; got != tt.wantB {
				t.Errorf("alias b = %q, want %q", got, tt.wantB)
			}
			var got []string
			for _, p := range changed {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.wantChanged, " ") {
				t.Errorf("changed %q, want %q", got, tt.wantChanged)
			}
			if (len(tt.wantChanged) == 0) != (c.Node == o.Node) {
				t.Errorf("the copy shares the object's nodes: %v, want it to when nothing changed", c.Node == o.Node)
			}
			if o.Name != "${name}" || o.Annotations["b"] != "${name}-x" || Lookup(o.Node, "metadata", "name").String() != "${name}" {
				t.Errorf("the copied object changed: %q %q", o.Name, o.Annotations)
			}
		})
	}
}

// TestObject_Whole: a pruned object's tree keeps only what rules reach
// through it (a binding's subjects are read into its definitions), so a
// copy that reads what it defines again starts from the object whole;
// an object read without pruning is its own whole.
func TestObject_Whole(t *testing.T) {
	const doc = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\nsubjects:\n- {kind: ServiceAccount, name: api}\nroleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}\n"
	pruned := ReadWith(NewSource("rb.yaml", []byte(doc)), ReadOptions{Prune: true}).Objects[0]
	if Get(pruned.Node, "subjects").Present() {
		t.Fatal("the pruned binding kept its subjects: the case this test is about is gone")
	}
	w := pruned.Whole()
	if w == pruned || len(Get(w.Node, "subjects").Items()) != 1 || w.Name != "rb" || w.Namespace != "shop" {
		t.Errorf("Whole of a pruned object: subjects %v, %s", Get(w.Node, "subjects").Items(), w)
	}
	if pos := w.Pos(Get(w.Node, "subjects").Items()[0]); pos.String() != "rb.yaml:5:3" {
		t.Errorf("a subject of the whole object at %s, want rb.yaml:5:3", pos)
	}
	if o := Read(NewSource("rb.yaml", []byte(doc))).Objects[0]; o.Whole() != o {
		t.Error("Whole of an object read without pruning is a copy")
	}
}

// TestObject_RewriteOfAPrunedObject: a copy that changes no node keeps
// what a pruned object defines (its tree cannot be read again), as
// records of the copy.
func TestObject_RewriteOfAPrunedObject(t *testing.T) {
	const doc = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nsubjects:\n- {kind: ServiceAccount, name: api}\nroleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}\n"
	o := ReadWith(NewSource("rb.yaml", []byte(doc)), ReadOptions{Prune: true}).Objects[0]
	c := o.Rewrite(func(n *yaml.Node) *yaml.Node { return n })
	c.Namespace, c.PlacedBy = "placed", &Note{}
	b := Build([]*File{{Source: o.Source, Objects: []*Object{c}}}, Options{})
	if len(b.Bindings) != 1 || b.Bindings[0].Object != c || len(b.Bindings[0].Grants()) != 1 || b.Bindings[0].Grants()[0].Namespace != "placed" {
		t.Errorf("the copy's binding: %+v", b.Bindings)
	}
	if o.defs.binding.Object != o {
		t.Error("the copy changed the object's records")
	}
}
