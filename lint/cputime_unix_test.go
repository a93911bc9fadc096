//go:build unix

package lint_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time, user and system, that this process has
// used so far, every thread counted (the collector's too); 0 when it
// cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
