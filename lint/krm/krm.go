// Package krm runs salint as a KRM function (the kustomize and kpt
// function protocol): a ResourceList on stdin, the same list with results
// on stdout. It lints the items as one bundle with the rules lint runs,
// and in fix mode rewrites them with the fixes salint fix applies.
package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint"
	"github.com/salint/salint/lint/report"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Modes of the function.
const (
	ModeValidate = "validate"
	ModeFix      = "fix"
)

// Annotations the function reads from its items.
const (
	// kustomizeIDAnnotation is added by kustomize (and only kustomize) to
	// every item it hands a plugin, to match the output to its resources.
	kustomizeIDAnnotation = "kustomize.config.k8s.io/id"
	// originAnnotation is kustomize's record of the file a resource came
	// from (buildMetadata: [originAnnotations]).
	originAnnotation = "config.kubernetes.io/origin"
	// legacyPath and legacyIndex are the older names of kioutil's path
	// and index annotations, which kpt still sets and older tools set alone.
	legacyPath  = "config.kubernetes.io/path"
	legacyIndex = "config.kubernetes.io/index"
)

// Fixer applies fixes to files, calling check before each round, and
// returns the files as fixed; its last call of check is on those files,
// so the findings then are the ones that remain. mutate.Fix does this; it is passed in so
// that lint does not depend on mutate.
type Fixer func(files []*model.File, check func([]*model.File) []rules.Finding) ([]*model.File, error)

// Outcome is what a run found, for the exit code.
type Outcome struct {
	// Failed is true when a finding at or above failOn remains or an item
	// could not be read: the function must exit non-zero.
	Failed bool
	// Findings counts the findings reported.
	Findings int
}

// Run reads a ResourceList from in, lints (or fixes) its items and writes
// the ResourceList to out, with one result per finding. Findings are also
// written as text to log, because kustomize shows a function's standard
// error and exit code but not its results. The error is for input that is
// not a ResourceList or a functionConfig that is wrong.
func Run(in io.Reader, out, log io.Writer, fix Fixer) (Outcome, error) {
	var outcome Outcome
	rw := &kio.ByteReadWriter{Reader: in, Writer: out, KeepReaderAnnotations: true}
	err := framework.Execute(framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		cfg, err := ParseFunctionConfig(rl.FunctionConfig)
		if err != nil {
			return err
		}
		outcome, err = process(rl, cfg, log, fix)
		return err
	}), rw)
	return outcome, err
}

func process(rl *framework.ResourceList, cfg *FunctionConfig, log io.Writer, fix Fixer) (Outcome, error) {
	opts := lint.Options{Config: &cfg.Config, Settings: cfg.settings()}
	active, err := opts.ActiveRules()
	if err != nil {
		return Outcome{}, err
	}
	items := newItems(rl.Items)
	files, err := items.files()
	if err != nil {
		return Outcome{}, err
	}
	// Items are read as written, never built: every round checks them as
	// the fixer left them.
	checker := lint.NewFixChecker(opts, active)
	switch cfg.Mode {
	case ModeFix:
		if fix == nil {
			return Outcome{}, errors.New("fix mode is not available")
		}
		fixed, err := fix(files, checker.Check)
		if err != nil {
			return Outcome{}, err
		}
		if rl.Items, err = items.replace(fixed); err != nil {
			return Outcome{}, err
		}
	default:
		checker.Check(files)
		if items.fromKustomize {
			// kustomize fails a validator whose output changes its
			// resources in any way, and it adds path annotations to
			// whatever comes back, so the items cannot be echoed. It
			// accepts output without them, and keeps its resources. But
			// under transformers: the same config would have its output
			// replace the build, and an empty build makes a GitOps sync
			// prune everything; so the output is one object of a kind no
			// cluster serves: discarded under validators:, it makes the
			// misplaced build fail wherever it is applied.
			rl.Items = []*yaml.RNode{misplacedValidatorMarker()}
		}
	}

	res := checker.Last
	outcome := Outcome{Findings: len(res.Findings)}
	for _, e := range res.Errors {
		outcome.Failed = true
		rl.Results = append(rl.Results, items.inputResult(e, framework.Error, rl.FunctionConfig))
		fmt.Fprintf(log, "%s: error: %s\n", safetext.Escape(e.Pos.File), safetext.Escape(e.Message))
	}
	for _, n := range res.Notices {
		rl.Results = append(rl.Results, items.inputResult(n, framework.Info, rl.FunctionConfig))
		fmt.Fprintf(log, "%s: notice: %s\n", safetext.Escape(n.Pos.File), safetext.Escape(n.Message))
	}
	for _, f := range res.Findings {
		if f.Severity >= cfg.failOn {
			outcome.Failed = true
		}
		rl.Results = append(rl.Results, items.result(f))
		fmt.Fprintf(log, "%s: %s: %s [%s]\n", safetext.Escape(where(f.Pos.File, f.Field)), f.Severity, safetext.Escape(f.Text()), f.Rule)
	}
	if len(res.Findings) > 0 {
		noun := "resources"
		if len(items.nodes) == 1 {
			noun = "resource"
		}
		fmt.Fprintf(log, "salint fn: %s in %d %s\n", report.FindingCounts(res.Findings), len(items.nodes), noun)
	}
	return outcome, nil
}

// items are the ResourceList's items, each read as one model source
// whose path is the file the item came from (so that ignore: path globs
// apply), else "items[N]".
type items struct {
	nodes         []*yaml.RNode
	sources       []*model.Source
	index         map[*model.Source]int
	fromKustomize bool
}

