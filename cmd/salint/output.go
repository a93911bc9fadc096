package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/mutate"
	"github.com/spf13/pflag"
)

// usageErrors returns how command cmd reports the user's own mistakes:
// "salint CMD: message" on standard error, exit code 2.
func usageErrors(cmd string, e *env) func(error) int {
	return func(err error) int {
		fmt.Fprintf(e.stderr, "salint %s: %s\n", cmd, safetext.Escape(err.Error()))
		return exitError
	}
}

// outputFlags are --format and --output, shared by the commands that write
// a report or a view.
type outputFlags struct {
	format  string
	output  string
	formats []string
}

func (o *outputFlags) register(fs *pflag.FlagSet, formats []string, what string) {
	o.formats = formats
	fs.StringVarP(&o.format, "format", "f", formats[0], "output `FORMAT`: "+strings.Join(formats, ", "))
	fs.StringVarP(&o.output, "output", "o", "", "write the "+what+" to `FILE` instead of standard output")
}

// validate rejects a format the command does not write.
func (o *outputFlags) validate() error {
	if !slices.Contains(o.formats, o.format) {
		return fmt.Errorf("unknown --format %q (want %s)", o.format, strings.Join(o.formats, ", "))
	}
	return nil
}

// writer is standard output, or the --output file (mutate.CreateOutput:
// written beside it and renamed into place, never through a symbolic
// link). commit puts the file in place and reports an error its close
// reveals (a delayed write failure on some file systems), so a report
// that did not reach the disk never passes; later calls return the first
// result. abort, deferred, drops a report not committed (the old file
// stays).
func (o *outputFlags) writer(e *env) (w io.Writer, commit func() error, abort func(), err error) {
	if o.output == "" {
		return e.stdout, func() error { return nil }, func() {}, nil
	}
	f, err := mutate.CreateOutput(o.output)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, f.Commit, f.Abort, nil
}
