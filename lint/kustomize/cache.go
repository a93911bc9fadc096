package kustomize

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salint/salint/rules/model"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A kustomize build costs more than decoding every file it reads, and a
// pre-commit hook builds the same unchanged overlays on every commit. So
// a root's build can be kept in a cache directory (Options.CacheDir), as
// Go keeps its builds: the entry records every question the build asked
// of the filesystem (each file read, with a hash of what it held, each
// existence, directory and path check, with its answer) and what the
// build gave. A later build of the same root, by the same salint binary
// with the same options, is taken from the entry only if every one of
// those questions gets the same answer again; anything else builds anew.
// The entry is written only when the files the build read did not change
// while it ran.
//
// The objects of an entry are sealed (AES-256-GCM) with a key made from
// the content of the files the build read, which the entry does not hold:
// whoever reads the cache without those files learns nothing of what the
// build gave, Secret values included. Objects no rule reads are kept as
// apiVersion, kind and name only, which is all addObject reads of them.
//
// Not kept: failed builds, builds that run plugins (builtin ones too, see
// runsPlugins), and builds in a process where a kustomization set its own
// OpenAPI schema (a global that later builds read).

// runsPlugins reports whether a kustomization of kusts configures
// plugins (generators, transformers, validators; with exec off, builtin
// ones). Their configurations may name files by URL, which kustomize's
// loader would fetch over HTTP, past inputFS: such trees are not built
// (kustFile.fetch), and plugin builds are not kept either, so that no
// file a plugin reads past inputFS can leave an entry in use.
func runsPlugins(kusts []*kustFile) bool {
	for _, k := range kusts {
		for _, f := range []string{"generators", "transformers", "validators"} {
			if model.Get(k.root, f).Present() {
				return true
			}
		}
	}
	return false
}

// cacheFormat names the layout of an entry; a change of layout or of what
// a build means (serve.go) that the binary's identity does not cover
// must change it.
const cacheFormat = "salint kustomize build cache 1\n"

// maxQuestions bounds the questions of an entry, written or read: they
// are asked before the seal can be checked, and each costs a system call
// and memory (the corpus's largest build asks 111).
const maxQuestions = 1 << 16

// maxEntrySize bounds an entry, written or read: a file in its place
// that is larger, or not a regular file (a named pipe would block the
// read), is not read.
const maxEntrySize = 256 << 20

func readEntry(file string) ([]byte, bool) {
	data, ok, err := readRegular(file, maxEntrySize)
	return data, ok && err == nil
}

// cacheTrimAge is how long an entry unused survives (Go's build cache
// uses five days), cacheTouchAge how stale an entry's time may be before
// a use renews it.
const (
	cacheTrimAge  = 5 * 24 * time.Hour
	cacheTouchAge = time.Hour
)

// schemaTouched is set once any build of the process may have changed
// kyaml's global OpenAPI schema (a kustomization with openapi:): builds
// after it are not cached, nor taken from the cache.
var schemaTouched atomic.Bool

// digest is a hash of one answer of the filesystem.
type digest [sha256.Size]byte

// Questions a build asks of the filesystem.
const (
	askRead byte = iota + 1
	askIsDir
	askExists
	askReadDir
	askGlob
	askCleanedAbs
)

type question struct {
	op   byte
	path string
}

// unasked is the answer to a question no build of salint asks, which no
// recorded answer equals: an entry's questions are asked before its seal
// can be checked, so whoever can write the cache directory chooses them.
var unasked digest

// ask puts question q to fs and hashes the answer: recording (inputFS)
// and checking an entry (answered) hash the same way. part is what the
// seal takes of a read (see sealPart). A read of a file no build is
// given (see readRegular) and a glob (kustomize never globs, and a pattern
// may walk the whole disk) are not asked.
func ask(fs filesys.FileSystem, q question) (d, part digest) {
	switch q.op {
	case askRead:
		var data []byte
		var err error
		if in, ok := fs.(*inputFS); ok && in.sources[q.path] != nil {
			data, err = fs.ReadFile(q.path)
		} else if data, ok, err = readRegular(q.path, maxBuildFileSize); !ok {
			return unasked, digest{}
		}
		return hashAnswer(err, data), sealPart(q.path, data)
	case askIsDir:
		return hashBool(fs.IsDir(q.path)), digest{}
	case askExists:
		return hashBool(fs.Exists(q.path)), digest{}
	case askReadDir:
		names, err := fs.ReadDir(q.path)
		return hashList(names, err), digest{}
	case askCleanedAbs:
		dir, file, err := fs.CleanedAbs(q.path)
		return hashAnswer(err, []byte(string(dir)), []byte(file)), digest{}
	}
	return digest{}, digest{}
}

