package model

import "testing"

func TestStub_KeepsApiVersionKindAndMetadataOfKindsNoRuleReads(t *testing.T) {
	tests := []struct {
		name, doc, want string
		ok              bool
	}{
		{"CRDCut", "---\n# c\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b\n  labels: {x: y}\n\nspec:\n  group: b\n  versions:\n  - name: v1\nstatus: {}\n",
			"---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b\n  labels: {x: y}\n\n", true},
		{"MetadataLastWithoutNewline", "kind: Widget\nspec: {}\nmetadata:\n  name: s", "kind: Widget\nmetadata:\n  name: s", true},
		{"KindARuleReadsIsWhole", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n", "", false},
		{"FlowStyleIsWhole", "{apiVersion: v1, kind: Service, metadata: {name: s}}\n", "", false},
		{"AliasInKeptLinesIsWhole", "kind: Widget\nspec: &s {a: b}\nmetadata:\n  labels: *s\n", "", false},
		{"NoKindIsWhole", "metadata: {name: x}\nspec: {}\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Stub([]byte(tt.doc))
			if ok != tt.ok || string(got) != tt.want {
				t.Errorf("Stub = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