// misplacedValidatorMarker is what validate mode returns to kustomize (see
// process): harmless where it belongs, a failed apply where it does not.
func misplacedValidatorMarker() *yaml.RNode {
	return yaml.MustParse(`apiVersion: salint.io/v1alpha1
kind: MisplacedValidator
metadata:
  name: salint-fn-mode-validate-belongs-under-validators
  annotations:
    salint.io/error: >-
      salint fn with mode: validate was listed under transformers: in a
      kustomization; move it to validators:. Under transformers:, its output
      replaces the build (this object is all that is left), and no cluster
      serves this kind, so applying it fails instead of pruning everything.
`)
}

func newItems(nodes []*yaml.RNode) *items {
	it := &items{nodes: nodes}
	for _, n := range nodes {
		if _, ok := n.GetAnnotations()[kustomizeIDAnnotation]; ok {
			it.fromKustomize = true
		}
	}
	return it
}

func (it *items) files() ([]*model.File, error) {
	files := make([]*model.File, len(it.nodes))
	for i, n := range it.nodes {
		text, err := n.String()
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		path, _ := origin(n)
		if path == "" {
			path = "items[" + strconv.Itoa(i) + "]"
		}
		files[i] = model.Read(model.NewSource(path, []byte(text)))
	}
	it.setSources(files)
	return files, nil
}

// setSources records which source is which item; a fix replaces them.
func (it *items) setSources(files []*model.File) {
	it.sources = make([]*model.Source, len(files))
	it.index = make(map[*model.Source]int, len(files))
	for i, f := range files {
		it.sources[i] = f.Source
		it.index[f.Source] = i
	}
}

// replace puts the fixed sources back as items: an unchanged item stays
// the node it was; a changed one is parsed again (a fix may add a
// document, which becomes a new item after it).
func (it *items) replace(fixed []*model.File) ([]*yaml.RNode, error) {
	out := make([]*yaml.RNode, 0, len(fixed))
	for i, f := range fixed {
		if bytes.Equal(f.Source.Bytes(), it.sources[i].Bytes()) {
			out = append(out, it.nodes[i])
			continue
		}
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(f.Source.Bytes()), OmitReaderAnnotations: true}).Read()
		if err != nil {
			return nil, fmt.Errorf("%s: fixed item does not parse (please report this bug): %w", f.Source.Path, err)
		}
		out = append(out, nodes...)
	}
	it.setSources(fixed)
	return out, nil
}

// itemOf finds the item a finding or error is about: by its object's
// source, else the first item from its file; -1 when none.
func (it *items) itemOf(o *model.Object, file string) int {
	if o != nil {
		if i, ok := it.index[o.Source]; ok {
			return i
		}
	}
	for i, s := range it.sources {
		if s.Path == file {
			return i
		}
	}
	return -1
}

// origin is the file an item came from and its index there: kpt's path
// annotations, else kustomize's origin annotation.
func origin(n *yaml.RNode) (path, index string) {
	ann := n.GetAnnotations()
	for _, k := range []string{kioutil.PathAnnotation, legacyPath} {
		if p := ann[k]; p != "" {
			index = ann[kioutil.IndexAnnotation]
			if index == "" {
				index = ann[legacyIndex]
			}
			return p, index
		}
	}
	if o := ann[originAnnotation]; o != "" {
		var v struct {
			Path string `yaml:"path"`
		}
		if yaml.Unmarshal([]byte(o), &v) == nil {
			return v.Path, ""
		}
	}
	return "", ""
}

// fileOf is the result's file reference for item i, nil when unknown.
func (it *items) fileOf(i int) *framework.File {
	if i < 0 || i >= len(it.nodes) {
		return nil
	}
	path, index := origin(it.nodes[i])
	if path == "" {
		return nil
	}
	n, _ := strconv.Atoi(index)
	return &framework.File{Path: path, Index: n}
}

// where names a finding's place for the text log: file and field.
func where(file, field string) string {
	if field != "" {
		return file + ": " + field
	}
	return file
}

// inputResult is the result for an input error or notice: at the item
// its file names, or at the functionConfig for one about the config.
func (it *items) inputResult(e model.Error, sev framework.Severity, functionConfig *yaml.RNode) *framework.Result {
	r := &framework.Result{Message: e.Message, Severity: sev}
	if e.Pos.File != FunctionConfigOrigin || functionConfig == nil {
		r.File = it.fileOf(it.itemOf(nil, e.Pos.File))
		return r
	}
	r.ResourceRef = &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: functionConfig.GetApiVersion(), Kind: functionConfig.GetKind()},
		NameMeta: yaml.NameMeta{Name: functionConfig.GetName(), Namespace: functionConfig.GetNamespace()},
	}
	return r
}

func (it *items) result(f rules.Finding) *framework.Result {
	r := &framework.Result{
		Message:  f.Text(),
		Severity: severity(f.Severity),
		File:     it.fileOf(it.itemOf(f.Object, f.Pos.File)),
		Tags:     map[string]string{"rule": f.Rule},
	}
	if f.Field != "" {
		r.Field = &framework.Field{Path: f.Field}
	}
	if o := f.Object; o != nil {
		r.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: o.APIVersion, Kind: o.Kind},
			NameMeta: yaml.NameMeta{Name: o.DisplayName(), Namespace: o.Namespace},
		}
	}
	return r
}

func severity(s rules.Severity) framework.Severity {
	switch s {
	case rules.Error:
		return framework.Error
	case rules.Warning:
		return framework.Warning
	}
	return framework.Info
}
