package kustomize

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A Footprint is what namespaces a deploy unit's objects may be in or
// name (a binding's subjects), as far as can be told without building;
// Any when it cannot be told. Two units with disjoint footprints and no
// file in common cannot change each other's verdicts: every rule judges
// an object against its own namespace and what binds its accounts, and
// they cannot be alternatives (they write no namespaced object in common).
type Footprint struct {
	Any        bool
	Namespaces map[string]bool
}

// Add records that the unit's objects may be in or name namespace ns.
func (f *Footprint) Add(ns string) {
	if f.Namespaces == nil {
		f.Namespaces = map[string]bool{}
	}
	f.Namespaces[ns] = true
}

// Focused is what Focus chose: the roots to build, by directory, and
// whether the plain manifests belong with them.
type Focused struct {
	Roots map[string]bool
	// Files are the chosen roots' kustomization files.
	Files []string
	Plain bool
}

// Focus picks what a hook run that reports on changed (absolute paths:
// files or directories) must build so that its verdicts on them are those
// of building everything: the roots that read a changed file or hold the
// plain manifests when one is plain (changed units), and with them every
// root that shares a file or a possible namespace with one of those,
// transitively (plain: the plain manifests' footprint; defaultNS: where
// objects without a namespace land). Nil means build everything: the
// choice would be every root, or a root might need the network (its files
// would then be read as written, plain manifests of a footprint not told),
// or a root holds GitOps objects (another source of views).
//
// That a changed unit's view is then judged as in a full run is checked
// after the builds (lint: every unit chosen is an alternative to another),
// since only built objects say it.
func (p *Plan) Focus(changed []string, plain Footprint, defaultNS string) *Focused {
	roots := p.roots()
	plainNode := len(roots) // the nodes: the roots, then the plain manifests
	groups := newUnionFind(len(roots) + 1)
	union, find := groups.union, groups.find

	scans := map[string]*scan{}
	byFile, byNamespace := map[string]int{}, map[string]int{}
	anyNode := -1
	meet := func(node int, fp Footprint) {
		if fp.Any {
			anyNode = node // met by every node, below
			return
		}
		for ns := range fp.Namespaces {
			if other, ok := byNamespace[ns]; ok {
				union(node, other)
			} else {
				byNamespace[ns] = node
			}
		}
	}
	gitops, network := false, false
	changedRoot := make([]bool, len(roots))
	for i, k := range roots {
		fp := Footprint{}
		if ns := model.Get(k.root, "namespace").String(); ns != "" {
			fp.Add(ns)
		} else {
			fp.Add(defaultNS) // objects may keep no namespace
		}
		for _, kf := range p.b.closure(k) {
			network = network || kf.mayNeedNetwork()
			if kf.rewritesFreely() {
				fp.Any = true
			}
			for _, f := range kf.files(false) {
				s := scans[f]
				if s == nil {
					s = scanFile(f, defaultNS, f != kf.file())
					scans[f] = s
				}
				gitops = gitops || s.gitops
				fp.merge(s.fp)
				if other, ok := byFile[f]; ok {
					union(i, other)
				} else {
					byFile[f] = i
				}
				changedRoot[i] = changedRoot[i] || touches(changed, f)
			}
			changedRoot[i] = changedRoot[i] || touches(changed, kf.abs)
		}
		meet(i, fp)
	}
	meet(plainNode, plain)
	if gitops || network {
		return nil
	}
	for i := range plainNode + 1 {
		if anyNode >= 0 && i != anyNode {
			union(i, anyNode)
		}
	}

	chosen := map[int]bool{}
	for i := range roots {
		if changedRoot[i] {
			chosen[find(i)] = true
		}
	}
	for _, c := range changed {
		if info, err := os.Stat(c); err != nil || info.IsDir() || !p.Consumes(c) {
			chosen[find(plainNode)] = true
		}
	}
	out := &Focused{Roots: map[string]bool{}, Plain: chosen[find(plainNode)]}
	for i, k := range roots {
		if chosen[find(i)] {
			out.Roots[k.abs] = true
			out.Files = append(out.Files, k.file())
		}
	}
	if len(out.Roots) == len(roots) {
		return nil
	}
	return out
}