// sealPart is what the seal takes of a read: a hash of the path and of
// what it held, other than the answer's own hash (which the entry holds).
func sealPart(path string, data []byte) digest {
	return hashAnswer(nil, []byte("salint seal\n"), []byte(path), data)
}

// answered reports whether ask gives every question its answer, and
// returns the key that seals the objects of an entry with these answers:
// a hash of the seal parts of its reads.
func answered(ask func(question) (d, part digest), questions []question, answers []digest) (seal digest, ok bool) {
	h := sha256.New()
	h.Write([]byte("salint seal\n"))
	for i, q := range questions {
		d, part := ask(q)
		if d != answers[i] {
			return digest{}, false
		}
		if q.op == askRead {
			h.Write(part[:])
		}
	}
	h.Sum(seal[:0])
	return seal, true
}

// readRegular reads the file at path for checking an entry, as a build
// reads it (os.ReadFile, whose error is an answer too), when it is a
// regular file of at most limit bytes; ok is false for anything else. It
// opens without blocking and looks at what it opened, so that a named
// pipe put in place after a look at the path cannot hold the read, nor a
// device or a growing file make it endless.
func readRegular(path string, limit int64) (data []byte, ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() > limit {
		return nil, false, nil
	}
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(data)) > limit {
		return nil, false, nil
	}
	return data, true, nil
}

func hashAnswer(err error, parts ...[]byte) digest {
	h := sha256.New()
	for _, p := range parts {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write(p)
	}
	if err != nil {
		h.Write([]byte("\x00error\x00" + err.Error()))
	}
	var d digest
	h.Sum(d[:0])
	return d
}

func hashBool(v bool) digest {
	if v {
		return hashAnswer(nil, []byte{1})
	}
	return hashAnswer(nil, []byte{0})
}

func hashList(names []string, err error) digest {
	return hashAnswer(err, []byte(strings.Join(names, "\x00")))
}

// recorder collects the questions of one root's builds and their answers.
type recorder struct {
	mu      sync.Mutex
	answers map[question]digest
	order   []question
	// spoilt is set by what an entry cannot stand for: a write, a file
	// opened or walked, or one question answered two ways (a file
	// changed during the build).
	spoilt bool
}

func newRecorder() *recorder {
	return &recorder{answers: map[question]digest{}}
}

func (r *recorder) add(q question, d digest) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.answers[q]; ok {
		if old != d {
			r.spoilt = true
		}
		return
	}
	r.answers[q] = d
	r.order = append(r.order, q)
}

func (r *recorder) spoil() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.spoilt = true
	r.mu.Unlock()
}

// inputFS is the input as builds read it: the disk, with Options.Sources
// in place of the files they name, every question recorded when rec is
// set.
type inputFS struct {
	filesys.FileSystem
	sources map[string]*model.Source
	rec     *recorder
}

func newInputFS(sources map[string]*model.Source, rec *recorder) *inputFS {
	return &inputFS{FileSystem: filesys.MakeFsOnDisk(), sources: sources, rec: rec}
}

// ReadFile implements filesys.FileSystem.
func (fs *inputFS) ReadFile(path string) ([]byte, error) {
	var data []byte
	var err error
	if src := fs.sources[path]; src != nil {
		data = src.Data
	} else {
		data, err = fs.FileSystem.ReadFile(path)
	}
	fs.rec.add(question{askRead, path}, hashAnswer(err, data))
	return data, err
}

