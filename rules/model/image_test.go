package model

import (
	"net"
	"path"
	"strings"
	"testing"
)

func TestNormalizeImage(t *testing.T) {
	const sha = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		in                        string
		domain, path, tag, digest string
	}{
		// Docker Hub: familiar names get docker.io and library/.
		{in: "nginx", domain: "docker.io", path: "library/nginx"},
		{in: "nginx:1.27", domain: "docker.io", path: "library/nginx", tag: "1.27"},
		{in: "nginx:latest", domain: "docker.io", path: "library/nginx", tag: "latest"},
		{in: "bitnami/redis:7", domain: "docker.io", path: "bitnami/redis", tag: "7"},
		{in: "docker.io/nginx", domain: "docker.io", path: "library/nginx"},
		{in: "docker.io/library/nginx", domain: "docker.io", path: "library/nginx"},
		{in: "index.docker.io/nginx", domain: "docker.io", path: "library/nginx"},
		{in: "index.docker.io/bitnami/redis", domain: "docker.io", path: "bitnami/redis"},
		{in: "a/b/c", domain: "docker.io", path: "a/b/c"},
		// Registries: a first element with "." or ":" or "localhost", or uppercase.
		{in: "quay.io/prometheus/prometheus:v3.0.0", domain: "quay.io", path: "prometheus/prometheus", tag: "v3.0.0"},
		{in: "registry.k8s.io/pause:3.10", domain: "registry.k8s.io", path: "pause", tag: "3.10"},
		{in: "localhost/app", domain: "localhost", path: "app"},
		{in: "localhost:5000/app:dev", domain: "localhost:5000", path: "app", tag: "dev"},
		{in: "registry:5000/team/app", domain: "registry:5000", path: "team/app"},
		{in: "10.0.0.1:5000/app", domain: "10.0.0.1:5000", path: "app"},
		{in: "[::1]:5000/app:1", domain: "[::1]:5000", path: "app", tag: "1"},
		{in: "Registry.Example.com/app", domain: "Registry.Example.com", path: "app"},
		{in: "MyRegistry/app", domain: "MyRegistry", path: "app"},
		{in: "docker.io.example.com/app", domain: "docker.io.example.com", path: "app"},
		{in: "registry-1.docker.io/library/nginx", domain: "registry-1.docker.io", path: "library/nginx"},
		// The library/ prefix is Docker Hub's only.
		{in: "quay.io/app", domain: "quay.io", path: "app"},
		// Digests, with and without a tag.
		{in: "nginx@" + sha, domain: "docker.io", path: "library/nginx", digest: sha},
		{in: "nginx:1.27@" + sha, domain: "docker.io", path: "library/nginx", tag: "1.27", digest: sha},
		{in: "gcr.io/p/app:v1@" + sha, domain: "gcr.io", path: "p/app", tag: "v1", digest: sha},
		// Separators inside path components.
		{in: "a.b/c__d-e--f.g_h", domain: "a.b", path: "c__d-e--f.g_h"},
		{in: "x.io/" + strings.Repeat("a", 255), domain: "x.io", path: strings.Repeat("a", 255)},
		{in: "nginx:" + strings.Repeat("t", 128), domain: "docker.io", path: "library/nginx", tag: strings.Repeat("t", 128)},
	}
	for _, tt := range tests {
		got, err := NormalizeImage(tt.in)
		if err != nil {
			t.Errorf("NormalizeImage(%q): %v", tt.in, err)
			continue
		}
		want := ImageRef{Domain: tt.domain, Path: tt.path, Tag: tt.tag, Digest: tt.digest}
		if got != want {
			t.Errorf("NormalizeImage(%q) = %+v, want %+v", tt.in, got, want)
		}
		// The normalised form is a fixed point.
		if again, err := NormalizeImage(got.String()); err != nil || again != got {
			t.Errorf("NormalizeImage(%q) = %+v, %v; want %+v again", got.String(), again, err, got)
		}
	}
}

func TestNormalizeImage_Name(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                 "docker.io/library/nginx",
		"index.docker.io/x/y:1": "docker.io/x/y",
		"registry.corp:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": "registry.corp:5000/a/b",
	} {
		got, err := NormalizeImage(in)
		if err != nil || got.Name() != want {
			t.Errorf("NormalizeImage(%q).Name() = %q, %v; want %q", in, got.Name(), err, want)
		}
	}
	ref, _ := NormalizeImage("nginx:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	if s := ref.String(); s != "docker.io/library/nginx:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" {
		t.Errorf("String() = %q", s)
	}
}

