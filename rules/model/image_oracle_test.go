package model

import (
	"regexp"
	"strings"
	"testing"
)

// The reference grammar of github.com/distribution/reference (regexp.go),
// kept as the oracle for parseReference, which matches it by hand.
const (
	refAlphanumeric  = `[a-z0-9]+`
	refSeparator     = `(?:[._]|__|[-]+)`
	refDomainComp    = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	refDomainName    = refDomainComp + `(?:\.` + refDomainComp + `)*`
	refIPv6          = `\[(?:[a-fA-F0-9:]+)\]`
	refDomainAndPort = `(?:` + refDomainName + `|` + refIPv6 + `)(?::[0-9]+)?`
	refPathComp      = refAlphanumeric + `(?:` + refSeparator + refAlphanumeric + `)*`
	refRemoteName    = refPathComp + `(?:/` + refPathComp + `)*`
	refTag           = `[\w][\w.-]{0,127}`
	refDigest        = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
)

var referenceRE = regexp.MustCompile(`^(` + refDomainAndPort + `)/(` + refRemoteName + `)(?::(` + refTag + `))?(?:@(` + refDigest + `))?$`)

// checkAgainstGrammar fails when parseReference and the regexp disagree.
func checkAgainstGrammar(t *testing.T, domain, remainder string) {
	t.Helper()
	got, ok := parseReference(domain, remainder)
	var want ImageRef
	m := referenceRE.FindStringSubmatch(domain + "/" + remainder)
	if m != nil {
		want = ImageRef{Domain: m[1], Path: m[2], Tag: m[3], Digest: m[4]}
	}
	if ok != (m != nil) || got != want {
		t.Errorf("parseReference(%q, %q) = %+v, %v; the grammar says %+v, %v", domain, remainder, got, ok, want, m != nil)
	}
}

func TestParseReference_AgreesWithGrammar(t *testing.T) {
	hex := strings.Repeat("a", 32)
	domains := []string{
		"docker.io", "localhost", "localhost:5000", "a", "a-b.c", "-a", "a-", "a..b", ".a", "a.",
		"A.B", "[::1]", "[::1]:5000", "[]", "[::1", "[g]", "a:", "a:5x", "a:5000:1", "a_b", "é.io", "",
	}
	remainders := []string{
		"a", "a/b", "a//b", "a/", "/a", "A", "a.b", "a..b", "a_b", "a__b", "a___b", "a-b", "a---b",
		"a.-b", "a-.b", "a._b", ".a", "a.", "-a", "a-", "_a", "a_",
		"a:t", "a:", "a:_t", "a:.t", "a:t.-_", "a:" + strings.Repeat("t", 128), "a:" + strings.Repeat("t", 129),
		"a:t:u", "a@sha256:" + hex, "a:t@sha256:" + hex, "a@sha256:" + hex[:31], "a@:" + hex,
		"a@s-h+a_2.5:" + hex, "a@s--h:" + hex, "a@s-:" + hex, "a@-s:" + hex, "a@1s:" + hex, "a@s:" + hex + "g",
		"a@s:" + strings.ToUpper(hex), "a@s:x:" + hex, "a@", "a:t@", "a@s:" + hex + "@s:" + hex, "é",
	}
	for _, d := range domains {
		for _, r := range remainders {
			checkAgainstGrammar(t, d, r)
		}
	}
}