// IsDir implements filesys.FileSystem.
func (fs *inputFS) IsDir(path string) bool {
	v := fs.FileSystem.IsDir(path)
	fs.rec.add(question{askIsDir, path}, hashBool(v))
	return v
}

// Exists implements filesys.FileSystem.
func (fs *inputFS) Exists(path string) bool {
	v := fs.FileSystem.Exists(path)
	fs.rec.add(question{askExists, path}, hashBool(v))
	return v
}

// ReadDir implements filesys.FileSystem.
func (fs *inputFS) ReadDir(path string) ([]string, error) {
	names, err := fs.FileSystem.ReadDir(path)
	fs.rec.add(question{askReadDir, path}, hashList(names, err))
	return names, err
}

// Glob implements filesys.FileSystem; kustomize does not glob, and an
// entry's glob would not be asked again (see ask), so the build is not
// kept.
func (fs *inputFS) Glob(pattern string) ([]string, error) {
	fs.rec.spoil()
	return fs.FileSystem.Glob(pattern)
}

// CleanedAbs implements filesys.FileSystem.
func (fs *inputFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	dir, file, err := fs.FileSystem.CleanedAbs(path)
	fs.rec.add(question{askCleanedAbs, path}, hashAnswer(err, []byte(string(dir)), []byte(file)))
	return dir, file, err
}

// Open implements filesys.FileSystem; what is read through it is not
// recorded, so the build is not kept.
func (fs *inputFS) Open(path string) (filesys.File, error) {
	fs.rec.spoil()
	return fs.FileSystem.Open(path)
}

// Walk implements filesys.FileSystem (see Open).
func (fs *inputFS) Walk(path string, walkFn filepath.WalkFunc) error {
	fs.rec.spoil()
	return fs.FileSystem.Walk(path, walkFn)
}

// Create, Mkdir, MkdirAll, RemoveAll and WriteFile are never used by a
// build of salint's; a build that did would not be kept.

// Create implements filesys.FileSystem.
func (fs *inputFS) Create(path string) (filesys.File, error) {
	fs.rec.spoil()
	return fs.FileSystem.Create(path)
}

// Mkdir implements filesys.FileSystem.
func (fs *inputFS) Mkdir(path string) error {
	fs.rec.spoil()
	return fs.FileSystem.Mkdir(path)
}

// MkdirAll implements filesys.FileSystem.
func (fs *inputFS) MkdirAll(path string) error {
	fs.rec.spoil()
	return fs.FileSystem.MkdirAll(path)
}

// RemoveAll implements filesys.FileSystem.
func (fs *inputFS) RemoveAll(path string) error {
	fs.rec.spoil()
	return fs.FileSystem.RemoveAll(path)
}

// WriteFile implements filesys.FileSystem.
func (fs *inputFS) WriteFile(path string, data []byte) error {
	fs.rec.spoil()
	return fs.FileSystem.WriteFile(path, data)
}

// built is what a root's build gave: its objects, each with where it
// came from, and how it was built (see build).
type built struct {
	objects []*yaml.RNode
	origins []*resource.Origin
	how     string
}

// buildCache is a cache directory of root builds, as one Build uses it.
type buildCache struct {
	dir     string
	answers answerMemo // what checking entries asked, once per Build
}

// answerMemo answers each question once: the roots of a Build share
// bases, whose files every entry asks about.
type answerMemo struct {
	mu sync.Mutex
	m  map[question]memoAnswer
}

// memoAnswer is an answer's hash and its seal part: not what a read
// gave, which the memo would hold for the whole Build.
type memoAnswer struct {
	d, part digest
}

func (m *answerMemo) ask(fs filesys.FileSystem, q question) (d, part digest) {
	m.mu.Lock()
	a, ok := m.m[q]
	m.mu.Unlock()
	if ok {
		return a.d, a.part
	}
	a.d, a.part = ask(fs, q)
	m.mu.Lock()
	if m.m == nil {
		m.m = map[question]memoAnswer{}
	}
	m.m[q] = a
	m.mu.Unlock()
	return a.d, a.part
}

