package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// actionFile is the part of action.yml the test reads.
type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name             string            `yaml:"name"`
			Uses             string            `yaml:"uses"`
			Shell            string            `yaml:"shell"`
			Run              string            `yaml:"run"`
			WorkingDirectory string            `yaml:"working-directory"`
			Env              map[string]string `yaml:"env"`
			With             map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// TestAction_StepsRun runs the steps of the composite GitHub Action
// (action.yml) with bash in a fake runner: the install step against a
// recording "go", the lint step with salint (this test binary) on the
// example repository, which has findings. Expressions are replaced as
// GitHub would, with the inputs' defaults.
func TestAction_StepsRun(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action actionFile
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", action.Runs.Using)
	}
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// testscript.Main (main_test.go) runs salint when the binary is called so.
	if err := os.Symlink(self, filepath.Join(bin, "salint")); err != nil {
		t.Fatal(err)
	}
	goArgs := filepath.Join(t.TempDir(), "go-args")
	fakeGo := "#!/bin/sh\n{ pwd; printf '%s\\n' \"$@\"; } > " + goArgs + "\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(filepath.Join(root, "testdata", "example"))); err != nil {
		t.Fatal(err)
	}
	expr := regexp.MustCompile(`\$\{\{\s*([a-z_.-]+)\s*\}\}`)
	resolve := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			name := expr.FindStringSubmatch(m)[1]
			switch {
			case name == "github.action_path":
				return root
			case name == "github.action_ref":
				return "v9.9.9-test"
			case strings.HasPrefix(name, "inputs."):
				in, ok := action.Inputs[strings.TrimPrefix(name, "inputs.")]
				if !ok {
					t.Fatalf("action.yml uses undeclared input %s", name)
				}
				return in.Default
			}
			t.Fatalf("action.yml uses %s, which this test does not provide", name)
			return ""
		})
	}
	var ran []string
	var lintOut string
	for _, step := range action.Runs.Steps {
		if step.Run == "" {
			continue
		}
		if step.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash (a composite step must name its shell)", step.Name, step.Shell)
		}
		if strings.Contains(step.Run, "${{") {
			t.Errorf("step %q pastes an expression into its script: pass it through env", step.Name)
		}
		cmd := exec.Command("bash", "-e", "-c", step.Run)
		cmd.Dir = work
		if step.WorkingDirectory != "" {
			cmd.Dir = resolve(step.WorkingDirectory)
		}
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+resolve(v))
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		ran = append(ran, step.Name)
		switch step.Name {
		case "install salint":
			if code != 0 {
				t.Fatalf("install step exited %d:\n%s", code, stderr.String())
			}
		case "salint lint":
			// The example has findings: the step fails, as the text run does.
			if code != exitFindings {
				t.Errorf("lint step exited %d, want 1:\n%s%s", code, stdout.String(), stderr.String())
			}
			lintOut = stdout.String()
		default:
			t.Errorf("step %q is not covered by this test", step.Name)
		}
	}
	if strings.Join(ran, ",") != "install salint,salint lint" {
		t.Fatalf("ran steps %q", ran)
	}
	args, err := os.ReadFile(goArgs)
	if err != nil {
		t.Fatal(err)
	}
	if want := root + "\ninstall\n-trimpath\n-ldflags\n-X main.version=v9.9.9-test\n./cmd/salint\n"; string(args) != want {
		t.Errorf("go was run as\n%s\nwant\n%s", args, want)
	}
	checkJSONFile(t, filepath.Join(work, action.Inputs["sarif-file"].Default))
	if !regexp.MustCompile(`(?m)^salint: \d+ findings? \(.*\) in \d+ files`).MatchString(lintOut) {
		t.Errorf("no text summary in the lint step's output:\n%s", lintOut)
	}
}
