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
