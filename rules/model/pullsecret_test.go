package model

import (
	"encoding/base64"
	"reflect"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestReadPullConfig(t *testing.T) {
	tests := []struct {
		name       string
		body       string // type and data of a Secret
		pull       PullConfig
		registries []string
	}{
		{"DockerConfigJSONInData", "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
			b64(`{"auths":{"https://index.docker.io/v1/":{"auth":"x"},"quay.io/team":{},"Registry.Corp:5000":{}}}`),
			PullConfigRead, []string{"docker.io", "quay.io/team", "registry.corp:5000"}},
		{"DockerConfigJSONInStringData", "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"ghcr.io\":{}}}'",
			PullConfigRead, []string{"ghcr.io"}},
		{"StringDataWinsOverData", "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"ghcr.io\":{}}}'\ndata:\n  .dockerconfigjson: " + b64(`{"auths":{"quay.io":{}}}`),
			PullConfigRead, []string{"ghcr.io"}},
		{"LegacyAndNewDockerHubKeysAreOne", "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
			b64(`{"auths":{"https://index.docker.io/v1/":{},"docker.io":{},"index.docker.io":{}}}`),
			PullConfigRead, []string{"docker.io"}},
		{"DockercfgHasNoAuthsWrapper", "type: kubernetes.io/dockercfg\ndata:\n  .dockercfg: " + b64(`{"https://registry.corp/v1/":{"auth":"x"}}`),
			PullConfigRead, []string{"registry.corp"}},
		{"NoAuths", "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + b64(`{}`), PullConfigRead, []string{}},
		{"KeyAbsent", "type: kubernetes.io/dockerconfigjson\ndata: {other: eA==}", PullConfigMissing, nil},
		{"KeyEmpty", "type: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: ''}", PullConfigMissing, nil},
		{"WrongKeyForType", "type: kubernetes.io/dockercfg\ndata:\n  .dockerconfigjson: " + b64(`{"auths":{}}`), PullConfigMissing, nil},
		{"PlaceholderIsNotBase64", "type: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: '${DOCKER_CONFIG}'}", PullConfigUnknown, nil},
		{"NotJSON", "type: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: " + b64("not json") + "}", PullConfigUnknown, nil},
		{"Opaque", "data: {.dockerconfigjson: " + b64(`{"auths":{"quay.io":{}}}`) + "}", PullConfigNone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := BuildText(Options{}, "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n"+tt.body+"\n")
			if len(b.Secrets) != 1 {
				t.Fatalf("got %d secrets", len(b.Secrets))
			}
			s := b.Secrets[0]
			if s.Pull != tt.pull || !reflect.DeepEqual(s.Registries, tt.registries) {
				t.Errorf("Pull, Registries = %v, %q; want %v, %q", s.Pull, s.Registries, tt.pull, tt.registries)
			}
		})
	}
}

func TestSecretType_DefaultsToOpaque(t *testing.T) {
	b := BuildText(Options{}, "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
	if got := b.Secrets[0].Type; got != "Opaque" {
		t.Errorf("Type = %q, want Opaque", got)
	}
}

func TestSecretListing(t *testing.T) {
	b := BuildText(Options{}, "s.yaml", `apiVersion: v1
kind: Secret
metadata: {name: hub, namespace: a}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{"https://index.docker.io/v1/":{}}}'}
---
apiVersion: v1
kind: Secret
metadata: {name: gcr, namespace: b}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '{"auths":{"*.gcr.io":{},"quay.io/team":{}}}'}
`)
	tests := map[string]string{
		"nginx":                 "hub",
		"docker.io/bitnami/app": "hub",
		"eu.gcr.io/p/app":       "gcr",
		"quay.io/team/app":      "gcr",
		"quay.io/other/app":     "",
		"ghcr.io/x":             "",
	}
	for image, want := range tests {
		img, err := NormalizeImage(image)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if s := b.SecretListing(img); s != nil {
			got = s.Name
		}
		if got != want {
			t.Errorf("SecretListing(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestSecretProducers(t *testing.T) {
	b := BuildText(Options{}, "p.yaml", `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: ns}
spec: {template: {type: kubernetes.io/dockerconfigjson}}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed2, namespace: ns}
spec: {template: {metadata: {name: renamed}}}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: es, namespace: ns}
spec: {target: {name: target, template: {type: Opaque}}}
`)
	got := map[string]string{}
	for _, s := range b.Secrets {
		if !s.Produced || s.Pull != PullConfigUnknown {
			t.Errorf("%s: Produced %v, Pull %v", s.Name, s.Produced, s.Pull)
		}
		got[s.Name] = s.Type
	}
	want := map[string]string{"sealed": "kubernetes.io/dockerconfigjson", "renamed": "", "target": "Opaque"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("produced secrets = %v, want %v", got, want)
	}
}