// openCache returns the cache in dir, or nil when there is none: dir
// empty, or the binary's identity unknown.
func openCache(dir string) *buildCache {
	if dir == "" || binaryIdentity() == "" {
		return nil
	}
	return &buildCache{dir: filepath.Join(dir, "kustomize")}
}

// binaryIdentity names the running salint: an entry made by another
// binary (another salint or kustomize version) is never used. The
// executable's path, size and time tell builds apart, its build
// information (module versions, VCS revision) binaries copied with their
// times kept, and its Go build ID builds that share all of those (no VCS
// stamp, normalized times: a small change often keeps the size).
var binaryIdentity = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return identityOf(exe)
})

// goBuildID returns the Go build ID of the executable exe (a hash of
// what was compiled, as go tool buildid prints it), or "": in ELF a
// note, elsewhere a marked string near the start of the text.
func goBuildID(exe string) string {
	if f, err := elf.Open(exe); err == nil {
		defer func() { _ = f.Close() }()
		s := f.Section(".note.go.buildid")
		if s == nil {
			return ""
		}
		// namesz, descsz and type (4 bytes each), the name "Go\x00\x00",
		// then the ID.
		data, err := s.Data()
		if err != nil || len(data) < 16 {
			return ""
		}
		n := binary.LittleEndian.Uint32(data[4:8])
		if f.ByteOrder == binary.BigEndian {
			n = binary.BigEndian.Uint32(data[4:8])
		}
		if int64(n) > int64(len(data)-16) {
			return ""
		}
		return string(data[16 : 16+n])
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	const prefix = "\xff Go build ID: \""
	_, id, ok := bytes.Cut(head[:n], []byte(prefix))
	if !ok {
		return ""
	}
	id, _, ok = bytes.Cut(id, []byte("\"\n \xff"))
	if !ok {
		return ""
	}
	return string(id)
}

// identityOf is binaryIdentity of the executable exe.
func identityOf(exe string) string {
	info, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	id := exe + "\x00" + info.ModTime().UTC().Format(time.RFC3339Nano) + "\x00" + strconv.FormatInt(info.Size(), 10)
	if bi, ok := debug.ReadBuildInfo(); ok {
		id += "\x00" + bi.String()
	}
	return id + "\x00" + goBuildID(exe)
}

// key names the entry of root's build with the given options.
func (c *buildCache) key(root *kustFile, opts Options) digest {
	flags := []byte{0, 0, 0}
	if opts.Stub {
		flags[0] = 1
	}
	if useMarks {
		flags[1] = 1
	}
	if useGuards {
		flags[2] = 1
	}
	return hashAnswer(nil, []byte(cacheFormat), []byte(binaryIdentity()), []byte(root.abs), flags)
}

func (c *buildCache) path(key digest) string {
	name := hex.EncodeToString(key[:])
	return filepath.Join(c.dir, name[:2], name)
}

// load returns the build kept under key when every question it recorded
// gets the same answer from fs.
func (c *buildCache) load(key digest, fs filesys.FileSystem) (*built, bool) {
	file := c.path(key)
	data, ok := readEntry(file)
	if !ok {
		return nil, false
	}
	e, ok := decodeHeader(data, key)
	if !ok {
		return nil, false
	}
	seal, ok := answered(func(q question) (digest, digest) { return c.answers.ask(fs, q) }, e.questions, e.answers)
	if !ok {
		return nil, false
	}
	if e.built, ok = e.open(seal); !ok {
		return nil, false
	}
	if info, err := os.Stat(file); err == nil && time.Since(info.ModTime()) > cacheTouchAge {
		now := time.Now()
		_ = os.Chtimes(file, now, now)
	}
	return e.built, true
}

// store keeps b under key with the questions rec recorded, when nothing
// spoilt them and the input still answers them so: a file that changed
// while the build ran may have been read both ways.
func (c *buildCache) store(key digest, rec *recorder, fs filesys.FileSystem, b *built) {
	if rec.spoilt || len(rec.order) > maxQuestions {
		return
	}
	answers := make([]digest, len(rec.order))
	for i, q := range rec.order {
		answers[i] = rec.answers[q]
	}
	// Asked again, not taken from answers.ask: this is what tells that
	// the files stood still while the build read them.
	seal, ok := answered(func(q question) (digest, digest) { return ask(fs, q) }, rec.order, answers)
	if !ok {
		return
	}
	data, ok := encodeEntry(key, rec.order, answers, seal, b)
	if !ok || len(data) > maxEntrySize {
		return
	}
	file := c.path(key)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil || !replaceFile(file, data) {
		return
	}
	c.trim()
}

// replaceFile puts a file holding data in file's place, whole or not at
// all, and never writes through a symlink there (a cache restored from
// elsewhere may hold one pointing at any file of the user's).
func replaceFile(file string, data []byte) bool {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-*")
	if err != nil {
		return false
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		_ = os.Remove(tmp.Name())
		return false
	}
	return true
}

// trim removes entries unused for cacheTrimAge, at most once a day.
func (c *buildCache) trim() {
	mark := filepath.Join(c.dir, "trim.txt")
	if info, err := os.Stat(mark); err == nil && time.Since(info.ModTime()) < 24*time.Hour {
		return
	}
	if !replaceFile(mark, []byte(time.Now().UTC().Format(time.RFC3339)+"\n")) {
		return
	}
	subdirs, _ := os.ReadDir(c.dir)
	for _, d := range subdirs {
		if !d.IsDir() || len(d.Name()) != 2 || !isHex(d.Name()) {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(c.dir, d.Name()))
		for _, e := range entries {
			if !isEntryFile(d.Name(), e.Name()) {
				continue
			}
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > cacheTrimAge {
				_ = os.Remove(filepath.Join(c.dir, d.Name(), e.Name()))
			}
		}
	}
}

// isEntryFile reports whether name, in subdirectory sub, is a file
// salint writes there (see path and store): trim removes nothing else,
// since a cache directory given by mistake may hold the user's files.
func isEntryFile(sub, name string) bool {
	if tmp, ok := strings.CutPrefix(name, ".tmp-"); ok {
		return tmp != "" && strings.Trim(tmp, "0123456789") == ""
	}
	return len(name) == 2*len(digest{}) && strings.HasPrefix(name, sub) && isHex(name)
}

func isHex(s string) bool {
	return strings.Trim(s, "0123456789abcdef") == ""
}

// cacheEntry is a cache file: its header read, its objects still sealed.
type cacheEntry struct {
	questions []question
	answers   []digest
	header    []byte // what the seal authenticates besides the objects
	nonce     []byte
	sealed    []byte
	built     *built
}

// An entry is cacheFormat, the key, the questions with their answers
// (the header), then a GCM nonce and the sealed objects: how the root was
// built, then each object's origin and node tree in preorder.

func encodeEntry(key digest, questions []question, answers []digest, seal digest, b *built) ([]byte, bool) {
	objs, ok := encodeObjects(b)
	if !ok {
		return nil, false
	}
	return sealEntry(key, questions, answers, seal, objs)
}

// sealEntry writes an entry of the objects objs (see encodeObjects).
func sealEntry(key digest, questions []question, answers []digest, seal digest, objs []byte) ([]byte, bool) {
	w := &writer{}
	w.b = append(w.b, cacheFormat...)
	w.b = append(w.b, key[:]...)
	w.uint(uint64(len(questions)))
	for i, q := range questions {
		w.b = append(w.b, q.op)
		w.str(q.path)
		w.b = append(w.b, answers[i][:]...)
	}
	header := w.b

	aead, ok := newAEAD(seal)
	if !ok {
		return nil, false
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, false
	}
	out := append(header, nonce...)
	return aead.Seal(out, nonce, objs, header), true
}

// encodeObjects writes how b was built, then each object: its origin and
// its node tree (kind and name only of objects no rule reads).
func encodeObjects(b *built) ([]byte, bool) {
	w := &writer{}
	w.str(b.how)
	w.uint(uint64(len(b.objects)))
	for i, o := range b.objects {
		w.origin(b.origins[i])
		n := o.YNode()
		if !model.Needed(o.GetKind()) {
			n = nameOnly(o)
		}
		if !w.node(n) {
			return nil, false
		}
	}
	return w.b, true
}

func newAEAD(key digest) (cipher.AEAD, bool) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, false
	}
	aead, err := cipher.NewGCM(block)
	return aead, err == nil
}

