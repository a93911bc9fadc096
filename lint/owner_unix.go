//go:build unix

package lint

import (
	"io/fs"
	"os"
	"syscall"
)

// foreignOwner reports the owner of a file that the current user does not
// own, and the current user.
func foreignOwner(info fs.FileInfo) (owner, me int, foreign bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	me = os.Geteuid()
	return int(st.Uid), me, int(st.Uid) != me
}
