// Package model turns YAML bytes into the namespace model that rules read:
// objects with file-absolute positions, and per namespace the ServiceAccounts,
// Secrets and pod specs they define.
package model

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"sort"
	"sync"
	"unicode/utf8"
)

// StdinPath is the path of standard input, as an argument and as a
// Source's Path.
const StdinPath = "-"

// Source is one input file (or stdin) with its bytes, kept so that findings
// can be located and fixes applied as byte edits.
type Source struct {
	// Path is the file as reached from the command-line argument; StdinPath is stdin.
	Path string
	// data is the file content, unchanged (Bytes). It is nil after
	// Release until Load reads it again.
	data []byte

	// released is set by Release: what Load needs to read the bytes again
	// and to check that it is what was read first.
	loadMu   sync.Mutex
	released *released

	// MergeKeys is set when a document of the source has YAML merge keys,
	// which the reader applies (the merged fields' nodes stay where they
	// are written): byte edits there could change more than they mean to,
	// so the source gets no fixes.
	MergeKeys bool

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
	File string `json:"file" scrub:"-"` // an input path holds no Secret value
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
	_ = s.Load() // a source that cannot be read again has no lines
	s.indexOnce.Do(func() {
		starts := make([]int, 1, len(s.Bytes())/32+1)
		for i, b := range s.Bytes() {
			if b == '\n' {
				starts = append(starts, i+1)
			}
		}
		s.lineStarts = starts
	})
}

// Offset converts a 1-based line and character column to a byte offset.
func (s *Source) Offset(line, col int) int {
	off := s.LineStart(line)
	if line < 1 {
		return off
	}
	for c := 1; c < col && off < len(s.Bytes()) && s.Bytes()[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(s.Bytes()[off:])
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
		return len(s.Bytes())
	}
	return s.lineStarts[line-1]
}

// LineEnd returns the offset just past line's newline (or the end of data).
func (s *Source) LineEnd(line int) int {
	return s.LineStart(line + 1)
}

// Newline is the line ending the file uses: "\r\n" when its first line ends so.
func (s *Source) Newline() string {
	_ = s.Load()
	if i := bytes.IndexByte(s.Bytes(), '\n'); i > 0 && s.Bytes()[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// released is a Source's content while it is not held in memory.
type released struct {
	read func() ([]byte, error)
	size int
	hash uint64
	err  error // the first failure to read the bytes again, for good
}

// hashSeed is the seed of the hashes that recognise released content
// read again; per process, like the hashes.
var hashSeed = maphash.MakeSeed()

// Release drops the source's bytes; Load reads them again with read and
// accepts them only if they are the bytes dropped (same length and hash).
// A lint that only reports (lint.Input.Prune) releases every file once it
// is read, because rules need bytes only to compute a fix, which most
// findings do not have: holding them all made a fifth of the memory of a
// large repository. Call it before the source is shared.
func (s *Source) Release(read func() ([]byte, error)) {
	if s.data == nil || read == nil {
		return
	}
	s.released = &released{read: read, size: len(s.data), hash: maphash.Bytes(hashSeed, s.data)}
	s.data = nil
}

// HasContent reports whether the source has bytes, held or released: it
// is false for a file that could not be read at all.
func (s *Source) HasContent() bool { return s.data != nil || s.released != nil }

// NewSource is the source of path holding data.
func NewSource(path string, data []byte) *Source { return &Source{Path: path, data: data} }

// Bytes is the file content, unchanged. After Release it panics until
// Load has read the bytes again: a released source read without Load is
// a bug that would otherwise see an empty file.
func (s *Source) Bytes() []byte {
	if s.data == nil && s.released != nil && s.released.err == nil {
		panic("model: Bytes of " + s.Path + " after Release, without Load")
	}
	return s.data
}

// Loaded reports whether the source holds its bytes now (not released, or
// loaded again).
func (s *Source) Loaded() bool { return s.data != nil }

// ErrChanged is Load's error when a released file no longer holds what
// was read.
var ErrChanged = errors.New("the file changed on disk since salint read it")

// Load makes Bytes hold the source's bytes again after Release; it is safe
// for concurrent use, and anything that reads Bytes of a source that may
// have been released must call it first. The bytes are read once and then
// kept. A file that cannot be read, or no longer holds the same bytes, is
// an error (ErrChanged): Bytes stays nil, so nothing is ever computed from
// other bytes than the ones read.
func (s *Source) Load() error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	r := s.released
	if s.data != nil || r == nil {
		return nil
	}
	if r.err != nil {
		return r.err
	}
	data, err := r.read()
	switch {
	case err != nil:
		r.err = fmt.Errorf("cannot read %s again: %w", s.Path, err)
	case len(data) != r.size || maphash.Bytes(hashSeed, data) != r.hash:
		r.err = fmt.Errorf("%s: %w", s.Path, ErrChanged)
	default:
		s.data = data
	}
	return r.err
}
