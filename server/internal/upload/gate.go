package upload

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/semaphore"
)

// Gate admits work up to a size at once, each piece weighed (one decode, or a body's bytes); the
// rest wait in turn, no longer than the gate's wait nor than the request lasts (a client that gave
// up frees its place).
type Gate struct {
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
}

// NewGate admits size at once; a piece waits at most wait.
func NewGate(size int64, wait time.Duration) *Gate {
	size = max(size, 1)
	return &Gate{sem: semaphore.NewWeighted(size), size: size, wait: wait}
}

// Enter waits until n fits (a piece larger than the gate waits for all of it), and returns ErrBusy
// when it did not in time; leave lets the next in and must be called once.
func (g *Gate) Enter(ctx context.Context, n int64) (leave func(), err error) {
	n = min(max(n, 1), g.size)
	if g.sem.TryAcquire(n) {
		return func() { g.sem.Release(n) }, nil
	}
	wctx, cancel := context.WithTimeoutCause(ctx, g.wait, fmt.Errorf("waited %s", g.wait))
	defer cancel()
	if err := g.sem.Acquire(wctx, n); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBusy, context.Cause(wctx))
	}
	return func() { g.sem.Release(n) }, nil
}