func TestNormalizeImage_Rejects(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrImageEmpty},
		{"Nginx", ErrImageUppercase},
		{"docker.io/Library/nginx", ErrImageUppercase},
		{"quay.io/Team/app", ErrImageUppercase},
		{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ErrImageID},
		{"nginx@sha256:abc", ErrImageFormat},
		{"nginx@md5:0123456789abcdef0123456789abcdef", ErrImageDigest},
		{"nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", ErrImageDigest},
		{"nginx@sha256:0123456789abcdef0123456789abcdef", ErrImageDigest},
		{"x.io/" + strings.Repeat("a", 256), ErrImageTooLong},
		{"nginx:" + strings.Repeat("t", 129), ErrImageFormat},
		{"nginx:", ErrImageFormat},
		{":tag", ErrImageFormat},
		{"/nginx", ErrImageFormat},
		{"nginx/", ErrImageFormat},
		{"quay.io//app", ErrImageFormat},
		{"quay.io/app/", ErrImageFormat},
		{"-nginx", ErrImageFormat},
		{"ngin x", ErrImageFormat},
		{" nginx", ErrImageFormat},
		{"nginx\n", ErrImageFormat},
		{"$(IMAGE)", ErrImageUppercase}, // as the runtime says
		{"{{ .Values.image }}", ErrImageUppercase},
		{"{{ .image }}", ErrImageFormat},
		{"${REGISTRY}/app:1", ErrImageFormat},
		{"quay.io:port/app", ErrImageFormat},
		{"http://quay.io/app", ErrImageFormat},
		{"nginx:1:2", ErrImageFormat},
		{"a..b/c", ErrImageFormat},
		{"app@", ErrImageFormat},
		{"@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ErrImageFormat},
		{"\xff\xfe", ErrImageFormat},
	}
	for _, tt := range tests {
		got, err := NormalizeImage(tt.in)
		if err != tt.want { //nolint:errorlint // sentinel identity is the contract
			t.Errorf("NormalizeImage(%q) = %+v, %v; want error %v", tt.in, got, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), tt.in) && tt.in != "" {
			t.Errorf("error for %q quotes the input: %v", tt.in, err)
		}
	}
}

