package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcHeapCeiling is the heap goal above which the collector runs at Go's
// default again.
const gcHeapCeiling = 512 << 20

// gcPercentFor is the collector's percent (GOGC) for a live heap of live
// bytes: 200 while the heap goal it gives, live × 3, stays under
// gcHeapCeiling, then what keeps the goal there, and never below Go's 100.
// So a lint of a few thousand documents collects half as often as with the
// default (the peers bench: 12 collections instead of 25, issue 16 and
// docs/PERFORMANCE.md), and a large repository, whose live heap is over
// half the ceiling, collects as it would without the tuner and peaks where
// it did (100,000 documents under 1 GiB).
func gcPercentFor(live uint64) int {
	switch {
	case live == 0:
		return 200
	case live >= gcHeapCeiling/2:
		return 100
	}
	return int(min((gcHeapCeiling-live)*100/live, 200))
}

// gcSentinel is what the tuner's finalizer hangs on: an object with a
// pointer, so that the allocator gives it a block of its own and the
// collector finds it unreachable in the first collection after it is
// made.
type gcSentinel struct{ _ *byte }

// tuneGC sets the collector's percent from gcPercentFor after every
// collection, unless the user set GOGC or GOMEMLIMIT, and returns what
// stops it. A finalizer runs after each collection that found its object
// unreachable; it reads the live heap and arms a new one.
func tuneGC(getenv func(string) string) (stop func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	var stopped atomic.Bool
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	debug.SetGCPercent(gcPercentFor(0))
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
			if stopped.Load() {
				return
			}
			metrics.Read(sample)
			debug.SetGCPercent(gcPercentFor(sample[0].Value.Uint64()))
			arm()
		})
	}
	arm()
	return func() { stopped.Store(true) }
}
