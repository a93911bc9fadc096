package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The collector runs at 200% while the live heap is small and falls back
// to Go's default 100% before the heap could pass gcHeapCeiling, so a
// large repository peaks where it did (issue 16: 100,000 documents under
// 1 GiB), and never below 100%, so no heap makes it collect more than Go
// would.
func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 200},
		{4 * mib, 200},
		{gcHeapCeiling / 3, 200},
		{gcHeapCeiling * 2 / 5, 150},
		{gcHeapCeiling / 2, 100},
		{gcHeapCeiling, 100},
		{10 * gcHeapCeiling, 100},
	} {
		if got := gcPercentFor(tc.live); got != tc.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tc.live/mib, got, tc.want)
		}
	}
}

func TestTuneGC_SetsThePercentAfterCollections(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer tuneGC(func(string) string { return "" })()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("percent at start %d, want 200", got)
	}
	// After a collection the tuner sets it again from the live heap.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if got := debug.SetGCPercent(100); got == 200 {
			return
		}
	}
	t.Error("the tuner did not set the percent again after collections")
}

// A user's GOGC or GOMEMLIMIT is theirs: the tuner stays out.
func TestTuneGC_LeavesTheUsersSettings(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		stop := tuneGC(func(key string) string {
			if key == name {
				return "50"
			}
			return ""
		})
		stop()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("with %s set, percent %d, want 100 (untouched)", name, got)
		}
	}
}
