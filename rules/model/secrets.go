package model

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SecretDocuments returns the documents of the source that may hold a
// Secret's values: a Secret, a List that may hold one, or a document whose
// kind the reader cannot tell without parsing and that mentions "Secret".
// Anything that shows source lines as context (a diff) must not print
// theirs: secret values never reach salint's output.
func (s *Source) SecretDocuments() []DocumentRange {
	docs := s.Documents()
	out := docs[:0] // Documents returns a new slice; filter it in place
	for _, d := range docs {
		chunk := s.Bytes()[d.Start:d.End]
		kind, certain := sniffKind(chunk)
		switch {
		case certain && kind == KindSecret:
		case (!certain || strings.HasSuffix(kind, "List")) && bytes.Contains(chunk, []byte(KindSecret)):
		default:
			continue
		}
		out = append(out, d)
	}
	return out
}

// LastAppliedAnnotation is where kubectl apply keeps the object as last
// applied: of a Secret, its data and stringData too.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// Redacted stands in salint's output for a Secret's value.
const Redacted = "<redacted>"

// minScrubbed is the shortest value Scrub removes: shorter ones would
// strike ordinary words (a namespace, "true") out of every message.
const minScrubbed = 6

// SecretValues is the set of the values of an input's Secrets: data
// (as written and decoded), stringData, the credentials of docker configs
// and the last-applied annotation. It exists only so that Scrub can take
// them out of every message salint prints, whatever produced the message
// (a kustomize error quotes the nodes it fails on); it is never printed.
type SecretValues struct {
	values   map[string]struct{}
	replacer *strings.Replacer // made by Scrub once the set is complete
}

// addSecret adds the values of the Secret (core group) at n, and of the
// one its last-applied annotation holds when lastApplied is set.
func (s *SecretValues) addSecret(n *yaml.Node, lastApplied bool) {
	for _, key := range []string{"data", "stringData"} {
		m := Get(n, key).Mapping()
		if m == nil {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			v := Deref(m.Content[i+1])
			if v == nil || v.Kind != yaml.ScalarNode {
				continue
			}
			s.add(v.Value)
			text := v.Value
			if key == "data" {
				if decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v.Value), "")); err == nil {
					text = string(decoded)
					s.add(text)
				}
			}
			if k := m.Content[i].Value; k == ".dockerconfigjson" || k == ".dockercfg" {
				s.addJSONStrings(text)
			}
		}
	}
	if v := Lookup(n, "metadata", "annotations", LastAppliedAnnotation).String(); v != "" && lastApplied {
		s.add(v)
		var applied yaml.Node // JSON is YAML
		if yaml.Unmarshal([]byte(v), &applied) == nil && len(applied.Content) == 1 {
			s.addSecret(applied.Content[0], false)
		}
	}
}

// addJSONStrings adds every string of a docker config and, of an "auth"
// ("user:password" in base64), the decoded pair and the password.
func (s *SecretValues) addJSONStrings(text string) {
	var doc any
	if json.Unmarshal([]byte(text), &doc) != nil {
		return
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, item := range v {
				walk(k, item)
			}
		case []any:
			for _, item := range v {
				walk(key, item)
			}
		case string:
			s.add(v)
			if decoded, err := base64.StdEncoding.DecodeString(v); err == nil && key == "auth" {
				s.add(string(decoded))
				if _, password, ok := strings.Cut(string(decoded), ":"); ok {
					s.add(password)
				}
			}
		}
	}
	walk("", doc)
}

// add adds a value and each of its lines: a message may quote one line of
// a multi-line value (a key, a certificate).
func (s *SecretValues) add(v string) {
	if s.values == nil {
		s.values = map[string]struct{}{}
	}
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); len(line) >= minScrubbed {
			s.values[line] = struct{}{}
		}
	}
	if len(v) >= minScrubbed {
		s.values[v] = struct{}{}
	}
	s.replacer = nil
}

// AddScalars adds every scalar value below n (not the keys): a values
// document read from a Secret (a Flux HelmRelease's valuesFrom), whose
// leaves a render may put in any field a message quotes.
func (s *SecretValues) AddScalars(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		s.add(n.Value)
		return
	}
	for i, c := range n.Content {
		if n.Kind != yaml.MappingNode || i%2 == 1 {
			s.AddScalars(c)
		}
	}
}

// Merge adds every value of o.
func (s *SecretValues) Merge(o *SecretValues) {
	if o == nil || len(o.values) == 0 {
		return
	}
	if s.values == nil {
		s.values = make(map[string]struct{}, len(o.values))
	}
	for v := range o.values {
		s.values[v] = struct{}{}
	}
	s.replacer = nil
}

// Encoded returns a set of s's values and of each as every encode writes
// it, where that differs: to scrub a whole output whose writers escape
// what they print (a terminal line, a JSON string), not each message.
func (s *SecretValues) Encoded(encodes ...func(string) string) *SecretValues {
	out := &SecretValues{}
	if s == nil {
		return out
	}
	out.Merge(s)
	for v := range s.values {
		for _, encode := range encodes {
			if e := encode(v); e != v {
				out.add(e)
			}
		}
	}
	return out
}

// Empty reports a set that holds no value: Scrub changes nothing.
func (s *SecretValues) Empty() bool { return s == nil || len(s.values) == 0 }

// Scrub replaces every value of the set in msg by Redacted, the longest
// first. It is not safe for concurrent use with Add or Merge.
func (s *SecretValues) Scrub(msg string) string {
	if s.Empty() {
		return msg
	}
	if s.replacer == nil {
		values := make([]string, 0, len(s.values))
		for v := range s.values {
			values = append(values, v)
		}
		// At one position the Replacer takes the first old string that
		// matches: longest first, so a value is not cut by a line of it.
		sort.Slice(values, func(i, j int) bool {
			if len(values[i]) != len(values[j]) {
				return len(values[i]) > len(values[j])
			}
			return values[i] < values[j]
		})
		pairs := make([]string, 0, 2*len(values))
		for _, v := range values {
			pairs = append(pairs, v, Redacted)
		}
		s.replacer = strings.NewReplacer(pairs...)
	}
	return s.replacer.Replace(msg)
}
