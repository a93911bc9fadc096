package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// script is what salint completion SHELL prints.
func script(t *testing.T, shell string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"completion", shell}, &env{stdout: &out, stderr: &errOut}); code != exitOK {
		t.Fatalf("completion %s: exit %d: %s", shell, code, errOut.String())
	}
	return out.String()
}

// visibleFlags are the flags each command's help shows, read from the
// flag set the command parses with.
func visibleFlags(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, c := range commands() {
		var names []string
		c.run(nil, &env{flagsOnly: func(fs *pflag.FlagSet) {
			fs.VisitAll(func(f *pflag.Flag) {
				if !f.Hidden && f.Deprecated == "" {
					names = append(names, "--"+f.Name)
					if f.Shorthand != "" {
						names = append(names, "-"+f.Shorthand)
					}
				}
			})
		}})
		if len(names) == 0 {
			t.Fatalf("command %s gave no flag set", c.name)
		}
		slices.Sort(names)
		out[c.name] = names
	}
	return out
}

// TestCompletion_ScriptsHaveEveryCommandAndFlag compares each shell's
// script with the commands and their flag sets: a flag added to a command
// is completed, a flag removed is no longer offered.
func TestCompletion_ScriptsHaveEveryCommandAndFlag(t *testing.T) {
	want := visibleFlags(t)
	per := map[string]func(s, cmd string) []string{
		"bash": func(s, cmd string) []string {
			m := regexp.MustCompile(`(?m)^        ` + cmd + `\) flags="([^"]*)"`).FindStringSubmatch(s)
			if m == nil {
				return nil
			}
			return strings.Fields(m[1])
		},
		"zsh": func(s, cmd string) []string {
			_, block, _ := strings.Cut(s, "\n    "+cmd+")\n")
			block, _, _ = strings.Cut(block, ";;")
			var names []string
			for _, m := range regexp.MustCompile(`(?m)^        '(-[-a-z]+)\[`).FindAllStringSubmatch(block, -1) {
				names = append(names, m[1])
			}
			return names
		},
		"fish": func(s, cmd string) []string {
			var names []string
			for _, m := range regexp.MustCompile(`(?m)^complete -c salint -n '__fish_seen_subcommand_from `+cmd+`' -l ([-a-z]+)(?: -s ([a-z]))?`).FindAllStringSubmatch(s, -1) {
				names = append(names, "--"+m[1])
				if m[2] != "" {
					names = append(names, "-"+m[2])
				}
			}
			return names
		},
	}
	for shell, flagsOf := range per {
		s := script(t, shell)
		for cmd, flags := range want {
			got := flagsOf(s, cmd)
			slices.Sort(got)
			if !slices.Equal(got, flags) {
				t.Errorf("%s script, %s: flags %v, want %v", shell, cmd, got, flags)
			}
		}
	}
}

// TestCompletion_Bash runs the bash script: it parses, and completes a
// command and a flag.
func TestCompletion_Bash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	s := script(t, "bash")
	for words, want := range map[string]string{
		"salint li":           "lint",
		"salint lint --form":  "--format",
		"salint accounts --w": "--wide",
	} {
		cmd := exec.Command(bash, "--norc", "-c", s+`
COMP_WORDS=(`+words+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _salint; echo "${COMPREPLY[@]}"`)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("%q completes to %q (%v), want %q", words, out, err, want)
		}
	}
}

// TestCompletion_Fish runs the fish script where fish is installed: it
// completes a command, a flag, and keeps a help's quote.
func TestCompletion_Fish(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("fish is not installed: its script is not run")
	}
	file := filepath.Join(t.TempDir(), "salint.fish")
	if err := os.WriteFile(file, []byte(script(t, "fish")), 0o600); err != nil {
		t.Fatal(err)
	}
	for line, want := range map[string]string{
		"salint acc":           "accounts\tshow each namespace's accounts and what runs as them",
		"salint accounts --wi": "--wide\t",
	} {
		out, err := exec.Command(fish, "--no-config", "-c", "source "+file+"; complete -C '"+line+"'").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), want) {
			t.Errorf("%q completes to %q (%v), want %q...", line, out, err, want)
		}
	}
}

// TestCompletion_ZshAndFishParse checks the other scripts' syntax where
// the shell is installed.
func TestCompletion_ZshAndFishParse(t *testing.T) {
	for shell, args := range map[string][]string{"zsh": {"-n"}, "fish": {"--no-execute"}} {
		path, err := exec.LookPath(shell)
		if err != nil {
			t.Logf("%s is not installed: its script's syntax is not checked", shell)
			continue
		}
		cmd := exec.Command(path, args...)
		cmd.Stdin = strings.NewReader(script(t, shell))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s %v: %v\n%s", shell, args, err, out)
		}
	}
}

func TestCompletion_UnknownShell(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"completion", "tcsh"}, &env{stdout: &out, stderr: &out}); code != exitError || !strings.Contains(out.String(), "want one SHELL: bash, zsh or fish") {
		t.Errorf("exit %d: %s", code, out.String())
	}
}

// TestInit_SnippetIsTheDocumentedOne keeps salint init's pre-commit
// snippet equal to docs/integrations.md's tested block.
func TestInit_SnippetIsTheDocumentedOne(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "integrations.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if !strings.Contains(doc, "<!-- tested: pre-commit -->\n```yaml\n"+preCommitSnippet+"```") {
		t.Errorf("docs/integrations.md's pre-commit block differs from salint init's:\n%s", preCommitSnippet)
	}
}
