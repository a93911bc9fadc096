package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/pflag"
)

const completionHelp = `
Prints a completion script for SHELL (bash, zsh or fish): the commands, and
each command's flags with their help, made from the flags salint has (so the
script is as current as the binary that prints it). Flag values and PATHs
complete as file names.

Examples:
  source <(salint completion bash)              # bash, this shell
  salint completion bash > /etc/bash_completion.d/salint
  salint completion zsh > "${fpath[1]}/_salint" # zsh: a directory in $fpath
  salint completion fish > ~/.config/fish/completions/salint.fish

Exit codes: 0 printed, 2 usage error.`

// completionShells are the shells completion writes for.
var completionShells = map[string]func(w io.Writer, cmds []completionCommand){
	"bash": writeBashCompletion,
	"zsh":  writeZshCompletion,
	"fish": writeFishCompletion,
}

func runCompletion(args []string, e *env) int {
	fs := newFlagSet("completion", "completion bash|zsh|fish", completionHelp, e)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	usageErr := usageErrors("completion", e)
	if fs.NArg() != 1 || completionShells[fs.Arg(0)] == nil {
		return usageErr(fmt.Errorf("want one SHELL: bash, zsh or fish"))
	}
	completionShells[fs.Arg(0)](e.stdout, completionCommands())
	return exitOK
}

// completionCommand is a command and the flags its help shows.
type completionCommand struct {
	name, summary string
	flags         []*pflag.Flag
}

// completionCommands asks every command for its flag set, without running
// it: the flags a script completes are the flags salint parses.
func completionCommands() []completionCommand {
	cmds := commands()
	out := make([]completionCommand, 0, len(cmds))
	for _, c := range cmds {
		cc := completionCommand{name: c.name, summary: c.summary}
		c.run(nil, &env{stdout: io.Discard, stderr: io.Discard, flagsOnly: func(fs *pflag.FlagSet) {
			fs.VisitAll(func(f *pflag.Flag) {
				if !f.Hidden && f.Deprecated == "" {
					cc.flags = append(cc.flags, f)
				}
			})
		}})
		out = append(out, cc)
	}
	return out
}

// takesValue reports a flag followed by a value (not a switch).
func takesValue(f *pflag.Flag) bool { return f.NoOptDefVal == "" }

// helpUnsafe are the characters of a help text that the scripts' syntax
// would read (pflag's `NAME` quotes, zsh's [description] brackets): left
// out. A single quote is kept, escaped for the single-quoted strings.
var helpUnsafe = regexp.MustCompile("[`\"\\[\\]$\\\\]")

// quoted is a help text as the scripts write it between single quotes,
// on one line.
func quoted(help string) string {
	help = strings.Join(strings.Fields(helpUnsafe.ReplaceAllString(help, "")), " ")
	return strings.ReplaceAll(help, "'", `'\''`)
}

func writeBashCompletion(w io.Writer, cmds []completionCommand) {
	names := make([]string, 1, 1+len(cmds))
	names[0] = "help"
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, `# bash completion for salint (salint completion bash), made from salint's flags.
_salint() {
    local cur prev flags values
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "%s" -- "$cur"))
        return
    fi
    case "${COMP_WORDS[1]}" in
`, strings.Join(names, " "))
	for _, c := range cmds {
		var flags, values []string
		for _, f := range c.flags {
			flags = append(flags, "--"+f.Name)
			if f.Shorthand != "" {
				flags = append(flags, "-"+f.Shorthand)
			}
			if takesValue(f) {
				values = append(values, "--"+f.Name)
				if f.Shorthand != "" {
					values = append(values, "-"+f.Shorthand)
				}
			}
		}
		fmt.Fprintf(w, "        %s) flags=\"%s\"; values=\"%s\" ;;\n", c.name, strings.Join(flags, " "), strings.Join(values, " "))
	}
	fmt.Fprint(w, `        help) COMPREPLY=($(compgen -W "`+strings.Join(names[1:], " ")+`" -- "$cur")); return ;;
    esac
    if [[ " $values " == *" $prev "* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    elif [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -o bashdefault -F _salint salint
`)
}

func writeZshCompletion(w io.Writer, cmds []completionCommand) {
	fmt.Fprint(w, `#compdef salint
# zsh completion for salint (salint completion zsh), made from salint's flags.
_salint() {
  local -a commands
  commands=(
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "    '%s:%s'\n", c.name, quoted(c.summary))
	}
	fmt.Fprint(w, `  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "    %s)\n      _arguments \\\n", c.name)
		for _, f := range c.flags {
			value := ""
			if takesValue(f) {
				value = ":value:_files"
			}
			fmt.Fprintf(w, "        '--%s[%s]%s' \\\n", f.Name, quoted(f.Usage), value)
			if f.Shorthand != "" {
				fmt.Fprintf(w, "        '-%s[%s]%s' \\\n", f.Shorthand, quoted(f.Usage), value)
			}
		}
		fmt.Fprint(w, "        '*:file:_files' ;;\n")
	}
	fmt.Fprint(w, `  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _salint "$@"
else
  compdef _salint salint
fi
`)
}

func writeFishCompletion(w io.Writer, cmds []completionCommand) {
	fmt.Fprint(w, "# fish completion for salint (salint completion fish), made from salint's flags.\n")
	names := make([]string, 0, len(cmds))
	for _, c := range cmds {
		names = append(names, c.name)
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "complete -c salint -f -n 'not __fish_seen_subcommand_from %s' -a %s -d '%s'\n", strings.Join(names, " "), c.name, quoted(c.summary))
	}
	for _, c := range cmds {
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c salint -n '__fish_seen_subcommand_from %s' -l %s", c.name, f.Name)
			if f.Shorthand != "" {
				line += " -s " + f.Shorthand
			}
			if takesValue(f) {
				line += " -r -F"
			}
			fmt.Fprintf(w, "%s -d '%s'\n", line, quoted(f.Usage))
		}
	}
}
