// Package mutate applies the suggested fixes of findings to source bytes and
// writes the results safely. It knows no rule by name: a fix is a set of
// byte edits (rules.TextEdit), and mutate only sorts, checks and applies
// them, re-running the checks until nothing fixable is left.
package mutate

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// MaxRounds bounds the check-and-apply loop. Fixes whose edits overlap are
// applied one per round, so a handful of rounds is plenty; reaching the
// bound means a fix does not converge, which is a bug worth reporting.
const MaxRounds = 10

// Applied is a fix that was applied, with the finding it fixed (located in
// the source as it was in that round).
type Applied struct {
	Finding rules.Finding
	Round   int
}

// Dropped is a fix that was not applied because applying it would have
// broken a file, and why.
type Dropped struct {
	Finding rules.Finding
	Reason  string
}

// Change is a file whose content the fixes changed.
type Change struct {
	Path     string
	Old, New []byte
}

// Result is what Fix did.
type Result struct {
	// Files are the files after fixing, re-read.
	Files []*model.File
	// Changes lists changed files in input order.
	Changes []Change
	// Applied lists the fixes in the order they were applied.
	Applied []Applied
	// Dropped lists the fixes left out, each once.
	Dropped []Dropped
	// Rounds is the number of check runs.
	Rounds int
}

// Checker returns the findings for files; Fix calls it once per round.
type Checker func(files []*model.File) []rules.Finding

// Fix runs check over files, applies every fix that does not overlap an
// earlier one, re-reads the changed files and repeats until no finding has
// a fix. It never touches the disk. A fix that would make a file
// unparseable, change a value outside its edits, or edit a file that is
// not part of the input or that editable refuses (nil: every file of the
// input may be edited) is dropped (Result.Dropped) and the others are
// applied. The error reports a loop that does not converge; the files are
// then as they were before that round.
func Fix(files []*model.File, check Checker, editable func(path string) bool) (*Result, error) {
	r := &fixer{cur: append([]*model.File(nil), files...), index: make(map[*model.Source]int, len(files)), editable: editable}
	for i, f := range r.cur {
		r.index[f.Source] = i
	}
	res := &Result{}
	dropped := map[string]bool{}
	for {
		res.Rounds++
		var fixable []rules.Finding
		for _, f := range check(r.cur) {
			if f.Fix != nil && len(f.Fix.Edits) > 0 && !dropped[fixKey(f)] {
				fixable = append(fixable, f)
			}
		}
		if len(fixable) == 0 {
			break
		}
		if res.Rounds > MaxRounds {
			res.Files = r.cur
			return res, fmt.Errorf("fixes did not settle after %d rounds (still fixable: %s at %s); this is a bug in a rule's fix", MaxRounds, fixable[0].Rule, fixable[0].Pos)
		}
		chosen, edits := Select(fixable)
		next, err := r.try(edits)
		if err != nil {
			var rej *rejection
			if !errors.As(err, &rej) {
				return res, err
			}
			// Some fix breaks a file: take them one at a time, in order,
			// each on top of those kept, and drop those that break one.
			var kept []rules.Finding
			var bad []Dropped
			kept, next, bad, err = r.oneByOne(chosen)
			if err != nil {
				return res, err
			}
			for _, d := range bad {
				dropped[fixKey(d.Finding)] = true
			}
			res.Dropped = append(res.Dropped, bad...)
			chosen = kept
		}
		r.commit(next)
		for _, f := range chosen {
			res.Applied = append(res.Applied, Applied{Finding: f, Round: res.Rounds})
		}
	}
	res.Files = r.cur
	for i, f := range files {
		if f.Source.Bytes() == nil {
			continue
		}
		if nw := r.cur[i].Source.Bytes(); !bytes.Equal(f.Source.Bytes(), nw) {
			res.Changes = append(res.Changes, Change{Path: f.Source.Path, Old: f.Source.Bytes(), New: nw})
		}
	}
	return res, nil
}

// fixKey names a fix across rounds, where positions move: a dropped fix is
// not tried again.
func fixKey(f rules.Finding) string {
	key := f.Rule + "\x00" + f.Pos.File + "\x00" + f.Field + "\x00" + f.Fix.Message
	if o := f.Object; o != nil {
		key += "\x00" + o.Kind + "\x00" + o.Namespace + "\x00" + o.Name + "\x00" + strconv.Itoa(o.DocIndex) + "\x00" + o.FieldPrefix
	}
	return key
}

// fixer holds the files of a Fix as they are after the rounds so far.
type fixer struct {
	cur      []*model.File
	index    map[*model.Source]int // position in cur of each current source
	editable func(path string) bool
}

// rejection is why a set of edits is not applied.
type rejection struct{ reason string }

func (r *rejection) Error() string { return r.reason }

