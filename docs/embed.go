// Package docs carries the rule pages, docs/rules/<id>.md, into the binary.
// The Markdown files are the source of each rule's documentation: `salint
// explain` prints them and SARIF help is taken from them. The embed lives
// here because go:embed reads only files at or below its package's
// directory.
package docs

import "embed"

//go:embed rules/*.md
var rulePages embed.FS

// RulePage returns docs/rules/<id>.md; ok is false when the rule has no page.
func RulePage(id string) (page string, ok bool) {
	data, err := rulePages.ReadFile("rules/" + id + ".md")
	return string(data), err == nil
}
