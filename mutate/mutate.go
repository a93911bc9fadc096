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
	"sort"

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
	// Rounds is the number of check runs.
	Rounds int
}

// Checker returns the findings for files; Fix calls it once per round.
type Checker func(files []*model.File) []rules.Finding

// Fix runs check over files, applies every fix that does not overlap an
// earlier one, re-reads the changed files and repeats until no finding has
// a fix. It never touches the disk. The error reports a fix that would make
// a file unparseable or a loop that does not converge; the files are then
// as they were before that round.
func Fix(files []*model.File, check Checker) (*Result, error) {
	cur := append([]*model.File(nil), files...)
	index := make(map[*model.Source]int, len(cur))
	for i, f := range cur {
		index[f.Source] = i
	}
	res := &Result{}
	for {
		res.Rounds++
		var fixable []rules.Finding
		for _, f := range check(cur) {
			if f.Fix != nil && len(f.Fix.Edits) > 0 {
				fixable = append(fixable, f)
			}
		}
		if len(fixable) == 0 {
			break
		}
		if res.Rounds > MaxRounds {
			res.Files = cur
			return res, fmt.Errorf("fixes did not settle after %d rounds (still fixable: %s at %s); this is a bug in a rule's fix", MaxRounds, fixable[0].Rule, fixable[0].Pos)
		}
		chosen, edits := Select(fixable)
		// The edited files are read again in parallel, then taken in
		// input order, so that the error reported is always the same.
		srcs := make([]*model.Source, 0, len(edits))
		for src := range edits {
			if _, ok := index[src]; !ok {
				return res, fmt.Errorf("%s: a fix edits a file that is not part of the input", src.Path)
			}
			srcs = append(srcs, src)
		}
		slices.SortFunc(srcs, func(a, b *model.Source) int { return index[a] - index[b] })
		next := make([]*model.File, len(srcs))
		errs := make([]error, len(srcs))
		model.ParallelWorkers(runtime.GOMAXPROCS(0), len(srcs), func(j int) {
			data, err := Apply(srcs[j].Data, edits[srcs[j]])
			if err != nil {
				errs[j] = fmt.Errorf("%s: %w", srcs[j].Path, err)
				return
			}
			next[j] = model.Read(&model.Source{Path: srcs[j].Path, Data: data})
		})
		for j, src := range srcs {
			if errs[j] != nil {
				return res, errs[j]
			}
			i := index[src]
			if len(next[j].Errors) > len(cur[i].Errors) {
				return res, fmt.Errorf("a fix would make %s invalid (%s); nothing was written — please report this bug", src.Path, next[j].Errors[0].Message)
			}
			delete(index, src)
			index[next[j].Source] = i
			cur[i] = next[j]
		}
		for _, f := range chosen {
			res.Applied = append(res.Applied, Applied{Finding: f, Round: res.Rounds})
		}
	}
	res.Files = cur
	for i, f := range files {
		if f.Source.Data == nil {
			continue
		}
		if nw := cur[i].Source.Data; !bytes.Equal(f.Source.Data, nw) {
			res.Changes = append(res.Changes, Change{Path: f.Source.Path, Old: f.Source.Data, New: nw})
		}
	}
	return res, nil
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
	sorted := append([]rules.TextEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End < sorted[j].End
	})
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