// try applies edits to the current files and reads the results, without
// committing them. A *rejection says why the edits break a file.
func (r *fixer) try(edits map[*model.Source][]rules.TextEdit) (map[*model.Source]*model.File, error) {
	// The edited files are read again in parallel, then checked in input
	// order, so that the reason given is always the same.
	srcs := make([]*model.Source, 0, len(edits))
	for src := range edits {
		if _, ok := r.index[src]; !ok {
			return nil, &rejection{fmt.Sprintf("it edits %s, which is not part of the input", src.Path)}
		}
		if r.editable != nil && !r.editable(src.Path) {
			return nil, &rejection{fmt.Sprintf("it edits %s, which is not one of the files to fix", src.Path)}
		}
		srcs = append(srcs, src)
	}
	slices.SortFunc(srcs, func(a, b *model.Source) int { return r.index[a] - r.index[b] })
	next := make([]*model.File, len(srcs))
	errs := make([]error, len(srcs))
	model.ParallelWorkers(runtime.GOMAXPROCS(0), len(srcs), func(j int) {
		src := srcs[j]
		data, err := Apply(src.Bytes(), edits[src])
		if err != nil {
			errs[j] = fmt.Errorf("%s: %w", src.Path, err)
			return
		}
		// The structure check takes the edited documents' values from
		// the parse that reads the file.
		edited := model.NewSource(src.Path, data)
		check := newStructureCheck(src.Bytes(), edits[src], edited)
		next[j] = model.ReadWith(edited, model.ReadOptions{Decoded: check.decoded})
		if len(next[j].Errors) > len(r.cur[r.index[src]].Errors) {
			errs[j] = &rejection{fmt.Sprintf("it would make %s invalid (%s)", src.Path, next[j].Errors[0].Message)}
		} else if path := check.changed(); path != "" {
			errs[j] = &rejection{fmt.Sprintf("it would change %s, %s, which it does not edit", src.Path, describePath(path))}
		}
	})
	out := make(map[*model.Source]*model.File, len(srcs))
	for j, src := range srcs {
		if errs[j] != nil {
			return nil, errs[j]
		}
		out[src] = next[j]
	}
	return out, nil
}

// oneByOne applies chosen fixes one at a time, each on top of those kept,
// and returns the fixes kept, the files they make and the fixes dropped.
func (r *fixer) oneByOne(chosen []rules.Finding) ([]rules.Finding, map[*model.Source]*model.File, []Dropped, error) {
	accepted := map[*model.Source][]rules.TextEdit{}
	next := map[*model.Source]*model.File{}
	var kept []rules.Finding
	var dropped []Dropped
	for _, f := range chosen {
		trial := map[*model.Source][]rules.TextEdit{}
		for _, e := range f.Fix.Edits {
			if _, ok := trial[e.Source]; !ok {
				trial[e.Source] = slices.Clone(accepted[e.Source])
			}
			if !slices.Contains(trial[e.Source], e) {
				trial[e.Source] = append(trial[e.Source], e)
			}
		}
		files, err := r.try(trial)
		var rej *rejection
		switch {
		case errors.As(err, &rej):
			dropped = append(dropped, Dropped{Finding: f, Reason: rej.reason})
			continue
		case err != nil:
			return nil, nil, nil, err
		}
		for src, file := range files {
			accepted[src] = trial[src]
			next[src] = file
		}
		kept = append(kept, f)
	}
	return kept, next, dropped, nil
}

// commit makes the files try read the current ones.
func (r *fixer) commit(next map[*model.Source]*model.File) {
	for src, file := range next {
		i := r.index[src]
		delete(r.index, src)
		r.index[file.Source] = i
		r.cur[i] = file
	}
}

// Select picks, in finding order, the fixes whose edits overlap no fix
// picked before; the others wait for the next round, when they are
// recomputed against the fixed text. An edit identical to one already
// picked (two findings that need the same new document) is applied once.
// It returns the picked findings and their edits grouped by source.
func Select(findings []rules.Finding) ([]rules.Finding, map[*model.Source][]rules.TextEdit) {
	edits := map[*model.Source][]rules.TextEdit{}
	var chosen []rules.Finding
	for _, f := range findings {
		var fresh []rules.TextEdit
		ok := true
	edits:
		for _, e := range f.Fix.Edits {
			for _, prev := range edits[e.Source] {
				if prev == e {
					continue edits
				}
				if conflict(prev, e) {
					ok = false
					break edits
				}
			}
			for _, prev := range fresh {
				if prev != e && conflict(prev, e) {
					ok = false
					break edits
				}
			}
			fresh = append(fresh, e)
		}
		if !ok {
			continue
		}
		for _, e := range fresh {
			edits[e.Source] = append(edits[e.Source], e)
		}
		chosen = append(chosen, f)
	}
	return chosen, edits
}

// conflict reports edits of one source that cannot both apply: their
// ranges overlap, or they start at the same offset (two insertions there
// could be in either order).
func conflict(a, b rules.TextEdit) bool {
	if a.Source != b.Source {
		return false
	}
	return a.Start == b.Start || (a.Start < b.End && b.Start < a.End)
}

// ErrOverlap is returned by Apply for edits that overlap.
var ErrOverlap = errors.New("overlapping edits")

// Apply returns data with edits applied. Edits must not overlap.
func Apply(data []byte, edits []rules.TextEdit) ([]byte, error) {
	sorted := sortedEdits(edits)
	var out bytes.Buffer
	out.Grow(len(data))
	pos := 0
	for _, e := range sorted {
		if e.Start < pos || e.End < e.Start || e.End > len(data) {
			return nil, fmt.Errorf("%w at bytes %d-%d", ErrOverlap, e.Start, e.End)
		}
		out.Write(data[pos:e.Start])
		out.WriteString(e.New)
		pos = e.End
	}
	out.Write(data[pos:])
	return out.Bytes(), nil
}
