// Package fingerprint gives what a run reports an identity that holds
// across runs and checkouts: paths relative to the repository root, and
// hashes of what a finding or input error is about (not its line). The
// CI formats carry them (lint/report) and a baseline or an earlier
// revision is matched by them (lint's known.go).
package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// RepoRoot is the directory that CI systems resolve report paths against:
// the nearest directory at or above dir holding .git (a directory, or the
// file a worktree or submodule has), else dir itself. The result is
// absolute.
func RepoRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

// Paths expresses report paths relative to a base directory, with
// forward slashes, as GitHub, GitLab and SARIF viewers want them.
type Paths struct {
	base  string
	cache map[string]Path
}

// Path is a path as a report shows it; Outside is true when the file is
// not below the base directory and Name is then absolute. Without a base,
// paths stay as they were reached.
type Path struct {
	Name    string
	Outside bool
}

// NewPaths makes paths relative to base (empty: left as they are).
func NewPaths(base string) *Paths {
	if base != "" {
		if abs, err := filepath.Abs(base); err == nil {
			base = abs
		}
	}
	return &Paths{base: base, cache: map[string]Path{}}
}

// Of is file as a report shows it.
func (p *Paths) Of(file string) Path {
	if r, ok := p.cache[file]; ok {
		return r
	}
	r := Path{Name: filepath.ToSlash(filepath.Clean(file))}
	switch {
	case file == model.StdinPath || file == "":
		r.Name = file
	case p.base == "":
		r.Outside = filepath.IsAbs(file)
	default:
		if abs, err := filepath.Abs(file); err == nil {
			r = Path{Name: filepath.ToSlash(abs), Outside: true}
			if rel, err := filepath.Rel(p.base, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				r = Path{Name: filepath.ToSlash(rel)}
			}
		}
	}
	p.cache[file] = r
	return r
}

// Findings gives each finding an identity that stays the same from
// run to run while the finding does: a hash of the rule, the file, the
// object and the field, but not the line (which moves when lines are added
// above it) nor the message (whose hints change with other files). Items
// of the lists Kubernetes merges by name are named by it, not by their
// index (see keyedField). Two
// findings that agree on all of those (one object defined twice in a file)
// are told apart by their order, which is stable because findings are
// sorted.
func Findings(findings []rules.Finding, paths *Paths) []string {
	keys := make([]string, len(findings))
	for i, f := range findings {
		parts := []string{f.Rule, paths.Of(f.Pos.File).Name, keyedField(f)}
		if o := f.Object; o != nil {
			parts = append(parts, o.APIVersion, o.Kind, o.Namespace, o.DisplayName())
		}
		keys[i] = key(parts...)
	}
	return orderedDigests(keys)
}

// Errors identifies input errors across runs: by file and message, not
// line, told apart by order when they agree (as Findings does).
func Errors(errs []model.Error, paths *Paths) []string {
	keys := make([]string, len(errs))
	for i, e := range errs {
		keys[i] = key("input error", paths.Of(e.Pos.File).Name, e.Message)
	}
	return orderedDigests(keys)
}

// Of is the fingerprint of one thing named by parts, for a format that
// identifies things by their parts alone.
func Of(parts ...string) string {
	return digest(key(parts...))
}

// orderedDigests digests each key, telling keys that are equal apart by
// their order (the first as it is, later ones numbered).
func orderedDigests(keys []string) []string {
	out := make([]string, len(keys))
	seen := map[string]int{}
	for i, base := range keys {
		numbered := base
		if n := seen[base]; n > 0 {
			// One part more (3 or 7 parts become 4 or 8): no other key
			// has as many.
			numbered += "\x00" + strconv.Itoa(n)
		}
		seen[base]++
		out[i] = digest(numbered)
	}
	return out
}

// mergedByName are the pod spec's lists whose items Kubernetes identifies
// by their name (the strategic merge patch key): an item keeps its
// identity when another is inserted above it.
var mergedByName = map[string]bool{
	model.InitContainers: true, model.Containers: true, model.EphemeralContainers: true,
	"imagePullSecrets": true, "volumes": true, "env": true,
}

// keyedField is f.Field with each index into a list merged by name
// replaced by the item's name: "spec.imagePullSecrets[name=\"creds\"].name"
// for "spec.imagePullSecrets[1].name". Where the object's tree does not
// say (no name, a path it does not hold), the index stays. A pruned
// object's tree no longer holds its containers: a pod spec's container
// records name them.
func keyedField(f rules.Finding) string {
	o := f.Object
	if o == nil || o.Node == nil || !strings.HasPrefix(f.Field, o.FieldPrefix) {
		return f.Field
	}
	segs := strings.Split(strings.TrimPrefix(f.Field, o.FieldPrefix), ".")
	node, changed := o.Node, false
	for i, seg := range segs {
		list, index, isItem := listIndex(seg)
		node = model.Get(node, list).Value
		if !isItem || !mergedByName[list] {
			if node == nil {
				break
			}
			continue
		}
		var name string
		if node != nil && node.Kind == yaml.SequenceNode && index < len(node.Content) {
			node = model.Deref(node.Content[index])
			name = model.Get(node, "name").String()
		} else if c := containerAt(f.Pod, o.FieldPrefix+strings.Join(segs[:i], "."), list, index); c != nil {
			node, name = c.Node, c.Name
		}
		if name == "" {
			break
		}
		segs[i] = list + "[name=" + strconv.Quote(name) + "]"
		changed = true
	}
	if !changed {
		return f.Field
	}
	return o.FieldPrefix + strings.Join(segs, ".")
}

// containerAt is pod's container list[index], when path is pod's.
func containerAt(pod *model.PodSpec, path, list string, index int) *model.Container {
	if pod == nil || pod.Path != path {
		return nil
	}
	for _, c := range pod.Containers {
		if c.List == list && c.Index == index {
			return c
		}
	}
	return nil
}

// listIndex splits "containers[1]" into "containers" and 1.
func listIndex(seg string) (name string, index int, ok bool) {
	open := strings.IndexByte(seg, '[')
	if open < 0 || !strings.HasSuffix(seg, "]") {
		return seg, 0, false
	}
	n, err := strconv.Atoi(seg[open+1 : len(seg)-1])
	if err != nil || n < 0 {
		return seg, 0, false
	}
	return seg[:open], n, true
}

// escaper makes a part free of bare NULs, so that NUL can
// separate parts: no two lists of parts give one key, whatever bytes a
// name holds (YAML's "\0" puts NUL in one). Parts without NUL or \x01 (all
// real names) are unchanged, and so are their fingerprints.
var escaper = strings.NewReplacer("\x01", "\x01\x01", "\x00", "\x01\x00")

// key joins parts unambiguously.
func key(parts ...string) string {
	for i, p := range parts {
		parts[i] = escaper.Replace(p)
	}
	return strings.Join(parts, "\x00")
}

// digest is a short hex hash of s: 128 bits, plenty against collisions
// between the findings of one repository.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
