package lint

import (
	"slices"

	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// FixChecker is the check salint fix (and fn) runs in each round of mutate.Fix:
// the first round checks the files as loaded; when a build (kustomize)
// made some of them, later rounds read the input again with the files as
// edited in memory (Reload), so that kustomizations are rebuilt from their
// edited sources. Last is the latest result.
type FixChecker struct {
	opts   Options
	active []ActiveRule
	rounds int
	built  bool // the first round's files include a build's output
	Last   *Result
}

// NewFixChecker prepares the checks of a fix run.
func NewFixChecker(opts Options, active []ActiveRule) *FixChecker {
	return &FixChecker{opts: opts, active: active}
}

// Check is a mutate.Checker.
func (c *FixChecker) Check(fs []*model.File) []rules.Finding {
	c.rounds++
	if c.rounds == 1 {
		c.built = slices.ContainsFunc(fs, func(f *model.File) bool { return f.Built })
	} else if c.built {
		fs = Reload(c.opts.Input, fs)
	}
	c.Last = Check(fs, c.opts, c.active)
	return c.Last.Findings
}