// files lists the kustomization file and the files it names; with data,
// also generator inputs and CRDs (data and configuration, not objects).
func (k *kustFile) files(data bool) []string {
	files := []string{k.file()}
	for _, e := range k.entries {
		if e.exists && !e.dir && (data || e.field != "configMapGenerator" && e.field != "secretGenerator" && e.field != "crds") {
			files = append(files, e.abs)
		}
	}
	return files
}

// unionFind groups nodes 0..n-1.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	if u[i] != i {
		u[i] = u.find(u[i])
	}
	return u[i]
}

func (u unionFind) union(i, j int) { u[u.find(i)] = u.find(j) }

// roots are the kustomizations Start tries to build.
func (p *Plan) roots() []*kustFile {
	var roots []*kustFile
	for _, k := range p.candidates {
		if !k.foreign && !p.referenced[k.abs] && !k.none && k.kind != "Component" {
			roots = append(roots, k)
		}
	}
	return roots
}

// touches reports whether path is one of changed or lies below one, or
// one of changed lies below path (a directory).
func touches(changed []string, path string) bool {
	for _, c := range changed {
		if within(path, c) || within(c, path) {
			return true
		}
	}
	return false
}

func within(abs, dir string) bool {
	return abs == dir || strings.HasPrefix(abs, dir+string(filepath.Separator))
}

func (f *Footprint) merge(g Footprint) {
	f.Any = f.Any || g.Any
	for ns := range g.Namespaces {
		f.Add(ns)
	}
}

// mayNeedNetwork reports fields whose build may need the network; such
// a build owns no file and its files are read as written (offline.go), so
// whether it does is only known by building it.
func (k *kustFile) mayNeedNetwork() bool {
	for _, e := range k.entries {
		if e.remote {
			return true
		}
	}
	for _, f := range []string{"helmCharts", "helmChartInflationGenerator", "helmGlobals", "generators", "transformers", "validators"} {
		if model.Get(k.root, f).Present() {
			return true
		}
	}
	return false
}

// rewritesFreely reports fields that may move a value anywhere, or
// change which kinds kustomize namespaces: no footprint can be told.
func (k *kustFile) rewritesFreely() bool {
	return model.Get(k.root, "replacements").Present() || model.Get(k.root, "openapi").Present()
}

// scan is what scanFile found in one file.
type scan struct {
	fp     Footprint
	gitops bool
}

var (
	// namespaceValueRE matches a namespace key with a plain or quoted
	// value on its line, in block or flow style or JSON.
	namespaceValueRE = regexp.MustCompile(`^["']?[ \t]*:[ \t]*(?:"([^"\\\n]+)"|'([^'\n]+)'|([^\s,}\]#"'&*!|>{\[][^\s,}\]#]*))`)
	kindRE           = regexp.MustCompile(`(?m)^kind:[ \t]*["']?([A-Za-z0-9]+)`)
	apiVersionRE     = regexp.MustCompile(`(?m)^apiVersion:[ \t]*["']?([A-Za-z0-9./-]+)`)
	documentRE       = regexp.MustCompile(`(?m)^---`)
)

