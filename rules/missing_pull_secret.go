package rules

import (
	"fmt"

	"github.com/salint/salint/rules/model"
)

// MissingPullSecret finds imagePullSecrets entries the kubelet cannot use.
var MissingPullSecret = &Rule{
	ID:       "missing-pull-secret",
	Summary:  "imagePullSecrets entry of a pod or ServiceAccount names no usable pull secret (missing, wrong type, empty or duplicate)",
	Severity: Warning,
	Check:    checkMissingPullSecret,
	Doc: `Reports an ` + "`imagePullSecrets`" + ` entry, in a pod spec or in a ServiceAccount,
that the kubelet cannot use:

- it names a Secret that is not defined in the namespace (by a Secret, by a
  Bitnami ` + "`SealedSecret`" + ` — its name or ` + "`spec.template.metadata.name`" + ` — or by an
  external-secrets ` + "`ExternalSecret`" + ` — ` + "`spec.target.name`" + `, else its name) and
  is not declared in the config's ` + "`externalSecrets`" + `;
- the Secret's type is not ` + "`kubernetes.io/dockerconfigjson`" + ` or
  ` + "`kubernetes.io/dockercfg`" + `, or it has no ` + "`.dockerconfigjson`" + ` / ` + "`.dockercfg`" + ` data;
- that data is JSON but not an object (` + "`[]`" + `, a string): the API server rejects
  the Secret (spec §5). Text that is not JSON at all may be a placeholder
  filled in later, and is not reported;
- the name is empty, or repeats an earlier entry of the same list.

A pod that lists no pull secrets of its own gets its account's (spec §1.7);
those are reported once, on the ServiceAccount, not on every pod.

## Why it matters
The kubelet only **warns** about a pull secret it cannot find
(` + "`FailedToRetrieveImagePullSecret`" + `) and silently ignores one of another type or
with empty data; it then pulls without credentials, and a private image
fails with ` + "`ImagePullBackOff`" + ` (spec §5). Nothing fails at ` + "`kubectl apply`" + `: the
mistake shows up when a node first pulls the image. Duplicate and empty
names are accepted with a warning by the API server (spec §5).

## Example
` + "```yaml" + `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
imagePullSecrets:
  - name: regcred        # no Secret regcred in namespace shop
---
apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: shop}
type: Opaque             # a pull secret must be kubernetes.io/dockerconfigjson
` + "```" + `

## Fix
Create the Secret in the pod's namespace with ` + "`kubectl create secret docker-registry`" + `
(type ` + "`kubernetes.io/dockerconfigjson`" + `), correct the name (the message suggests a
close one), or declare a Secret made outside these files in .salint.yaml:
` + "`externalSecrets: [shop/regcred]`" + ` (` + "`*`" + ` may stand for the namespace or the name).

` + silenceDoc("missing-pull-secret", "the pod's object, its pod template or the ServiceAccount"),
}

func checkMissingPullSecret(pass *Pass) {
	b := pass.Bundle
	for _, pod := range b.Pods {
		if pod.Location.AccountOnly {
			continue
		}
		checkPullSecretList(pass, pod.PullSecretRefs(), pod.Namespace(), pod.Object.String(), "", "the API server warns about duplicates", func(i int, r model.Ref) Finding {
			return PodFinding(pod, refKey(r), fmt.Sprintf("imagePullSecrets[%d].name", i), "")
		})
	}
	for _, acct := range b.Accounts {
		o := acct.Object
		const consequence = "; pods that run as it and list no pull secrets of their own get this entry copied"
		// Only a ServiceAccount's metadata is validated (spec §3); pods warn
		// about duplicates they get copied (spec §5).
		const dup = "the API server accepts the account silently and warns about the duplicate in each pod that gets the list copied"
		checkPullSecretList(pass, acct.ImagePullSecrets, o.Namespace, "ServiceAccount "+o.Namespace+"/"+o.Name, consequence, dup, func(i int, r model.Ref) Finding {
			return ObjectFinding(o, refKey(r), fmt.Sprintf("imagePullSecrets[%d].name", i), "")
		})
	}
}

// checkPullSecretList reports the unusable entries of one imagePullSecrets
// list; dupNote says what the API server does with a repeated name; at builds
// the finding for entry i.
func checkPullSecretList(pass *Pass, refs []model.Ref, ns, owner, consequence, dupNote string, at func(int, model.Ref) Finding) {
	b := pass.Bundle
	first := map[string]int{}
	for i, r := range refs {
		var msg string
		if j, dup := first[r.Name]; dup && r.Name != "" {
			msg = fmt.Sprintf("%s: imagePullSecrets[%d] repeats %q (imagePullSecrets[%d]); %s: remove it", owner, i, r.Name, j, dupNote)
		} else {
			first[r.Name] = i
			problem, _ := pullSecretProblem(b, ns, r.Name)
			if problem == "" {
				continue
			}
			msg = fmt.Sprintf("%s: imagePullSecrets[%d] %s%s", owner, i, problem, consequence)
			if r.Name != "" && len(b.SecretDefs(ns, r.Name)) == 0 {
				msg += missingSecretHints(b, ns, r.Name)
			}
		}
		f := at(i, r)
		f.Message = msg
		pass.Report(f)
	}
}
