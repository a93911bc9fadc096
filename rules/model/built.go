package model

import "sigs.k8s.io/kustomize/kyaml/yaml"

// Built marks an object that a build (kustomize, filled in by package
// lint/kustomize) produced rather than one read as written. The object's
// Node holds the built values, which are what the cluster receives, and its
// nodes carry the positions of the same fields in the source document
// (Object.Source), so that findings and fixes land in the file a person
// edits. What the source does not hold is described here.
type Built struct {
	// Root is the kustomization directory that was built.
	Root string
	// Elsewhere locates nodes whose value was set outside Object.Source:
	// by a patch, or by a kustomization field.
	Elsewhere map[*yaml.Node]Position
	// Notes say where the value found at a position came from ("set by
	// patch overlays/prod/sa.yaml"); a finding at that position repeats it.
	Notes map[Position]string
	// NamespaceNote is set when the build set the object's namespace
	// ("namespace prod set by overlays/prod/kustomization.yaml:3").
	NamespaceNote string
	// NoFix, when set, says why no fix may edit the source for this object.
	NoFix string
	// DocStart and DocEnd bound the source document in Object.Source.Data.
	DocStart, DocEnd int
	// Rewritten holds the source lines whose content the build replaced,
	// or inside which it added or removed fields; a fix touching them would
	// not change what the cluster receives as intended.
	Rewritten map[int]bool
}

// NewObject makes an object of node n read from src, as the reader does;
// builds use it for the objects they produce.
func NewObject(src *Source, n *yaml.Node, docIndex int, prefix, apiVersion, kind string) *Object {
	return newObject(src, n, docIndex, prefix, apiVersion, kind)
}