// nameOnly is the part of an object no rule reads that addObject reads.
func nameOnly(o *yaml.RNode) *yaml.Node {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	meta := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str("name"), str(o.GetName())}}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		str("apiVersion"), str(o.GetApiVersion()), str("kind"), str(o.GetKind()), str("metadata"), meta,
	}}
}

// decodeHeader reads an entry's header; false when the file is not an
// entry of key.
func decodeHeader(data []byte, key digest) (*cacheEntry, bool) {
	r := &reader{b: data}
	if string(r.bytes(len(cacheFormat))) != cacheFormat || !bytes.Equal(r.bytes(len(key)), key[:]) {
		return nil, false
	}
	e := &cacheEntry{}
	n := r.count()
	if n > maxQuestions {
		return nil, false
	}
	for ; n > 0 && r.err == nil; n-- {
		op := r.byte()
		path := r.str()
		var d digest
		copy(d[:], r.bytes(len(d)))
		e.questions = append(e.questions, question{op, path})
		e.answers = append(e.answers, d)
	}
	e.header = data[:len(data)-len(r.b)]
	e.nonce = r.bytes(12)
	e.sealed = r.b
	return e, r.err == nil
}

// open unseals e's objects with key seal.
func (e *cacheEntry) open(seal digest) (*built, bool) {
	aead, ok := newAEAD(seal)
	if !ok || len(e.nonce) != aead.NonceSize() {
		return nil, false
	}
	plain, err := aead.Open(nil, e.nonce, e.sealed, e.header)
	if err != nil {
		return nil, false
	}
	return decodeObjects(plain)
}

