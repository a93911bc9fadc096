package rules

import (
	"fmt"
	"strings"

	"github.com/salint/salint/rules/model"
)

// accountHints suggests, for account ns/name that does not exist, a close
// name in ns and the namespaces that define the name (others).
func accountHints(b *model.Bundle, ns, name string) (hints, others []string) {
	if c := Closest(name, b.AccountNames(ns)); c != "" {
		hints = append(hints, fmt.Sprintf("did you mean %q?", c))
	}
	if others = b.NamespacesDefining(name, ns); len(others) > 0 {
		hints = append(hints, fmt.Sprintf("an account of that name is defined in namespace %s", strings.Join(others, ", ")))
	}
	return hints, others
}

// missingSecretHints suggests a close pull secret name in ns, and names
// the namespaces where a Secret of that name exists.
func missingSecretHints(b *model.Bundle, ns, name string) string {
	// Many pods name the same missing Secret: the hints are worked out once.
	return b.Memo("rules.missingSecretHints\x00"+ns+"\x00"+name, func() any {
		return secretHints(b, ns, name)
	}).(string)
}

func secretHints(b *model.Bundle, ns, name string) string {
	var hints []string
	if c := Closest(name, pullSecretNames(b, ns)); c != "" {
		hints = append(hints, fmt.Sprintf("did you mean %q?", c))
	}
	others := b.NamespacesWithSecret(name, ns)
	if len(others) > 0 {
		hints = append(hints, fmt.Sprintf("a Secret of that name is defined in namespace %s, but pods can only use pull secrets of their own namespace", strings.Join(others, ", ")))
	}
	return hintText(hints)
}

// hintText renders hints as a parenthesised suffix, "" when there are none.
func hintText(hints []string) string {
	if len(hints) == 0 {
		return ""
	}
	return " (" + strings.Join(hints, "; ") + ")"
}

// forbidden is the API server's answer when admission refuses pod with
// reason (spec §1.4, §1.8): pods "<name>" is forbidden: <reason>, where
// the name is generateName when the pod has no name.
func forbidden(pod *model.PodSpec, reason string) string {
	name := pod.Object.Name
	if name == "" {
		name = pod.Object.GenerateName
	}
	return fmt.Sprintf("pods %q is forbidden: %s", name, reason)
}

// templateRejected says what happens to the pods of template pod when
// admission refuses them: a controller's every attempt fails (FailedCreate,
// spec §1.1); a core PodTemplate has no controller of its own (spec §6).
func templateRejected(pod *model.PodSpec) string {
	if o := pod.Object; o.Kind == "PodTemplate" && o.Group() == "" {
		return "the API server will reject every pod created from this template"
	}
	return fmt.Sprintf("the API server will reject every pod the %s controller creates (FailedCreate)", pod.Object.Kind)
}
