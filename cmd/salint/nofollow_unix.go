//go:build unix

package main

import "syscall"

// oNoFollow makes an open fail when the path's last element is a symbolic
// link, so that a link put there after the check is not followed either.
const oNoFollow = syscall.O_NOFOLLOW
