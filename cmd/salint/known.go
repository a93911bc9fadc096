package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/rules/model"
	"github.com/spf13/pflag"
)

// knownFlags leave out what was there before: a baseline file, or the
// findings of an earlier git revision (for legacy repositories and hooks).
type knownFlags struct {
	newFromRev    string
	baseline      string
	writeBaseline string
}

// register adds the flags; canWrite adds --write-baseline (lint only).
func (k *knownFlags) register(fs *pflag.FlagSet, canWrite bool) {
	fs.StringVar(&k.newFromRev, "new-from-rev", "", "report only findings that the tree at git revision `REV` does not have (linted the same way)")
	fs.StringVar(&k.baseline, "baseline", "", "report only findings not recorded in baseline `FILE`, and list its entries that no longer match")
	if canWrite {
		fs.StringVar(&k.writeBaseline, "write-baseline", "", "record every finding in baseline `FILE`; they are then known and the run passes")
	}
}

// apply writes the baseline or leaves out what is known. Entries of the
// baseline that match nothing in scope become notices: fixed since, they
// can go.
func (k *knownFlags) apply(res *lint.Result, opts lint.Options) error {
	if k.writeBaseline != "" && (k.baseline != "" || k.newFromRev != "") {
		return errors.New("--write-baseline records every finding: it excludes --baseline and --new-from-rev")
	}
	base := fingerprint.RepoRoot(".")
	if k.writeBaseline != "" {
		// Recorded, the findings are known: the run passes.
		known := lint.KnownOf(res, base)
		if err := writeBaseline(k.writeBaseline, known); err != nil {
			return fmt.Errorf("--write-baseline: %w", err)
		}
		res.Subtract(known, base)
		return nil
	}
	if k.newFromRev != "" {
		if err := res.SubtractRev(opts, k.newFromRev, base); err != nil {
			return fmt.Errorf("--new-from-rev: %w", err)
		}
	}
	if k.baseline != "" {
		known, err := lint.ReadKnown(k.baseline)
		if err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
		covered := opts.Covers()
		for _, stale := range res.Subtract(known, base) {
			if !covered(filepath.Join(base, filepath.FromSlash(stale.File))) {
				continue // not linted this run
			}
			what := stale.Message
			if stale.Rule != "" {
				what += " [" + stale.Rule + "]"
			}
			res.Notices = append(res.Notices, model.Error{
				Pos:     model.Position{File: k.baseline},
				Message: fmt.Sprintf("stale baseline entry (no longer found in %s): %s", stale.File, what),
			})
		}
	}
	return nil
}

// writeBaseline writes the baseline file, atomically when it exists.
func writeBaseline(file string, known lint.Known) error {
	var buf bytes.Buffer
	if err := lint.WriteKnown(&buf, known); err != nil {
		return err
	}
	old, err := os.ReadFile(filepath.Clean(file))
	if errors.Is(err, fs.ErrNotExist) {
		return os.WriteFile(filepath.Clean(file), buf.Bytes(), 0o644)
	}
	if err != nil {
		return err
	}
	return mutate.WriteFile(file, old, buf.Bytes())
}
