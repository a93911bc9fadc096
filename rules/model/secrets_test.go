package model

import (
	"encoding/base64"
	"strings"
	"testing"
)

// Every kind of Secret value the reader meets is scrubbed from messages:
// data as written and decoded, stringData (and each line of it), the
// credentials of a docker config, and what the last-applied annotation
// holds, even a value the Secret no longer has.
func TestSecretValues_ScrubsEveryValueOfTheSecretsRead(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	docker := `{"auths":{"registry.corp.example":{"auth":"` + b64("robot:docker-pass") + `","password":"docker-password2"}}}`
	f := read(t, `apiVersion: v1
kind: Secret
metadata:
  name: s
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","stringData":{"old":"applied-old-value"}}'
data:
  token: `+b64("decoded-token")+`
  .dockerconfigjson: `+b64(docker)+`
stringData:
  key: |
    first-line-of-key
    second-line-of-key
  short: abc
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed}
spec: {encryptedData: {k: sealed-ciphertext}}
`)
	v := f.SecretValues()
	for _, secret := range []string{b64("decoded-token"), "decoded-token", "docker-pass", "robot:docker-pass", "docker-password2", "applied-old-value", "second-line-of-key"} {
		msg := "error near " + secret + " here"
		if got := v.Scrub(msg); got != "error near "+Redacted+" here" {
			t.Errorf("Scrub(%q) = %q", msg, got)
		}
	}
	for _, kept := range []string{"abc", "registry.corp.example", "sealed-ciphertext", "Secret s"} {
		if got := v.Scrub("x " + kept); strings.Contains(got, Redacted) {
			t.Errorf("Scrub(%q) = %q: not a value to scrub", "x "+kept, got)
		}
	}
}

// Encoded scrubs a value as read and as each encoding writes it; values
// no encoding changes are scrubbed once, as before.
func TestSecretValues_EncodedScrubsEachForm(t *testing.T) {
	f := read(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: \"pa\\\"ss\\tword\", b: plain-value}\n")
	quote := func(s string) string { return strings.NewReplacer(`"`, `\"`, "\t", `\t`).Replace(s) }
	upper := strings.ToUpper
	v := f.SecretValues().Encoded(quote, upper)
	for _, tc := range []struct{ in, want string }{
		{"x pa\"ss\tword y", "x " + Redacted + " y"},
		{`x pa\"ss\tword y`, "x " + Redacted + " y"},
		{"x PA\"SS\tWORD y", "x " + Redacted + " y"},
		{"x plain-value PLAIN-VALUE y", "x " + Redacted + " " + Redacted + " y"},
		{`x pa"ss y`, `x pa"ss y`}, // a part of a value is not one
	} {
		if got := v.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := f.SecretValues().Scrub(`x pa\"ss\tword`); got != `x pa\"ss\tword` {
		t.Errorf("the set Encoded was made from changed: %q", got)
	}
}

// Empty says when Scrub changes nothing: admit then passes documents
// through without reading them again (lint.Result.Scrubber).
func TestSecretValues_Empty(t *testing.T) {
	var none *SecretValues
	if !none.Empty() || !(&SecretValues{}).Empty() {
		t.Error("a nil or new set is not empty")
	}
	f := Read(NewSource("s.yaml", []byte("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2hunter2}\n")))
	if f.SecretValues().Empty() {
		t.Error("the values of a Secret read are empty")
	}
}
