package model

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Secret types the kubelet reads pull credentials from (spec §5).
const (
	DockerConfigJSONType = "kubernetes.io/dockerconfigjson"
	DockercfgType        = "kubernetes.io/dockercfg"
)

// PullConfig says what salint knows of a pull secret's registries.
type PullConfig int

// What a Secret's docker config says.
const (
	// PullConfigNone: not a Secret of a pull-secret type.
	PullConfigNone PullConfig = iota
	// PullConfigMissing: a pull-secret type whose key is absent or empty;
	// the kubelet silently ignores the secret (spec §5).
	PullConfigMissing
	// PullConfigUnknown: the content is not in the bundle (a SealedSecret,
	// an ExternalSecret) or cannot be read (a template placeholder); it is
	// assumed to cover any registry.
	PullConfigUnknown
	// PullConfigRead: Registries lists the registry keys of its auths.
	PullConfigRead
	// PullConfigNotObject: the config is JSON but not an object (nor
	// null); the API server rejects the Secret (spec §5).
	PullConfigNotObject
)

// PullKey is the data key a pull-secret type keeps its docker config
// under ("" for other types).
func PullKey(secretType string) string {
	switch secretType {
	case DockerConfigJSONType:
		return ".dockerconfigjson"
	case DockercfgType:
		return ".dockercfg"
	}
	return ""
}

// readPullConfig reads the registries a pull secret covers from its
// stringData (which the API server writes over data) or its base64 data.
// Only the normalised registry keys are kept; credentials are decoded into
// nothing and never stored, printed or put in an error.
func readPullConfig(secret *yaml.Node, secretType string) (PullConfig, []string) {
	key := PullKey(secretType)
	if key == "" {
		return PullConfigNone, nil
	}
	var raw []byte
	if v := Get(Get(secret, "stringData").Value, key); v.Present() {
		raw = []byte(v.String())
	} else if v := Get(Get(secret, "data").Value, key); v.Present() {
		decoded, err := base64.StdEncoding.DecodeString(v.String())
		if err != nil {
			return PullConfigUnknown, nil // a placeholder, not base64
		}
		raw = decoded
	}
	if len(raw) == 0 {
		return PullConfigMissing, nil
	}
	// The API server decodes the value into a map (spec §5: it must be a
	// JSON object). Text that is not JSON at all may be a placeholder that
	// a later step fills in; JSON of another shape never becomes valid.
	if json.Valid(raw) && json.Unmarshal(raw, &map[string]json.RawMessage{}) != nil {
		return PullConfigNotObject, nil
	}
	var hosts map[string]struct{}
	if secretType == DockerConfigJSONType {
		var cfg struct {
			Auths map[string]struct{} `json:"auths"`
		}
		if json.Unmarshal(raw, &cfg) != nil {
			return PullConfigUnknown, nil
		}
		hosts = cfg.Auths
	} else if json.Unmarshal(raw, &hosts) != nil {
		return PullConfigUnknown, nil
	}
	seen := map[string]bool{}
	keys := []string{}
	for k := range hosts {
		if n, ok := NormalizeRegistryKey(k); ok && !seen[n] {
			seen[n] = true
			keys = append(keys, n)
		}
	}
	sort.Strings(keys)
	return PullConfigRead, keys
}

// Covers reports whether a pull secret supplies credentials for image as
// the kubelet would use them. A secret whose content salint cannot see is
// assumed to cover it.
func (s *Secret) Covers(image ImageRef) bool {
	switch s.Pull {
	case PullConfigUnknown:
		return true
	case PullConfigRead:
		for _, k := range s.Registries {
			if RegistryKeyMatches(k, image) {
				return true
			}
		}
	}
	return false
}

// registryIndex finds the pull secrets of a bundle whose auths list a
// registry: by exact host, and by scanning the few wildcard keys.
type registryIndex struct {
	byHost   map[string][]*Secret
	wildcard []*Secret
}

func (x *registryIndex) add(s *Secret) {
	if x.byHost == nil {
		x.byHost = map[string][]*Secret{}
	}
	for _, k := range s.Registries {
		host, _, _ := strings.Cut(k, "/")
		if strings.ContainsAny(host, "*?[") {
			x.wildcard = append(x.wildcard, s)
			continue
		}
		x.byHost[host] = append(x.byHost[host], s)
	}
}

// ListsRegistries reports whether any pull secret of the bundle lists a
// registry in its auths.
func (b *Bundle) ListsRegistries() bool {
	return len(b.registries.byHost) > 0 || len(b.registries.wildcard) > 0
}

// SecretListing returns a Secret of the bundle (any namespace) whose
// auths cover image, or nil: such a registry needs credentials.
func (b *Bundle) SecretListing(image ImageRef) *Secret {
	for _, s := range b.registries.byHost[strings.ToLower(image.Domain)] {
		if s.Covers(image) {
			return s
		}
	}
	for _, s := range b.registries.wildcard {
		if s.Covers(image) {
			return s
		}
	}
	return nil
}
