package gitops

import (
	"path/filepath"
	"strings"
)

// Holds reports whether the unit applies what the input gives from file:
// a plain manifest (builtRoot "") read from file, or an object built from
// the kustomization directory builtRoot. Flux reads its path with every
// subdirectory (a kustomization below it is built whole: the
// kustomization Flux generates lists it); Argo CD builds the
// kustomization at its path, or reads the plain files there, and those
// of subdirectories only with directory.recurse.
func (u *Unit) Holds(file, builtRoot string) bool {
	if builtRoot != "" {
		root := absPath(builtRoot)
		return root == u.Dir || u.Recurse && within(u.Dir, root)
	}
	f := absPath(file)
	return filepath.Dir(f) == u.Dir || u.Recurse && within(u.Dir, f)
}

// Expand is s with the unit's postBuild variables substituted as Flux
// does: ${var}; ${var:-default} and ${var:=default} give the default
// when var is unset or empty, ${var-default} and ${var=default} when it
// is unset; $${var} stays ${var}. A variable the input does not define
// and that has no default is left as written: it may come from a source
// outside the input, and a name holding it is never judged (see
// model.Substituted).
func (u *Unit) Expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			break
		}
		end += i
		if i > 0 && s[i-1] == '$' { // $${var}: escaped
			b.WriteString(s[:i-1] + s[i:end+1])
			s = s[end+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(u.variable(s[i+2:end], s[i:end+1]))
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// variable is the value of the expression expr of ${expr}, or written
// when it has none.
func (u *Unit) variable(expr, written string) string {
	name, def, op := expr, "", ""
	if i := strings.IndexAny(expr, ":-="); i >= 0 {
		name, op = expr[:i], expr[i:]
		switch {
		case strings.HasPrefix(op, ":-"), strings.HasPrefix(op, ":="):
			def, op = op[2:], ":"
		case strings.HasPrefix(op, "-"), strings.HasPrefix(op, "="):
			def, op = op[1:], "-"
		default:
			return written // an operator Flux's substitution has but no rule needs
		}
	}
	value, set := u.Substitute[name]
	switch {
	case set && (value != "" || op != ":"):
		return value
	case op != "":
		return def
	}
	return written
}
