//go:build unix

package mutate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock (flock) on the file at path,
// waiting for another holder, and returns its release. A rename replaces
// the file under a waiting holder, so the lock is taken again until it is
// on the file the path names.
func lockFile(path string) (unlock func(), err error) {
	for range 100 {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if err := flock(f, syscall.LOCK_EX); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("locking the file: %w", err)
		}
		held, err1 := f.Stat()
		named, err2 := os.Stat(path)
		if err := errors.Join(err1, err2); err != nil {
			_ = f.Close()
			return nil, err
		}
		if os.SameFile(held, named) {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		_ = f.Close()
	}
	return nil, errors.New("the file is being replaced again and again; not written")
}

// flock is syscall.Flock, retried when a signal interrupts the wait.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// keepOwner gives tmp the owner and group of info's file (when salint runs
// as root on files of another user, a new file would be root's).
func keepOwner(tmp tempFile, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid()) {
		return nil
	}
	if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("cannot keep the file's owner and group (%d:%d): %w", st.Uid, st.Gid, err)
	}
	return nil
}
