//go:build !unix

package main

// oNoFollow: no open flag refuses a link here; the Lstat before the open
// does.
const oNoFollow = 0
