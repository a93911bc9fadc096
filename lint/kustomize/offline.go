package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Builds are hermetic by construction, not by checking the fields that
// name remote things (which a new kustomize field would reopen): while
// builds run, kustomize's loader fetches every URL, whatever named it,
// through http.DefaultTransport, which then refuses, and clones every
// repository with the git found on PATH, which is then empty. The build
// fails, and the tree gets a "not built: needs network" notice.

// refusal is the error of a fetch refused during builds.
type refusal struct{ url string }

// refusedText starts every refusal's message: kustomize does not always
// keep the error's chain, only its text.
const refusedText = "salint builds offline: not fetched: "

func (r *refusal) Error() string { return refusedText + r.url }

type refuseNetwork struct{}

// RoundTrip implements http.RoundTripper.
func (refuseNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, &refusal{url: req.URL.String()}
}

// offline cuts builds off the network until restore is called: no HTTP
// request leaves the process, and no git runs. With exec plugins on, PATH
// is kept for the plugins' own commands (they run code from the
// repository anyway, see Options.EnableExec), so a git clone is possible.
func offline(enableExec bool) (restore func()) {
	savedTransport := http.DefaultTransport
	http.DefaultTransport = refuseNetwork{}
	path, hadPath := os.LookupEnv("PATH")
	if !enableExec {
		_ = os.Setenv("PATH", "")
	}
	return func() {
		http.DefaultTransport = savedTransport
		if !enableExec && hadPath {
			_ = os.Setenv("PATH", path)
		} else if !enableExec {
			_ = os.Unsetenv("PATH")
		}
	}
}

// kustomize's messages when it would have cloned a repository (and found
// no git) or inflated a Helm chart (which salint never lets it run).
const (
	noGitText  = "no 'git' program on path"
	noHelmText = "must specify --enable-helm"
)

// networkNotice is the notice for root's build that failed with err
// because it needs the network (or Helm, which salint could not give it:
// relayErr); ok is false for any other failure.
func networkNotice(root *kustFile, kusts []*kustFile, err, relayErr error) (notice *model.Error, ok bool) {
	msg := err.Error()
	var what string
	var r *refusal
	switch {
	case errors.As(err, &r):
		what = r.url
	case strings.Contains(msg, refusedText):
		what = strings.Fields(msg[strings.Index(msg, refusedText)+len(refusedText):] + " ")[0]
	case strings.Contains(msg, noGitText):
		what = "a git clone"
	case strings.Contains(msg, noHelmText):
		for _, k := range kusts {
			for _, f := range chartLists {
				if key := model.Get(k.root, f.list).Key; key != nil {
					if relayErr != nil {
						return &model.Error{Pos: k.pos(key), Message: fmt.Sprintf("kustomization %s not built: its Helm charts cannot be inflated here (%s: %v); its files are read as written", root.dir, f.list, relayErr)}, true
					}
					return networkError(root, k.pos(key), f.list+" inflates Helm charts"), true
				}
			}
		}
		if k, item, field := pluginConfig(kusts, "HelmChartInflationGenerator"); item != nil {
			return networkError(root, k.pos(item), fmt.Sprintf("its %s config fetches a Helm chart", field)), true
		}
		what = "Helm charts"
	default:
		return nil, false
	}
	if k, item, list := chartPulled(kusts, what); item != nil {
		return networkError(root, k.pos(item), fmt.Sprintf("%s pulls %s", list, what)), true
	}
	if k, item, field := pluginConfig(kusts, what); item != nil {
		return networkError(root, k.pos(item), fmt.Sprintf("its %s config fetches %s", field, what)), true
	}
	pos, _ := locateError(kusts, err)
	// Name the entry as the kustomization spells it when it is the one
	// fetched, or one kustomize's message quotes.
named:
	for _, k := range kusts {
		for _, e := range k.entries {
			if e.value == what || strings.Contains(msg, "'"+e.value+"'") && k.pos(e.node) == pos {
				what = fmt.Sprintf("%s %q", e.field, e.value)
				break named
			}
		}
	}
	return networkError(root, pos, what), true
}

func networkError(root *kustFile, pos model.Position, what string) *model.Error {
	return &model.Error{Pos: pos, Message: fmt.Sprintf("kustomization %s not built: needs network (%s); its files are read as written", root.dir, what)}
}

// pluginConfig finds the generators, transformers or validators entry of
// kusts whose config (inline, or the file it names) holds s, to say which
// one needs the network.
func pluginConfig(kusts []*kustFile, s string) (*kustFile, *yaml.Node, string) {
	for _, k := range kusts {
		for _, f := range []string{"generators", "transformers", "validators"} {
			for _, item := range model.Get(k.root, f).Items() {
				data := []byte(item.Value)
				if !isInline(item.Value) {
					data, _ = os.ReadFile(filepath.Join(k.abs, item.Value))
				}
				if bytes.Contains(data, []byte(s)) {
					return k, item, f
				}
			}
		}
	}
	return nil, nil, ""
}

// chartPulled finds the chart entry whose chart `helm pull` would fetch
// from url (see pulled): its repo field, and the list it is in.
func chartPulled(kusts []*kustFile, url string) (*kustFile, *yaml.Node, string) {
	for _, k := range kusts {
		for _, f := range chartLists {
			for _, item := range model.Get(k.root, f.list).Items() {
				repo, name := model.Get(item, f.repo), model.Get(item, f.name).String()
				// As HelmChart.pullCommand names it: an oci:// repo without
				// its trailing slash, then the name; else --repo and the name.
				if repo.Present() && (pulled([]string{"--repo", repo.String(), name}) == url || pulled([]string{strings.TrimSuffix(repo.String(), "/") + "/" + name}) == url) {
					return k, repo.Value, f.list
				}
			}
		}
	}
	return nil, nil, ""
}
