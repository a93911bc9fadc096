package helm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"
)

// A chart's templates run in a child process (this same executable),
// because a template can loop, recurse or allocate without end and Go
// can stop none of that in-process: a goroutine cannot be killed, and
// running out of memory or stack kills the whole process, not the render.
// The child is killed when it passes a bound, and the chart gets a
// located error; the rest of the input is linted as usual.
//
// The bounds are far above what real charts take: each of the five charts
// of ../shared/charts renders in 0.01-0.02 s in a child of 52 MB resident
// (mostly the executable's own pages) and sends back under 10 KiB, which
// leaves room for charts a hundred times larger. One child runs per core
// at most (lint renders charts on model.Parallel), so the memory bound is
// also what a run of hostile charts can take per core. A var: tests
// lower the bounds.
var bounds = renderBounds{
	Timeout: 30 * time.Second,
	Memory:  512 << 20,
	Stack:   64 << 20,
	Output:  32 << 20,
}

type renderBounds struct {
	Timeout time.Duration
	// Memory bounds what the child's Go runtime maps, Stack a goroutine's
	// stack in it (an include or tpl that calls itself overflows it
	// quickly), Output what it sends back: the child holds its output
	// several times over (the engine's buffers, the answer), 32 MiB of it
	// in about 300 MB, so that this bound, not Memory, says what happened.
	Memory        uint64
	Stack, Output int
}

const (
	// maxChildStderr bounds what is kept of the child's error output.
	maxChildStderr = 4 << 10
	// exitMemory is the child's exit status when it passes its memory
	// bound, exitTime when it passes its time bound on its own.
	exitMemory = 3
	exitTime   = 4
)

// renderChildArg, as the only argument, makes the executable render the
// chart its standard input names instead of running as salint: checked in
// init, so that test binaries render too.
const renderChildArg = "__salint-helm-render"

func init() {
	if len(os.Args) == 2 && os.Args[1] == renderChildArg {
		os.Exit(serveRender(os.Stdin, os.Stdout, os.Stderr))
	}
}

// renderRequest is what the parent sends the child; renderResponse the
// child's answer. JSON: the rendered text is YAML, which is UTF-8.
type renderRequest struct {
	Dir     string
	Options Options
	Timeout time.Duration
	Memory  uint64
	Stack   int
}

type renderResponse struct {
	Rendered map[string]string
	Error    string
}

// renderBounded renders the chart in dir (whose preparation succeeded in
// this process) in a child process, within the bounds above.
func renderBounded(dir string, opts Options) (map[string]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot start the renderer: %w", err)
	}
	req, err := json.Marshal(renderRequest{Dir: dir, Options: opts, Timeout: bounds.Timeout, Memory: bounds.Memory, Stack: bounds.Stack})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), bounds.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, renderChildArg) //nolint:gosec // this executable, run as the renderer
	cmd.Stdin = bytes.NewReader(req)
	stderr := &headBuffer{max: maxChildStderr}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the renderer: %w", err)
	}
	out, _ := io.ReadAll(io.LimitReader(stdout, int64(bounds.Output)+1))
	tooLong := len(out) > bounds.Output
	if tooLong {
		_ = cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	const hint = " (a template that loops or recurses without end?)"
	exitCode := 0
	if exit := (*exec.ExitError)(nil); errors.As(waitErr, &exit) {
		exitCode = exit.ExitCode()
	}
	switch {
	case tooLong:
		return nil, fmt.Errorf("rendering produced more than %d MiB of manifests%s", bounds.Output>>20, hint)
	case ctx.Err() != nil || exitCode == exitTime:
		return nil, fmt.Errorf("rendering did not finish in %s%s", bounds.Timeout, hint)
	case exitCode == exitMemory:
		return nil, fmt.Errorf("rendering took more than %d MiB of memory%s", bounds.Memory>>20, hint)
	case strings.Contains(stderr.String(), "stack overflow"):
		return nil, fmt.Errorf("rendering went deeper than %d MiB of stack (a template that includes itself, or runs tpl on itself, without end?)", bounds.Stack>>20)
	case waitErr != nil:
		// The child's output is not shown: it may quote the chart's values.
		return nil, fmt.Errorf("the renderer failed: %w", waitErr)
	}
	var resp renderResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return nil, fmt.Errorf("the renderer's answer: %w", err)
	}
	if resp.Error != "" {
		return nil, errors.New(resp.Error)
	}
	return resp.Rendered, nil
}

// serveRender is the child: it prepares the chart the request names as
// the parent did, executes its templates and writes the response.
func serveRender(in io.Reader, out, errOut io.Writer) int {
	var req renderRequest
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintln(errOut, "render request:", err)
		return 1
	}
	debug.SetMaxStack(req.Stack)
	go watchMemory(req.Memory, errOut)
	// The parent kills the child at its deadline; this ends the child all
	// the same when the parent is gone (interrupted) and cannot.
	time.AfterFunc(req.Timeout+time.Second, func() {
		fmt.Fprintln(errOut, "render: time bound passed")
		os.Exit(exitTime)
	})
	var resp renderResponse
	if c, bad := prepare(req.Dir, req.Options); bad != nil {
		resp.Error = bad.msg
	} else if rendered, err := c.execute(); err != nil {
		resp.Error = err.Error()
	} else {
		resp.Rendered = rendered
	}
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		fmt.Fprintln(errOut, "render response:", err)
		return 1
	}
	return 0
}

// watchMemory ends the child once its runtime maps more than limit bytes.
// Sampled every 10 ms: even at gigabytes a second of allocation it stops
// within a few tens of MiB of the bound.
func watchMemory(limit uint64, errOut io.Writer) {
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	for range time.Tick(10 * time.Millisecond) {
		metrics.Read(sample)
		if sample[0].Value.Uint64() > limit {
			fmt.Fprintln(errOut, "render: memory bound passed")
			os.Exit(exitMemory)
		}
	}
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	bytes.Buffer
	max int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
