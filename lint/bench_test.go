package lint_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/salint/salint/internal/bench"
	"github.com/salint/salint/internal/bundlegen"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/rules/model"
	"github.com/salint/salint/rules/rulestest"
)

// Benchmarks for issue 7; figures and commands are in docs/PERFORMANCE.md.
//
//	go test ./lint -run '^$' -bench . -benchmem -count 3
//
// BenchmarkCorpus and BenchmarkDense time salint and a bare go-yaml decode
// of the same files alternately in the same loop, so that both see the same
// machine load, and report the ratio (salint/decode; below 1 is faster).

// lintAll is what `salint lint DIR` does: read (building kustomizations,
// pruning what no rule reads), model, every default rule, and the text
// report.
func lintAll(tb testing.TB, dir string) *lint.Result {
	return lintMode(tb, dir, lint.KustomizeAuto)
}

// lintMode is lintAll with --kustomize=mode.
func lintMode(tb testing.TB, dir, mode string) *lint.Result {
	return lintInput(tb, dir, lint.Input{Kustomize: mode})
}

// lintInput is lintAll with the options of in (its Paths are dir).
func lintInput(tb testing.TB, dir string, in lint.Input) *lint.Result {
	in.Paths, in.Prune, in.ReportOnly = []string{dir}, true, true
	res, err := lint.Run(lint.Options{Input: in})
	if err != nil {
		tb.Fatal(err)
	}
	if err := report.WriteText(io.Discard, report.Report{Result: res}); err != nil {
		tb.Fatal(err)
	}
	return res
}

// bareDecode is the baseline (bench.Decode) after the same walk. It
// returns the number of documents decoded.
func bareDecode(tb testing.TB, dir string) int {
	paths, _, _, _, _ := lint.Collect([]string{dir})
	docs, err := bench.Decode(paths)
	if err != nil {
		tb.Error(err)
	}
	return docs
}

// benchVersusDecode runs salint (with the options in gives for each run)
// and the bare decode alternately over dir and reports both times, their
// ratio, and the ratio of their CPU times where the process's can be read.
func benchVersusDecode(b *testing.B, dir string, in func() lint.Input) {
	var lintTime, decodeTime, lintCPU, decodeCPU time.Duration
	n := 0
	for b.Loop() {
		// Each side starts from a collected heap, so neither pays for the
		// other's garbage.
		runtime.GC()
		t0, c0 := time.Now(), processCPU()
		lintInput(b, dir, in())
		lintTime += time.Since(t0)
		lintCPU += processCPU() - c0
		runtime.GC()
		t1, c1 := time.Now(), processCPU()
		bareDecode(b, dir)
		decodeTime += time.Since(t1)
		decodeCPU += processCPU() - c1
		n++
	}
	b.ReportMetric(float64(lintTime.Nanoseconds())/float64(n), "salint-ns/op")
	b.ReportMetric(float64(decodeTime.Nanoseconds())/float64(n), "decode-ns/op")
	b.ReportMetric(float64(lintTime)/float64(decodeTime), "salint/decode")
	// The same ratio of CPU time (every thread of the process, the
	// collector's included): what the two sides cost whatever else the
	// machine runs, which moves wall times on a shared machine far more.
	if decodeCPU > 0 {
		b.ReportMetric(float64(lintCPU)/float64(decodeCPU), "cpu-salint/decode")
	}
	reportLive(b, lintInput(b, dir, in()))
}

// reportLive reports, as live-MB, the heap still in use after a
// collection while res, a lint's result, is alive: what a lint keeps until
// its rules have run and its report is written (the trees it pruned, the
// model, the findings). Measured after the timed loop.
func reportLive(b *testing.B, res *lint.Result) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/1e6, "live-MB")
	runtime.KeepAlive(res)
}

// BenchmarkCorpus lints all of ../shared/corpus. Target: salint/decode < 1.
// kustomize=off reads every file as written (what the decode does);
// kustomize=auto, the default, also builds the corpus's kustomizations.
func BenchmarkCorpus(b *testing.B) {
	dir := rulestest.Corpus(b)
	for _, mode := range []string{lint.KustomizeOff, lint.KustomizeAuto} {
		b.Run("kustomize="+mode, func(b *testing.B) {
			benchVersusDecode(b, dir, func() lint.Input { return lint.Input{Kustomize: mode} })
		})
	}
}

// BenchmarkDense lints 5,000 documents in 500 files that salint must all
// parse (accounts, every workload kind, pods, secrets). Target:
// salint/decode ≤ 1.2.
func BenchmarkDense(b *testing.B) {
	benchVersusDecode(b, denseBundle(b), func() lint.Input { return lint.Input{Kustomize: lint.KustomizeAuto} })
}

