package lint

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

// relPaths expresses report paths relative to a base directory, with
// forward slashes, as GitHub, GitLab and SARIF viewers want them.
type relPaths struct {
	base  string
	cache map[string]relPath
}

// relPath is a path as a report shows it; outside is true when the file is
// not below the base directory and path is then absolute. Without a base,
// paths stay as they were reached.
type relPath struct {
	path    string
	outside bool
}

func newRelPaths(base string) *relPaths {
	if base != "" {
		if abs, err := filepath.Abs(base); err == nil {
			base = abs
		}
	}
	return &relPaths{base: base, cache: map[string]relPath{}}
}

func (p *relPaths) of(file string) relPath {
	if r, ok := p.cache[file]; ok {
		return r
	}
	r := relPath{path: filepath.ToSlash(filepath.Clean(file))}
	switch {
	case file == StdinPath || file == "":
		r.path = file
	case p.base == "":
		r.outside = filepath.IsAbs(file)
	default:
		if abs, err := filepath.Abs(file); err == nil {
			r = relPath{path: filepath.ToSlash(abs), outside: true}
			if rel, err := filepath.Rel(p.base, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				r = relPath{path: filepath.ToSlash(rel)}
			}
		}
	}
	p.cache[file] = r
	return r
}

// fingerprints gives each finding an identity that stays the same from
// run to run while the finding does: a hash of the rule, the file, the
// object and the field, but not the line (which moves when lines are added
// above it) nor the message (whose hints change with other files). Items
// of the lists Kubernetes merges by name are named by it, not by their
// index (see keyedField). Two
// findings that agree on all of those (one object defined twice in a file)
// are told apart by their order, which is stable because findings are
// sorted.
func fingerprints(findings []rules.Finding, paths *relPaths) []string {
	keys := make([]string, len(findings))
	for i, f := range findings {
		parts := []string{f.Rule, paths.of(f.Pos.File).path, keyedField(f)}
		if o := f.Object; o != nil {
			parts = append(parts, o.APIVersion, o.Kind, o.Namespace, o.DisplayName())
		}
		keys[i] = fingerprintKey(parts...)
	}
	return orderedDigests(keys)
}

// orderedDigests digests each key, telling keys that are equal apart by
// their order (the first as it is, later ones numbered).
func orderedDigests(keys []string) []string {
	out := make([]string, len(keys))
	seen := map[string]int{}
	for i, base := range keys {
		key := base
		if n := seen[base]; n > 0 {
			// One part more (3 or 7 parts become 4 or 8): no other key
			// has as many.
			key += "\x00" + strconv.Itoa(n)
		}
		seen[base]++
		out[i] = digest(key)
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

// fingerprintEscaper makes a part free of bare NULs, so that NUL can
// separate parts: no two lists of parts give one key, whatever bytes a
// name holds (YAML's "\0" puts NUL in one). Parts without NUL or \x01 (all
// real names) are unchanged, and so are their fingerprints.
var fingerprintEscaper = strings.NewReplacer("\x01", "\x01\x01", "\x00", "\x01\x00")

// fingerprintKey joins parts unambiguously.
func fingerprintKey(parts ...string) string {
	for i, p := range parts {
		parts[i] = fingerprintEscaper.Replace(p)
	}
	return strings.Join(parts, "\x00")
}

// bySeverity picks the name a format gives to a severity.
func bySeverity(s rules.Severity, errorName, warningName, infoName string) string {
	switch s {
	case rules.Error:
		return errorName
	case rules.Warning:
		return warningName
	}
	return infoName
}

// digest is a short hex hash of s: 128 bits, plenty against collisions
// between the findings of one repository.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
