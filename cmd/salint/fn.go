package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/salint/salint/lint/krm"
	"github.com/salint/salint/mutate"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const fnHelp = `
Runs salint as a KRM function, for kustomize (validators: or transformers:,
exec or container) and kpt (fn eval, or a Kptfile pipeline): reads a
ResourceList on standard input and writes it to standard output with one
result per finding (severity, message, resourceRef, field path, and the file
and index of the item when kpt's path annotations or kustomize's origin
annotation name them). Findings are also printed on standard error, which is
all kustomize shows. Input errors and notices (an ignore: entry that selects
no item) are results too, and on standard error; a notice about the
functionConfig is at it (resourceRef), as no runner passes its file and line.

The functionConfig is either

  apiVersion: salint.io/v1alpha1
  kind: Salint
  mode: validate          # or fix
  failOn: warning         # error, warning or info
  # ...and any setting of .salint.yaml: namespace, externalAccounts, rules,
  # ignore, ...; with mode fix also createMissingAccounts: true and
  # automount: account, as salint fix's flags

or a ConfigMap whose data values are the YAML of those same settings.

validate leaves the items unchanged (kpt replaces the package with the
output); when the input comes from kustomize (its kustomize.config.k8s.io/id
annotations), the output holds none of them, only one MisplacedValidator
object: kustomize discards it under validators: and keeps its resources,
and under transformers: (the wrong place) it is all the build holds, so
applying it fails instead of deleting everything. fix rewrites the items
with salint fix's fixes and reports what remains; use it under transformers:.

Examples:
  kpt fn eval pkg --exec 'salint fn' --fn-config validate.yaml
  kpt fn source pkg | salint fn
  (and in kustomize's validators: or transformers:, see docs/integrations.md)

Exit codes: 0 nothing at or above failOn, 1 findings at or above failOn (or an
item that could not be read), 2 bad input or functionConfig.`

func runFn(args []string, e *env) int {
	fs := newFlagSet("fn", "fn < ResourceList", fnHelp, e)
	if code, done := parseFlags(fs, args, e); done {
		return code
	}
	fail := usageErrors("fn", e)
	if fs.NArg() > 0 {
		return fail(errors.New("takes no arguments: the ResourceList comes on standard input"))
	}
	in, err := io.ReadAll(e.stdin)
	if err != nil {
		return fail(err)
	}
	if len(bytes.TrimSpace(in)) == 0 {
		// kustomize and kpt always send a ResourceList: nothing at all is a
		// broken pipe, not an empty package.
		return fail(errors.New("standard input is empty: a ResourceList is expected (see 'salint fn --help')"))
	}
	if what := notResourceList(in); what != "" {
		return fail(fmt.Errorf("standard input is not a ResourceList (a mapping with kind: ResourceList): it holds %s", what))
	}
	outcome, err := krm.Run(bytes.NewReader(in), e.stdout, e.stderr, fnFixer(e.stderr))
	if err != nil {
		return fail(err)
	}
	if outcome.Failed {
		return exitFindings
	}
	return exitOK
}

// fnFixer is mutate.Fix as the function's fixer. A fix it drops leaves its
// finding in the results; why it was not applied goes to log, as salint fix
// prints it.
func fnFixer(log io.Writer) krm.Fixer {
	return func(files []*model.File, check func([]*model.File) []rules.Finding) ([]*model.File, error) {
		res, err := mutate.Fix(files, check, nil)
		if err != nil {
			return nil, err
		}
		writeDropped(log, res.Dropped)
		return res.Files, nil
	}
}

// notResourceList says what the input's first document holds when it is
// not a ResourceList, or "". kyaml's reader takes null, a comment or any
// other object as a stream of resources, so that a broken pipe passed
// with no output; invalid YAML is left to it, which says where.
func notResourceList(in []byte) string {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(in)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return "no document"
		}
		return ""
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
		return "null"
	case root.Kind != yaml.MappingNode:
		return "a " + map[yaml.Kind]string{yaml.SequenceNode: "list", yaml.ScalarNode: "scalar", yaml.AliasNode: "alias"}[root.Kind]
	}
	kind := model.Get(root, "kind").String()
	switch kind {
	case "ResourceList":
		return ""
	case "":
		return "a mapping without kind"
	}
	return "kind " + strconv.Quote(kind) // input: no raw control characters
}
