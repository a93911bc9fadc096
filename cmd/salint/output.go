package main

import (
	"fmt"
	"io"
	"path/filepath"
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
// a report or a view. A command that writes several outputs (lint) takes
// several pairs: each --format goes to the --output that follows it, a
// --format without one to standard output (see pairOutputs).
type outputFlags struct {
	// format and output are the one output of a command that writes one,
	// set by validate.
	format  string
	output  string
	formats []string
	several bool
	// given are the --format and --output flags in command-line order.
	given []outputFlag
	// outputs are the outputs, paired by validate.
	outputs []outputSpec
}

// outputFlag is one --format (isFile false) or --output on the command line.
type outputFlag struct {
	isFile bool
	value  string
}

// outputSpec is one output: a format and its file ("" for standard output).
type outputSpec struct {
	format, file string
}

// orderedFlag records each use of a flag in outputFlags.given, so that
// --format and --output pair by their order.
type orderedFlag struct {
	o      *outputFlags
	isFile bool
	last   string
}

func (f *orderedFlag) Set(v string) error {
	f.o.given = append(f.o.given, outputFlag{f.isFile, v})
	f.last = v
	return nil
}
func (f *orderedFlag) String() string { return f.last }
func (f *orderedFlag) Type() string   { return "string" }

func (o *outputFlags) register(fs *pflag.FlagSet, formats []string, what string) {
	o.formats = formats
	fs.VarP(&orderedFlag{o: o, last: formats[0]}, "format", "f", "output `FORMAT`: "+strings.Join(formats, ", "))
	fs.VarP(&orderedFlag{o: o, isFile: true}, "output", "o", "write the "+what+" to `FILE` instead of standard output")
}

// registerSeveral is register for a command that writes several outputs
// in one run.
func (o *outputFlags) registerSeveral(fs *pflag.FlagSet, formats []string, what string) {
	o.register(fs, formats, what)
	o.several = true
	fs.Lookup("format").Usage = "output `FORMAT`: " + strings.Join(formats, ", ") + "; repeat it for several outputs, each --format followed by its --output (one may go to standard output)"
	fs.Lookup("output").Usage = "write the " + what + " in the --format before it to `FILE` instead of standard output"
}

// validate pairs the formats with their files and rejects a format the
// command does not write, or flags that do not pair.
func (o *outputFlags) validate() error {
	outputs, err := pairOutputs(o.given, o.formats[0])
	if err != nil {
		return err
	}
	if len(outputs) > 1 && !o.several {
		return fmt.Errorf("one --format and one --output at a time")
	}
	for _, out := range outputs {
		if !slices.Contains(o.formats, out.format) {
			return fmt.Errorf("unknown --format %q (want %s)", out.format, strings.Join(o.formats, ", "))
		}
	}
	o.outputs = outputs
	o.format, o.output = outputs[0].format, outputs[0].file
	return nil
}

// pairOutputs turns the --format and --output flags, in command-line
// order, into outputs. One of each pairs in either order (-o x.sarif -f
// sarif), as always; with several, each --format takes the --output that
// follows it, before the next --format, and a --format without one goes to
// standard output. What cannot be paired one way is an error: an --output
// before any --format, two --output for one --format, two formats on
// standard output, one file twice.
func pairOutputs(given []outputFlag, defaultFormat string) ([]outputSpec, error) {
	var formats, files int
	for _, g := range given {
		if g.isFile {
			files++
		} else {
			formats++
		}
	}
	if formats <= 1 && files <= 1 {
		out := outputSpec{format: defaultFormat}
		for _, g := range given {
			if g.isFile {
				out.file = g.value
			} else {
				out.format = g.value
			}
		}
		return []outputSpec{out}, nil
	}
	var outputs []outputSpec
	for _, g := range given {
		switch {
		case !g.isFile:
			outputs = append(outputs, outputSpec{format: g.value})
		case len(outputs) == 0:
			return nil, fmt.Errorf("--output %s comes before any --format: with several outputs, each --output follows the --format it is for", g.value)
		case outputs[len(outputs)-1].file != "":
			last := outputs[len(outputs)-1]
			return nil, fmt.Errorf("--output %s follows --output %s, both for --format %s: give each --output its own --format before it", g.value, last.file, last.format)
		default:
			outputs[len(outputs)-1].file = g.value
		}
	}
	stdout := ""
	written := map[string]bool{}
	for _, out := range outputs {
		if out.file == "" {
			if stdout != "" {
				return nil, fmt.Errorf("--format %s and --format %s both go to standard output: give all but one an --output FILE after it", stdout, out.format)
			}
			stdout = out.format
			continue
		}
		if written[filepath.Clean(out.file)] {
			return nil, fmt.Errorf("--output %s is given twice", out.file)
		}
		written[filepath.Clean(out.file)] = true
	}
	return outputs, nil
}

// writer is standard output, or the --output file (mutate.CreateOutput:
// written beside it and renamed into place, never through a symbolic
// link). commit puts the file in place and reports an error its close
// reveals (a delayed write failure on some file systems), so a report
// that did not reach the disk never passes; later calls return the first
// result. abort, deferred, drops a report not committed (the old file
// stays).
func (o *outputFlags) writer(e *env) (w io.Writer, commit func() error, abort func(), err error) {
	return openOutput(o.output, e)
}

// openOutput is writer for one output's file ("" for standard output).
func openOutput(file string, e *env) (w io.Writer, commit func() error, abort func(), err error) {
	if file == "" {
		return e.stdout, func() error { return nil }, func() {}, nil
	}
	f, err := mutate.CreateOutput(file)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, f.Commit, f.Abort, nil
}
