//go:build !unix

package lint

import "io/fs"

// foreignOwner: file ownership is not checked where it is not a user ID.
func foreignOwner(fs.FileInfo) (owner, me int, foreign bool) { return 0, 0, false }
