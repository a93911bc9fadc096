package kustomize

import (
	"testing"

	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzCacheEntry reads arbitrary bytes as an entry's header and as its
// unsealed objects: never a panic or a hang, and objects that are read
// are written, read and written again to the same bytes (the input itself
// may spell a number in more bytes than needed). A sealed entry salint did
// not write fails authentication first; this covers what lies behind it.
func FuzzCacheEntry(f *testing.F) {
	pod, err := yaml.Parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # c\n  labels: &l {a: b}\nspec:\n  serviceAccountName: web\n")
	if err != nil {
		f.Fatal(err)
	}
	labels := pod.YNode().Content[5].Content[3]
	pod.YNode().Content = append(pod.YNode().Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "again"}, labels)
	seed, ok := encodeObjects(&built{how: builtCut, objects: []*yaml.RNode{pod}, origins: []*resource.Origin{{Path: "pod.yaml", ConfiguredIn: "kustomization.yaml"}}})
	if !ok {
		f.Fatal("seed not written")
	}
	f.Add(seed)
	f.Add([]byte(cacheFormat))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeHeader(data, digest{})
		b, ok := decodeObjects(data)
		if !ok {
			return
		}
		once, ok := encodeObjects(b)
		if !ok {
			t.Fatalf("objects read cannot be written again")
		}
		b2, ok := decodeObjects(once)
		if !ok {
			t.Fatalf("objects written cannot be read again: %q", once)
		}
		if twice, _ := encodeObjects(b2); string(twice) != string(once) {
			t.Fatalf("written again as %q, first as %q", twice, once)
		}
	})
}
