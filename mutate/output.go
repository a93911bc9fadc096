package mutate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Output is a report file (--output) being written: the bytes go to a
// temporary file beside it, renamed over it by Commit, so that a reader
// never sees half a report and a failed run leaves the old one. A symbolic
// link is refused: a repository that commits the report's name as a link
// would make salint overwrite the file it points to, anywhere. Devices
// and pipes named directly (/dev/stdout, /dev/null) are written to as
// they are.
type Output struct {
	disk   disk
	target string
	info   fs.FileInfo // the file replaced; nil for a new file
	tmp    tempFile    // nil when writing directly
	direct *os.File
	done   bool
	err    error // Commit's result
}

// CreateOutput opens path for a report.
func CreateOutput(path string) (*Output, error) {
	return disk{}.createOutput(path)
}

// createOutput is CreateOutput on d.
func (d disk) createOutput(path string) (*Output, error) {
	path = filepath.Clean(path)
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		info = nil
	case err != nil:
		return nil, err
	case info.Mode()&fs.ModeSymlink != 0 && !streamLink(path):
		return nil, fmt.Errorf("%s is a symbolic link; salint does not write a report through one (it could point anywhere): remove it or name the file itself", path)
	case info.Mode()&fs.ModeSymlink != 0 || info.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, err
		}
		return &Output{target: path, direct: f}, nil
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	tmp, err := d.createBeside(path)
	if err != nil {
		return nil, err
	}
	return &Output{disk: d, target: path, info: info, tmp: tmp}, nil
}

// streamLink reports a link such as /dev/stdout or /dev/fd/1 that names a
// stream of this process: a character device or a pipe under /dev or
// /proc, which the user named, not a repository.
func streamLink(path string) bool {
	abs, err := filepath.Abs(path)
	underDev := strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
	if err != nil || !underDev {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && info.Mode()&(fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0
}

// Write writes to the report.
func (o *Output) Write(p []byte) (int, error) {
	if o.direct != nil {
		return o.direct.Write(p)
	}
	return o.tmp.Write(p)
}

// Commit closes the report and puts it in place; an error a close reveals
// (a delayed write failure on some file systems) is returned, and the old
// file is then kept. Later calls return the first result.
func (o *Output) Commit() error {
	if o.done {
		return o.err
	}
	o.done = true
	if o.direct != nil {
		o.err = o.direct.Close()
	} else {
		o.err = o.disk.finish(o.tmp, o.target, o.info)
	}
	return o.err
}

// Abort drops a report not committed (a failed run): the temporary file
// is removed, the old report kept. After Commit it does nothing.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	if o.direct != nil {
		_ = o.direct.Close()
	} else {
		discard(o.tmp)
	}
	o.err = errors.New("report not written")
}