// scanFile reads the footprint of a file a build reads from its text:
// every value of a key "namespace" anywhere (metadata, subjects, patches,
// kustomization fields); of a file of objects, the default namespace for a
// document of a kind kustomize leaves without a namespace but salint
// namespaces. Any other
// mention of a namespace (a JSON patch path, a field spec, prose) makes
// it Any, as does a pull Secret. A file that cannot be read is Any: its
// build fails, somehow.
func scanFile(path, defaultNS string, objects bool) *scan {
	data, err := os.ReadFile(path)
	if err != nil {
		return &scan{fp: Footprint{Any: true}}
	}
	s := &scan{gitops: bytes.Contains(data, []byte("fluxcd.io")) || bytes.Contains(data, []byte("argoproj.io"))}
	lower := bytes.ToLower(data)
	if bytes.Contains(lower, []byte("dockercfg")) || bytes.Contains(lower, []byte("dockerconfigjson")) {
		// A pull Secret's registries need credentials in every
		// namespace of its view (registry-without-pull-secret).
		s.fp.Any = true
		return s
	}
	for i := 0; ; {
		j := bytes.Index(lower[i:], []byte("namespace"))
		if j < 0 {
			break
		}
		at, end := i+j, i+j+len("namespace")
		i = end
		if at > 0 && isWordByte(data[at-1]) || end < len(data) && isWordByte(data[end]) {
			continue // namespaceSelector, targetNamespace, namespaces
		}
		lineStart := bytes.LastIndexByte(data[:at], '\n') + 1
		before := data[lineStart:at]
		if inComment(before) || kindNamespace(before, data[at:end]) {
			continue
		}
		m := namespaceValueRE.FindSubmatch(data[end:])
		if m == nil {
			s.fp.Any = true
			return s
		}
		s.fp.Add(string(m[1]) + string(m[2]) + string(m[3]))
	}
	if !objects {
		return s // a kustomization ("kind" in a patch target is no object's)
	}
	for _, doc := range documentRE.Split(string(data), -1) {
		kind, version := kindRE.FindStringSubmatch(doc), apiVersionRE.FindStringSubmatch(doc)
		if kind == nil || version == nil {
			if strings.Contains(doc, "kind") {
				s.fp.Add(defaultNS) // an object of a kind not told
			}
			continue
		}
		if !model.ClusterScoped(kind[1]) && openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: version[1], Kind: kind[1]}) {
			s.fp.Add(defaultNS)
		}
	}
	return s
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// inComment reports a line, up to a word, that opens a comment: a "#" at
// its start or after a blank, with no quote before it that could hold it.
func inComment(before []byte) bool {
	hash := bytes.IndexByte(before, '#')
	if hash < 0 || bytes.ContainsAny(before[:hash], `"'`) {
		return false
	}
	return hash == 0 || before[hash-1] == ' ' || before[hash-1] == '\t'
}

// kindNamespace reports "kind: Namespace".
func kindNamespace(before, word []byte) bool {
	b := bytes.TrimRight(before, " \t\"'")
	return bytes.HasSuffix(b, []byte("kind:")) && string(word) == "Namespace"
}

// Naming returns whether a root Start left out (not in built) may write
// an object called name: a file of its build holds the name (as a whole
// word: other spellings are escaped, see below), or a field
// composes names (namePrefix, nameSuffix, secretGenerator's hashed names,
// replacements), or a backslash may escape one. The files are read on
// the first call.
func (p *Plan) Naming(built map[string]bool) func(name string) bool {
	var texts [][]byte
	composes := false
	read := sync.OnceFunc(func() {
		seen := map[string]bool{}
		for _, k := range p.roots() {
			if built[k.abs] {
				continue
			}
			for _, kf := range p.b.closure(k) {
				for _, f := range []string{"namePrefix", "nameSuffix", "secretGenerator", "replacements"} {
					composes = composes || model.Get(kf.root, f).Present()
				}
				for _, f := range kf.files(true) {
					if seen[f] {
						continue
					}
					seen[f] = true
					data, err := os.ReadFile(f)
					composes = composes || err != nil || bytes.IndexByte(data, '\\') >= 0
					texts = append(texts, data)
				}
			}
		}
	})
	return func(name string) bool {
		read()
		if composes {
			return true
		}
		for _, t := range texts {
			if containsName(t, name) {
				return true
			}
		}
		return false
	}
}

// containsName reports whether text holds name as a whole: not within a
// longer name ("api" is not in "apiVersion" nor in "api-2").
func containsName(text []byte, name string) bool {
	inName := func(c byte) bool { return isWordByte(c) || c == '-' || c == '.' }
	for i := 0; ; {
		j := bytes.Index(text[i:], []byte(name))
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(name)
		if (at == 0 || !inName(text[at-1])) && (end == len(text) || !inName(text[end])) {
			return true
		}
		i = at + 1
	}
}
