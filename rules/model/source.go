// Package model turns YAML bytes into the namespace model that rules read:
// objects with file-absolute positions, and per namespace the ServiceAccounts,
// Secrets and pod specs they define.
package model

import (
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"
)

// Source is one input file (or stdin) with its bytes, kept so that findings
// can be located and fixes applied as byte edits.
type Source struct {
	// Path is the file as reached from the command-line argument; "-" is stdin.
	Path string
	// Data is the file content, unchanged.
	Data []byte

	// pruned is set when Read pruned the trees of this source's objects
	// (ReadOptions.Prune): Unpruned reads a document again whole.
	pruned bool

	// lineStarts is the byte offset of each line start, built on first
	// use: once, as rules (and their fixes) run concurrently.
	indexOnce  sync.Once
	lineStarts []int
}

// Position is a 1-based, file-absolute location. Col counts characters, as
// the YAML parser does.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	if p.Col == 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

func (s *Source) index() {
	s.indexOnce.Do(func() {
		starts := make([]int, 1, len(s.Data)/32+1)
		for i, b := range s.Data {
			if b == '\n' {
				starts = append(starts, i+1)
			}
		}
		s.lineStarts = starts
	})
}

// Offset converts a 1-based line and character column to a byte offset.
func (s *Source) Offset(line, col int) int {
	s.index()
	if line < 1 {
		return 0
	}
	if line > len(s.lineStarts) {
		return len(s.Data)
	}
	off := s.lineStarts[line-1]
	for c := 1; c < col && off < len(s.Data) && s.Data[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(s.Data[off:])
		off += size
	}
	return off
}

// LineOf returns the 1-based line holding byte offset off.
func (s *Source) LineOf(off int) int {
	s.index()
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off })
}

// LineStart returns the byte offset at which line (1-based) begins.
func (s *Source) LineStart(line int) int {
	s.index()
	if line < 1 {
		return 0
	}
	if line > len(s.lineStarts) {
		return len(s.Data)
	}
	return s.lineStarts[line-1]
}

// LineEnd returns the offset just past line's newline (or the end of data).
func (s *Source) LineEnd(line int) int {
	return s.LineStart(line + 1)
}

// Newline is the line ending the file uses: "\r\n" when its first line ends so.
func (s *Source) Newline() string {
	for i, b := range s.Data {
		if b == '\n' {
			if i > 0 && s.Data[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}
