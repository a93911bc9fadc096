package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/salint/salint/lint/fingerprint"
)

// Known is what a run already knew of: the findings and input errors of
// a baseline file or of the tree at a git revision. Both are matched the
// same way, by the fingerprints the SARIF and GitLab reports carry (input
// errors by file and message), so a finding is new when its rule, file,
// object or field is.
type Known struct {
	// Entries are what is known, in report order.
	Entries []KnownEntry `json:"findings"`
}

// KnownEntry is one known finding or input error. Only Fingerprint is
// matched; the rest says what it was, for a person reading the baseline.
type KnownEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule,omitempty"`
	File        string `json:"file"`
	Object      string `json:"object,omitempty"`
	Message     string `json:"message"`
}

// KnownOf records what r reports, paths made relative to baseDir (as the
// CI formats do, so that a baseline written in one checkout matches in
// another).
func KnownOf(r *Result, baseDir string) Known {
	paths := fingerprint.NewPaths(baseDir)
	var k Known
	for i, fp := range fingerprint.Findings(r.Findings, paths) {
		f := r.Findings[i]
		e := KnownEntry{Fingerprint: fp, Rule: f.Rule, File: paths.Of(f.Pos.File).Name, Message: f.Message}
		if f.Object != nil {
			e.Object = f.Object.Kind + " " + f.Object.DisplayName()
			if f.Object.Namespace != "" {
				e.Object = f.Object.Kind + " " + f.Object.Namespace + "/" + f.Object.DisplayName()
			}
		}
		k.Entries = append(k.Entries, e)
	}
	for i, fp := range fingerprint.Errors(r.Errors, paths) {
		k.Entries = append(k.Entries, KnownEntry{Fingerprint: fp, File: paths.Of(r.Errors[i].Pos.File).Name, Message: r.Errors[i].Message})
	}
	return k
}

// Subtract removes from r every finding and input error that known
// holds, counting them in r.Known, and returns the entries of known that
// matched nothing (stale: fixed since, or moved out of reach).
func (r *Result) Subtract(known Known, baseDir string) (stale []KnownEntry) {
	paths := fingerprint.NewPaths(baseDir)
	left := map[string]bool{}
	for _, e := range known.Entries {
		left[e.Fingerprint] = true
	}
	matched := map[string]bool{}
	keep := func(fp string) bool {
		if !left[fp] {
			return true
		}
		matched[fp] = true
		r.Known++
		return false
	}
	r.Findings = unknown(r.Findings, fingerprint.Findings(r.Findings, paths), keep)
	r.Errors = unknown(r.Errors, fingerprint.Errors(r.Errors, paths), keep)
	for _, e := range known.Entries {
		if !matched[e.Fingerprint] {
			stale = append(stale, e)
		}
	}
	return stale
}

// unknown returns the items whose print keep keeps, in order.
func unknown[T any](items []T, prints []string, keep func(string) bool) []T {
	var out []T
	for i, item := range items {
		if keep(prints[i]) {
			out = append(out, item)
		}
	}
	return out
}

// WriteKnown writes k as a baseline file: JSON, one entry per line, so
// that a diff of the baseline shows one line per finding added or gone.
func WriteKnown(w io.Writer, k Known) error {
	if _, err := io.WriteString(w, "{\"version\": 1, \"findings\": [\n"); err != nil {
		return err
	}
	for i, e := range k.Entries {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		sep := ",\n"
		if i == len(k.Entries)-1 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "  %s%s", line, sep); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

// ReadKnown reads a baseline file written by WriteKnown.
func ReadKnown(file string) (Known, error) {
	var k struct {
		Version int `json:"version"`
		Known
	}
	data, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return Known{}, err
	}
	if err := json.Unmarshal(data, &k); err != nil {
		return Known{}, fmt.Errorf("%s: not a salint baseline: %w", file, err)
	}
	if k.Version != 1 {
		return Known{}, fmt.Errorf("%s: baseline version %d, want 1 (write it again with --write-baseline)", file, k.Version)
	}
	return k.Known, nil
}

// KnownAt lints the tree of git revision rev exactly as opts lints the
// working tree (same paths within the repository at repo, same config and
// rules) and records what it reports. The revision is checked out into a
// temporary directory through a temporary index: the repository, its
// index and working tree are left alone.
func KnownAt(opts Options, rev, repo string) (Known, error) {
	for _, p := range opts.Paths {
		if p == StdinPath {
			return Known{}, errors.New("standard input has no revision to compare with")
		}
	}
	if strings.HasPrefix(rev, "-") {
		return Known{}, fmt.Errorf("%q is not a revision", rev)
	}
	tmp, err := os.MkdirTemp("", "salint-rev-")
	if err != nil {
		return Known{}, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	tree := filepath.Join(tmp, "tree")
	commit, err := git(repo, nil, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		if _, unborn := git(repo, nil, "symbolic-ref", "--quiet", "HEAD"); rev == "HEAD" && unborn == nil {
			// The first commit of a repository (the hook's first run):
			// nothing came before it.
			return Known{}, nil
		}
		return Known{}, fmt.Errorf("%s is not a commit of the git repository %s", rev, repo)
	}
	index := []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index")}
	if _, err := git(repo, index, "read-tree", commit); err != nil {
		return Known{}, err
	}
	if _, err := git(repo, index, "checkout-index", "--all", "--prefix="+tree+string(filepath.Separator)); err != nil {
		return Known{}, err
	}
	at := opts
	at.Paths, at.Only = nil, nil
	inTree := func(p string) (string, error) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		rel, err := filepath.Rel(repo, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", fmt.Errorf("%s is outside the git repository %s", p, repo)
		}
		return filepath.Join(tree, rel), nil
	}
	for _, p := range opts.Paths {
		q, err := inTree(p)
		if err != nil {
			return Known{}, err
		}
		if _, err := os.Lstat(q); err == nil {
			at.Paths = append(at.Paths, q)
		}
	}
	// GitOps objects' paths are relative to the same root in the tree.
	if at.Root, err = inTree(opts.repoRoot()); err != nil {
		at.Root = tree
	}
	if len(at.Paths) == 0 {
		return Known{}, nil // nothing of the PATHs existed at rev
	}
	res, err := Run(at)
	if err != nil {
		return Known{}, err
	}
	return KnownOf(res, tree), nil
}

// git runs git in dir and returns its trimmed standard output.
func git(dir string, env []string, args ...string) (string, error) {
	// The subcommands are fixed; the one argument from the user, the
	// revision, is refused when it could be read as an option (KnownAt).
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...) //nolint:gosec // see above
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
