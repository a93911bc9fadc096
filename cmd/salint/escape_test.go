package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/salint/salint/rules/rulestest"
)

// Manifests are untrusted input to terminals and CI logs (issue 18): a
// name, namespace or file name holding control characters must not end a
// line, move the cursor, open a terminal hyperlink or start a GitHub
// Actions workflow command in any of salint's outputs. The JSON formats
// (json, sarif, gitlab) write such characters as \u escapes: the same
// values, nothing a terminal acts on.

// hostileNames are names a hostile pull request can put in a manifest
// (YAML escapes make each one easy).
var hostileNames = []string{
	"web\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
	"web\r\x1b[2Kall clear",
	"web\n::error file=other.yaml,line=1::forged",
	"web\n::stop-commands::pwned",
	"::add-mask::web",
	"  ::warning::web",
	"web\u0085::debug::x\u2028::debug::y",
	"web\u009b2J\x7f\x00",
	"web##[error]forged",
	"web\u202egnp.exe",
}

// outputManifest is a Deployment named name in namespace name, running as
// a missing account named name and pulling with a missing Secret named
// name: every finding and view carries the name.
func outputManifest(name string) string {
	q, _ := json.Marshal(name) // JSON is YAML: any string, escaped
	return `{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": ` + string(q) + `, "namespace": ` + string(q) + `},
 "spec": {"template": {"spec": {"serviceAccountName": ` + string(q) + `, "imagePullSecrets": [{"name": ` + string(q) + `}],
 "containers": [{"name": "c", "image": "registry.example/app"}]}}}}
---
{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": ` + string(q) + `, "namespace": ` + string(q) + `},
 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": ` + string(q) + `},
 "subjects": [{"kind": "ServiceAccount", "name": ` + string(q) + `}]}
`
}

// fnInput wraps the manifest's objects in a ResourceList, with name as
// their kpt path annotation too.
func fnInput(name string) string {
	q, _ := json.Marshal(name)
	return `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [
{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": ` + string(q) + `, "namespace": ` + string(q) + `,
  "annotations": {"config.kubernetes.io/path": ` + string(q) + `, "config.kubernetes.io/index": "0"}},
 "spec": {"template": {"spec": {"serviceAccountName": ` + string(q) + `, "containers": [{"name": "c", "image": "nginx"}]}}}}]}
`
}

// outputRun is one command whose output is checked.
type outputRun struct {
	name  string
	args  []string
	stdin string
	// data: standard output is the objects themselves (the admitted
	// objects, the ResourceList), which must keep every byte; standard
	// error is checked.
	data bool
}

func outputRuns(dir, name string) []outputRun {
	var runs []outputRun
	for _, f := range []string{"text", "github", "json", "sarif", "gitlab"} {
		runs = append(runs, outputRun{name: "lint " + f, args: []string{"lint", "--no-config", "--color", "never", "-f", f, dir}})
	}
	for _, f := range []string{"text", "json", "dot", "mermaid"} {
		runs = append(runs, outputRun{name: "accounts " + f, args: []string{"accounts", "--no-config", "-f", f, dir}})
	}
	runs = append(runs,
		outputRun{name: "fix dry run", args: []string{"fix", "--no-config", "--dry-run", dir}},
		outputRun{name: "admit", args: []string{"admit", "--no-config", dir}, data: true},
		outputRun{name: "fn", args: []string{"fn"}, stdin: fnInput(name), data: true},
	)
	return runs
}

// checkOutputLines fails when a line of out holds a control character or
// starts (after whitespace, as the Actions runner trims it) a workflow
// command that salint did not write itself.
func checkOutputLines(t *testing.T, what, out string, github bool) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		for _, r := range line {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
				t.Errorf("%s: line %d holds control character %U: %q", what, i+1, r, line)
				break
			}
		}
		if !utf8.ValidString(line) {
			t.Errorf("%s: line %d is not UTF-8: %q", what, i+1, line)
		}
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		if strings.HasPrefix(trimmed, "::") && (!github || !isSalintCommand(trimmed)) {
			t.Errorf("%s: line %d starts a workflow command: %q", what, i+1, line)
		}
		if strings.Contains(line, "##[") {
			t.Errorf("%s: line %d holds a workflow command: %q", what, i+1, line)
		}
	}
}

