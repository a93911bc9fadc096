//go:build !unix

package mutate

import "io/fs"

// lockFile does nothing where flock does not exist (Windows, Plan 9):
// there two salint runs fixing one file at once may lose one's edit
// (README, "salint fix").
func lockFile(string) (func(), error) { return func() {}, nil }

// keepOwner does nothing: files there have no Unix owner to keep.
func keepOwner(tempFile, fs.FileInfo) error { return nil }