// decodeObjects reads the objects of an entry, unsealed.
func decodeObjects(plain []byte) (*built, bool) {
	r := &reader{b: plain}
	b := &built{how: r.str()}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		b.origins = append(b.origins, r.origin())
		n := r.node(0)
		if n.Kind != yaml.MappingNode {
			r.fail() // an object is a mapping
		}
		b.objects = append(b.objects, yaml.NewRNode(n))
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, false
	}
	return b, true
}

type writer struct {
	b    []byte
	seen map[*yaml.Node]int // nodes written, by order (see node)
}

func (w *writer) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }

func (w *writer) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) origin(o *resource.Origin) {
	if o == nil {
		w.b = append(w.b, 0)
		return
	}
	w.b = append(w.b, 1)
	for _, s := range []string{o.Path, o.Repo, o.Ref, o.ConfiguredIn,
		o.ConfiguredBy.APIVersion, o.ConfiguredBy.Kind, o.ConfiguredBy.Name, o.ConfiguredBy.Namespace} {
		w.str(s)
	}
}

// node writes n's tree; false when it holds an alias (kustomize's output
// has none: each is expanded when read). A node met again (kustomize puts
// one node in two places, such as common labels in metadata and a
// selector) is written as a reference to the first, so that it is one
// node again when read: salint sets positions on built nodes, and a
// shared node has the position set last.
func (w *writer) node(n *yaml.Node) bool {
	if i, ok := w.seen[n]; ok {
		w.uint(0)
		w.uint(uint64(max(i, 0)))
		return true
	}
	if n.Kind == yaml.AliasNode || n.Kind == 0 {
		return false
	}
	if w.seen == nil {
		w.seen = map[*yaml.Node]int{}
	}
	w.seen[n] = len(w.seen)
	w.uint(uint64(n.Kind))
	w.uint(uint64(n.Style))
	for _, s := range []string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		w.str(s)
	}
	w.uint(uint64(max(n.Line, 0)))
	w.uint(uint64(max(n.Column, 0)))
	w.uint(uint64(len(n.Content)))
	for _, c := range n.Content {
		if !w.node(c) {
			return false
		}
	}
	return true
}

