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
			// A baseline is committed: a name a Secret's variable set
			// must not be in it.
			e.Object = f.Object.Kind + " " + r.Scrub(f.Object.DisplayName())
			if f.Object.Namespace != "" {
				e.Object = f.Object.Kind + " " + r.Scrub(f.Object.Namespace+"/"+f.Object.DisplayName())
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
	known, _, _, err := knownAt(opts, rev, repo, nil)
	return known, err
}

// knownAt is KnownAt; with opts.Changed, the tree is built as focused (a
// Result's focus, relative to repo) when it agrees, which agreed says.
// whole says the tree was judged whole, as KnownAt judges it: the run
// fell back to building everything, or there was nothing to build.
func knownAt(opts Options, rev, repo string, focused *hookFocus) (known Known, agreed, whole bool, err error) {
	for _, p := range opts.Paths {
		if p == StdinPath {
			return Known{}, false, false, errors.New("standard input has no revision to compare with")
		}
	}
	if strings.HasPrefix(rev, "-") {
		return Known{}, false, false, fmt.Errorf("%q is not a revision", rev)
	}
	tmp, err := os.MkdirTemp("", "salint-rev-")
	if err != nil {
		return Known{}, false, false, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	tree := filepath.Join(tmp, "tree")
	commit, err := gitLine(repo, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		if _, unborn := git(repo, nil, "symbolic-ref", "--quiet", "HEAD"); rev == "HEAD" && unborn == nil {
			// The first commit of a repository (the hook's first run):
			// nothing came before it.
			return Known{}, true, true, nil
		}
		return Known{}, false, false, fmt.Errorf("%s is not a commit of the git repository %s", rev, repo)
	}
	index := []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index")}
	if _, err := git(repo, index, "read-tree", commit); err != nil {
		return Known{}, false, false, err
	}
	if _, err := git(repo, index, "checkout-index", "--all", "--prefix="+tree+string(filepath.Separator)); err != nil {
		return Known{}, false, false, err
	}
	at := opts
	at.Paths, at.Only, at.Changed = nil, nil, nil
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
			return Known{}, false, false, err
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
		return Known{}, true, true, nil // nothing of the PATHs existed at rev
	}
	if focused != nil {
		// The working tree's change, where it is in the revision's, and
		// the kustomizations the working tree chose: a change may join
		// groups in one tree only (a manifest moved to a namespace).
		at.Changed = inTrees(opts.Changed, inTree)
		at.chosen = inTrees(focused.chosen.Files, inTree)
	}
	res, err := Run(at)
	if err != nil {
		return Known{}, false, false, err
	}
	return KnownOf(res, tree), sameFocus(focused, repo, res.focus, tree), res.focus == nil, nil
}

// inTrees is the paths that map into the revision's tree, mapped.
func inTrees(paths []string, inTree func(string) (string, error)) []string {
	out := []string{}
	for _, p := range paths {
		if q, err := inTree(p); err == nil {
			out = append(out, q)
		}
	}
	return out
}

// sameFocus reports whether a, of the tree at aDir, and b, of the tree at
// bDir, build the same roots (by path in their tree) and both the plain
// manifests or neither; two nils agree.
func sameFocus(a *hookFocus, aDir string, b *hookFocus, bDir string) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.chosen.Plain != b.chosen.Plain || len(a.chosen.Roots) != len(b.chosen.Roots) {
		return false
	}
	for root := range a.chosen.Roots {
		rel, err := filepath.Rel(aDir, root)
		if err != nil || !b.chosen.Roots[filepath.Join(bDir, rel)] {
			return false
		}
	}
	return true
}

// ForNewFromRev readies opts, a run as salint lint's flags give it, for
// comparing with the tree at git revision rev of the repository at repo:
// it reports in every file, not only the PATHs given with --root (a
// changed base breaks an overlay elsewhere), and a hook run (--root:
// Root set, with the changed files as PATHs, or none when pre-commit
// passes none) builds only what the change reaches, in both trees (see
// Result.SubtractRev).
func (o Options) ForNewFromRev(rev, repo string) Options {
	o.Only = nil
	if o.Root != "" {
		// Not told: both trees are judged whole, and KnownAt says what
		// is wrong with rev.
		o.Changed, _ = changedSince(rev, repo)
	}
	return o
}

// changedSince lists what differs between the working tree of the
// repository at repo and revision rev (absolute paths): files changed,
// added or deleted since, staged or not, and files git does not track
// (ignored too: salint reads them). Pre-commit passes no name for a
// deleted file, nor for what a file's move left behind.
func changedSince(rev, repo string) ([]string, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("%q is not a revision", rev)
	}
	commit, err := gitLine(repo, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return nil, err
	}
	tracked, err := git(repo, nil, "diff", "--name-only", "--no-renames", "-z", commit, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := git(repo, nil, "ls-files", "--others", "-z")
	if err != nil {
		return nil, err
	}
	changed := []string{}
	for _, name := range strings.Split(tracked+"\x00"+untracked, "\x00") {
		if name != "" {
			changed = append(changed, filepath.Join(repo, filepath.FromSlash(name)))
		}
	}
	return changed, nil
}

// SubtractRev removes from r what the tree at git revision rev of the
// repository at repo reports (KnownAt), as Subtract does.
//
// A run focused on a change (Options.Changed) built only the roots the
// change reaches, and reported what they and the plain manifests, when
// chosen, hold. The revision's tree is then built on the same change,
// and when it chooses the same roots the findings left out are the same
// in both trees, so none is new: no kustomization file changed (hookFocus
// builds everything otherwise), so the roots not chosen read the same
// files in both, unchanged, and share none with a chosen root nor a
// namespace; their verdicts are the same (the footprint argument of
// kustomize.Focus), and a fingerprint names no view nor message. When
// the trees choose differently, or a new finding's message quotes a name
// a root left out may write (hookFocus), both are judged whole; the
// revision's tree only once, when its run already built everything (a
// run that falls back judges what one without Changed judges). The
// counts (files, objects, known, suppressed) are of what was built.
func (r *Result) SubtractRev(opts Options, rev, repo string) error {
	known, agreed, revWhole, err := knownAt(opts, rev, repo, r.focus)
	if err != nil {
		return err
	}
	if agreed {
		r.Subtract(known, repo)
		if r.focus == nil || r.focus.namesHold(r) {
			return nil
		}
	}
	opts.Changed = nil
	whole, err := Run(opts)
	if err != nil {
		return err
	}
	if !revWhole {
		if known, err = KnownAt(opts, rev, repo); err != nil {
			return err
		}
	}
	*r = *whole
	r.Subtract(known, repo)
	return nil
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
	return string(out), nil
}

// gitLine is the one line git prints for args (rev-parse), without its
// line break; git's other output (file names) is used as printed.
func gitLine(dir string, args ...string) (string, error) {
	out, err := git(dir, nil, args...)
	return strings.TrimSuffix(out, "\n"), err
}
