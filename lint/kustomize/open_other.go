//go:build !unix

package kustomize

// openNonblock: elsewhere a named pipe is not opened by a plain open.
const openNonblock = 0