func TestNormalizeRegistryKey(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://index.docker.io/v1/", "docker.io", true},
		{"index.docker.io", "docker.io", true},
		{"https://index.docker.io/v2/", "docker.io", true},
		{"docker.io", "docker.io", true},
		{"registry.corp.example", "registry.corp.example", true},
		{"https://registry.corp.example", "registry.corp.example", true},
		{"http://registry.corp.example:5000/", "registry.corp.example:5000", true},
		{"Registry.Corp.Example", "registry.corp.example", true},
		{"quay.io/team", "quay.io/team", true},
		{"https://quay.io/v2/team/app", "quay.io/team/app", true},
		{"*.gcr.io", "*.gcr.io", true},
		{"", "", false},
		{"https://", "", false},
		{"http://%zz", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeRegistryKey(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeRegistryKey(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRegistryKeyMatches(t *testing.T) {
	tests := []struct {
		key, image string
		want       bool
	}{
		{"docker.io", "nginx", true},
		{"docker.io", "bitnami/redis", true},
		{"docker.io", "index.docker.io/x/y", true},
		{"docker.io", "registry-1.docker.io/x/y", false},
		{"docker.io", "quay.io/x", false},
		{"registry.corp.example", "registry.corp.example/a/b:1", true},
		{"registry.corp.example", "REGISTRY.corp.example/a/b:1", true},
		{"registry.corp.example", "registry.corp.example:5000/a", false},
		{"registry.corp.example:5000", "registry.corp.example:5000/a", true},
		{"registry.corp.example:5000", "registry.corp.example/a", false},
		{"quay.io/team", "quay.io/team/app", true},
		{"quay.io/team", "quay.io/other/app", false},
		{"*.gcr.io", "eu.gcr.io/p/app", true},
		{"*.gcr.io", "gcr.io/p/app", false},
		{"*.gcr.io", "a.b.gcr.io/p/app", false},
		{"[", "x.io/app", false},
	}
	for _, tt := range tests {
		img, err := NormalizeImage(tt.image)
		if err != nil {
			t.Fatalf("NormalizeImage(%q): %v", tt.image, err)
		}
		if got := RegistryKeyMatches(tt.key, img); got != tt.want {
			t.Errorf("RegistryKeyMatches(%q, %q) = %v, want %v", tt.key, tt.image, got, tt.want)
		}
	}
}

func TestHostMatches_PrivateRegistryPatterns(t *testing.T) {
	tests := []struct {
		pattern, host string
		anyPort, want bool
	}{
		{"registry.corp.example", "registry.corp.example", true, true},
		{"registry.corp.example", "registry.corp.example:5000", true, true},
		{"registry.corp.example", "registry.corp.example:5000", false, false},
		{"registry.corp.example:5000", "registry.corp.example:5000", true, true},
		{"registry.corp.example:5000", "registry.corp.example:443", true, false},
		{"registry.corp.example:5000", "registry.corp.example", true, false},
		{"*.corp.example", "registry.corp.example", true, true},
		{"*.corp.example", "corp.example", true, false},
		{"reg*.corp.example", "registry.corp.example", true, true},
		{"*", "localhost", true, true},
		{"*", "quay.io", true, false},
		{"[", "x", true, false},
	}
	for _, tt := range tests {
		if got := HostMatches(tt.pattern, tt.host, tt.anyPort); got != tt.want {
			t.Errorf("HostMatches(%q, %q, %v) = %v, want %v", tt.pattern, tt.host, tt.anyPort, got, tt.want)
		}
	}
}

// TestHostMatches_LiteralPatternsAsGlobs checks the shortcuts (a pattern
// without a glob, a host without a port) against matching label by label
// with path.Match after net.SplitHostPort, as every pattern was matched
// before them.
func TestHostMatches_LiteralPatternsAsGlobs(t *testing.T) {
	split := func(hostport string) (string, string) {
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			return hostport, ""
		}
		return h, p
	}
	byLabels := func(pattern, host string, anyPort bool) bool {
		pHost, pPort := split(strings.ToLower(pattern))
		hHost, hPort := split(strings.ToLower(host))
		if pPort != hPort && (!anyPort || pPort != "") {
			return false
		}
		pParts, hParts := strings.Split(pHost, "."), strings.Split(hHost, ".")
		if len(pParts) != len(hParts) {
			return false
		}
		for i, p := range pParts {
			if ok, err := path.Match(p, hParts[i]); err != nil || !ok {
				return false
			}
		}
		return true
	}
	hosts := []string{"", ".", "a..b", "*.gcr.io", "*", "[", "a\\.b", "reg*.corp.example", "*:5000", "quay.io", "Quay.IO", "quay.io:443", "quay.io.", "registry.corp.example", "registry.corp.example:5000",
		"localhost", "localhost:5000", "[::1]:5000", "::1", "docker.io", "index.docker.io", "a:b:c", "gcr.io", "eu.gcr.io"}
	for _, pattern := range hosts {
		for _, host := range hosts {
			for _, anyPort := range []bool{false, true} {
				if got, want := HostMatches(pattern, host, anyPort), byLabels(pattern, host, anyPort); got != want {
					t.Errorf("HostMatches(%q, %q, %v) = %v, label by label %v", pattern, host, anyPort, got, want)
				}
			}
		}
	}
}

func TestValidHostPattern(t *testing.T) {
	for p, want := range map[string]bool{
		"registry.corp.example": true, "*.corp.example": true, "registry:5000": true,
		"": false, "https://x.io": false, "x.io/team": false, "a..b": false, "[": false, "a b": false,
	} {
		if got := ValidHostPattern(p); got != want {
			t.Errorf("ValidHostPattern(%q) = %v, want %v", p, got, want)
		}
	}
}

// BenchmarkNormalizeImage parses a mix of the references a bundle holds.
func BenchmarkNormalizeImage(b *testing.B) {
	images := []string{
		"nginx", "nginx:1.27", "bitnami/redis:7", "quay.io/prometheus/prometheus:v3.0.0",
		"registry.k8s.io/pause:3.10", "localhost:5000/app:dev",
		"registry.corp.example/team/app:1.2.3@sha256:" + strings.Repeat("0", 64),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := NormalizeImage(images[i%len(images)]); err != nil {
			b.Fatal(err)
		}
	}
}
