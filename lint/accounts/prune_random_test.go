package accounts_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/lint"
)

// Random documents (seeded, so a failure reproduces) shaped to reach what
// pruning cuts: pod specs whose fields come in any order, in block style
// (2 or 4 spaces, compact or wide sequences) or flow style, with comments
// between keys, fields that end in block scalars ("|", "|+", ">"),
// duplicated fields, and objects at several pod-spec locations, Lists,
// accounts and Secrets of unusual shapes, files with CRLF or a BOM. Every
// fix a lint can report is turned on (requireSamePruned), so the edits
// that read a pruned tree are computed from it.

type docGen struct {
	r      *rand.Rand
	indent int  // spaces per level
	wide   bool // sequences indented under their key
}

func (g *docGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

func (g *docGen) pad(level int) string { return strings.Repeat(" ", level*g.indent) }

// seq writes items (each a list of "key: value" lines, already indented
// relative to the item) as a block sequence under a key at level.
func (g *docGen) seq(b *strings.Builder, level int, items [][]string) {
	dash := g.pad(level)
	if g.wide {
		dash = g.pad(level + 1)
	}
	for _, item := range items {
		for i, line := range item {
			if i == 0 {
				fmt.Fprintf(b, "%s- %s\n", dash, line)
			} else {
				fmt.Fprintf(b, "%s  %s\n", dash, line)
			}
		}
	}
}

var registries = []string{"registry.example.com/app:1", "ghcr.io/org/app", "docker.io/library/nginx", "nginx", "quay.io/x/y@sha256:" + strings.Repeat("a", 64)}

// podSpecFields returns the fields of a random pod spec, each as the
// lines it takes at level (block style).
func (g *docGen) podSpecFields(level int) [][]string {
	p, in := g.pad(level), g.pad(level+1)
	var fields [][]string
	add := func(lines ...string) { fields = append(fields, lines) }
	accounts := []string{"web", "api", "missing", "", "Bad_Name", "default"}
	if g.r.IntN(3) > 0 {
		add(p + "serviceAccountName: " + g.pick(accounts...))
	}
	if g.r.IntN(3) > 0 {
		add(p + "serviceAccount: " + g.pick(accounts...) + g.pick("", "  # old"))
	}
	if g.r.IntN(2) == 0 {
		add(p + "automountServiceAccountToken: " + g.pick("true", "false", "\"true\""))
	}
	switch g.r.IntN(4) {
	case 0:
		add(p + "imagePullSecrets: [" + g.pick("", "{name: reg}", "{name: reg}, {name: nope}") + "]")
	case 1:
		var b strings.Builder
		b.WriteString(p + "imagePullSecrets:\n")
		g.seq(&b, level, [][]string{{"name: " + g.pick("reg", "nope", "tok")}})
		add(strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")...)
	}
	var b strings.Builder
	b.WriteString(p + g.pick("containers", "initContainers") + ":\n")
	var items [][]string
	for range 1 + g.r.IntN(2) {
		c := []string{"name: c" + fmt.Sprint(g.r.IntN(9)), "image: " + g.pick(registries...)}
		switch g.r.IntN(4) {
		case 0:
			c = append(c, "env:", "- name: A", "  valueFrom: {secretKeyRef: {name: "+g.pick("reg", "s1")+", key: k}}")
		case 1:
			c = append(c, "args:", "- |"+g.pick("", "+", "-"), "  echo "+g.pick("a", "b"), "")
		case 2:
			c = append(c, "resources: {limits: {cpu: \"1\"}}")
		}
		items = append(items, c)
	}
	g.seq(&b, level, items)
	add(strings.Split(strings.TrimRight(b.String(), "\n"), "\n")...)
	switch g.r.IntN(5) {
	case 0:
		add(p+"volumes:", in+"- name: v", in+"  secret: {secretName: "+g.pick("reg", "s2")+"}")
	case 1:
		add(p+"tolerations:", in+"- key: a")
	case 2:
		add(p+"affinity:", in+"nodeAffinity: "+g.pick("|+", ">", "|"), in+"  text", "")
	case 3:
		add(p + "nodeSelector: {a: b}")
	}
	g.r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	if g.r.IntN(8) == 0 && len(fields) > 0 {
		fields = append(fields, fields[0]) // a duplicated field
	}
	if g.r.IntN(3) == 0 && len(fields) > 1 {
		at := 1 + g.r.IntN(len(fields)-1)
		fields[at] = append([]string{p + "# between keys"}, fields[at]...)
	}
	return fields
}

// flowPodSpec is a pod spec in flow style (JSON when quoted).
func (g *docGen) flowPodSpec() string {
	var pairs []string
	if g.r.IntN(2) == 0 {
		pairs = append(pairs, `"serviceAccount": "`+g.pick("web", "api", "missing")+`"`)
	}
	if g.r.IntN(2) == 0 {
		pairs = append(pairs, `"serviceAccountName": "`+g.pick("web", "api", "")+`"`)
	}
	pairs = append(pairs, `"containers": [{"name": "c", "image": "`+g.pick(registries...)+`"}]`)
	if g.r.IntN(2) == 0 {
		pairs = append(pairs, `"automountServiceAccountToken": true`)
	}
	g.r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	return "{" + strings.Join(pairs, g.pick(", ", ",\n  ")) + "}"
}

// podObject writes a pod-spec object at one of its locations.
func (g *docGen) podObject(b *strings.Builder, name string) {
	type loc struct{ apiVersion, kind, path string }
	l := []loc{
		{"v1", "Pod", "spec"},
		{"apps/v1", "Deployment", "spec.template.spec"},
		{"batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"},
		{"argoproj.io/v1alpha1", "Rollout", "spec.template.spec"},
		{"v1", "PodTemplate", "template.spec"},
		{"keda.sh/v1alpha1", "ScaledJob", "spec.jobTargetRef.template.spec"},
	}[g.r.IntN(6)]
	fmt.Fprintf(b, "apiVersion: %s\nkind: %s\nmetadata:\n%sname: %s\n%snamespace: shop\n", l.apiVersion, l.kind, g.pad(1), name, g.pad(1))
	if g.r.IntN(4) == 0 {
		fmt.Fprintf(b, "%sannotations: {salint.io/ignore: %s}\n", g.pad(1), g.pick("deprecated-service-account-field", "all", "token-automount"))
	}
	keys := strings.Split(l.path, ".")
	for i, key := range keys[:len(keys)-1] {
		fmt.Fprintf(b, "%s%s:\n", g.pad(i), key)
		if key == "template" && g.r.IntN(3) == 0 {
			fmt.Fprintf(b, "%smetadata:\n%sannotations:\n%ssalint.io/ignore: %s\n", g.pad(i+1), g.pad(i+2), g.pad(i+3), g.pick("registry-without-pull-secret", "missing-service-account"))
		}
		if key == "spec" && g.r.IntN(3) == 0 {
			fmt.Fprintf(b, "%sreplicas: 2\n", g.pad(i+1))
		}
	}
	level := len(keys) - 1
	if g.r.IntN(5) == 0 {
		fmt.Fprintf(b, "%sspec: %s\n", g.pad(level), strings.ReplaceAll(g.flowPodSpec(), "\n", "\n"+g.pad(level+1)))
		return
	}
	fmt.Fprintf(b, "%sspec:\n", g.pad(level))
	for _, f := range g.podSpecFields(level + 1) {
		b.WriteString(strings.Join(f, "\n") + "\n")
	}
	if g.r.IntN(4) == 0 {
		b.WriteString(g.pad(level) + "# after the spec\n")
	}
}

// otherObject writes an account, a Secret or a binding.
func (g *docGen) otherObject(b *strings.Builder, name string) {
	switch g.r.IntN(4) {
	case 0, 1:
		fields := []string{
			"apiVersion: v1", "kind: ServiceAccount",
			"metadata: {name: " + name + ", namespace: shop}",
		}
		if g.r.IntN(2) == 0 {
			fields = append(fields, "automountServiceAccountToken: "+g.pick("true", "false"))
		}
		switch g.r.IntN(3) {
		case 0:
			fields = append(fields, "imagePullSecrets: "+g.pick("[{name: reg}]", "[]", "reg", "[reg, {name: nope}]"))
		case 1:
			fields = append(fields, "imagePullSecrets:\n"+g.pad(g.b2i(g.wide))+"- name: "+g.pick("reg", "nope"))
		}
		if g.r.IntN(3) == 0 {
			fields = append(fields, "secrets: [{name: tok}]")
		}
		if g.r.IntN(4) == 0 {
			fields = append(fields, "extra: |+\n"+g.pad(1)+"kept\n")
		}
		g.r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		b.WriteString(strings.Join(fields, "\n") + "\n")
	case 2:
		fmt.Fprintf(b, "apiVersion: v1\nkind: Secret\nmetadata:\n%sname: %s\n%snamespace: shop\n", g.pad(1), g.pick("reg", "tok", "s1"), g.pad(1))
		switch g.r.IntN(3) {
		case 0:
			b.WriteString("type: kubernetes.io/dockerconfigjson\nstringData:\n" + g.pad(1) + `.dockerconfigjson: '{"auths": {"` + g.pick("registry.example.com", "ghcr.io", "https://index.docker.io/v1/") + `": {"auth": "c2VjcmV0"}}}'` + "\n")
		case 1:
			b.WriteString("type: kubernetes.io/service-account-token\n" + "data: {token: c2VjcmV0}\n")
		default:
			b.WriteString("data:\n" + g.pad(1) + "k: c2VjcmV0\n")
		}
	default:
		fmt.Fprintf(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: %s, namespace: shop}\nroleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}\nsubjects:\n- {kind: ServiceAccount, name: %s}\n", name, g.pick("web", "missing", "api"))
	}
}

func (g *docGen) b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// file writes a random file of n documents, or of one List of n items.
func (g *docGen) file(n int) string {
	docs := make([]string, n)
	for i := range docs {
		var b strings.Builder
		name := fmt.Sprintf("%s%d", g.pick("web", "api", "job"), g.r.IntN(4))
		if g.r.IntN(3) == 0 {
			g.otherObject(&b, name)
		} else {
			g.podObject(&b, name)
		}
		docs[i] = b.String()
	}
	var b strings.Builder
	if g.r.IntN(6) == 0 {
		b.WriteString("\ufeff")
	}
	if g.r.IntN(5) == 0 {
		b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
		for _, doc := range docs {
			for i, line := range strings.Split(strings.TrimSuffix(doc, "\n"), "\n") {
				switch {
				case i == 0:
					b.WriteString("- " + line + "\n")
				case line == "":
					b.WriteString("\n")
				default:
					b.WriteString("  " + line + "\n")
				}
			}
		}
	} else {
		for i, doc := range docs {
			if i > 0 {
				b.WriteString(g.pick("---\n", "--- # next\n", "\n---\n"))
			}
			b.WriteString(doc)
		}
	}
	text := b.String()
	if g.r.IntN(5) == 0 {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	if g.r.IntN(6) == 0 {
		text = strings.TrimRight(text, "\r\n") // no final line break
	}
	return text
}

func TestPrune_RandomDocumentsReportTheSame(t *testing.T) {
	seeds := uint64(40) // PRUNE_SEEDS=n runs more: 1,500 passed when this was written
	if n, err := strconv.ParseUint(os.Getenv("PRUNE_SEEDS"), 10, 64); err == nil {
		seeds = n
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			dir := t.TempDir()
			for i := range 8 {
				g := &docGen{r: r, indent: 2 + 2*r.IntN(2), wide: r.IntN(2) == 0}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.yaml", i)), []byte(g.file(1+r.IntN(6))), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			requireSamePruned(t, []string{dir}, lint.KustomizeOff)
		})
	}
}

// The same inputs reached in unusual ways: a file named twice, by two
// spellings and through its directory, a symlink beside its target,
// standard input among files, and a report limited to some paths (the
// pre-commit hook's --root).
func TestPrune_PathsNamedTwiceStdinAndRootReportTheSame(t *testing.T) {
	r := rand.New(rand.NewPCG(99, 7))
	dir := t.TempDir()
	texts := make([]string, 4)
	for i := range texts {
		g := &docGen{r: r, indent: 2, wide: i%2 == 0}
		texts[i] = g.file(6)
	}
	for i, name := range []string{"a.yaml", "b.yaml", "sub/c.yaml"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(texts[i]), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	a := filepath.Join(dir, "a.yaml")
	for name, opts := range map[string]lint.Options{
		"named twice":   {Input: lint.Input{Paths: []string{a, a, filepath.Join(dir, ".", "sub", "..", "a.yaml"), dir}}},
		"link beside":   {Input: lint.Input{Paths: []string{filepath.Join(dir, "link.yaml"), a}}},
		"stdin":         {Input: lint.Input{Paths: []string{lint.StdinPath, a, lint.StdinPath, filepath.Join(dir, "sub")}}},
		"only some":     {Input: lint.Input{Paths: []string{dir}}, Only: []string{a, filepath.Join(dir, "sub")}},
		"stdin on root": {Input: lint.Input{Paths: []string{dir, lint.StdinPath}}, Only: []string{lint.StdinPath}},
	} {
		t.Run(name, func(t *testing.T) {
			fresh := func() lint.Options {
				o := opts
				o.Kustomize = lint.KustomizeOff
				o.Stdin = strings.NewReader(texts[3])
				return o
			}
			requireSamePrunedOf(t, fresh)
			fullR, _, _ := pruneOutputsOf(t, fresh, readWhole, fixSettings)
			if strings.HasPrefix(name, "stdin") && !bytes.Contains(fullR, []byte(`"file": "-"`)) {
				t.Errorf("nothing was reported on standard input:\n%s", fullR)
			}
			if !bytes.Contains(fullR, []byte(`"fixable": true`)) {
				t.Errorf("nothing fixable was reported:\n%s", fullR)
			}
		})
	}
}
