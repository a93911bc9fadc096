package model

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel calls do(i) for every i in [0, n) on as many goroutines as
// there are cores, each taking the next index. Callers store results by
// index, so the outcome does not depend on the scheduling.
func Parallel(n int, do func(i int)) {
	ParallelWorkers(runtime.GOMAXPROCS(0), n, do)
}

// ParallelWorkers is Parallel on at most workers goroutines.
func ParallelWorkers(workers, n int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				do(i)
			}
		})
	}
	wg.Wait()
}
