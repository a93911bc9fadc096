package helm

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/salint/salint/rules/model"
)

// checkSchemas validates the values of the chart in dir and of each
// subchart it renders against their values.schema.json, as Helm does
// before it renders (its chartutil.ValidateAgainstSchema, with the same
// library; not called: it fetches http(s) and file references). Each
// failure is an error at the value, where a values file set it, else at
// the schema; a reference to another document is a notice and that
// schema is not checked, since salint fetches nothing.
func checkSchemas(dir string, ch *chartv2.Chart, vals map[string]any, index map[string]origin) (errs, notices []model.Error) {
	var walk func(c *chartv2.Chart, dir, prefix string, vals map[string]any)
	walk = func(c *chartv2.Chart, dir, prefix string, vals map[string]any) {
		file := filepath.Join(dir, "values.schema.json")
		if c.Schema != nil {
			e, n := checkSchema(file, c.Schema, prefix, vals, index)
			errs, notices = append(errs, e...), append(notices, n...)
		}
		for _, d := range c.Dependencies() {
			// coalesce gave every rendered subchart a table of values.
			sub, _ := vals[d.Name()].(map[string]any)
			walk(d, filepath.Join(dir, "charts", d.Name()), prefix+d.Name()+".", sub)
		}
	}
	walk(ch, dir, "", vals)
	slices.SortStableFunc(errs, func(a, b model.Error) int { return comparePos(a.Pos, b.Pos) })
	return errs, notices
}

// errNotFetched refuses every document a schema refers to.
var errNotFetched = errors.New("salint fetches nothing")

type noLoader struct{}

func (noLoader) Load(string) (any, error) { return nil, errNotFetched }

// schemaURL is the schema's name inside the compiler, as in Helm.
const schemaURL = "file:///values.schema.json"

// checkSchema validates vals (the values at prefix) against one schema.
func checkSchema(file string, schema []byte, prefix string, vals map[string]any, index map[string]origin) (errs, notices []model.Error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return []model.Error{notRendered(model.Position{File: file}, "values.schema.json is not JSON: "+err.Error())}, nil
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return []model.Error{notRendered(model.Position{File: file}, err.Error())}, nil
	}
	compiled, err := c.Compile(schemaURL)
	var load *jsonschema.LoadURLError
	switch {
	case errors.As(err, &load) && errors.Is(load.Err, errNotFetched):
		return nil, []model.Error{{Pos: model.Position{File: file}, Message: fmt.Sprintf(
			"values not checked against this schema: it refers to %s, and salint fetches nothing", load.URL)}}
	case err != nil:
		return []model.Error{notRendered(model.Position{File: file}, "values.schema.json: "+strings.TrimPrefix(err.Error(), schemaURL+": "))}, nil
	}
	var failed *jsonschema.ValidationError
	if err := compiled.Validate(vals); !errors.As(err, &failed) {
		return nil, nil
	}
	p := message.NewPrinter(language.English)
	for _, leaf := range leaves(failed) {
		path := prefix + strings.Join(leaf.InstanceLocation, ".")
		errs = append(errs, valueError(path, index, file, withoutValue(leaf.ErrorKind, p)))
	}
	return errs, nil
}

// withoutValue says why a value fails without the value itself, which
// the library's messages quote for these kinds: values files hold
// passwords, and the message goes to every output. (format and content*
// quote it too, but are not asserted, as in Helm.)
func withoutValue(k jsonschema.ErrorKind, p *message.Printer) string {
	num := func(r *big.Rat) string { f, _ := r.Float64(); return fmt.Sprint(f) }
	switch k := k.(type) {
	case *kind.Pattern:
		return fmt.Sprintf("does not match pattern %q", k.Want)
	case *kind.Minimum:
		return "minimum: want at least " + num(k.Want)
	case *kind.ExclusiveMinimum:
		return "exclusiveMinimum: want more than " + num(k.Want)
	case *kind.Maximum:
		return "maximum: want at most " + num(k.Want)
	case *kind.ExclusiveMaximum:
		return "exclusiveMaximum: want less than " + num(k.Want)
	case *kind.MultipleOf:
		return "multipleOf: want a multiple of " + num(k.Want)
	}
	return k.LocalizedString(p)
}

// leaves are the failures that caused e: those with no cause of their own.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// valueError says that the value at path (dotted; "" for all the values)
// fails the schema in file, at the line of the values file that set it,
// or of its nearest parent that one set, else at the schema.
func valueError(path string, index map[string]origin, file, why string) model.Error {
	what := "the values"
	if path = strings.TrimSuffix(path, "."); path != "" {
		what = path
	}
	pos := model.Position{File: file}
	for p := path; p != ""; p = parentPath(p) {
		o, ok := index[p]
		if !ok {
			continue
		}
		if o.Line > 0 {
			pos = model.Position{File: o.By, Line: o.Line, Col: o.Col}
		} else {
			what += " (set by " + o.By + ")"
		}
		break
	}
	return notRendered(pos, fmt.Sprintf("%s rejects %s: %s", file, what, why))
}

func parentPath(p string) string {
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[:i]
	}
	return ""
}