// reader reads what writer wrote; err is set at the first malformed
// byte, after which every read gives zero values.
type reader struct {
	b     []byte
	err   error
	nodes []*yaml.Node // read, by order (see writer.node)
	// sizes holds, by order, the nodes of each tree read, references
	// expanded; 0 while the node is still being read (an ancestor).
	sizes []int
	// expanded counts the nodes of the trees read, references expanded:
	// what every walk of the objects visits (see grow).
	expanded int
}

// grow adds n nodes to what the trees read expand to. References to nodes
// read before let a small entry stand for a tree exponentially larger
// (each node two references to the one before): the trees may expand to
// maxExpandedNodes (the bound guard puts on each file of a build) plus a
// few times the nodes read, far more than kustomize's sharing makes.
func (r *reader) grow(n int) {
	r.expanded += n
	if r.expanded > maxExpandedNodes+4*len(r.nodes) {
		r.fail()
	}
}

var errMalformed = errors.New("malformed cache entry")

func (r *reader) fail() { r.err, r.b = errMalformed, nil }

func (r *reader) uint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length that cannot exceed what is left to read.
func (r *reader) count() int {
	n := r.int()
	if n > len(r.b) {
		r.fail()
		return 0
	}
	return n
}

// int reads a number that fits in 31 bits (lengths, lines, columns).
func (r *reader) int() int {
	v := r.uint()
	if v > math.MaxInt32 {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte {
	if b := r.bytes(1); len(b) == 1 {
		return b[0]
	}
	return 0
}

func (r *reader) str() string { return string(r.bytes(r.count())) }

func (r *reader) origin() *resource.Origin {
	if r.byte() == 0 {
		return nil
	}
	o := &resource.Origin{Path: r.str(), Repo: r.str(), Ref: r.str(), ConfiguredIn: r.str()}
	o.ConfiguredBy.APIVersion = r.str()
	o.ConfiguredBy.Kind = r.str()
	o.ConfiguredBy.Name = r.str()
	o.ConfiguredBy.Namespace = r.str()
	return o
}

// maxCachedDepth bounds the nesting an entry may claim (a corrupt or
// hostile file must not exhaust the stack); kustomize's own output is
// far shallower.
const maxCachedDepth = 10_000

func (r *reader) node(depth int) *yaml.Node {
	if depth > maxCachedDepth {
		r.fail()
	}
	if r.err != nil {
		return &yaml.Node{}
	}
	n := &yaml.Node{}
	switch kind := r.uint(); kind {
	case 0:
		// A reference to an ancestor would make a cycle, which no
		// walk of the tree would leave.
		if i := r.uint(); i < uint64(len(r.nodes)) && r.sizes[i] > 0 {
			if r.grow(r.sizes[i]); r.err == nil {
				return r.nodes[i]
			}
		}
		r.fail()
		return n
	default:
		// No document node: kustomize's objects are mappings, and kyaml
		// reads a document's one node as a mapping's content.
		for _, k := range []yaml.Kind{yaml.SequenceNode, yaml.MappingNode, yaml.ScalarNode} {
			if uint64(k) == kind {
				n.Kind = k
			}
		}
		if n.Kind == 0 {
			r.fail()
			return n
		}
	}
	style := r.uint()
	if style > math.MaxUint8 {
		r.fail()
		return n
	}
	n.Style = yaml.Style(style)
	at, start := len(r.nodes), r.expanded
	r.nodes, r.sizes = append(r.nodes, n), append(r.sizes, 0)
	r.grow(1) // so a node read has a size of at least 1
	defer func() { r.sizes[at] = r.expanded - start }()
	n.Tag, n.Value, n.Anchor = r.str(), r.str(), r.str()
	n.HeadComment, n.LineComment, n.FootComment = r.str(), r.str(), r.str()
	n.Line, n.Column = r.int(), r.int()
	k := r.count()
	if n.Kind == yaml.MappingNode && k%2 != 0 {
		// kyaml reads a mapping's content in key, value pairs.
		r.fail()
		return n
	}
	if k > 0 {
		n.Content = make([]*yaml.Node, k)
		for i := range n.Content {
			n.Content[i] = r.node(depth + 1)
		}
	}
	return n
}