// denseBundle writes BenchmarkDense's bundle and returns its directory.
func denseBundle(b *testing.B) string {
	dir := b.TempDir()
	if _, err := bundlegen.Write(dir, bundlegen.Spec{Files: 500, Docs: 5000, Namespaces: 50, Dense: true}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkCheckDense is the part of BenchmarkDense's lint after reading:
// the model and every default rule (lint.Check), over the dense bundle
// read once, as salint lint reads it, outside the loop. Rules are the
// serial tail of a lint, so their time adds to its wall time whole.
func BenchmarkCheckDense(b *testing.B) {
	in := lint.Input{Paths: []string{denseBundle(b)}, Kustomize: lint.KustomizeAuto, Prune: true, ReportOnly: true}
	benchCheck(b, lint.Load(in), lint.Options{Input: in})
}

// benchCheck times Check with the rules of opts over files read once.
func benchCheck(b *testing.B, files []*model.File, opts lint.Options) {
	active, err := opts.ActiveRules()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := lint.Check(files, opts, active); len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
}

// scaleSizes is the curve of BenchmarkScale: ten documents per file, over
// 200 namespaces (fewer for the smallest, one file each).
var scaleSizes = []int{1_000, 10_000, 100_000}

func scaleRepo(b *testing.B, docs int) string {
	dir := b.TempDir()
	spec := bundlegen.Spec{Files: docs / 10, Docs: docs, Namespaces: 200}
	if _, err := bundlegen.Write(dir, spec); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkScale lints generated repositories of 1k, 10k and 100k
// documents in process; run with -benchmem for allocations. live-MB is
// the heap a lint keeps alive (reportLive).
func BenchmarkScale(b *testing.B) {
	for _, docs := range scaleSizes {
		b.Run(fmt.Sprintf("docs=%d", docs), func(b *testing.B) {
			dir := scaleRepo(b, docs)
			var last *lint.Result // alive during the next lint (one at -benchtime 1x)
			for b.Loop() {
				res := lintAll(b, dir)
				if res.Objects != docs {
					b.Fatalf("linted %d objects, want %d", res.Objects, docs)
				}
				last = res
			}
			reportLive(b, last)
		})
	}
}

// BenchmarkScalePeakRSS runs each lint of the curve in a child process
// (this test binary, re-executed to do only the lint) and reports the
// child's peak resident memory besides its wall time. The child reads its
// own high-water mark (VmHWM in /proc/self/status, which exec resets);
// the parent's rusage would not do, as Linux counts the pre-exec RSS that
// the child inherited from this process in the child's ru_maxrss.
func BenchmarkScalePeakRSS(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs Linux /proc to read a process's peak RSS")
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, docs := range scaleSizes {
		b.Run(fmt.Sprintf("docs=%d", docs), func(b *testing.B) {
			dir := scaleRepo(b, docs)
			var peak int
			for b.Loop() {
				cmd := exec.Command(self, "-test.run=^TestLintChild$", "-test.v")
				cmd.Env = append(os.Environ(), lintChildEnv+"="+dir)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("child lint: %v\n%s", err, out)
				}
				_, after, ok := strings.Cut(string(out), "peak-rss-kib=")
				var kib int
				if _, err := fmt.Sscan(after, &kib); !ok || err != nil {
					b.Fatalf("child did not report its peak RSS: %v\n%s", err, out)
				}
				peak = max(peak, kib)
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		})
	}
}

const lintChildEnv = "SALINT_LINT_CHILD_DIR"

// TestLintChild is the child of BenchmarkScalePeakRSS; it does nothing in
// a normal test run.
func TestLintChild(t *testing.T) {
	dir := os.Getenv(lintChildEnv)
	if dir == "" {
		t.Skip("only run as the child of BenchmarkScalePeakRSS")
	}
	if res := lintAll(t, dir); res.Objects == 0 {
		t.Fatal("no objects linted")
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			// Printed for the parent to parse: "peak-rss-kib=N".
			fmt.Printf("peak-rss-kib=%s\n", strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
}

// BenchmarkManyMissingInOneNamespace is the worst case of the "did you
// mean" hints, whose cost is per finding and proportional to the names of
// the namespace: one namespace with 2,000 accounts and 2,000 pull secrets,
// and 10,000 pods each naming a different missing account and pull secret
// (20,000 findings).
func BenchmarkManyMissingInOneNamespace(b *testing.B) {
	var accounts, pods strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&accounts, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: account-%05d, namespace: big}\n", i)
		fmt.Fprintf(&accounts, "---\napiVersion: v1\nkind: Secret\nmetadata: {name: pull-%05d, namespace: big}\ntype: kubernetes.io/dockerconfigjson\n", i)
	}
	for i := range 10_000 {
		fmt.Fprintf(&pods, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: big}\nspec:\n  serviceAccountName: missing-%05d\n  imagePullSecrets: [{name: gone-%05d}]\n  containers: [{name: c, image: nginx}]\n", i, i, i)
	}
	files := []*model.File{
		model.Read(model.NewSource("accounts.yaml", []byte(accounts.String()))),
		model.Read(model.NewSource("pods.yaml", []byte(pods.String()))),
	}
	opts := lint.Options{}
	active, err := opts.ActiveRules()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if res := lint.Check(files, opts, active); len(res.Findings) < 20_000 {
			b.Fatalf("%d findings, want at least 20,000", len(res.Findings))
		}
	}
}

// BenchmarkCatalogCorpus models all of ../shared/corpus as one bundle and
// runs every rule of the catalog, opt-in ones too, per iteration; reading
// and parsing the files happen once, outside the loop.
func BenchmarkCatalogCorpus(b *testing.B) {
	dir := rulestest.Corpus(b)
	benchCheck(b, lint.Load(lint.Input{Paths: []string{dir}}), lint.Options{Enable: []string{"all"}})
}
