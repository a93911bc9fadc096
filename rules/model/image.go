package model

import (
	"errors"
	"net"
	"net/url"
	"path"
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

// digestHexLen are the digest algorithms go-digest accepts and their
// encoded lengths.
var digestHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

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
	if len(s) == 64 && isLowerHex(s) {
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
	ref, ok := parseReference(domain, remainder)
	if !ok {
		return ImageRef{}, ErrImageFormat
	}
	if len(ref.Path) > 255 {
		return ImageRef{}, ErrImageTooLong
	}
	if ref.Digest != "" {
		alg, hex, _ := strings.Cut(ref.Digest, ":")
		if n, ok := digestHexLen[alg]; !ok || len(hex) != n || !isLowerHex(hex) {
			return ImageRef{}, ErrImageDigest
		}
	}
	return ref, nil
}

// parseReference matches domain "/" remainder against the reference
// grammar of github.com/distribution/reference (regexp.go):
//
//	domain-and-port "/" remote-name [":" tag] ["@" digest]
//
// written out by hand because the regexp was most of the cost of
// registry-without-pull-secret on a large bundle. Every part of the
// grammar ends at a byte its predecessor cannot hold (':' or '@'), so one
// left-to-right pass decides it; image_test.go keeps the regexp as the
// oracle and the fuzz target compares the two.
func parseReference(domain, remainder string) (ImageRef, bool) {
	if !isDomainAndPort(domain) {
		return ImageRef{}, false
	}
	ref := ImageRef{Domain: domain}
	rest := remainder
	if i := strings.IndexAny(rest, ":@"); i >= 0 {
		ref.Path, rest = rest[:i], rest[i:]
	} else {
		ref.Path, rest = rest, ""
	}
	if !isRemoteName(ref.Path) {
		return ImageRef{}, false
	}
	if strings.HasPrefix(rest, ":") {
		tag := rest[1:]
		if i := strings.IndexByte(tag, '@'); i >= 0 {
			tag = tag[:i]
		}
		if !isTag(tag) {
			return ImageRef{}, false
		}
		ref.Tag, rest = tag, rest[1+len(tag):]
	}
	if strings.HasPrefix(rest, "@") {
		if !isDigest(rest[1:]) {
			return ImageRef{}, false
		}
		ref.Digest, rest = rest[1:], ""
	}
	return ref, rest == ""
}

// isDomainAndPort: (domain-name | "[" ipv6 "]") [":" digits], where a
// domain name is dot-separated labels of letters, digits and inner '-'.
func isDomainAndPort(s string) bool {
	var port string
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 2 || !all(s[1:end], func(c byte) bool { return isHex(c) || c == ':' }) {
			return false
		}
		port = s[end+1:]
	} else {
		host := s
		if i := strings.IndexByte(s, ':'); i >= 0 {
			host, port = s[:i], s[i:]
		}
		if !allParts(host, '.', func(label string) bool {
			return label != "" && label[0] != '-' && label[len(label)-1] != '-' &&
				all(label, func(c byte) bool { return isAlnum(c) || c == '-' })
		}) {
			return false
		}
	}
	return port == "" || len(port) > 1 && port[0] == ':' && all(port[1:], isDigit)
}

// isRemoteName: path components separated by '/', each lowercase letters
// and digits joined by one '.', one or two '_', or any number of '-'.
func isRemoteName(s string) bool {
	return allParts(s, '/', func(comp string) bool {
		if comp == "" || !isLowerAlnum(comp[0]) || !isLowerAlnum(comp[len(comp)-1]) {
			return false
		}
		for i := 0; i < len(comp); {
			if isLowerAlnum(comp[i]) {
				i++
				continue
			}
			j := i
			for j < len(comp) && !isLowerAlnum(comp[j]) {
				j++
			}
			if sep := comp[i:j]; sep != "." && sep != "_" && sep != "__" && strings.Trim(sep, "-") != "" {
				return false
			}
			i = j
		}
		return true
	})
}

// isTag: a word character, then up to 127 word characters, '.' or '-'.
func isTag(s string) bool {
	return len(s) >= 1 && len(s) <= 128 && isWord(s[0]) &&
		all(s, func(c byte) bool { return isWord(c) || c == '.' || c == '-' })
}

// isDigest: algorithm ":" at least 32 hex digits, where the algorithm is
// components of a letter then letters and digits, each joined to the next
// by one of "-_+.".
func isDigest(s string) bool {
	alg, hex, ok := strings.Cut(s, ":")
	if !ok || len(hex) < 32 || !all(hex, isHex) {
		return false
	}
	start := 0
	for i := 0; i <= len(alg); i++ {
		if i < len(alg) && strings.IndexByte("-_+.", alg[i]) < 0 {
			continue
		}
		if comp := alg[start:i]; comp == "" || !isLetter(comp[0]) || !all(comp, isAlnum) {
			return false
		}
		start = i + 1
	}
	return true
}

// allParts reports whether ok holds for every part of s split at sep
// (strings.Split without the slice).
func allParts(s string, sep byte, ok func(string) bool) bool {
	for {
		i := strings.IndexByte(s, sep)
		if i < 0 {
			return ok(s)
		}
		if !ok(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

func all(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool      { return isDigit(c) || isLetter(c) }
func isLowerAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' }
func isWord(c byte) bool       { return isAlnum(c) || c == '_' }
func isHex(c byte) bool        { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isLowerHex(s string) bool {
	return all(s, func(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' })
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
	if !strings.ContainsAny(pHost, `*?[\`) {
		// No glob: each label matches only itself, so the hosts must be
		// equal (the common case, without splitting).
		return pHost == hHost
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
	if !strings.Contains(hostport, ":") {
		return hostport, "" // what SplitHostPort's error gives, without making the error
	}
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport, ""
	}
	return h, p
}
