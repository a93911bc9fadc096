package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/salint/salint/lint"
)

const initHelp = `
Writes a commented ` + lint.ConfigFileName + ` in DIR (default: the working directory):
every key, commented out, with an example value; it changes nothing until a
line is uncommented. An existing ` + lint.ConfigFileName + ` is never overwritten: the
file is written beside it and linked into place only if none exists. Then
prints the pre-commit snippet (docs/integrations.md) to paste into
.pre-commit-config.yaml.

Examples:
  salint init
  salint init deploy/

Exit codes: 0 written, 2 a config exists already, or it could not be written.`

// preCommitSnippet is docs/integrations.md's tested pre-commit block
// (TestInit_SnippetIsTheDocumentedOne keeps them equal).
const preCommitSnippet = `# .pre-commit-config.yaml
repos:
  - repo: https://github.com/salint/salint  # or your mirror, or the path of a clone
    rev: <commit>  # a full commit SHA of salint (git rev-parse HEAD); no tag exists yet
    hooks:
      - id: salint-fix  # applies the safe fixes, then reports what remains
        exclude: ^charts/.*/templates/  # Helm templates are not YAML until rendered
      - id: salint      # or only this one: report, change nothing
        exclude: ^charts/.*/templates/
`

func runInit(args []string, e *env) int {
	fs := newFlagSet("init", "init [DIR]", initHelp, e)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("init", e)
	if fs.NArg() > 1 {
		return usageErr(fmt.Errorf("one DIR at most, got %d", fs.NArg()))
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	path := filepath.Join(dir, lint.ConfigFileName)
	if err := createNew(path, []byte(lint.ConfigTemplate)); err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (every key commented out: uncomment what you need)\n\nFor pre-commit, add to .pre-commit-config.yaml (docs/integrations.md):\n\n%s", path, preCommitSnippet)
	return exitOK
}

// createNew writes data to path only if no file is there: whole or not at
// all (a temporary file beside it, then a hard link, which refuses to
// replace an existing name, unlike a rename).
func createNew(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists already: not overwritten", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // linked into place, or abandoned
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists already: not overwritten", path)
		}
		return err
	}
	return nil
}