// isSalintCommand reports the annotations --format github writes: the
// command is one of salint's and its properties end at the first "::".
func isSalintCommand(line string) bool {
	for _, cmd := range []string{"::error file=", "::warning file=", "::notice file="} {
		if strings.HasPrefix(line, cmd) {
			return true
		}
	}
	return false
}

func runOutputs(t *testing.T, name string) {
	t.Helper()
	dir := t.TempDir()
	file := fileName(name) // the file name carries the name too
	if err := os.WriteFile(filepath.Join(dir, file+".yaml"), []byte(outputManifest(name)), 0o600); err != nil {
		t.Skipf("file name %q: %v", file, err)
	}
	checkOutputs(t, dir, name)
}

// fileName is name as far as a file name can carry it.
func fileName(name string) string {
	file := strings.NewReplacer("/", "_", "\x00", "_").Replace(name)
	if len(file) > 200 {
		file = file[:200]
	}
	return file
}

// checkOutputs runs every command that writes for people over dir and
// checks what each writes.
func checkOutputs(t *testing.T, dir, name string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), "summary.md")
	for _, r := range outputRuns(dir, name) {
		var stdout, stderr bytes.Buffer
		run(r.args, &env{
			stdin: strings.NewReader(r.stdin), stdout: &stdout, stderr: &stderr,
			getenv: func(k string) string {
				if k == "GITHUB_STEP_SUMMARY" {
					return summary
				}
				return ""
			},
		})
		github := strings.Contains(r.name, "github")
		if !r.data {
			checkOutputLines(t, r.name+" stdout", stdout.String(), github)
		}
		checkOutputLines(t, r.name+" stderr", stderr.String(), false)
		if r.name == "lint text" {
			// One finding per line: every line but the summary is one.
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			for _, l := range lines[:len(lines)-1] {
				if !strings.HasSuffix(l, "]") || !strings.Contains(l, ": ") {
					t.Errorf("lint text: line is not one finding: %q", l)
				}
			}
		}
	}
	if b, err := os.ReadFile(summary); err == nil {
		checkOutputLines(t, "step summary", string(b), false)
	}
}

func TestOutput_HostileNamesCannotHijackTheTerminalOrLog(t *testing.T) {
	for _, name := range hostileNames {
		t.Run(strings.ToValidUTF8(name, "?"), func(t *testing.T) { runOutputs(t, name) })
	}
}

// TestOutput_HostileViewNamesCannotHijackTheTerminalOrLog: an overlay's
// directory names its cluster view, which every command prints (salint
// accounts a heading or label per view, lint "(in NAME)", admit
// "# view: NAME").
func TestOutput_HostileViewNamesCannotHijackTheTerminalOrLog(t *testing.T) {
	for _, name := range hostileNames {
		t.Run(strings.ToValidUTF8(name, "?"), func(t *testing.T) {
			dir := t.TempDir()
			overlay := fileName(name)
			files := map[string]string{
				"base/kustomization.yaml": "resources: [web.yaml]\n",
				"base/web.yaml":           outputManifest("web"),
			}
			// Two overlays of one base cannot share a cluster: a view each.
			for _, o := range []string{overlay, overlay + "-2"} {
				files[o+"/kustomization.yaml"] = "resources: [../base]\n"
			}
			rulestest.WriteFiles(t, dir, files)
			var stdout, stderr bytes.Buffer
			run([]string{"accounts", "--no-config", dir}, &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
			if n := strings.Count(stdout.String(), "\n== view: "); n != 1 { // the first is the first line
				t.Fatalf("want two views, one per overlay:\n%s%s", stdout.String(), stderr.String())
			}
			checkOutputs(t, dir, name)
		})
	}
}

// FuzzOutput feeds arbitrary names through every human-readable output.
func FuzzOutput(f *testing.F) {
	for _, name := range hostileNames {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || len(name) > 300 {
			return
		}
		runOutputs(t, name)
	})
}

// TestUsageErrors_Escaped: a flag or path a script built from file names
// is echoed in the error escaped too.
func TestUsageErrors_Escaped(t *testing.T) {
	for _, args := range [][]string{
		{"lint", "--x\x1b[2J\n::error::y"},
		{"lint", "-f\x1b]8;;x\x07"},
		{"accounts", "--format", "t\x1b[2J\n::error::y"},
	} {
		var stdout, stderr bytes.Buffer
		run(args, &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
		if stderr.Len() == 0 {
			t.Errorf("%q: no error", args)
		}
		checkOutputLines(t, strings.Join(args, " ")+" stderr", stderr.String(), false)
	}
}
