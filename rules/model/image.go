package model

import (
	"errors"
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ImageRef is a container image reference normalised as the container
// runtime does (github.com/distribution/reference ParseNormalizedNamed,
// which the kubelet uses before it looks up pull credentials):
// "nginx" is docker.io/library/nginx, "index.docker.io/x/y" is
// docker.io/x/y.
type ImageRef struct {
	// Domain is the registry host, with its port when one is given
	// ("docker.io", "registry.example.com:5000", "[::1]:5000").
	Domain string
	// Path is the repository inside the registry ("library/nginx").
	Path string
	// Tag and Digest are "" when absent; a reference with neither means
	// the tag "latest".
	Tag, Digest string
}

// Name is the normalised repository name: Domain/Path. It is the string
// the kubelet matches pull-secret registry keys against.
func (r ImageRef) Name() string { return r.Domain + "/" + r.Path }

// String is the full normalised reference.
func (r ImageRef) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Reference grammar of github.com/distribution/reference (regexp.go).
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

var (
	referenceRE  = regexp.MustCompile(`^(` + refDomainAndPort + `)/(` + refRemoteName + `)(?::(` + refTag + `))?(?:@(` + refDigest + `))?$`)
	identifierRE = regexp.MustCompile(`^[a-f0-9]{64}$`)
	// digestHexLen are the algorithms go-digest accepts and their encoded lengths.
	digestHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}
	lowerHexRE   = regexp.MustCompile(`^[a-f0-9]+$`)
)

// Errors of NormalizeImage. They never quote the reference.
var (
	ErrImageEmpty     = errors.New("image reference is empty")
	ErrImageFormat    = errors.New("invalid image reference format")
	ErrImageUppercase = errors.New("repository name must be lowercase")
	ErrImageTooLong   = errors.New("repository name must not be more than 255 characters")
	ErrImageDigest    = errors.New("invalid or unsupported digest")
	ErrImageID        = errors.New("cannot specify 64-byte hexadecimal strings as an image name")
)

const (
	dockerHub       = "docker.io"
	legacyDockerHub = "index.docker.io"
	officialPrefix  = "library/"
)

// NormalizeImage parses an image reference as the container runtime does.
// It never panics: anything it cannot read is an error.
func NormalizeImage(s string) (ImageRef, error) {
	if s == "" {
		return ImageRef{}, ErrImageEmpty
	}
	if !utf8.ValidString(s) {
		return ImageRef{}, ErrImageFormat
	}
	if identifierRE.MatchString(s) {
		return ImageRef{}, ErrImageID
	}
	domain, remainder := splitDockerDomain(s)
	remote := remainder
	if i := strings.IndexByte(remainder, ':'); i >= 0 {
		remote = remainder[:i]
	}
	if strings.ToLower(remote) != remote {
		return ImageRef{}, ErrImageUppercase
	}
	m := referenceRE.FindStringSubmatch(domain + "/" + remainder)
	if m == nil {
		return ImageRef{}, ErrImageFormat
	}
	ref := ImageRef{Domain: m[1], Path: m[2], Tag: m[3], Digest: m[4]}
	if len(ref.Path) > 255 {
		return ImageRef{}, ErrImageTooLong
	}
	if ref.Digest != "" {
		alg, hex, _ := strings.Cut(ref.Digest, ":")
		if n, ok := digestHexLen[alg]; !ok || len(hex) != n || !lowerHexRE.MatchString(hex) {
			return ImageRef{}, ErrImageDigest
		}
	}
	return ref, nil
}

// splitDockerDomain is distribution/reference's: the first path element is
// a registry when it is "localhost", contains "." or ":", or has an
// uppercase letter; otherwise the image is on Docker Hub, where a
// one-element name is an official image under library/.
func splitDockerDomain(name string) (domain, remainder string) {
	first, rest, ok := strings.Cut(name, "/")
	switch {
	case !ok:
		return dockerHub, officialPrefix + name
	case first == "localhost":
		domain, remainder = first, rest
	case first == legacyDockerHub:
		domain, remainder = dockerHub, rest
	case strings.ContainsAny(first, ".:"), strings.ToLower(first) != first:
		domain, remainder = first, rest
	default:
		domain, remainder = dockerHub, name
	}
	if domain == dockerHub && !strings.Contains(remainder, "/") {
		remainder = officialPrefix + remainder
	}
	return domain, remainder
}

// NormalizeRegistryKey turns a key of a docker config's auths (or of a
// .dockercfg) into the form the kubelet matches images against
// (pkg/credentialprovider BasicDockerKeyring.Add): the scheme is dropped,
// a /v1/ or /v2/ path prefix is dropped, and what remains is
// host[:port][/path]. Docker Hub's legacy names (index.docker.io, with or
// without https:// and /v1/) become docker.io. ok is false for a key the
// kubelet would ignore.
func NormalizeRegistryKey(key string) (string, bool) {
	if !strings.HasPrefix(key, "https://") && !strings.HasPrefix(key, "http://") {
		key = "https://" + key
	}
	u, err := url.Parse(key)
	if err != nil || u.Host == "" {
		return "", false
	}
	p := u.Path
	if strings.HasPrefix(p, "/v2/") || strings.HasPrefix(p, "/v1/") {
		p = p[3:]
	}
	host := strings.ToLower(u.Host)
	if host == legacyDockerHub {
		host = dockerHub
	}
	if p == "" || p == "/" {
		return host, true
	}
	return host + p, true
}

// RegistryKeyMatches reports whether a normalised registry key (see
// NormalizeRegistryKey; "*" may stand for part of one DNS label, as in
// "*.gcr.io") covers image, as the kubelet's keyring does: same number of
// host labels, each matching, the same port, and the key's path a prefix
// of the image's repository path.
func RegistryKeyMatches(key string, image ImageRef) bool {
	keyHost, keyPath, _ := strings.Cut(key, "/")
	if !HostMatches(keyHost, image.Domain, false) {
		return false
	}
	return strings.HasPrefix(image.Path, keyPath)
}

// HostMatches reports whether host (a registry host, with an optional
// port) matches pattern, label by label with path.Match globs ("*" is any
// part of one label). When anyPort is set, a pattern without a port
// matches the host on any port; otherwise ports must be equal. Case is
// ignored, as in DNS. A malformed pattern matches nothing.
func HostMatches(pattern, host string, anyPort bool) bool {
	pHost, pPort := splitPort(strings.ToLower(pattern))
	hHost, hPort := splitPort(strings.ToLower(host))
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

// ValidHostPattern reports whether a registry host pattern (config
// privateRegistries) is usable: a host of DNS labels or globs, an
// optional port, no scheme or path.
func ValidHostPattern(pattern string) bool {
	if pattern == "" || strings.ContainsAny(pattern, "/ \t") {
		return false
	}
	h, _ := splitPort(pattern)
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return false
		}
		if _, err := path.Match(label, ""); err != nil {
			return false
		}
	}
	return true
}

func splitPort(hostport string) (host, port string) {
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport, ""
	}
	return h, p
}
