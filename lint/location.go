package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salint/salint/rules"
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
// above it) nor the message (whose hints change with other files). Two
// findings that agree on all of those (one object defined twice in a file)
// are told apart by their order, which is stable because findings are
// sorted.
func fingerprints(findings []rules.Finding, paths *relPaths) []string {
	out := make([]string, len(findings))
	seen := map[string]int{}
	for i, f := range findings {
		parts := []string{f.Rule, paths.of(f.Pos.File).path, f.Field}
		if o := f.Object; o != nil {
			parts = append(parts, o.APIVersion, o.Kind, o.Namespace, o.DisplayName())
		}
		base := fingerprintKey(parts...)
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
