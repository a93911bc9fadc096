//go:build !unix

package lint_test

import "time"

// processCPU cannot read the process's CPU time here: benchmarks then
// report wall time only.
func processCPU() time.Duration { return 0 }
