package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/salint/salint/internal/bundlegen"
)

// BenchmarkFixScale measures `salint fix` on a generated repository of ten
// documents per file where 1% of the documents have a default fix (the
// deprecated serviceAccount beside serviceAccountName), against `salint
// lint` of the same repository in the same loop. Each iteration
// regenerates the repository (untimed), lints it, then fixes it, writing
// the changed files. Target (issue 7): fix/lint about 1.
//
//	go test ./cmd/salint -run '^$' -bench FixScale -benchmem -count 3
func BenchmarkFixScale(b *testing.B) {
	for _, docs := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("docs=%d", docs), func(b *testing.B) {
			dir := b.TempDir()
			spec := bundlegen.Spec{Files: docs / 10, Docs: docs, Namespaces: 200, FixEvery: 100}
			var lintTime, fixTime time.Duration
			var summary string
			for range b.N {
				b.StopTimer()
				if _, err := bundlegen.Write(dir, spec); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				t0 := time.Now()
				if code := runQuiet(b, "lint", "--no-config", dir); code == exitError {
					b.Fatalf("lint exit code %d", code)
				}
				lintTime += time.Since(t0)
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				t1 := time.Now()
				var out bytes.Buffer
				if code := run([]string{"fix", "--no-config", dir}, &env{stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, getenv: func(string) string { return "" }}); code == exitError {
					b.Fatalf("fix exit code %d", code)
				}
				fixTime += time.Since(t1)
				summary = lastLine(out.String())
			}
			if want := fmt.Sprintf("fixed %d findings in %d files", docs/100, docs/100); !strings.Contains(summary, want) {
				b.Fatalf("fix summary %q, want %q", summary, want)
			}
			b.ReportMetric(float64(lintTime.Nanoseconds())/float64(b.N), "lint-ns/op")
			b.ReportMetric(float64(fixTime.Nanoseconds())/float64(b.N), "fix-ns/op")
			b.ReportMetric(float64(fixTime)/float64(lintTime), "fix/lint")
		})
	}
}

func runQuiet(tb testing.TB, args ...string) int {
	tb.Helper()
	return run(args, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
