package admit

import (
	"io"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/rules/model"
)

// WriteJSON writes r as one JSON document (salint admit -f json): each pod
// spec admitted and what admission set in it, the rejections with the API
// server's messages, the notes, and the run's input errors and notices.
// Every string of it passes through scrub (the input's Secret values out).
func WriteJSON(w io.Writer, r *Result, errs, notices []model.Error, scrub func(string) string) error {
	type object struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Namespace  string `json:"namespace"`
		Name       string `json:"name"`
	}
	type place struct {
		File    string  `json:"file" scrub:"-"`
		Line    int     `json:"line"`
		Column  int     `json:"column,omitempty"`
		Object  *object `json:"object,omitempty"`
		Message string  `json:"message,omitempty"`
	}
	at := func(pos model.Position, o *model.Object, msg string) place {
		p := place{File: pos.File, Line: pos.Line, Column: pos.Col, Message: msg}
		if o != nil {
			p.Object = &object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.DisplayName()}
		}
		return p
	}
	type admitted struct {
		place
		PodSpec            string   `json:"podSpec"`
		ServiceAccountName string   `json:"serviceAccountName"`
		AccountDefaulted   bool     `json:"accountDefaulted"`
		TokenVolume        string   `json:"tokenVolume"`
		PullSecretsCopied  []string `json:"pullSecretsCopied"`
	}
	out := struct {
		Admitted   []admitted `json:"admitted"`
		Rejections []place    `json:"rejections"`
		Notes      []place    `json:"notes"`
		Errors     []place    `json:"errors"`
		Notices    []place    `json:"notices"`
		Summary    struct {
			Admitted int `json:"admitted"`
			Rejected int `json:"rejected"`
		} `json:"summary"`
	}{Admitted: []admitted{}, Rejections: []place{}, Notes: []place{}, Errors: []place{}, Notices: []place{}}
	for _, a := range r.Admitted {
		copied := a.PullSecretsCopied
		if copied == nil {
			copied = []string{}
		}
		out.Admitted = append(out.Admitted, admitted{at(a.Pos, a.Object, ""), a.Path, a.ServiceAccountName, a.AccountDefaulted, a.TokenVolume, copied})
	}
	for _, rej := range r.Rejections {
		out.Rejections = append(out.Rejections, at(rej.Pos, rej.Object, rej.Message))
	}
	for _, n := range r.Notes {
		out.Notes = append(out.Notes, at(n.Pos, nil, n.Message))
	}
	for _, e := range errs {
		out.Errors = append(out.Errors, at(e.Pos, nil, e.Message))
	}
	for _, n := range notices {
		out.Notices = append(out.Notices, at(n.Pos, nil, n.Message))
	}
	out.Summary.Admitted, out.Summary.Rejected = len(r.Admitted), len(r.Rejections)
	safetext.MapStrings(&out, scrub)
	return safetext.WriteJSON(w, out)
}
