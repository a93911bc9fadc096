package report

import (
	"io"
	"net/url"
	"strings"

	"github.com/salint/salint/internal/safetext"
	"github.com/salint/salint/lint/fingerprint"
	"github.com/salint/salint/rules"
	"github.com/salint/salint/rules/model"
)

// SARIF 2.1.0 as GitHub code scanning reads it. The structs are written
// out rather than taken from a SARIF library: salint needs a small,
// fixed subset, and owning the types guarantees what viewers have tripped
// over in other linters' output: "results" is always an array (never null
// or absent), every result has a region with the real line and column,
// and nothing but the JSON document is written.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// srcRoot is the uriBaseId of repository-relative paths; GitHub and
	// other viewers resolve it to the checkout.
	srcRoot = "%SRCROOT%"
	// infoURI is where the project and its rule pages live.
	infoURI = "https://github.com/salint/salint"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	// ColumnKind says columns count characters, as salint's do.
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// Suppressions mark a finding silenced by the ignore annotation
	// (inSource) or the config (external); viewers show it as dismissed.
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   sarifResultProps   `json:"properties"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResultProps struct {
	Object  *jsonObject `json:"object,omitempty"`
	Field   string      `json:"field,omitempty"`
	Fixable bool        `json:"fixable"`
	NoFix   string      `json:"noFix,omitempty"`
}

type sarifLocation struct {
	// ID numbers a related location within its result.
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s rules.Severity) string { return bySeverity(s, "error", "warning", "note") }

// WriteSARIF writes the result as one SARIF 2.1.0 log. File URIs are
// relative to r.BaseDir (uriBaseId %SRCROOT%); files outside it get
// absolute file: URIs. Input errors are tool execution notifications.
func WriteSARIF(w io.Writer, r Report) error {
	paths := fingerprint.NewPaths(r.BaseDir)
	catalog := r.catalog()
	index := map[string]int{}
	driver := sarifDriver{Name: "salint", Version: r.Version, InformationURI: infoURI, Rules: make([]sarifRule, 0, len(catalog))}
	for i, rule := range catalog {
		index[rule.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rule.ID,
			ShortDescription:     sarifText{Text: rule.Summary},
			FullDescription:      sarifText{Text: firstParagraph(rule.Doc())},
			Help:                 sarifText{Text: rule.Doc(), Markdown: rules.Markdown(rule)},
			HelpURI:              infoURI + "/blob/main/docs/rules/" + rule.ID + ".md",
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(rule.Severity)},
			Properties:           sarifRuleProps{Tags: []string{"kubernetes", "serviceaccount"}},
		})
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0}},
		Results:     make([]sarifResult, 0, len(r.Findings)),
		ColumnKind:  "unicodeCodePoints",
	}
	notify := func(level, text string, pos model.Position) {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level: level, Message: sarifText{Text: text}, Locations: []sarifLocation{sarifLoc(paths, pos)},
		})
	}
	for _, e := range r.Errors {
		notify("error", "cannot lint "+e.Pos.String()+": "+e.Message, e.Pos)
	}
	for _, n := range r.Notices {
		notify("note", n.Pos.String()+": "+n.Message, n.Pos)
	}
	result := func(f rules.Finding, id string) sarifResult {
		ruleIndex, ok := index[f.Rule]
		if !ok {
			ruleIndex = -1 // not in the catalog: SARIF's "no rule object"
		}
		res := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           ruleIndex,
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: ReportedText(&f)},
			Locations:           []sarifLocation{sarifLoc(paths, f.Pos)},
			PartialFingerprints: map[string]string{"salint/v1": id},
			Properties:          sarifResultProps{Field: f.Field, Fixable: f.Fix != nil, NoFix: f.NoFix},
		}
		for j, rel := range f.Related {
			loc := sarifLoc(paths, rel.Pos)
			loc.ID, loc.Message = &j, &sarifText{Text: rel.Message}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		if f.Object != nil {
			o := objectOf(f.Object, r.Scrub)
			res.Properties.Object = &o
		}
		return res
	}
	prints := fingerprint.Findings(r.Findings, paths)
	for i, f := range r.Findings {
		run.Results = append(run.Results, result(f, prints[i]))
	}
	silenced := make([]rules.Finding, len(r.Silenced))
	for i, s := range r.Silenced {
		silenced[i] = s.Finding
	}
	prints = fingerprint.Findings(silenced, paths)
	for i, s := range r.Silenced {
		res := result(s.Finding, prints[i])
		kind := "external"
		if s.InSource {
			kind = "inSource"
		}
		res.Suppressions = []sarifSuppression{{Kind: kind, Justification: s.Reason}}
		run.Results = append(run.Results, res)
	}
	return safetext.WriteJSON(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// sarifLoc locates pos. The region has no snippet: the offending line can
// hold a Secret's value, and salint never prints one.
func sarifLoc(paths *fingerprint.Paths, pos model.Position) sarifLocation {
	p := paths.Of(pos.File)
	art := sarifArtifact{URI: (&url.URL{Path: p.Name}).String(), URIBaseID: srcRoot}
	if p.Outside {
		art = sarifArtifact{URI: (&url.URL{Scheme: "file", Path: p.Name}).String()}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: art}}
	if pos.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: pos.Line, StartColumn: pos.Col}
	}
	return loc
}

// firstParagraph is the first paragraph of Markdown text, on one line.
func firstParagraph(doc string) string {
	para, _, _ := strings.Cut(strings.TrimSpace(doc), "\n\n")
	return strings.Join(strings.Fields(para), " ")
}
